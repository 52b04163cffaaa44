"""``--format json``: a stable, documented document for tools (version 1,
schemas/cjm-report.schema.json)."""

from __future__ import annotations

import json

import pytest

from cjm.diagnostics import Finding, Severity
from cjm.locations import Span
from conftest import SCHEMAS, SHOP_MAP
from reporter_inputs import NASTY_FILE, NASTY_MESSAGE, nasty, report_of, write


@pytest.fixture(scope="module")
def schema() -> dict:
    import jsonschema

    doc = json.loads((SCHEMAS / "cjm-report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(doc)
    return doc


def test_the_document():
    doc = json.loads(write("json", nasty()))
    assert list(doc) == ["version", "tool", "summary", "files", "findings"]
    assert doc["version"] == 1 and doc["tool"] == {"name": "cjm", "version": "9.9.9"}
    assert doc["summary"] == {"files": 1, "errors": 1, "warnings": 1, "infos": 1, "failed": True}
    assert doc["files"] == [{"file": NASTY_FILE, "kind": "map", "findings": 3}]
    assert [f["severity"] for f in doc["findings"]] == ["error", "warning", "info"]


def test_text_stays_data():
    doc = json.loads(write("json", nasty()))
    assert doc["findings"][0]["message"] == NASTY_MESSAGE
    assert doc["findings"][0]["file"] == NASTY_FILE
    assert doc["findings"][0]["hint"] == "did you mean 'a,b'?"
    assert doc["findings"][1]["end_line"] is None


def test_unicode_is_written_as_itself():
    report = report_of([Finding("CJM302", "unknown-persona", Severity.ERROR, "persona 'zoë' ✓",
                                Span("cartes/é.yaml", 1, 1))])
    text = write("json", report)
    assert "persona 'zoë' ✓" in text and "cartes/é.yaml" in text


@pytest.mark.parametrize("fail_level, failed", [(Severity.ERROR, False), (Severity.WARNING, True)])
def test_failed_follows_the_fail_level(fail_level, failed):
    report = report_of([Finding("CJM313", "missing-goal", Severity.WARNING, "m", Span("a.yaml", 1, 1))],
                       fail_level=fail_level)
    assert json.loads(write("json", report))["summary"]["failed"] is failed


def test_clean_files_are_listed_with_no_findings():
    doc = json.loads(write("json", report_of([], ["a.yaml", "b.yaml"])))
    assert doc["files"] == [{"file": "a.yaml", "kind": "map", "findings": 0},
                            {"file": "b.yaml", "kind": "map", "findings": 0}]
    assert doc["findings"] == [] and doc["summary"]["failed"] is False


def test_colour_never_reaches_json():
    assert write("json", nasty(), color=True) == write("json", nasty())


def test_hand_made_reports_follow_the_published_schema(schema):
    import jsonschema

    for report in (nasty(), report_of([], ["a.yaml"])):
        jsonschema.Draft202012Validator(schema).validate(json.loads(write("json", report)))


def test_a_real_run_follows_the_published_schema(cjm, tmp_path, schema):
    """schemas/cjm-report.schema.json is the contract for tools reading -f json."""
    import jsonschema

    (tmp_path / "good.yaml").write_text(SHOP_MAP)
    (tmp_path / "bad.yaml").write_text(SHOP_MAP.replace("{sam: 1}", "{samm: 9}"))
    (tmp_path / "broken.yaml").write_text("cjm: 1\ntitle: [unclosed\n")
    (tmp_path / "warn.yaml").write_text(SHOP_MAP.replace("goal: Turn visitors into buyers\n", ""))
    ran = cjm("validate", "-f", "json", str(tmp_path))
    report = json.loads(ran.stdout)
    jsonschema.Draft202012Validator(schema).validate(report)
    assert {f["severity"] for f in report["findings"]} == {"error", "warning"}
    assert {f["kind"] for f in report["files"]} == {"map", "unknown"}


def test_every_finding_field_is_in_the_schema(schema):
    finding_fields = set(json.loads(write("json", nasty()))["findings"][0])
    declared = schema["properties"]["findings"]["items"]
    if "$ref" in declared:
        declared = schema["$defs"][declared["$ref"].rsplit("/", 1)[1]]
    assert finding_fields <= set(declared["properties"])
