"""Schema validation of a loaded document: too many errors are cut to the first
ones, and the first ones are always shown (issue 8, item 13)."""

from __future__ import annotations

import pytest

from cjm.loader import parse_text
from cjm.model.document import MAX_SCHEMA_ERRORS, validate_document


def schema_findings(text: str):
    doc = parse_text("m.yaml", text)
    assert doc.data is not None and not doc.findings
    model, findings = validate_document(doc.data, doc.index)
    assert model is None
    return findings


def touchpoints(n: int, make) -> str:
    return "cjm: 1\ntitle: T\nstages:\n  - id: s\n    name: S\n    touchpoints:\n" + "".join(
        make(i) for i in range(n))


@pytest.mark.parametrize("what, text, first_line", [
    ("2,000 ids over the length limit",
     touchpoints(2000, lambda i: f"      - id: {'x' * 70}{i}\n        name: T{i}\n"), 7),
    ("errors only past the first items of a long list",
     touchpoints(2000, lambda i: f"      - id: t{i}\n        name: {'' if i >= 500 else 'N'}\n"), 7 + 2 * 500 + 1),
    ("several errors per touchpoint",
     touchpoints(600, lambda i: f"      - id: T{i}\n        name: ' '\n        emotion: bad\n"), 7),
])
def test_too_many_errors_show_the_first_ones(what, text, first_line):
    findings = schema_findings(text)
    summary = [f for f in findings if f.message.startswith("too many schema errors")]
    assert len(summary) == 1, what
    shown = [f for f in findings if f not in summary]
    assert 1 <= len(shown) <= MAX_SCHEMA_ERRORS
    assert f"the first {len(shown)} are shown" in summary[0].message
    assert "the first 0" not in summary[0].message
    assert min(f.span.line for f in shown) == first_line, what


def test_a_few_errors_are_all_shown():
    findings = schema_findings(touchpoints(3, lambda i: f"      - id: T{i}\n        name: N\n"))
    assert [f.span.line for f in findings] == [7, 9, 11]
    assert all("did you mean 't" in f.hint for f in findings)
