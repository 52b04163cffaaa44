"""Checking one document: schema, then rules, then policy (check_document); and
future-state maps: the improved map loaded once, CJM320 dropped-pain-point and
CJM321 improves-not-found."""

from __future__ import annotations

import json
import os

import pytest

from cjm.loader import parse_text
from cjm.model.catalog import ProjectIndex
from cjm.pipeline.check import CheckSettings, check_document, schema_check
from conftest import MINIMAL_MAP

CURRENT = """\
cjm: 1
title: Checkout today
goal: Buy shoes
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: checkout
        name: Checkout
        emotion: -2
        pain_points:
          - id: surprise-shipping
            title: Shipping cost shown only at checkout
          - id: long-checkout
            title: Five steps
        opportunities:
          - id: one-page
            title: One page
            addresses: [surprise-shipping, long-checkout]
"""

FUTURE = """\
cjm: 1
title: Checkout next year
goal: Buy shoes
type: future-state
improves: current.yaml
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: checkout
        name: Checkout
        emotion: 1
        pain_points:
          - id: long-checkout
            title: Still three steps
        opportunities:
          - id: wallet
            title: Wallet payments
            addresses: [long-checkout]
"""


def findings(cjm, cwd, *files) -> list[dict]:
    proc = cjm("validate", "-f", "json", *files, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    return [f for f in report["findings"] if f["code"] in ("CJM320", "CJM321")]


@pytest.fixture
def pair(tmp_path):
    (tmp_path / "current.yaml").write_text(CURRENT)
    (tmp_path / "future.yaml").write_text(FUTURE)
    return tmp_path


def test_dropped_pain_point_without_action_warns(cjm, pair):
    found = findings(cjm, pair, "future.yaml")
    assert [(f["code"], f["rule"], f["severity"]) for f in found] == [("CJM320", "dropped-pain-point", "warning")]
    f = found[0]
    assert "'surprise-shipping'" in f["message"] and "current.yaml" in f["message"]
    assert (f["file"], f["line"], f["column"]) == ("future.yaml", 5, 11)  # at `improves:`
    assert "addresses: [surprise-shipping]" in f["hint"]


def test_an_action_in_the_current_map_addresses_it(cjm, pair):
    (pair / "current.yaml").write_text(CURRENT + """\
actions:
  - id: show-shipping
    title: Show shipping early
    addresses: [surprise-shipping]
""")
    assert findings(cjm, pair, "future.yaml") == []


def test_a_dropped_action_does_not_count(cjm, pair):
    (pair / "current.yaml").write_text(CURRENT + """\
actions:
  - id: show-shipping
    title: Show shipping early
    status: dropped
    addresses: [surprise-shipping]
""")
    assert [f["code"] for f in findings(cjm, pair, "future.yaml")] == ["CJM320"]


def test_kept_pain_points_pass(cjm, pair):
    (pair / "future.yaml").write_text(FUTURE.replace("""          - id: long-checkout
            title: Still three steps
""", """          - id: long-checkout
            title: Still three steps
          - id: surprise-shipping
            title: Shipping shown late
""").replace("addresses: [long-checkout]", "addresses: [long-checkout, surprise-shipping]"))
    assert findings(cjm, pair, "future.yaml") == []


def test_improves_is_resolved_relative_to_the_future_map(cjm, pair):
    (pair / "maps").mkdir()
    (pair / "future.yaml").rename(pair / "maps" / "future.yaml")
    (pair / "maps" / "future.yaml").write_text(FUTURE.replace("improves: current.yaml", "improves: ../current.yaml"))
    found = findings(cjm, pair, "maps/future.yaml")
    assert [f["code"] for f in found] == ["CJM320"]
    # and from another working folder
    found = findings(cjm, pair / "maps", "future.yaml")
    assert [f["code"] for f in found] == ["CJM320"]


@pytest.mark.parametrize("current, words", [
    (None, "does not exist"),
    ("cjm: 1\ntitle: [broken\n", "cannot be loaded"),
    ("cjm: 1\ntitle: No stages\n", "is not a valid map"),
    ("cjm: 1\nkind: catalog\n", "this file is a catalogue; a map is needed here"),
])
def test_improves_not_found(cjm, pair, current, words):
    if current is None:
        (pair / "current.yaml").unlink()
    else:
        (pair / "current.yaml").write_text(current)
    proc = cjm("validate", "future.yaml", cwd=pair)
    assert proc.returncode == 1
    found = findings(cjm, pair, "future.yaml")
    assert [(f["code"], f["rule"], f["severity"]) for f in found] == [("CJM321", "improves-not-found", "error")]
    assert words in found[0]["message"] and "current.yaml" in found[0]["message"]
    assert (found[0]["line"], found[0]["column"]) == (5, 11)


def test_rule_docs_have_bad_and_good_examples(cjm):
    for name in ("dropped-pain-point", "improves-not-found"):
        proc = cjm("rules", name)
        assert proc.returncode == 0
        assert "Bad:" in proc.stdout and "Good:" in proc.stdout


def test_the_improved_map_is_loaded_once_and_reloaded_when_it_changes(pair, monkeypatch):
    from cjm.model.journey import JourneyMap
    from cjm.pipeline import check, inputs
    from cjm.rules import RuleContext
    from cjm.rules.dropped_pain_point import dropped_pain_point

    calls = []
    read = inputs.read_document

    def counting(source):
        calls.append(source.path)
        return read(source)

    monkeypatch.setattr(inputs, "read_document", counting)
    monkeypatch.chdir(pair)
    model = JourneyMap.model_validate({"cjm": 1, "title": "f", "improves": "current.yaml",
                                       "stages": [{"id": "s", "name": "S"}]})
    check._IMPROVED.clear()

    def found():
        ctx = RuleContext("future.yaml", model, improved=check.improved_map("future.yaml", model))
        return list(dropped_pain_point(ctx))

    first, second = found(), found()
    assert len(first) == len(second) == 2 and len(calls) == 1
    stat = os.stat(pair / "current.yaml")
    (pair / "current.yaml").write_text(CURRENT.replace("          - id: long-checkout\n            title: Five steps\n",
                                                       ""))
    os.utime(pair / "current.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert len(found()) == 1 and len(calls) == 2


# --- check_document: schema, then rules, then policy (issue 7) ----------------------------

def checked(text: str, settings: CheckSettings | None = None, kinds=("map", "catalog")):
    return check_document(parse_text("m.yaml", text), settings or CheckSettings(), kinds)


def test_a_valid_map_gives_its_model_kind_and_document():
    result = checked(MINIMAL_MAP)
    assert result.report.findings == [] and result.report.kind == "map" and result.report.file == "m.yaml"
    assert result.model.title == "Minimal" and result.doc.text == MINIMAL_MAP


def test_a_document_that_does_not_load_is_not_validated():
    result = checked("cjm: 1\ncjm: 1\n")
    assert [f.code for f in result.report.findings] == ["CJM102"]
    assert result.model is None and result.report.kind == "unknown"


def test_rules_run_only_on_a_valid_model():
    broken = MINIMAL_MAP.replace("emotion: 1", "emotion: 9").replace("title: Minimal\n", "")
    assert [f.code for f in checked(broken).report.findings] == ["CJM202"]  # no CJM307 on top


def test_the_kinds_a_caller_accepts():
    catalog = "cjm: 1\nkind: catalog\n"
    assert checked(catalog).report.kind == "catalog"
    result = checked(catalog, kinds=("map",))
    assert [f.code for f in result.report.findings] == ["CJM206"] and result.model is None


def test_schema_check_hands_back_load_findings_as_they_are():
    doc = parse_text("m.yaml", "cjm: 1\ntitle: [x\n")
    model, findings = schema_check(doc)
    assert model is None and findings == doc.findings and findings is not doc.findings


def test_rule_findings_carry_their_place_path_and_hint():
    (f,) = checked(MINIMAL_MAP.replace("emotion: 1", "emotion: 9")).report.findings
    assert (f.code, str(f.span), f.path) == ("CJM307", "m.yaml:14:18", "stages[0].touchpoints[0].emotion")


def test_some_rules_point_at_the_key():
    text = MINIMAL_MAP.replace("emotion: 1", "emotion: {samm: 1}")
    (f,) = [f for f in checked(text).report.findings if f.code == "CJM302"]
    assert (str(f.span), f.path) == ("m.yaml:14:19", "stages[0].touchpoints[0].emotion.samm")  # the key samm


def test_settings_reach_the_rules_and_the_policy():
    import datetime as dt

    old = MINIMAL_MAP.replace("goal: Buy a thing\n", "goal: Buy a thing\nreviewed: 2026-01-01\n")
    assert checked(old, CheckSettings(today=dt.date(2026, 2, 1))).report.findings == []
    assert [f.code for f in checked(old, CheckSettings(today=dt.date(2026, 6, 1))).report.findings] == ["CJM315"]
    short = CheckSettings(today=dt.date(2026, 2, 1), options={"CJM315": {"max_age_days": 10}})
    assert [f.code for f in checked(old, short).report.findings] == ["CJM315"]
    off = CheckSettings(today=dt.date(2026, 6, 1), levels={"CJM315": "off"})
    assert checked(old, off).report.findings == []


def test_the_project_catalogues_reach_the_rules():
    from cjm.model.journey import Catalog

    text = MINIMAL_MAP.replace("  - id: sam\n    name: Sam\n    goals: [Buy a thing]\n", "  - lee\n")
    assert [f.code for f in checked(text).report.findings] == ["CJM302"]
    index = ProjectIndex()
    index.add_catalog(Catalog.model_validate({"cjm": 1, "kind": "catalog", "personas": [{"id": "lee",
                                                                                         "name": "Lee"}]}), "c.yaml")
    assert checked(text, CheckSettings(index)).report.findings == []


def test_findings_come_sorted_by_place():
    text = MINIMAL_MAP.replace("goal: Buy a thing\n", "").replace("emotion: 1", "emotion: 9") \
        .replace("    goals: [Buy a thing]\n", "")
    found = checked(text).report.findings
    assert [f.span.line for f in found] == sorted(f.span.line for f in found) and len(found) == 3


@pytest.mark.parametrize("make, words", [
    (lambda p: None, "which does not exist"),
    (lambda p: p.mkdir(), "which is not a file"),
])
def test_improved_map_that_is_not_there(tmp_path, monkeypatch, make, words):
    from cjm.model.journey import JourneyMap
    from cjm.pipeline.check import improved_map

    monkeypatch.chdir(tmp_path)
    make(tmp_path / "current.yaml")
    model = JourneyMap.model_validate({"cjm": 1, "title": "f", "improves": "current.yaml",
                                       "stages": [{"id": "s", "name": "S"}]})
    found = improved_map("future.yaml", model)
    assert found.model is None and found.shown == "current.yaml" and words in found.why
