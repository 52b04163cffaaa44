"""Findings, severities and reports: what every command hands to the reporters."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.diagnostics import FileReport, Finding, Report, Severity
from cjm.locations import Span


def finding(file: str = "a.yaml", line: int = 1, column: int = 1, code: str = "CJM302",
            severity: Severity = Severity.ERROR, message: str = "m") -> Finding:
    return Finding(code, "unknown-persona", severity, message, Span(file, line, column))


# --- Severity ------------------------------------------------------------------


def test_severities_are_ordered_so_that_a_fail_level_reads_naturally():
    assert Severity.INFO < Severity.WARNING < Severity.ERROR
    assert Severity.ERROR >= Severity.WARNING
    assert sorted([Severity.ERROR, Severity.INFO, Severity.WARNING]) == [Severity.INFO, Severity.WARNING,
                                                                         Severity.ERROR]


@pytest.mark.parametrize("severity, label", [(Severity.ERROR, "error"), (Severity.WARNING, "warning"),
                                             (Severity.INFO, "info")])
def test_label_and_parse_round_trip(severity, label):
    assert severity.label == label
    assert Severity.parse(label) is severity


@pytest.mark.parametrize("text, expected", [("ERROR", Severity.ERROR), ("  Warning\n", Severity.WARNING),
                                            ("iNfO", Severity.INFO)])
def test_parse_ignores_case_and_surrounding_space(text, expected):
    assert Severity.parse(text) is expected


@pytest.mark.parametrize("text", ["", "fatal", "warn", "off", "errors", "1", "label"])
def test_parse_refuses_anything_else_in_words(text):
    with pytest.raises(ValueError, match="use error, warning or info"):
        Severity.parse(text)


@settings(deadline=None)
@given(st.text(max_size=20))
def test_parse_either_gives_a_severity_or_says_why_not(text):
    try:
        parsed = Severity.parse(text)
    except ValueError as exc:
        assert "unknown severity" in str(exc)
    else:
        assert parsed.label == text.strip().lower()


# --- Finding -------------------------------------------------------------------


def test_finding_is_a_frozen_value():
    f = finding()
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.message = "changed"  # type: ignore[misc]
    assert f == finding() and hash(f) == hash(finding())
    assert (f.path, f.hint) == ("", "")


def test_to_dict_has_every_documented_field():
    f = Finding("CJM307", "emotion-out-of-scale", Severity.WARNING, "too high", Span("m.yaml", 14, 24, 14, 25),
                "stages[0].touchpoints[0].emotion", "use -2..2")
    assert f.to_dict() == {
        "file": "m.yaml", "line": 14, "column": 24, "end_line": 14, "end_column": 25, "severity": "warning",
        "code": "CJM307", "rule": "emotion-out-of-scale", "message": "too high",
        "path": "stages[0].touchpoints[0].emotion", "hint": "use -2..2",
    }
    assert finding().to_dict()["end_line"] is None and finding().to_dict()["end_column"] is None


def test_sort_key_is_file_then_position_then_code_then_message():
    found = [finding("b.yaml", 1, 1), finding("a.yaml", 10, 1), finding("a.yaml", 2, 9),
             finding("a.yaml", 2, 3, "CJM307"), finding("a.yaml", 2, 3, "CJM302", message="z"),
             finding("a.yaml", 2, 3, "CJM302", message="a")]
    ordered = sorted(found, key=Finding.sort_key)
    assert [(f.span.file, f.span.line, f.span.column, f.code, f.message) for f in ordered] == [
        ("a.yaml", 2, 3, "CJM302", "a"), ("a.yaml", 2, 3, "CJM302", "z"), ("a.yaml", 2, 3, "CJM307", "m"),
        ("a.yaml", 2, 9, "CJM302", "m"), ("a.yaml", 10, 1, "CJM302", "m"), ("b.yaml", 1, 1, "CJM302", "m")]


def test_line_10_sorts_after_line_9_not_as_text():
    assert sorted([finding(line=10), finding(line=9)], key=Finding.sort_key)[0].span.line == 9


# --- FileReport and Report -----------------------------------------------------


def test_file_report_defaults():
    r = FileReport("a.yaml")
    assert (r.kind, r.findings) == ("unknown", [])
    assert FileReport("b.yaml").findings is not r.findings  # no shared default list


def test_report_counts_and_flattens_in_file_order():
    a = FileReport("a.yaml", "map", [finding("a.yaml", 3), finding("a.yaml", 1, severity=Severity.WARNING)])
    b = FileReport("b.yaml", "catalog", [finding("b.yaml", severity=Severity.INFO)])
    clean = FileReport("c.yaml", "map")
    report = Report([a, b, clean])
    assert [f.span.line for f in report.findings] == [3, 1, 1]  # as the reports hold them
    assert (report.count(Severity.ERROR), report.count(Severity.WARNING), report.count(Severity.INFO)) == (1, 1, 1)
    assert report.fail_level is Severity.ERROR


@pytest.mark.parametrize("severities, fail_level, failed", [
    ([], Severity.INFO, False),
    ([Severity.WARNING], Severity.ERROR, False),
    ([Severity.WARNING], Severity.WARNING, True),
    ([Severity.INFO], Severity.WARNING, False),
    ([Severity.INFO], Severity.INFO, True),
    ([Severity.INFO, Severity.ERROR], Severity.ERROR, True),
])
def test_failed_means_a_finding_at_or_above_the_fail_level(severities, fail_level, failed):
    report = Report([FileReport("a.yaml", "map", [finding(severity=s) for s in severities])], fail_level)
    assert report.failed is failed


def test_of_groups_loose_findings_by_file_in_order_of_appearance_and_sorts_each():
    loose = [finding("b.yaml", 5), finding("a.yaml", 9), finding("b.yaml", 2), finding("a.yaml", 1)]
    report = Report.of(loose, Severity.WARNING)
    assert [r.file for r in report.reports] == ["b.yaml", "a.yaml"]
    assert [[f.span.line for f in r.findings] for r in report.reports] == [[2, 5], [1, 9]]
    assert report.fail_level is Severity.WARNING
    assert all(r.kind == "unknown" for r in report.reports)
    assert loose[0].span.line == 5  # the caller's list is left as it was


def test_of_nothing_is_an_empty_report_that_did_not_fail():
    report = Report.of([])
    assert report.reports == [] and report.findings == [] and not report.failed


@settings(deadline=None, max_examples=50)
@given(st.lists(st.tuples(st.sampled_from(["a.yaml", "b.yaml", "<stdin>"]), st.integers(1, 50),
                          st.integers(1, 80), st.sampled_from(list(Severity))), max_size=30))
def test_of_keeps_every_finding_exactly_once(items):
    loose = [finding(file, line, col, severity=sev) for file, line, col, sev in items]
    report = Report.of(loose)
    assert sorted(report.findings, key=Finding.sort_key) == sorted(loose, key=Finding.sort_key)
    assert len({r.file for r in report.reports}) == len(report.reports)
    for r in report.reports:
        assert r.findings == sorted(r.findings, key=Finding.sort_key)
        assert {f.span.file for f in r.findings} == {r.file}
