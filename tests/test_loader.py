"""The loader in-process: YAML 1.2 values, positions, duplicate keys, encodings,
and the plain-language messages for syntax errors."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.loader import (
    MAX_DEPTH,
    MAX_NODES,
    _count_nodes,
    load_bytes,
    parse_text,
)


def data_of(text: str):
    doc = parse_text("t.yaml", text)
    assert doc.findings == [], doc.findings
    return doc.data


def only_finding(text: str):
    doc = parse_text("t.yaml", text)
    assert doc.data is None
    assert len(doc.findings) == 1, doc.findings
    return doc.findings[0]


@pytest.mark.parametrize("text, expected", [
    # YAML 1.1 booleans are strings in YAML 1.2
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"), ("Yes", "Yes"),
    ("true", True), ("false", False), ("True", True), ("FALSE", False),
    # octal needs 0o; a leading zero is decimal
    ("0o14", 12), ("010", 10), ("0x1F", 31), ("-7", -7), ("+3", 3), ("0", 0),
    ("1.5", 1.5), ("-.5", -0.5), ("1e3", 1000.0), ("2.", 2.0),
    # dates and times stay text (pydantic reads dates where the model wants one)
    ("2026-01-02", "2026-01-02"), ("12:30", "12:30"), ("1_000", "1_000"),
    # nulls
    ("~", None), ("null", None), ("Null", None), ("", None),
    # quoted values are always strings
    ("'12'", "12"), ('"true"', "true"), ("'~'", "~"), ('"0o14"', "0o14"),
    # explicit standard tags
    ("!!str 12", "12"), ("!!int '7'", 7), ("!!float 1", 1.0), ("!!bool 'true'", True), ("!!null ''", None),
    # strings that look almost like numbers
    ("1.2.3", "1.2.3"), ("-x", "-x"), (".", "."), ("+", "+"), ("0x", "0x"), ("v1", "v1"),
])
def test_yaml_1_2_scalars(text: str, expected) -> None:
    value = data_of(f"k: {text}\n")["k"]
    assert value == expected
    assert type(value) is type(expected)


def test_nested_data_and_order() -> None:
    data = data_of("b: 1\na:\n  - x\n  - {y: [1, 2], z: null}\n")
    assert data == {"b": 1, "a": ["x", {"y": [1, 2], "z": None}]}
    assert list(data) == ["b", "a"]


def test_value_and_key_positions_are_1_based() -> None:
    doc = parse_text("t.yaml", "cjm: 1\nstages:\n  - id: buy\n    name: \"Buy it\"\n")
    index = doc.index
    span = index.span(("stages", 0, "name"))
    assert (span.line, span.column, span.end_line, span.end_column) == (4, 11, 4, 19)
    key = index.span(("stages", 0, "name"), key=True)
    assert (key.line, key.column, key.end_line, key.end_column) == (4, 5, 4, 9)
    assert (index.span(("stages", 0)).line, index.span(("stages", 0)).column) == (3, 5)
    # a missing key points at the mapping that lacks it
    assert index.span(("stages", 0, "touchpoints")).line == 3
    assert index.span(()).file == "t.yaml"


def test_positions_count_characters_not_bytes() -> None:
    doc = parse_text("t.yaml", "título: café\nnombre: über\n")
    span = doc.index.span(("nombre",))
    assert (span.line, span.column) == (2, 9)


def test_duplicate_key_names_the_first_occurrence() -> None:
    doc = parse_text("t.yaml", "cjm: 1\nstages:\n  - id: a\n    name: A\n    id: b\n")
    [f] = doc.findings
    assert f.code == "CJM102" and f.rule == "duplicate-key"
    assert (f.span.line, f.span.column) == (5, 5)
    assert "'id'" in f.message and "first defined at line 3, column 5" in f.message
    # the first value wins, so that positions and data agree
    assert doc.data["stages"][0]["id"] == "a"


def test_every_duplicate_is_reported() -> None:
    doc = parse_text("t.yaml", "a: 1\na: 2\nb: 1\na: 3\nb: 2\n")
    assert [(f.span.line, f.code) for f in doc.findings] == [(2, "CJM102"), (4, "CJM102"), (5, "CJM102")]
    assert all("line 1" in f.message for f in doc.findings[:2])


def test_bom_is_accepted() -> None:
    doc = load_bytes("t.yaml", b"\xef\xbb\xbfcjm: 1\ntitle: x\n")
    assert doc.findings == []
    assert doc.data == {"cjm": 1, "title": "x"}
    assert doc.index.span(("title",)).line == 2


def test_crlf_line_ends() -> None:
    doc = load_bytes("t.yaml", b"cjm: 1\r\ntitle: x\r\nowner: y\r\n")
    assert doc.data == {"cjm": 1, "title": "x", "owner": "y"}
    assert doc.index.span(("owner",)).line == 3


@pytest.mark.parametrize("raw, code, line, column, words", [
    (b"a: 1\nb: caf\xe9\n", "CJM103", 2, 7, "not valid UTF-8"),
    ("a: 1\n".encode("utf-16"), "CJM103", 1, 1, "UTF-16"),
    ("a: 1\n".encode("utf-32"), "CJM103", 1, 1, "UTF-32"),
    (b"a: 1\nb: \x00\n", "CJM103", 2, 4, "NUL"),
    (b"a: 1\nb: x\x7fy\n", "CJM103", 2, 5, "U+007F"),
    (b"a: \xc2\x85ok\xc2\x9b\n", "CJM103", 1, 7, "U+009B"),
    ("a: 1\nb: x\ufdd0\n".encode(), "CJM103", 2, 5, "non-character"),
])
def test_encoding_problems(raw: bytes, code: str, line: int, column: int, words: str) -> None:
    doc = load_bytes("t.yaml", raw)
    [f] = doc.findings
    assert (f.code, f.span.line, f.span.column) == (code, line, column)
    assert words in f.message


@pytest.mark.parametrize("text, line, column, words", [
    ("a: 1\n\tb: 2\n", 2, 1, "tab character"),
    ("a: b: c\n", 1, 5, "must be quoted"),
    ("title: Step 1: sign up\n", 1, 14, "must be quoted"),
    ("a: [1, 2\nb: 3\n", 2, 2, "opened at line 1, column 4 is not closed"),
    ("a: {x: 1\n", 2, 1, "opened at line 1, column 4"),
    ("a: 'open\nb: 2\n", 1, 4, "never closed"),
    ("a:\n  b: 1\n c: 2\n", 3, 2, "line up"),
    ("- a\nb: 1\n", 2, 1, "line up"),
    ("a: @x\n", 1, 4, "'@'"),
    ('a: "\\q"\n', 1, 5, "escape"),
    ("a: *nowhere\n", 1, 4, "*nowhere refers to no anchor"),
    ("a: |\n b\nc\n", 4, 1, "':' is missing"),
    # a key one column off inside a list item, and one column too deep
    ("s:\n  - id: a\n    name: b\n   tp: []\n", 4, 4, "'tp' is indented to column 4"),
    ("s:\n  - id: a\n    name: b\n     tp: []\n", 4, 8, "'tp' is indented 1 more than the key 'name'"),
    ("a:\n  b: 1\n   c: 2\n", 3, 5, "'c' is indented 1 more than the key 'b' on line 2"),
])
def test_syntax_errors_in_plain_words(text: str, line: int, column: int, words: str) -> None:
    f = only_finding(text)
    assert f.code == "CJM101"
    assert (f.span.line, f.span.column) == (line, column), f.message
    assert words in f.message
    assert "while scanning" not in f.message and "while parsing" not in f.message


@pytest.mark.parametrize("text, code, words", [
    ("", "CJM105", "empty"),
    ("# nothing\n", "CJM105", "empty"),
    ("---\n", "CJM105", "empty"),
    ("a: 1\n---\nb: 2\n", "CJM105", "several YAML documents"),
    ("a: 1\n...\nb: 2\n", "CJM105", "after the end of the document"),
    ("- 1\n", "CJM105", "a list"),
    ("'just text'\n", "CJM105", "a single value"),
    ("a: &x [*x]\n", "CJM106", "cycle"),
    ("a: &x {b: *x}\n", "CJM106", "cycle"),
    ("? [a, b]\n: c\n", "CJM106", "keys must be plain names"),
    ("a: !foo x\n", "CJM106", "!foo"),
    ("a: !!binary aGk=\n", "CJM106", "!!binary"),
    ("a: !!timestamp 2026-01-02\n", "CJM106", "!!timestamp"),
    ("a: !!set {x, y}\n", "CJM106", "!!set"),
    ("a: !!omap [x: 1]\n", "CJM106", "!!omap"),
    ("a: !!int x\n", "CJM106", "not an integer"),
    ("base: &b {x: 1}\nc:\n  <<: *b\n", "CJM106", "merge keys"),
    ("a: .nan\n", "CJM106", "not a number"),
    ("a: -.inf\n", "CJM106", "infinity"),
    ("a: 1e99999\n", "CJM104", "too large"),
    ("a: " + "9" * 5000 + "\n", "CJM104", "too large"),
    ("a: 0x" + "f" * 200 + "\n", "CJM104", "too large"),
])
def test_documents_a_map_cannot_be(text: str, code: str, words: str) -> None:
    f = only_finding(text)
    assert f.code == code
    assert words in f.message
    assert f.span.line >= 1 and f.span.column >= 1


def test_a_quoted_huge_number_is_text() -> None:
    assert data_of("a: '" + "9" * 5000 + "'\n")["a"] == "9" * 5000


def test_finding_points_at_the_bad_value() -> None:
    f = only_finding("cjm: 1\nscale:\n  min: .nan\n")
    assert (f.span.line, f.span.column) == (3, 8)


def test_nesting_limit() -> None:
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert parse_text("t.yaml", ok).findings == []
    f = only_finding("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n")
    assert f.code == "CJM104" and "nest" in f.message


def test_aliases_are_expanded_and_bounded() -> None:
    assert data_of("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 7))
    f = only_finding(bomb)
    assert f.code == "CJM104" and f"{MAX_NODES:,}" in f.message


def test_value_count_bound_is_exact_enough() -> None:
    # Text with many commas in prose is not refused: the bound is only a
    # trigger for an exact count.
    prose = "d: '" + ", ".join(["word"] * (MAX_NODES // 2 + 10)) + "'\n"
    prose = prose.replace(", word, word, word, word, word, word, word, word", ",\n  word")  # keep lines short
    assert parse_text("t.yaml", prose).findings == []
    many = "a:\n" + "- 1\n" * (MAX_NODES + 10)
    f = only_finding(many)
    assert f.code == "CJM104" and "more than" in f.message
    assert _count_nodes("a: [1, 2, {b: c}]\n") == 8  # root, a, list, 1, 2, mapping, b, c
    assert _count_nodes("a: [\n") is None


def test_gc_state_is_restored() -> None:
    import gc

    assert gc.isenabled()
    parse_text("t.yaml", "a: [1, 2]\n")
    parse_text("t.yaml", "a: [1, 2\n")
    assert gc.isenabled()


def test_floats_keep_ieee_semantics_for_finite_values() -> None:
    value = data_of("a: 1.7976931348623157e308\n")["a"]
    assert math.isfinite(value)



# --- YAML 1.2 where libyaml reads 1.1 (issue 8, items 9 and 10) -------------------

BREAKS_1_1 = "\x85\u2028\u2029"
PIECE = st.text(st.sampled_from("ab :#-'\"\\" + BREAKS_1_1), min_size=1, max_size=6)


def yaml_double_quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(PIECE, st.sampled_from(["double", "single", "comment", "plain"])), min_size=1,
                max_size=8))
def test_nel_ls_ps_are_not_line_breaks(entries):
    """Inside quotes, plain text and comments, NEL, LS and PS are characters
    (YAML 1.2): every key stays on its own line and values keep them."""
    lines, expected = [], {}
    for i, (piece, style) in enumerate(entries):
        key = f"k{i}"
        if style == "double":
            lines.append(f"{key}: {yaml_double_quoted(piece)}")
            expected[key] = piece
        elif style == "single":
            lines.append(f"{key}: {yaml_single_quoted(piece)}")
            expected[key] = piece
        elif style == "comment":
            lines.append(f"{key}: x  # {piece}")
            expected[key] = "x"
        else:
            plain = "p" + re.sub(r"[^a-b" + BREAKS_1_1 + "]", "", piece)
            lines.append(f"{key}: {plain}")
            expected[key] = plain
    doc = parse_text("t.yaml", "\n".join(lines) + "\n")
    assert doc.findings == [], (lines, doc.findings)
    assert doc.data == expected
    for i in range(len(entries)):
        assert doc.index.span((f"k{i}",), key=True).line == i + 1


def test_a_line_separator_in_a_comment_does_not_break_the_file() -> None:
    assert data_of("a: 1  # see\u2028below\nb: 2\n") == {"a": 1, "b": 2}


def test_positions_after_a_quoted_line_separator() -> None:
    doc = parse_text("t.yaml", 'a: "x\u2028y"\nb: [\n')
    [f] = doc.findings
    assert (f.code, f.span.line) == ("CJM101", 3)


def flow_scalar(draw_text: str) -> str:
    return draw_text


COLON_SCALARS = st.one_of(
    st.sampled_from(["https://example.com/x", "mailto:a@b.example", "12:30", "a:b", "a::b", "x:y:z", "http://h:80/p"]),
    st.from_regex(r"[a-z]{1,4}(:[a-z0-9/.]{1,4}){1,3}", fullmatch=True),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(COLON_SCALARS, COLON_SCALARS), min_size=1, max_size=4), st.booleans())
def test_colons_inside_flow_plain_scalars(pairs, nested):
    """`[{url: https://example.com/x}]` is valid YAML 1.2: the values keep
    their colons, positions stay exact, and the rest of the file is unaffected."""
    items = ", ".join(f"{{url: {url}, title: {title}}}" for url, title in pairs)
    text = f"a: 1\nevidence: [{items}]\nafter: {'[x:y]' if nested else 'z'}\n"
    doc = parse_text("t.yaml", text)
    assert doc.findings == [], (text, doc.findings)
    assert doc.data["evidence"] == [{"url": url, "title": title} for url, title in pairs]
    assert doc.data["after"] == (["x:y"] if nested else "z")
    column = text.split("\n")[1].index(pairs[0][0]) + 1
    span = doc.index.span(("evidence", 0, "url"))
    assert (span.line, span.column) == (2, column)


def test_a_colon_after_a_quoted_key_stays_a_value_indicator() -> None:
    assert data_of('a: [{url: https://x.example/}, {"k":v}]\n') == {"a": [{"url": "https://x.example/"}, {"k": "v"}]}


def test_a_real_error_in_a_file_with_flow_colons_is_reported_where_it_is() -> None:
    f = only_finding("a: [{url: https://x.example/}]\nb: [1, 2\n")
    assert (f.code, f.span.line) == ("CJM101", 3)


def test_an_anchor_defined_again_counts_from_there_on() -> None:
    assert data_of("a: &x 1\nb: *x\nc: &x [2]\nd: *x\n") == {"a": 1, "b": 1, "c": [2], "d": [2]}
    doc = parse_text("t.yaml", "a: &x 1\nc: &x [2]\nd: *x\ne: [{url: https://x.example/}]\n")
    assert doc.findings == [] and doc.data["d"] == [2] and doc.data["e"] == [{"url": "https://x.example/"}]
    assert doc.index.span(("d",), key=True).line == 3


NODE_TEXT = st.recursive(
    st.sampled_from(["1", "x", "'q'", '"d"', "~", "1.5", "&n v", "[]", "{}"]),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from("abcde"), inner), max_size=3, unique_by=lambda kv: kv[0]).map(
            lambda kvs: "{" + ", ".join(f"{k}: {v}" for k, v in kvs) + "}")),
    max_leaves=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NODE_TEXT, min_size=1, max_size=5))
def test_the_event_composer_builds_what_the_c_composer_builds(values):
    """Files that redefine an anchor are composed from events in Python; on
    files that the C composer reads, both must give the same data and positions."""
    from cjm.loader import _compose_events, _parser_class, _Walker

    text = "".join(f"k{i}: {v}\n" for i, v in enumerate(values))
    text = text.replace("&n", "&n0", 1)  # one definition: the C composer must accept it
    text = re.sub(r"&n(?!0)", "", text)
    parser = _parser_class()
    a, b = _Walker("t", text), _Walker("t", text)
    left = a.build(parser(text).get_single_node(), (), 0)
    right = b.build(_compose_events(parser(text)), (), 0)
    assert left == right
    assert a.index.values == b.index.values and a.index.keys == b.index.keys


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ud83d\\ude00"])
def test_a_surrogate_escape_is_an_encoding_finding(escape) -> None:
    f = only_finding(f'a: 1\nb: "x{escape}"\n')
    assert (f.code, f.span.line, f.span.column) == ("CJM103", 2, 4)
    assert "surrogate" in f.message


@pytest.mark.parametrize("escape", ["\\ufdd0", "\\ufdd3", "\\uFDD1"])
def test_an_escaped_placeholder_is_refused_not_turned_into_another_character(escape) -> None:
    """Either refused where it is, or kept as the non-character it is (the
    schema then refuses it in text); never the character it stands in for."""
    char = escape.encode().decode("unicode_escape")
    for text in (f'a: "x{escape}"\nb: "\u2028"\n', f'a: ["x{escape}", {{u: http://x}}]\n',
                 f'a: "x{escape}"\nb: ["\u0085", {{u: http://x}}]\n'):
        doc = parse_text("t.yaml", text)
        if doc.data is None:
            [f] = doc.findings
            assert (f.code, f.span.line) == ("CJM103", 1), text
        else:
            value = doc.data["a"] if isinstance(doc.data["a"], str) else doc.data["a"][0]
            assert value == "x" + char, text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 2), st.booleans()), min_size=1,
                max_size=10), st.sampled_from(["\n", "\r\n", "\r"]), st.integers(0, 3))
def test_no_position_lies_past_the_end_of_the_file(shape, newline, blank_tail):
    lines, depth = [], 0
    for i, (key, deeper, as_list) in enumerate(shape):
        depth = min(depth + 1, 3) if deeper == 2 else (max(depth - 1, 0) if deeper == 0 else depth)
        lines.append("  " * depth + ("- " if as_list else "") + f"{key}{i}:" + (" v" if deeper != 2 else ""))
    text = newline.join(lines) + newline * (1 + blank_tail)
    doc = parse_text("t.yaml", text)
    if doc.index is None:
        return
    count = len(re.split("\r\n|\r|\n", text.rstrip("\r\n"))) if text.strip() else 1
    ends = [(e_line, e_col) for (_l, _c, e_line, e_col) in [*doc.index.values.values(), *doc.index.keys.values()]]
    for e_line, e_col in ends:
        assert e_line + 1 <= count, (text, e_line + 1, count)
        assert e_col <= len(re.split("\r\n|\r|\n", text)[e_line])
