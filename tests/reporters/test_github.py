"""``--format github``: GitHub Actions workflow commands, one per finding,
escaped so that user text can neither break a command nor forge another."""

from __future__ import annotations

import pytest

from cjm.diagnostics import Finding, Severity
from cjm.locations import Span
from cjm.reporters.github import _data, _prop
from reporter_inputs import NASTY_FILE, NASTY_MESSAGE, nasty, parse_github, report_of, unescape_github, write


def test_escapes_properties_and_messages():
    text = write("github", nasty())
    lines = text.splitlines()
    assert len(lines) == 3  # newlines in a message never start a new command
    assert lines[0] == ("::error file=we%2Cird%3Ana%25me #1.yaml,line=3,col=7,endLine=3,endColumn=12,"
                        "title=CJM201 unknown-key::50%25 off, now: yes%0Asecond line%0D%0Athird "
                        "(did you mean 'a,b'?)")
    commands = parse_github(text)
    assert [c["level"] for c in commands] == ["error", "warning", "notice"]
    assert unescape_github(commands[0]["file"]) == NASTY_FILE
    assert unescape_github(commands[0]["message"]).startswith(NASTY_MESSAGE)
    assert "endLine" not in commands[1]  # no end: no end properties


@pytest.mark.parametrize("text, data, prop", [
    ("plain", "plain", "plain"),
    ("100%", "100%25", "100%25"),
    ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
    ("k: v, w", "k: v, w", "k%3A v%2C w"),  # ':' and ',' only matter inside properties
    ("%0A", "%250A", "%250A"),  # an escape in the text stays text
    ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
])
def test_escaping(text, data, prop):
    assert (_data(text), _prop(text)) == (data, prop)


def test_a_message_cannot_forge_a_second_command():
    report = report_of([Finding("CJM201", "unknown-key", Severity.ERROR, "x\n::error file=evil.yaml::forged",
                                Span("a.yaml", 1, 1))])
    lines = write("github", report).splitlines()
    assert len(lines) == 1 and lines[0].startswith("::error file=a.yaml,")


def test_the_title_names_code_and_rule_and_the_hint_joins_the_message():
    report = report_of([Finding("CJM313", "missing-goal", Severity.WARNING, "no goal", Span("m.yaml", 2, 8), "",
                                "add `goal:`")])
    (c,) = parse_github(write("github", report))
    assert (c["title"], c["message"], c["level"]) == ("CJM313 missing-goal", "no goal (add `goal:`)", "warning")


def test_no_findings_no_output_and_no_summary():
    assert write("github", report_of([], ["a.yaml"])) == ""
