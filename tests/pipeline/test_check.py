"""Future-state maps: CJM320 dropped-pain-point and CJM321 improves-not-found."""

from __future__ import annotations

import json
import os

import pytest

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
