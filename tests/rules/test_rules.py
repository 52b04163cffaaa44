"""Table-driven tests of the domain rules (the sqlfluff way).

Each rule has a case file ``tests/rules/<rule-name>.yaml``:

    rule: unknown-persona          # the rule's name…
    code: CJM302                   # …and its code (both must match the registry)
    today: 2026-11-01              # optional: the date rules see as today
    cases:
      - name: what the case shows
        pass: |                    # a complete document with no finding of this rule
          cjm: 1
          ...
      - name: ...
        fail: |                    # a complete document…
          ...
        findings:                  # …and every finding of this rule it must give
          - {code: CJM302, line: 13, column: 19, message: "...", hint: "...", severity: error}
        files:                     # optional: other files beside the case document
          current.yaml: |
            cjm: 1
            ...

``message`` and ``hint`` are substrings; ``severity`` is optional. Every case
document must load and pass the schema, so that the rule really runs on it.
The cases run through the real pipeline (``cjm.loader.parse_text`` ->
``cjm.pipeline.check.check_document``).

Below them: cross-file cases through a temporary project (cjm.yaml + a
catalogue + maps), run through ``cjm.pipeline.validate.validate``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from cjm.diagnostics import Severity
from cjm.loader import parse_text
from cjm.pipeline.check import CheckSettings, check_document
from cjm.pipeline.validate import ValidateRequest, validate
from cjm.model.catalog import ProjectIndex
from cjm.rules import load_builtin_rules

CASES_DIR = Path(__file__).parent / "cases"
REGISTRY = load_builtin_rules()


def _load_case_file(path: Path) -> dict:
    doc = parse_text(path.name, path.read_text(encoding="utf-8"))
    assert not doc.findings, [str(f.span) + " " + f.message for f in doc.findings]
    return doc.data


CASE_FILES = {p.stem: _load_case_file(p) for p in sorted(CASES_DIR.glob("*.yaml"))}


def _all_cases():
    for stem, spec in CASE_FILES.items():
        for i, case in enumerate(spec.get("cases") or []):
            kind = "pass" if "pass" in case else "fail"
            yield pytest.param(stem, case, id=f"{stem}[{i}]-{kind}-{case.get('name', '')[:40]}")


def _check(text: str, name: str, today: dt.date | None):
    doc = parse_text(f"{name}.yaml", text)
    return check_document(doc, CheckSettings(ProjectIndex(), today=today)).report.findings


# --- the case files agree with the registry ----------------------------------


def test_every_rule_has_a_case_file():
    missing = sorted(r.name for r in REGISTRY.values() if r.name not in CASE_FILES)
    assert not missing, f"rules without tests/rules/<name>.yaml: {missing}"


def test_every_case_file_names_a_registered_rule():
    for stem, spec in CASE_FILES.items():
        assert spec.get("rule") == stem, f"{stem}.yaml: `rule:` must be {stem!r}"
        code = spec.get("code")
        assert code in REGISTRY, f"{stem}.yaml: no rule {code}"
        assert REGISTRY[code].name == stem, f"{stem}.yaml: {code} is {REGISTRY[code].name}, not {stem}"


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_rule_has_pass_and_fail_cases(code):
    r = REGISTRY[code]
    cases = CASE_FILES.get(r.name, {}).get("cases") or []
    assert any("pass" in c for c in cases), f"{r.name}: no pass case"
    assert any("fail" in c for c in cases), f"{r.name}: no fail case"
    for c in cases:
        assert ("pass" in c) != ("fail" in c), f"{r.name}: a case must be either pass or fail: {c.get('name')}"
        if "fail" in c:
            assert c.get("findings"), f"{r.name}: fail case {c.get('name')!r} lists no findings"
    # A rule that checks catalogues is tested on catalogues, both ways.
    if "catalog" in r.applies_to:
        on_catalogs = [c for c in cases if "kind: catalog" in (c.get("pass") or c.get("fail") or "")]
        assert any("pass" in c for c in on_catalogs), f"{r.name}: applies to catalogues but has no catalogue pass case"
        assert any("fail" in c for c in on_catalogs), f"{r.name}: applies to catalogues but has no catalogue fail case"


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_rule_documents_a_bad_and_a_good_example(code):
    r = REGISTRY[code]
    doc = r.doc
    assert r.summary and r.summary == doc.splitlines()[0], f"{r.name}: the docstring's first line is the summary"
    assert "Bad:" in doc or "Bad (" in doc, f"{r.name}: docstring lacks a 'Bad:' example"
    assert "Good:" in doc or "Good (" in doc, f"{r.name}: docstring lacks a 'Good:' example"
    bad = doc.index("Bad")
    good = doc.index("Good")
    assert bad < good, f"{r.name}: show the bad example before the good one"
    # Each example has at least one indented YAML line under it.
    for start, end in ((bad, good), (good, len(doc))):
        block = doc[start:end].splitlines()[1:]
        assert any(line.startswith("    ") and ":" in line for line in block), f"{r.name}: empty example"


def test_rule_codes_and_names_are_unique_and_well_formed():
    import re

    names = [r.name for r in REGISTRY.values()]
    assert len(names) == len(set(names))
    for code, r in REGISTRY.items():
        assert re.fullmatch(r"CJM3\d\d", code), code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name), r.name
        assert set(r.applies_to) <= {"map", "catalog"} and r.applies_to


# --- the cases ---------------------------------------------------------------


@pytest.mark.parametrize("stem,case", list(_all_cases()))
def test_case(stem, case, tmp_path, monkeypatch):
    # Each case runs in its own empty folder, holding the case's other files.
    monkeypatch.chdir(tmp_path)
    for name, content in (case.get("files") or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    spec = CASE_FILES[stem]
    code = spec["code"]
    today = dt.date.fromisoformat(str(spec["today"])) if spec.get("today") else None
    text = case.get("pass") if "pass" in case else case["fail"]
    findings = _check(text, stem, today)
    blocking = [f"{f.span} {f.code} {f.message}" for f in findings if not f.code.startswith("CJM3")]
    assert not blocking, f"the case document must load and pass the schema: {blocking}"
    mine = [f for f in findings if f.code == code]
    if "pass" in case:
        assert not mine, [f"{f.span} {f.message}" for f in mine]
        return
    got = [(f.code, f.span.line, f.span.column) for f in mine]
    want = [(e["code"], e["line"], e["column"]) for e in case["findings"]]
    assert got == want, "\n".join(f"{f.span} {f.code} {f.message}" for f in mine)
    for f, expected in zip(mine, case["findings"]):
        assert f.rule == spec["rule"]
        if "message" in expected:
            assert expected["message"] in f.message, f.message
        if "hint" in expected:
            assert expected["hint"] in f.hint, f.hint
        severity = expected.get("severity", REGISTRY[code].severity.label)
        assert f.severity is Severity.parse(severity)
        assert f.span.file == f"{stem}.yaml"
        assert f.path, "a rule finding names the place inside the document"


def test_case_documents_are_different_from_each_other():
    """A copy-pasted case tests nothing new."""
    seen: dict[str, str] = {}
    for stem, spec in CASE_FILES.items():
        for case in spec["cases"]:
            text = case.get("pass") or case.get("fail")
            assert text not in seen or seen[text] == stem, f"{stem}: {case['name']!r} repeats a case of {seen[text]}"
            seen[text] = stem


# --- across files: a temporary project ---------------------------------------

CONFIG = """\
cjm: 1
maps: ["maps/**/*.yaml"]
catalogs: ["shared/*.yaml"]
"""

CATALOG = """\
cjm: 1
kind: catalog
personas:
  - id: {pid}
    name: Sam the shopper
    goals: [Buy running shoes]
channels:
  - id: web
    name: Website
kpis:
  - id: conversion
    name: Conversion rate
    unit: "%"
    target: 3.5
"""

PROJECT_MAP = """\
cjm: 1
title: Online shop
goal: Buy shoes
personas:
  - {pid}
stages:
  - id: buy
    name: Buy
    kpis: [conversion]
    touchpoints:
      - id: cart
        name: Cart
        channel: web
        emotion: {{{pid}: 1}}
"""


def _project(root: Path, map_pid: str = "shopper", catalogs: dict[str, str] | None = None) -> Path:
    (root / "cjm.yaml").write_text(CONFIG)
    (root / "shared").mkdir()
    for name, pid in (catalogs or {"personas.yaml": "shopper"}).items():
        (root / "shared" / name).write_text(CATALOG.format(pid=pid))
    (root / "maps").mkdir()
    (root / "maps" / "shop.yaml").write_text(PROJECT_MAP.format(pid=map_pid))
    return root


def _run(root: Path, inputs: list[str] | None = None):
    old = os.getcwd()
    os.chdir(root)
    try:
        return validate(ValidateRequest(inputs or [], jobs=1)).report
    finally:
        os.chdir(old)


def test_project_map_uses_a_shared_persona_channel_and_kpi(tmp_path):
    result = _run(_project(tmp_path))
    assert [r.file for r in result.reports] == ["maps/shop.yaml", "shared/personas.yaml"]
    assert [r.kind for r in result.reports] == ["map", "catalog"]
    assert result.findings == []
    assert not result.failed


def test_project_map_naming_one_file_still_sees_the_catalogues(tmp_path):
    result = _run(_project(tmp_path), ["maps/shop.yaml"])
    assert result.findings == []


def test_project_misspelt_shared_persona(tmp_path):
    root = _project(tmp_path, map_pid="shoper")
    result = _run(root)
    found = [(f.code, f.rule, str(f.span), f.hint) for f in result.findings]
    assert ("CJM302", "unknown-persona", "maps/shop.yaml:5:5", "did you mean 'shopper'?") in found
    # The emotion keyed by the same unknown id is reported too, at its key.
    assert any(code == "CJM302" and span == "maps/shop.yaml:14:19" for code, _r, span, _h in found), found
    assert {f.span.file for f in result.findings} == {"maps/shop.yaml"}
    assert result.failed


def test_project_same_persona_in_two_catalogues_is_a_duplicate(tmp_path):
    root = _project(tmp_path, catalogs={"a.yaml": "shopper", "b.yaml": "shopper"})
    result = _run(root)
    dups = [(str(f.span), f.rule, f.path) for f in result.findings if f.code == "CJM301"]
    # The second catalogue (in path order) is the one reported, for each kind.
    assert dups == [("shared/b.yaml:4:9", "duplicate-id", "personas[0].id"),
                    ("shared/b.yaml:8:9", "duplicate-id", "channels[0].id"),
                    ("shared/b.yaml:11:9", "duplicate-id", "kpis[0].id")], dups
    first = next(f for f in result.findings if f.code == "CJM301")
    assert "persona 'shopper'" in first.message and "shared/a.yaml" in first.message
    assert result.failed


def test_project_map_must_not_redefine_a_catalogue_persona(tmp_path):
    root = _project(tmp_path)
    (root / "maps" / "shop.yaml").write_text(PROJECT_MAP.format(pid="shopper").replace(
        "personas:\n  - shopper\n", "personas:\n  - id: shopper\n    name: Sam\n    goals: [Buy]\n"))
    result = _run(root)
    found = [(f.code, str(f.span)) for f in result.findings]
    assert found == [("CJM301", "maps/shop.yaml:5:9")], result.findings
    assert "shared/personas.yaml" in result.findings[0].message


def test_project_catalogue_glob_matching_a_map_is_reported(tmp_path):
    root = _project(tmp_path)
    (root / "shared" / "oops.yaml").write_text(PROJECT_MAP.format(pid="shopper"))
    result = _run(root)
    found = [(f.code, str(f.span)) for f in result.findings]
    assert ("CJM206", "shared/oops.yaml:1:1") in found, found


def test_project_rule_levels_from_config(tmp_path):
    root = _project(tmp_path)
    (root / "cjm.yaml").write_text(CONFIG + "rules:\n  unknown-persona: warning\n  CJM303: off\n")
    (root / "maps" / "shop.yaml").write_text(
        PROJECT_MAP.format(pid="shoper").replace("channel: web", "channel: webb"))
    result = _run(root)
    by_code = {f.code: f.severity for f in result.findings}
    assert by_code.get("CJM302") is Severity.WARNING
    assert "CJM303" not in by_code
    assert not result.failed  # only warnings left, and the fail level is error


def test_project_duplicate_within_one_catalogue_is_reported_once(tmp_path):
    root = _project(tmp_path)
    (root / "shared" / "personas.yaml").write_text(CATALOG.format(pid="shopper").replace(
        "kpis:\n", "  - id: web\n    name: Web again\nkpis:\n"))
    result = _run(root)
    dups = [(str(f.span), f.message) for f in result.findings if f.code == "CJM301"]
    assert dups == [("shared/personas.yaml:10:9", "'web' is defined twice in channels")], dups
