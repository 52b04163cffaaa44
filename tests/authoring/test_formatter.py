"""cjm fmt: canonical layout that never changes what a file means.

Property-based tests generate maps with random subsets of fields in random key
orders, odd strings and comments in random places, and check that formatting
keeps the data, keeps every comment and is idempotent."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ROOT
from cjm.authoring.formatter import format_text, same_data
from cjm.loader import parse_text


def fmt(text: str, file: str = "map.yaml") -> str:
    result = format_text(file, text)
    assert result.ok, [f.message for f in result.findings]
    return result.formatted


def data(text: str):
    doc = parse_text("x.yaml", text)
    assert doc.data is not None and not doc.findings, doc.findings
    return doc.data


# --- examples -------------------------------------------------------------------


def test_key_order_follows_the_models_and_comments_move_with_their_keys():
    text = """\
# header comment

stages:  # the journey
  # first stage
  - touchpoints:
      - name: Shop   # eol name
        id: shop
    name: Buy
    id: buy
title: Minimal  # eol title
# about the version
cjm: 1
zzz: unknown
aaa: also unknown
"""
    out = fmt(text)
    assert out == """\
# header comment

# about the version
cjm: 1
title: Minimal  # eol title
stages:  # the journey
  # first stage
  - id: buy
    name: Buy
    touchpoints:
      - id: shop
        name: Shop  # eol name
zzz: unknown
aaa: also unknown
"""
    assert fmt(out) == out


def test_yaml11_booleans_and_numbers_stay_strings_for_every_reader():
    text = "cjm: 1\ntitle: yes\ntags: [no, on, 'off', y, '1', '0o7', '12:30', null-ish, '~']\nowner: 'Null'\n"
    out = fmt(text)
    assert 'title: "yes"' in out
    assert 'tags: ["no", "on", "off", "y", "1", "0o7", "12:30", null-ish, "~"]' in out
    assert 'owner: "Null"' in out
    assert same_data(data(text), data(out))
    from ruamel.yaml import YAML

    as_yaml11 = YAML(typ="safe", pure=True).load("%YAML 1.1\n---\n" + out)
    assert as_yaml11["title"] == "yes" and as_yaml11["tags"][:4] == ["no", "on", "off", "y"]


def test_block_scalars_are_kept_and_reindented():
    text = "cjm: 1\ndescription: >-\n      folded text\n      goes on\n\n      new paragraph\ntitle: |\n    keep\n      indented\n"
    out = fmt(text)
    assert "description: >-\n  folded text\n  goes on\n\n  new paragraph\n" in out
    assert "title: |\n  keep\n    indented\n" in out
    assert same_data(data(text), data(out))


def test_quoted_multiline_becomes_literal_and_odd_strings_are_quoted():
    text = 'cjm: 1\ntitle: "a\\nb"\ngoal: "x: #y"\nowner: "  padded "\nid: "-"\ndescription: "tab\\there"\n'
    out = fmt(text)
    assert "title: |-\n  a\n  b\n" in out
    assert 'goal: "x: #y"' in out and 'owner: "  padded "' in out and 'id: "-"' in out
    assert same_data(data(text), data(out))


def test_anchors_and_aliases_survive_reordering():
    text = "cjm: 1\nstages:\n  - kpis: &k [a, b]\n    id: s\n    touchpoints:\n      - kpis: *k\n        id: t\n"
    out = fmt(text)
    assert "&k" in out and "*k" in out
    assert same_data(data(text), data(out))


def test_yaml_errors_leave_a_finding_with_position():
    result = format_text("bad.yaml", "cjm: 1\ntitle: [unclosed\nx: 1\n")
    assert not result.ok
    f = result.findings[0]
    assert f.code == "CJM101" and f.span.line >= 2


def test_a_layout_that_would_change_meaning_is_refused(monkeypatch):
    from cjm.authoring import formatter

    monkeypatch.setattr(formatter._Emitter, "document", lambda self: "cjm: 1\ntitle: Other\n")
    result = format_text("m.yaml", "cjm: 1\ntitle: Mine\n")
    assert not result.ok and result.findings[0].code == "CJM190"
    assert "title" in result.findings[0].message and "would become" in result.findings[0].message


def test_config_files_use_the_config_model_order():
    out = fmt("render:\n  formats: [svg]\n  out: build\nmaps: ['*.yaml']\ncjm: 1\n", "cjm.yaml")
    assert out == 'cjm: 1\nmaps: ["*.yaml"]\nrender:\n  out: build\n  formats: [svg]\n'


# --- every example in the repository ---------------------------------------------

EXAMPLE_FILES = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".yml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_examples_keep_meaning_and_are_idempotent(path: Path):
    text = path.read_text(encoding="utf-8")
    doc = parse_text(path.name, text)
    if doc.data is None or doc.findings:
        pytest.skip("deliberately broken example")
    out = fmt(text, path.name)
    assert same_data(doc.data, data(out))
    assert fmt(out, path.name) == out
    comments = [c for c in re.findall(r"(?m)(?:^|\s)(#.*)$", text) if "#" in c]
    for comment in comments:
        assert comment.rstrip() in out, comment


# --- property-based -----------------------------------------------------------

ODD = st.sampled_from(["yes", "no", "on", "off", "y", "n", "null", "~", "true", "1", "1.5", "0o7", "0x1f",
                       "12:30", ": #", "a: b", "x #y", "-", "- x", "?", "[x]", "{y}", "&a", "*b", "!t", "%p",
                       "@x", "`x`", "'q'", '"d"', "  lead", "trail ", "multi\nline", "two\n\nparas\n",
                       "ünïcødé ✓", "emoji 😀", "tab\tin", "back\\slash", "", "2026-01-02", ".inf", "1e3",
                       "<<", "=", "---", "...", "# not a comment", "#hash", "C#", "a,b", "end:"])
TEXT = st.one_of(ODD, st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12))
SCALAR = st.one_of(TEXT, st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False, width=32),
                   st.booleans(), st.none())
IDS = st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True)


def shuffled(d: dict, draw) -> dict:
    keys = draw(st.permutations(list(d)))
    return {k: d[k] for k in keys}


@st.composite
def touchpoints(draw):
    fields = {
        "id": IDS, "name": TEXT, "channel": IDS, "action": TEXT, "thoughts": st.lists(TEXT, max_size=3),
        "emotion": st.one_of(st.integers(-2, 2), st.dictionaries(IDS, st.integers(-2, 2), max_size=2)),
        "feeling": TEXT, "frontstage": TEXT, "extra": SCALAR,
        "pain_points": st.lists(st.fixed_dictionaries({"id": IDS, "title": TEXT}), max_size=2),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, min_size=1))
    return shuffled({k: draw(fields[k]) for k in chosen}, draw)


@st.composite
def maps(draw):
    stage = st.builds(lambda i, n, t: {"id": i, "name": n, "touchpoints": t}, IDS, TEXT,
                      st.lists(touchpoints(), max_size=3))
    fields = {
        "cjm": st.just(1), "title": TEXT, "goal": TEXT, "type": st.just("current-state"), "owner": TEXT,
        "tags": st.lists(TEXT, max_size=4), "scale": st.fixed_dictionaries({"max": st.just(2), "min": st.just(-2)}),
        "stages": st.lists(stage.map(lambda s: shuffled(s, draw)), max_size=3), "x-unknown": SCALAR,
        "reviewed": st.just("2026-01-02"), "empty": st.just([]),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, min_size=1))
    return shuffled({k: draw(fields[k]) for k in chosen}, draw)


def to_yaml(value, flow: bool) -> str:
    from ruamel.yaml import YAML
    import io

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None if flow else False
    yaml.width = 80  # let the dumper wrap long strings: multi-line plain and quoted scalars
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump(value, buffer)
    return buffer.getvalue()


@st.composite
def commented(draw, text: str):
    """Insert full-line comments before random lines and end-of-line comments
    after random lines; comments that land inside a scalar are filtered later
    by checking that the commented text still means the same."""
    lines = text.splitlines()
    out, n = [], 0
    for line in lines:
        if draw(st.booleans()) and draw(st.booleans()):
            indent = len(line) - len(line.lstrip(" "))
            out.append(" " * indent + f"# c{n}")
            n += 1
        if line.strip() and draw(st.booleans()) and draw(st.booleans()):
            line = f"{line}  # c{n}"
            n += 1
        if draw(st.integers(0, 9)) == 0:
            out.append("")
        out.append(line)
    if draw(st.booleans()):
        out.append(f"# c{n}")
        n += 1
    return "\n".join(out) + "\n", n


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_property_meaning_comments_and_idempotence(dataobj):
    value = dataobj.draw(maps())
    plain = to_yaml(value, dataobj.draw(st.booleans()))
    text, count = dataobj.draw(commented(plain))
    original = parse_text("p.yaml", text)
    assume(original.data is not None and not original.findings)
    assume(same_data(original.data, data(plain)))  # comments inside scalars would change them
    result = format_text("p.yaml", text)
    assert result.ok, ([f.message for f in result.findings], text)
    out = result.formatted
    assert same_data(original.data, data(out)), (text, out)
    assert fmt(out, "p.yaml") == out, (text, out)
    for i in range(count):
        assert len(re.findall(rf"# c{i}(?!\d)", out)) == 1, (i, text, out)
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert all(line == line.rstrip() for line in out.splitlines() if not line.startswith(" " * 200))


# --- generated YAML text: anchors, aliases, odd comments, both styles ------------------

WORDS = st.sampled_from(["title", "stages", "id", "name", "touchpoints", "goal", "alpha", "beta", "gamma",
                         "x", "url", "emotion", "zeta", "https://example.com/a", "a b", "7", "Sam"])


class _Text:
    """Build YAML text line by line, remembering every comment's neighbours."""

    def __init__(self, data):
        self.data = data
        self.lines: list[str] = []
        self.anchors: list[str] = []  # anchors on scalars, usable as keys and values
        self.any_anchors: list[str] = []  # anchors on anything, usable as values
        self.comments = 0

    def draw(self, strategy):
        return self.data.draw(strategy)

    def comment(self) -> str:
        self.comments += 1
        return f"# c{self.comments - 1}"

    def maybe_lines_of_comments(self, indent: int) -> None:
        """Full-line comments at the indentation of what follows, deeper, or
        shallower, with blank lines before some."""
        while self.draw(st.integers(0, 3)) == 3:
            if self.draw(st.integers(0, 4)) == 4:
                self.lines.append("")
            column = max(0, indent + self.draw(st.sampled_from([0, 0, 0, 2, 4, -2, 1])))
            self.lines.append(" " * column + self.comment())

    def eol(self) -> str:
        return "  " + self.comment() if self.draw(st.integers(0, 3)) == 3 else ""

    def anchor(self, scalar: bool) -> str:
        if self.draw(st.integers(0, 4)) != 4:
            return ""
        name = f"a{len(self.any_anchors)}" if self.draw(st.booleans()) or not self.any_anchors \
            else self.draw(st.sampled_from(self.any_anchors))  # a redefined anchor: YAML 1.2 allows it
        if name not in self.any_anchors:
            self.any_anchors.append(name)
        if scalar and name not in self.anchors:
            self.anchors.append(name)
        return f"&{name} "

    def scalar(self) -> str:
        if self.any_anchors and self.draw(st.integers(0, 5)) == 5:
            return "*" + self.draw(st.sampled_from(self.any_anchors))
        return self.anchor(True) + self.draw(WORDS.map(lambda w: w if re.fullmatch(r"[\w./:-]+", w)
                                                        else f'"{w}"'))

    def flow(self, depth: int) -> str:
        if depth > 1 or self.draw(st.booleans()):
            value = self.scalar()
            return value if not value.startswith("*") else value + " "
        if self.draw(st.booleans()):
            items = [self.flow(depth + 1) for _ in range(self.draw(st.integers(0, 3)))]
            return self.anchor(False) + "[" + ", ".join(items) + "]"
        keys = self.draw(st.lists(WORDS.filter(lambda w: re.fullmatch(r"[a-z]+", w) is not None),
                                  unique=True, max_size=3))
        return self.anchor(False) + "{" + ", ".join(f"{k}: {self.flow(depth + 1)}" for k in keys) + "}"

    def key(self) -> str:
        if self.anchors and self.draw(st.integers(0, 6)) == 6:
            return "*" + self.draw(st.sampled_from(self.anchors)) + " "  # an alias used as a key
        word = self.draw(WORDS.filter(lambda w: re.fullmatch(r"[a-z]+", w) is not None))
        return self.anchor(True) + word  # an anchor on a key

    def mapping(self, indent: int, depth: int, first_prefix: str | None = None) -> None:
        count = self.draw(st.integers(1, 4))
        for i in range(count):
            prefix = first_prefix if (i == 0 and first_prefix is not None) else " " * indent
            if i > 0 or first_prefix is None:
                self.maybe_lines_of_comments(indent)
            self.value(prefix + self.key() + ":", indent, depth)

    def sequence(self, indent: int, depth: int) -> None:
        for _ in range(self.draw(st.integers(1, 3))):
            self.maybe_lines_of_comments(indent)
            dash = " " * indent + "-"
            kind = self.draw(st.integers(0, 3)) if depth < 3 else 0
            if kind == 1:  # a mapping item, first key on the dash line or after a comment there
                if self.draw(st.booleans()):
                    self.lines.append(dash + " " + self.comment())
                    # (a full-line comment between this line and the first key would
                    # go above the dash: not generated, see test_comment_between_a_dash_and_its_item)
                    self.mapping(indent + 2, depth + 1, first_prefix=" " * (indent + 2))
                else:
                    self.mapping(indent + 2, depth + 1, first_prefix=dash + " ")
            elif kind == 2 and self.draw(st.booleans()):
                self.lines.append(dash + " " + self.comment())  # `- # comment`, the item below
                self.lines.append(" " * (indent + 2) + self.flow(0) + self.eol())
            else:
                self.lines.append(dash + " " + self.flow(0) + self.eol())

    def value(self, head: str, indent: int, depth: int) -> None:
        kind = self.draw(st.integers(0, 3)) if depth < 3 else 0
        if kind == 0:
            self.lines.append(f"{head} {self.flow(0)}{self.eol()}")
            return
        anchor = self.anchor(False).rstrip()
        self.lines.append(f"{head} {anchor}".rstrip() + self.eol())
        if kind == 1:
            self.mapping(indent + 2, depth + 1)
        else:
            self.sequence(indent + self.draw(st.sampled_from([0, 2])), depth + 1)


def _near(lines: list[str], number: int) -> set[str]:
    """Words on the comment's own line and on the nearest content lines above and below it."""
    own = set(re.findall(r"[A-Za-z0-9_]+|{}|\[\]", re.sub(r"#.*|[&*]a\d+", "", lines[number])))
    return own | _content_tokens(lines, number - 1, -1) | _content_tokens(lines, number + 1, 1)


def _closes_block(lines: list[str], number: int) -> bool:
    """A full-line comment with no content after it in its block: only comments and
    blank lines follow until a line indented less than the comment, or the end. Such
    a comment closes its block, and may stay at the block's end when fmt reorders
    the entries above it (which entry it belonged to is anyone's guess)."""
    if lines[number].lstrip()[:1] != "#":
        return False
    indent = len(lines[number]) - len(lines[number].lstrip())
    for line in lines[number + 1:]:
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        return len(line) - len(stripped) < indent
    return True


def _content_tokens(lines: list[str], number: int, step: int) -> set[str]:
    """Words of the nearest line from ``number`` on (in direction ``step``) that is
    not only a comment."""
    while 0 <= number < len(lines):
        text = re.sub(r"#.*|[&*]a\d+", "", lines[number])
        words = set(re.findall(r"[A-Za-z0-9_]+|{}|\[\]", text))
        if words:
            return words
        number += step
    return set()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target])
@given(st.data())
def test_generated_yaml_with_anchors_and_odd_comments(dataobj):
    """fmt keeps the meaning, is idempotent (fmt twice == fmt once), keeps every
    comment once, on a line of its own or after content (two are never merged),
    full-line comments at an indentation of the output, and each comment next to
    content that it was next to before."""
    gen = _Text(dataobj)
    gen.lines.append("cjm: 1")
    gen.mapping(0, 0)
    if dataobj.draw(st.booleans()):
        gen.lines.append(" " * dataobj.draw(st.sampled_from([0, 2, 4])) + gen.comment())
    text = "\n".join(gen.lines) + "\n"
    original = parse_text("g.yaml", text)
    assume(original.data is not None and not original.findings)  # duplicate keys, undefined aliases
    result = format_text("g.yaml", text)
    assert result.ok, ([f.message for f in result.findings], text)
    out = result.formatted
    assert same_data(original.data, data(out)), (text, out)
    assert fmt(out, "g.yaml") == out, (text, out)
    out_lines = out.splitlines()
    before_lines = text.splitlines()
    for i in range(gen.comments):
        marker = re.compile(rf"# c{i}(?!\d)")
        where = [n for n, line in enumerate(out_lines) if marker.search(line)]
        assert len(where) == 1, (i, text, out)
        line = out_lines[where[0]]
        assert len(re.findall(r"# c\d+", line)) == 1, ("two comments merged", line, text, out)
        was = next(n for n, old in enumerate(before_lines) if marker.search(old))
        if any(re.search(r"[&*]a\d", lines[n]) for lines, n in ((before_lines, was), (out_lines, where[0]))
               for n in range(max(0, n - 2), n + 3) if n < len(lines)):
            continue  # anchors move to the first use written, aliases become values: no words to compare
        if _closes_block(before_lines, was) and _closes_block(out_lines, where[0]):
            continue
        old_near, new_near = _near(before_lines, was), _near(out_lines, where[0])
        assert not old_near or old_near & new_near, ("comment moved away", i, text, out)


def test_comment_after_a_dash_stays_on_the_dash_line():
    out = fmt("cjm: 1\nstages:\n  - # the first stage\n    id: a\n    name: A\n")
    assert out == "cjm: 1\nstages:\n  - id: a  # the first stage\n    name: A\n"


def test_comment_between_a_dash_and_its_item():
    """A known imperfection: a full-line comment between `- # a` and the item's
    first key goes above the item, so it comes before the dash's comment. Both
    stay, next to the item, and formatting again changes nothing."""
    out = fmt("cjm: 1\nstages:\n  - # a\n    # b\n    id: s\n    name: S\n")
    assert out == "cjm: 1\nstages:\n  # b\n  - id: s  # a\n    name: S\n"
    assert fmt(out) == out


def test_two_end_of_line_comments_of_one_entry_are_not_merged():
    out = fmt("cjm: 1\ntitle:  # one\n  Shop  # two\n")
    assert "# one" in out and "# two" in out
    assert not any("# one" in line and "# two" in line for line in out.splitlines())
    assert fmt(out) == out


def test_indented_trailing_comments_keep_their_indentation():
    text = "cjm: 1\nstages:\n  - id: a\n    name: A\n    # end of the stage\n  # end of the list\n# end\n"
    assert fmt(text) == text
    nested = "cjm: 1\ntitle: T\nx:\n  a: 1\n  # after a\nz: 2\n"
    assert fmt(nested) == nested


def test_anchor_on_a_key_and_alias_as_a_key_are_stable():
    for text in ("cjm: 1\n&k title: T\nx:\n  *k : 2\n", "cjm: 1\ntitle: &t T\ny:\n  *t : 1\n",
                 "cjm: 1\ntitle: &t T\ny:\n  *t : *t\n"):
        once = fmt(text)
        assert fmt(once) == once, (text, once)
        assert same_data(data(text), data(once))


# --- the command line -------------------------------------------------------------

UGLY = "title: T\ncjm: 1\nstages:\n- id: s\n  name: S\n  touchpoints: [{id: t, name: N}]\n"


def test_check_and_diff_write_nothing(tmp_path, cjm):
    path = tmp_path / "m.yaml"
    path.write_text(UGLY)
    proc = cjm("fmt", "--check", str(path))
    assert proc.returncode == 1 and "CJM191 unformatted" in proc.stderr and str(path.name) in proc.stderr
    assert "1 of 1 file would be reformatted" in proc.stderr
    proc = cjm("fmt", "--diff", str(path))
    assert proc.returncode == 0 and proc.stdout.startswith(f"--- a/{path}") and "+cjm: 1" in proc.stdout
    assert path.read_text() == UGLY
    proc = cjm("fmt", "--check", "--diff", str(path))
    assert proc.returncode == 1 and "+++ b/" in proc.stdout


def test_formats_in_place_then_leaves_the_file_alone(tmp_path, cjm):
    path = tmp_path / "m.yaml"
    path.write_text(UGLY)
    assert cjm("fmt", str(path)).returncode == 0
    formatted = path.read_text()
    assert formatted.startswith("cjm: 1\ntitle: T\n")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    proc = cjm("fmt", str(path))
    assert proc.returncode == 0 and "0 of 1 file reformatted" in proc.stderr
    assert path.stat().st_mtime_ns == 1_000_000_000 and path.read_text() == formatted
    assert cjm("fmt", "--check", str(path)).returncode == 0


def test_symlink_and_mode_are_kept(tmp_path, cjm):
    real = tmp_path / "real.yaml"
    real.write_text(UGLY)
    real.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert cjm("fmt", str(link)).returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("cjm: 1\n")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_yaml_error_is_reported_and_file_untouched(tmp_path, cjm):
    path = tmp_path / "bad.yaml"
    bad = "cjm: 1\ntitle: ok\nstages: [unclosed\n"
    path.write_text(bad)
    proc = cjm("fmt", str(path))
    assert proc.returncode == 1
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: error CJM101", proc.stderr), proc.stderr
    assert path.read_text() == bad


def test_refused_layout_leaves_file_byte_identical(tmp_path, monkeypatch):
    """Atomicity at the command level: when the check fails, nothing is written."""
    from typer.testing import CliRunner

    from cjm.authoring import formatter
    from cjm.cli.app import app

    path = tmp_path / "m.yaml"
    path.write_bytes(UGLY.encode())
    before = path.stat().st_mtime_ns
    monkeypatch.setattr(formatter._Emitter, "document", lambda self: "cjm: 1\ntitle: changed\n")
    result = CliRunner().invoke(app, ["fmt", str(path)])
    assert result.exit_code == 1
    assert path.read_bytes() == UGLY.encode() and path.stat().st_mtime_ns == before
    assert not [p for p in tmp_path.iterdir() if p.name != "m.yaml"], "no temporary file left behind"


def test_project_files_when_no_path_and_stdin(tmp_path, cjm):
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: [maps/*.yaml]\n")
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "a.yaml").write_text(UGLY)
    (tmp_path / "other.yaml").write_text("b: 1\na: 2\n")
    assert cjm("fmt", "--check", cwd=tmp_path).returncode == 1
    assert cjm("fmt", cwd=tmp_path).returncode == 0
    assert (tmp_path / "maps" / "a.yaml").read_text().startswith("cjm: 1\n")
    assert (tmp_path / "other.yaml").read_text() == "b: 1\na: 2\n"  # not part of the project
    proc = cjm("fmt", "-", input=UGLY.encode(), cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == (tmp_path / "maps" / "a.yaml").read_text()


def test_repository_files_are_formatted():
    """Not required, but a cheap smoke test over the committed schema-less YAML."""
    for path in [ROOT / ".pre-commit-hooks.yaml"]:
        if path.exists():
            doc = parse_text(path.name, path.read_text())
            if doc.data is not None and isinstance(doc.data, dict):
                assert format_text(path.name, path.read_text()).ok
