"""Policy: suppression comments and rule levels, applied in one place, and
only to the codes the table marks as silenceable (the domain rules)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.diagnostics import Finding, Severity
from cjm.diagnostics.codes import CODES, ordered
from cjm.locations import Span
from cjm.pipeline.policy import apply_policy, suppressions
from conftest import SHOP_MAP, check

BAD = SHOP_MAP.replace("{sam: 1}", "{sam: 9}")  # CJM307 at 14:24


def index_of(text: str):
    from cjm.loader import parse_text

    doc = parse_text("t.yaml", text)
    assert not doc.findings, doc.findings
    return doc.index


# --- reading the comments ------------------------------------------------------------


@pytest.mark.parametrize("text, by_line, whole", [
    ("a: 1\n", {}, set()),
    ("a: 1  # cjm: disable-line CJM307\n", {1: {"cjm307"}}, set()),
    ("a: 1  # cjm: disable-line\n", {1: {"all"}}, set()),  # no names: every rule
    ("a: 1  # cjm: disable-line Unknown-Persona, CJM307  empty-stage\n",
     {1: {"unknown-persona", "cjm307", "empty-stage"}}, set()),  # commas or spaces, any case
    ("# cjm: disable-next-line missing-goal\na: 1\n", {2: {"missing-goal"}}, set()),
    ("a: 1\n# cjm: disable-file CJM315\n", {}, {"cjm315"}),  # anywhere in the file
    ("a: 1\n# cjm: disable-file\n", {}, {"all"}),
    ("a: 1  #cjm:disable-line x\n", {1: {"x"}}, set()),  # spaces are optional
    ("a: 1\t# cjm: disable-line x\n", {1: {"x"}}, set()),  # a tab is a blank
    ("a: 1  # cjm: disable-line x\n# cjm: disable-next-line y\nb: 2  # cjm: disable-line z\n",
     {1: {"x"}, 3: {"y", "z"}}, set()),
    ("a: 1\r\n# cjm: disable-next-line x\r\nb: 2\r\n", {3: {"x"}}, set()),  # CR LF
    ("a: 1\r# cjm: disable-next-line x\rb: 2\r", {3: {"x"}}, set()),  # lone CR: YAML 1.2 breaks lines there too
    ("a: x#cjm-disable-line y\nb: x#cjm: disable-line y\n", {}, set()),  # '#' right after text is not a comment
    ("a: 1  # cjm: disable-lines y\n", {}, set()),  # not the keyword
    ("a: 1  # cjm: enable-line y\n", {}, set()),
    ("a: 1  # note: see # cjm: disable-line y\n", {1: {"y"}}, set()),  # after another comment
])
def test_suppressions_are_read_from_comments(text, by_line, whole):
    assert suppressions(text) == (by_line, whole)
    from cjm.loader import parse_text

    doc = parse_text("t.yaml", text)
    if doc.index is not None and not doc.findings:  # and the same with positions, where the text is YAML
        assert suppressions(text, doc.index) == (by_line, whole)


@pytest.mark.parametrize("text", [
    'title: "Cart # cjm: disable-file"\n',
    "title: 'Cart # cjm: disable-line'\n",
    "title: Cart # cjm: disable-line\n",  # a plain scalar ends at ' #': that one is a comment, see below
    "description: |\n  # cjm: disable-file\n  more text\n",
    "description: >\n  text\n  # cjm: disable-next-line\n",
    '"key # cjm: disable-file": 1\n',
    "list: ['a # cjm: disable-file', b]\n",
    "map: {k: \"v # cjm: disable-line x\"}\n",
])
def test_a_hash_inside_a_value_or_key_is_text_when_positions_are_known(text):
    by_line, whole = suppressions(text, index_of(text))
    if text.startswith("title: Cart #"):  # the only real comment of the lot
        assert by_line == {1: {"all"}}
        return
    assert (by_line, whole) == ({}, set()), text


def test_without_positions_every_hash_after_a_blank_counts():
    text = 'title: "Cart # cjm: disable-file"\n'
    assert suppressions(text) == ({}, {"all"})  # the caller that has positions passes them


def test_a_comment_after_a_block_scalar_counts():
    text = "description: |\n  text\nb: 2  # cjm: disable-line x\n"
    assert suppressions(text, index_of(text)) == ({3: {"x"}}, set())


def test_a_list_that_cannot_be_read_does_not_silence_everything():
    assert "all" not in suppressions("a: 1  # cjm: disable-line: CJM307\n")[0].get(1, set())


@settings(deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_text_is_read_without_error(text):
    by_line, whole = suppressions(text)
    assert all(isinstance(n, int) and n >= 1 for n in by_line)
    assert all(names for names in by_line.values())


# --- applying them -----------------------------------------------------------------


def finding(code: str, line: int = 1, file: str = "t.yaml") -> Finding:
    row = CODES[code]
    return row.finding(f"{row.name} here", Span(file, line, 3))


def test_findings_on_a_silenced_line_go_by_code_name_or_all():
    text = "a: 1  # cjm: disable-line CJM302\nb: 2  # cjm: disable-line unknown-channel\nc: 3  # cjm: disable-line\n"
    found = [finding("CJM302", 1), finding("CJM303", 1), finding("CJM302", 2), finding("CJM303", 2),
             finding("CJM310", 3), finding("CJM313", 4)]
    kept = apply_policy(found, text, {})
    assert [(f.code, f.span.line) for f in kept] == [("CJM303", 1), ("CJM302", 2), ("CJM313", 4)]


@pytest.mark.parametrize("row", [c for c in ordered() if not c.silenceable], ids=lambda c: c.code)
def test_codes_that_cannot_be_silenced_survive_every_comment_and_level(row):
    text = f"# cjm: disable-file\n# cjm: disable-file {row.code} {row.name}\na: 1  # cjm: disable-line\n"
    found = [row.finding("x", Span("t.yaml", 3, 1))]
    kept = apply_policy(found, text, {row.code: "off"})
    assert kept == found


def test_codes_outside_the_table_are_kept_as_they_are():
    stray = Finding("XYZ1", "stray", Severity.WARNING, "m", Span("t.yaml", 1, 1))
    assert apply_policy([stray], "# cjm: disable-file\n", {"XYZ1": "off"}) == [stray]


@pytest.mark.parametrize("level, severity", [("error", Severity.ERROR), ("warning", Severity.WARNING),
                                             ("info", Severity.INFO), ("WARNING", Severity.WARNING)])
def test_levels_relevel_a_rule(level, severity):
    original = finding("CJM313")
    (kept,) = apply_policy([original], "", {"CJM313": level})
    assert kept.severity is severity
    assert (kept.code, kept.rule, kept.message, kept.span, kept.path, kept.hint) == (
        original.code, original.rule, original.message, original.span, original.path, original.hint)


def test_level_off_drops_the_rule_and_only_that_rule():
    kept = apply_policy([finding("CJM313"), finding("CJM314")], "", {"CJM313": "off"})
    assert [f.code for f in kept] == ["CJM314"]


def test_levels_are_keyed_by_code():
    """The pipeline turns names into codes before it gets here (cjm.pipeline.choices)."""
    assert apply_policy([finding("CJM313")], "", {"missing-goal": "off"}) == [finding("CJM313")]


def test_a_silenced_finding_is_dropped_before_its_level_applies():
    kept = apply_policy([finding("CJM313", 1)], "a: 1  # cjm: disable-line missing-goal\n", {"CJM313": "error"})
    assert kept == []


def test_the_result_is_sorted_by_place():
    found = [finding("CJM313", 9, "b.yaml"), finding("CJM302", 5), finding("CJM101", 2)]
    kept = apply_policy(found, "", {})
    assert kept == sorted(found, key=Finding.sort_key)


# --- through the check of a whole document ---------------------------------------------


@pytest.mark.parametrize("text,silenced", [
    (BAD.replace("{sam: 9}", "{sam: 9}  # cjm: disable-line emotion-out-of-scale"), True),
    (BAD.replace("{sam: 9}", "{sam: 9}  # cjm: disable-line CJM307"), True),
    (BAD.replace("{sam: 9}", "{sam: 9}  # cjm: disable-line"), True),
    (BAD.replace("{sam: 9}", "{sam: 9}  # cjm: disable-line unknown-persona, empty-stage"), False),
    (BAD.replace("        emotion:", "        # cjm: disable-next-line emotion-out-of-scale\n        emotion:"), True),
    (BAD.replace("        name: Cart\n", "        name: Cart  # cjm: disable-next-line CJM307\n"), True),
    (BAD.replace("        name: Cart\n", "        name: Cart  # cjm: disable-line CJM307\n"), False),
    (BAD.replace("id: cart\n", "id: cart  # cjm: disable-next-line CJM307\n"), False),
    ("# cjm: disable-file emotion-out-of-scale\n" + BAD, True),
    (BAD + "# cjm: disable-file CJM307, missing-goal\n", True),
    ("# cjm: disable-file missing-goal\n" + BAD, False),
    # Map text that looks like a comment is text, not a suppression.
    (BAD.replace("name: Cart", "name: 'Cart # cjm: disable-next-line'"), False),
    (BAD.replace("name: Cart", 'name: "Cart # cjm: disable-file"'), False),
    (BAD.replace("        name: Cart\n", "        description: |\n          # cjm: disable-file\n        name: Cart\n"), False),
    (BAD.replace("{sam: 9}", "{sam: 9}  # note: 'quoted' # cjm: disable-line CJM307"), True),
])
def test_inline_suppression(text, silenced):
    found = check(text, "b.yaml")
    assert [f.code for f in found] == ([] if silenced else ["CJM307"]), found


def test_schema_errors_cannot_be_silenced_in_a_document():
    text = SHOP_MAP.replace("title:", "titel:") + "# cjm: disable-file\n"
    assert sorted(f.code for f in check(text)) == ["CJM201", "CJM202"]  # titel: unknown; title: missing
