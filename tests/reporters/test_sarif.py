"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning, valid against the
SARIF JSON Schema; every code cjm can report is a rule of the run."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from cjm.diagnostics import Finding, Severity
from cjm.diagnostics.codes import CODES
from cjm.locations import Span
from cjm.reporters.sarif import _uri
from reporter_inputs import NASTY_FILE, NASTY_MESSAGE, nasty, report_of, validate_sarif, write


def test_valid_and_escapes_file_names():
    doc = json.loads(write("sarif", nasty()))
    validate_sarif(doc)
    results = doc["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert urllib.parse.unquote(uri) == NASTY_FILE
    assert results[0]["message"]["text"] == NASTY_MESSAGE + " (did you mean 'a,b'?)"
    assert results[0]["properties"] == {"path": "stages[0].x", "rule": "unknown-key"}
    assert "properties" not in results[1]  # no path, no properties
    assert doc["runs"][0]["tool"]["driver"]["version"] == "9.9.9"


def test_every_code_is_a_rule_with_its_default_level():
    doc = json.loads(write("sarif", report_of([], ["a.yaml"])))
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == set(CODES)
    assert rules["CJM315"]["defaultConfiguration"]["level"] == "note"
    assert rules["CJM102"] == {"id": "CJM102", "name": "duplicate-key",
                               "shortDescription": {"text": CODES["CJM102"].summary},
                               "defaultConfiguration": {"level": "error"}}


def test_with_no_findings_is_valid():
    doc = json.loads(write("sarif", report_of([], ["a.yaml"])))
    validate_sarif(doc)
    assert doc["runs"][0]["results"] == []


def test_a_region_with_and_without_its_end():
    results = json.loads(write("sarif", nasty()))["runs"][0]["results"]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in results]
    assert regions[0] == {"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 12}
    assert regions[1] == {"startLine": 9, "startColumn": 1}


def test_a_code_outside_the_table_has_no_rule_index():
    report = report_of([Finding("XYZ999", "stray", Severity.WARNING, "m", Span("a.yaml", 1, 1))])
    doc = json.loads(write("sarif", report))
    validate_sarif(doc)
    (result,) = doc["runs"][0]["results"]
    assert result["ruleId"] == "XYZ999" and "ruleIndex" not in result


@pytest.mark.parametrize("file, uri", [
    ("maps/shop.yaml", "maps/shop.yaml"),
    ("my maps/a#1.yaml", "my%20maps/a%231.yaml"),
    ("50%.yaml", "50%25.yaml"),
    ("c:map.yaml", "c%3Amap.yaml"),  # not a scheme
    ("/abs/path/m.yaml", "file:///abs/path/m.yaml"),
    ("/abs/with space.yaml", "file:///abs/with%20space.yaml"),
    ("<stdin>", "%3Cstdin%3E"),
    ("cartes/é.yaml", "cartes/%C3%A9.yaml"),
])
def test_uri(file, uri):
    assert _uri(file) == uri
    assert urllib.parse.unquote(uri.removeprefix("file://")) == file
