"""``--format text``: one line per finding as compilers print them, a hint
line, a summary; colour only when asked, and user text never acts on the
terminal or reads as markup."""

from __future__ import annotations

import re

import pytest

from cjm.diagnostics import Finding, Severity
from cjm.locations import Span
from cjm.reporters.text import lines
from reporter_inputs import NASTY_FILE, NASTY_MESSAGE, nasty, report_of, write

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def finding(severity: Severity, file: str = "a.yaml", line: int = 1, hint: str = "") -> Finding:
    return Finding("CJM313", "missing-goal", severity, "the map has no goal", Span(file, line, 1), "", hint)


def test_report_lines_and_summary():
    text = write("text", nasty())
    # Line breaks and other control characters in user text are shown, never acted on.
    shown = NASTY_MESSAGE.replace("\r", "\\r").replace("\n", "\\n")
    assert text.splitlines()[0] == f"{NASTY_FILE}:3:7: error CJM201 unknown-key: {shown}"
    assert text.splitlines()[1] == "    hint: did you mean 'a,b'?"
    assert text.splitlines()[2] == f"{NASTY_FILE}:9:1: warning CJM311 unaddressed-pain-point: w"
    assert text.splitlines()[-1] == "Found 1 error, 1 warning, 1 info in 1 of 1 file."


@pytest.mark.parametrize("severities, files, summary", [
    ([], 1, "All good: 1 file checked, no problems."),
    ([], 2, "All good: 2 files checked, no problems."),
    ([Severity.ERROR, Severity.ERROR], 3, "Found 2 errors in 1 of 3 files."),
    ([Severity.WARNING], 1, "Found 1 warning in 1 of 1 file."),
    ([Severity.INFO, Severity.INFO, Severity.INFO], 2, "Found 3 info in 1 of 2 files."),  # as each line says it
    ([Severity.INFO, Severity.WARNING, Severity.ERROR], 1, "Found 1 error, 1 warning, 1 info in 1 of 1 file."),
])
def test_summary_wording(severities, files, summary):
    names = [f"f{i}.yaml" for i in range(files)]
    report = report_of([finding(s, "f0.yaml", i) for i, s in enumerate(severities, 1)], names)
    assert write("text", report).splitlines()[-1] == summary


def test_without_summary_only_the_findings():
    text = write("text", report_of([finding(Severity.WARNING, hint="add `goal:`")]), summary=False)
    assert text == "a.yaml:1:1: warning CJM313 missing-goal: the map has no goal\n    hint: add `goal:`\n"
    assert write("text", report_of([], ["a.yaml"]), summary=False) == ""


def test_the_summary_is_red_when_the_run_failed_and_yellow_when_not():
    failed = lines(report_of([finding(Severity.ERROR)]))[-1]
    warned = lines(report_of([finding(Severity.WARNING)]))[-1]
    clean = lines(report_of([], ["a.yaml"]))[-1]
    assert (failed[0][1], warned[0][1], clean[0][1]) == ("bold red", "bold yellow", "bold green")


def test_a_warning_fails_when_the_fail_level_says_so():
    report = report_of([finding(Severity.WARNING)], fail_level=Severity.WARNING)
    assert lines(report)[-1][0][1] == "bold red"


def test_lines_are_styled_segments():
    (line, hint, _summary) = lines(report_of([finding(Severity.ERROR, hint="h")]))
    assert [text for text, _style in line] == ["a.yaml:1:1", ": ", "error", " CJM313 ", "missing-goal", ": ",
                                               "the map has no goal"]
    assert dict((text, style) for text, style in line)["error"] == "bold red"
    assert hint == [("    hint: ", "dim"), ("h", "italic")]


@pytest.mark.parametrize("evil, shown", [
    ("\x1b[2J", "\\x1b[2J"),  # clear the screen
    ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # retitle the window
    ("a\rb", "a\\rb"),
    ("\u202egnp.exe", "\\u202egnp.exe"),  # right-to-left override
    ("::error::forged", "::error::forged"),  # harmless on its own line…
])
def test_user_text_cannot_drive_the_terminal(evil, shown):
    text = write("text", report_of([Finding("CJM201", "unknown-key", Severity.ERROR, f"key {evil}",
                                            Span(f"{evil}.yaml", 1, 1), "", evil)]), summary=False)
    assert text.splitlines()[0] == f"{shown}.yaml:1:1: error CJM201 unknown-key: key {shown}"
    assert text.splitlines()[1] == f"    hint: {shown}"
    assert len(text.splitlines()) == 2  # …and never starts a line of its own


def test_colour_only_when_asked():
    plain = write("text", nasty())
    coloured = write("text", nasty(), color=True)
    assert not ANSI.search(plain) and ANSI.search(coloured)
    assert ANSI.sub("", coloured) == plain


def test_colour_escapes_markup_in_map_text():
    """Map text such as '[bold]' must print as itself, not as rich markup."""
    report = report_of([Finding("CJM201", "unknown-key", Severity.ERROR, "unknown key '[bold red]x[/]'",
                                Span("q[bold]x.yaml", 1, 1))])
    coloured = ANSI.sub("", write("text", report, color=True))
    assert "[bold red]x[/]" in coloured and coloured.startswith("q[bold]x.yaml:1:1:")


def test_no_colour_means_no_rich(monkeypatch):
    import sys

    for name in [m for m in sys.modules if m == "rich" or m.startswith("rich.")]:
        monkeypatch.delitem(sys.modules, name)
    write("text", nasty())
    assert "rich" not in sys.modules
