"""What changed for the customer between two versions of a map, and the gap
between a current-state map and its future-state map: the comparison (by id,
never by position) and its text, Markdown and JSON forms. In-process, on
models; the command and the stage: tests/cli/test_diff.py, tests/pipeline/test_diff.py."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from cjm.authoring.diff import (DIFF_FORMAT, EVERYONE, GAP_FORMAT, change_notes, changes, diff_maps,
                                format_gap_markdown, format_gap_text, format_markdown, format_text, gap, has_changes,
                                num, summary_line, to_json)
from cjm.locations import Span
from cjm.model.journey import JourneyMap

BASE = {
    "cjm": 1, "title": "Shoe shop", "goal": "Buy shoes", "owner": "CX",
    "personas": [{"id": "maya", "name": "Maya"}, {"id": "dan", "name": "Dan"}],
    "kpis": [{"id": "conv", "name": "Conversion", "unit": "%", "target": 3, "actual": 1.8,
              "direction": "higher-is-better"},
             {"id": "wait", "name": "Wait", "unit": "s", "target": 30, "actual": 50,
              "direction": "lower-is-better"}],
    "stages": [
        {"id": "browse", "name": "Browse", "touchpoints": [
            {"id": "page", "name": "Product page", "channel": "web", "emotion": {"maya": -1, "dan": 0},
             "pain_points": [{"id": "hidden-fees", "title": "Fees hidden", "severity": "high"}],
             "opportunities": [{"id": "show-fees", "title": "Show fees", "addresses": ["hidden-fees"]}]},
            {"id": "chat", "name": "Size chat", "emotion": -2},
        ]},
        {"id": "buy", "name": "Buy", "touchpoints": [
            {"id": "checkout", "name": "Checkout", "emotion": {"maya": -2, "dan": -2},
             "pain_points": [{"id": "long-form", "title": "Five steps"}]},
        ]},
    ],
    "actions": [{"id": "fees-early", "title": "Show fees early", "status": "planned", "addresses": ["hidden-fees"]}],
}


def m(change=None) -> JourneyMap:
    """BASE, changed in place by ``change(data)``."""
    data = copy.deepcopy(BASE)
    if change:
        change(data)
    return JourneyMap.model_validate(data)


def tp(data: dict, tid: str) -> dict:
    return next(t for s in data["stages"] for t in s["touchpoints"] if t["id"] == tid)


# --- nothing, everything ----------------------------------------------------------------


def test_the_same_map_has_no_changes():
    d = diff_maps(m(), m(), "a.yaml", "b.yaml")
    assert d["summary"]["changes"] == 0 and not has_changes(d)
    assert summary_line(d) == "no changes for the customer"
    assert d["format"] == DIFF_FORMAT and d["version"] == 1
    assert (d["old"], d["new"]) == ({"file": "a.yaml", "title": "Shoe shop", "exists": True},
                                    {"file": "b.yaml", "title": "Shoe shop", "exists": True})
    assert format_text([d]) == "a.yaml -> b.yaml: no changes for the customer\n"


def test_a_map_that_did_not_exist_brings_everything():
    d = diff_maps(None, m(), "HEAD:m.yaml", "m.yaml")
    assert d["old"] == {"file": "HEAD:m.yaml", "title": None, "exists": False}
    assert d["map"] == []  # no facts to compare with
    assert [p["id"] for p in d["personas"]["added"]] == ["maya", "dan"]
    assert [t["id"] for t in d["touchpoints"]["added"]] == ["page", "chat", "checkout"]
    assert {e["direction"] for e in d["emotions"]} == {"added"}
    assert summary_line(d) == "new map" and has_changes(d)


def test_a_map_that_is_gone():
    d = diff_maps(m(), None)
    assert summary_line(d) == "map removed" and has_changes(d)
    assert [t["id"] for t in d["touchpoints"]["removed"]] == ["page", "chat", "checkout"]
    assert d["emotions"] == []


def test_has_changes_when_only_existence_differs():
    empty = JourneyMap.model_validate({"cjm": 1, "title": "t", "stages": [{"id": "s", "name": "S"}]})
    d = diff_maps(None, empty)
    assert has_changes(d)


# --- each kind of change ------------------------------------------------------------------


def test_map_facts_and_scale():
    def change(data):
        data.update(title="Shoe shop 2", goal="Buy boots", type="future-state", improves="a.yaml", owner=None)
        data["scale"] = {"min": 1, "max": 5}

    facts = diff_maps(m(), m(change))["map"]
    assert facts == [
        {"field": "title", "old": "Shoe shop", "new": "Shoe shop 2"},
        {"field": "goal", "old": "Buy shoes", "new": "Buy boots"},
        {"field": "type", "old": "current-state", "new": "future-state"},
        {"field": "improves", "old": None, "new": "a.yaml"},
        {"field": "owner", "old": "CX", "new": None},
        {"field": "scale", "old": "-2..2", "new": "1..5"},
    ]


def test_personas_by_id_catalogue_references_named_by_their_id():
    def change(data):
        data["personas"] = [{"id": "maya", "name": "Maya M."}, "shared-lee"]

    p = diff_maps(m(), m(change))["personas"]
    assert p == {"added": [{"id": "shared-lee", "name": "shared-lee"}], "removed": [{"id": "dan", "name": "Dan"}],
                 "renamed": [{"id": "maya", "old": "Maya", "new": "Maya M."}]}


def test_stages_added_removed_renamed_reordered():
    def change(data):
        browse, buy = data["stages"]
        buy["name"] = "Purchase"
        data["stages"] = [{"id": "think", "name": "Think"}, buy, browse]

    s = diff_maps(m(), m(change))["stages"]
    assert s["added"] == [{"id": "think", "name": "Think", "position": 1}]
    assert s["removed"] == []
    assert s["renamed"] == [{"id": "buy", "old": "Buy", "new": "Purchase"}]
    assert s["reordered"] == {"old": ["browse", "buy"], "new": ["buy", "browse"]}


def test_adding_a_stage_in_front_is_not_a_reorder():
    def change(data):
        data["stages"].insert(0, {"id": "think", "name": "Think"})

    assert diff_maps(m(), m(change))["stages"]["reordered"] is None


def test_touchpoints_by_id_wherever_they_are():
    def change(data):
        chat = data["stages"][0]["touchpoints"].pop(1)
        data["stages"][1]["touchpoints"].append(chat)  # moved to buy
        page = tp(data, "page")
        page.update(name="Product", channel="app", mode="online", feeling="curious")
        data["stages"][1]["touchpoints"].append({"id": "wallet", "name": "Wallet"})
        data["stages"][1]["touchpoints"] = [t for t in data["stages"][1]["touchpoints"] if t["id"] != "checkout"]

    t = diff_maps(m(), m(change))["touchpoints"]
    assert t["added"] == [{"id": "wallet", "name": "Wallet", "stage": "buy"}]
    assert t["removed"] == [{"id": "checkout", "name": "Checkout", "stage": "buy"}]
    assert t["renamed"] == [{"id": "page", "old": "Product page", "new": "Product", "stage": "browse"}]
    assert t["moved"] == [{"id": "chat", "name": "Size chat", "from": "browse", "to": "buy"}]
    assert [(c["field"], c["old"], c["new"]) for c in t["changed"]] == [
        ("channel", "web", "app"), ("mode", None, "online"), ("feeling", None, "curious")]


def test_emotions_better_worse_added_removed_and_unchanged_left_out():
    def change(data):
        tp(data, "page")["emotion"] = {"maya": 1, "dan": 0}  # maya better, dan the same
        tp(data, "checkout")["emotion"] = {"maya": -2}  # dan's score gone
        tp(data, "chat")["emotion"] = -2.0000000001  # float noise is no change

    e = diff_maps(m(), m(change))["emotions"]
    assert e == [
        {"touchpoint": "page", "name": "Product page", "persona": "maya", "old": -1, "new": 1, "delta": 2,
         "direction": "better"},
        {"touchpoint": "checkout", "name": "Checkout", "persona": "dan", "old": -2, "new": None, "delta": None,
         "direction": "removed"},
    ]


def test_one_score_for_everyone_against_scores_per_persona():
    def change(data):
        tp(data, "chat")["emotion"] = {"maya": -1, "dan": -2}

    e = diff_maps(m(), m(change))["emotions"]
    assert [(x["persona"], x["old"], x["new"], x["direction"]) for x in e] == [("maya", -2, -1, "better")]


def test_one_score_for_everyone_stays_everyone():
    def change(data):
        tp(data, "chat")["emotion"] = -1

    (e,) = diff_maps(m(), m(change))["emotions"]
    assert (e["persona"], e["delta"], e["direction"]) == (EVERYONE, 1, "better")


def test_old_scores_move_onto_the_new_scale_first():
    def change(data):
        data["scale"] = {"min": 1, "max": 5}
        for t in (tp(data, "page"), tp(data, "chat"), tp(data, "checkout")):
            e = t["emotion"]
            t["emotion"] = {k: v + 3 for k, v in e.items()} if isinstance(e, dict) else e + 3

    assert diff_maps(m(), m(change))["emotions"] == []  # the same feelings on another scale


def test_a_new_touchpoint_brings_its_scores():
    def change(data):
        data["stages"][1]["touchpoints"].append({"id": "pay", "name": "Pay", "emotion": {"maya": 2}})

    e = diff_maps(m(), m(change))["emotions"]
    assert e == [{"touchpoint": "pay", "name": "Pay", "persona": "maya", "old": None, "new": 2, "delta": None,
                  "direction": "added"}]


def test_scores_of_one_step_follow_the_new_maps_persona_order():
    def change(data):
        data["personas"].append({"id": "ada", "name": "Ada"})
        tp(data, "page")["emotion"] = {"ada": 2, "dan": 1, "maya": 0}

    e = diff_maps(m(), m(change))["emotions"]
    assert [x["persona"] for x in e] == ["maya", "dan", "ada"]


def test_pain_points_opened_closed_removed_with_their_step_and_changed():
    def change(data):
        tp(data, "page")["pain_points"] = []  # closed: its step is still there
        data["stages"][1]["touchpoints"] = []  # long-form goes with its step
        tp(data, "chat")["pain_points"] = [{"id": "slow", "title": "Slow replies", "severity": "low"}]

    p = diff_maps(m(), m(change))["pain_points"]
    assert p["opened"] == [{"id": "slow", "title": "Slow replies", "severity": "low", "touchpoint": "chat",
                            "stage": "browse"}]
    assert [x["id"] for x in p["closed"]] == ["hidden-fees"]
    assert [x["id"] for x in p["removed"]] == ["long-form"]


def test_a_pain_point_that_changes_title_severity_or_step():
    def change(data):
        pain = tp(data, "page")["pain_points"].pop()
        pain.update(title="Fees shown late", severity="critical")
        tp(data, "chat")["pain_points"] = [pain]

    changed = diff_maps(m(), m(change))["pain_points"]["changed"]
    assert [(c["field"], c["old"], c["new"]) for c in changed] == [
        ("title", "Fees hidden", "Fees shown late"), ("severity", "high", "critical"), ("touchpoint", "page", "chat")]


def test_opportunities_and_actions():
    def change(data):
        tp(data, "page")["opportunities"] = [{"id": "calc", "title": "Fee calculator"}]
        data["actions"][0]["status"] = "done"
        data["actions"].append({"id": "bot", "title": "Size bot", "owner": "Support"})

    d = diff_maps(m(), m(change))
    assert d["opportunities"] == {"added": [{"id": "calc", "title": "Fee calculator", "touchpoint": "page"}],
                                  "removed": [{"id": "show-fees", "title": "Show fees", "touchpoint": "page"}]}
    assert d["actions"] == {
        "added": [{"id": "bot", "title": "Size bot", "status": "idea", "owner": "Support"}], "removed": [],
        "status_changed": [{"id": "fees-early", "title": "Show fees early", "old": "planned", "new": "done"}]}


@pytest.mark.parametrize("kpi, field, new, delta, direction", [
    ("conv", "actual", 2.4, 0.6, "better"),  # higher is better, up
    ("conv", "actual", 1.5, -0.3, "worse"),
    ("wait", "actual", 40, -10, "better"),  # lower is better, down
    ("wait", "actual", 55, 5, "worse"),
    ("conv", "target", 3.5, 0.5, None),  # a new target is neither better nor worse
])
def test_kpi_values_with_delta_and_direction(kpi, field, new, delta, direction):
    def change(data):
        next(k for k in data["kpis"] if k["id"] == kpi)[field] = new

    (c,) = diff_maps(m(), m(change))["kpis"]["changed"]
    assert (c["id"], c["field"], c["new"], c["delta"], c.get("direction")) == (kpi, field, new, delta, direction)


def test_kpis_added_removed_and_unit_changes():
    def change(data):
        data["kpis"][0]["unit"] = "pp"
        data["kpis"][1] = {"id": "nps", "name": "NPS"}

    k = diff_maps(m(), m(change))["kpis"]
    assert k["added"] == [{"id": "nps", "name": "NPS", "target": None, "actual": None, "unit": None}]
    assert k["removed"] == [{"id": "wait", "name": "Wait"}]
    assert k["changed"] == [{"id": "conv", "name": "Conversion", "field": "unit", "old": "%", "new": "pp",
                             "unit": "pp"}]


# --- the summary ----------------------------------------------------------------------------


def test_summary_counts_add_up_and_the_line_uses_singular_and_plural():
    def change(data):
        tp(data, "page")["emotion"] = {"maya": 1, "dan": 1}
        data["stages"][1]["touchpoints"].append({"id": "pay", "name": "Pay"})

    d = diff_maps(m(), m(change))
    s = d["summary"]
    assert s["changes"] == sum(v for k, v in s.items() if k != "changes") == 3
    assert (s["emotions_better"], s["touchpoints_added"]) == (2, 1)
    assert summary_line(d) == "3 changes: 1 touchpoint added, 2 emotions better"


def test_one_change():
    d = diff_maps(m(), m(lambda data: data.update(title="New")))
    assert summary_line(d) == "1 change: 1 map fact changed"


# --- text, notes, Markdown, JSON ---------------------------------------------------------------


def busy() -> dict:
    def change(data):
        tp(data, "page")["emotion"] = {"maya": 1, "dan": 0}
        tp(data, "page")["pain_points"] = []
        tp(data, "chat")["name"] = "Chat with   us"
        data["stages"][1]["touchpoints"].append({"id": "wallet", "name": "Wallet | pay <b>now</b> @team #12 $5",
                                                 "emotion": 2})
        data["actions"][0]["status"] = "done"
        data["kpis"][0]["actual"] = 2.4

    return diff_maps(m(), m(change), "HEAD~1:shop.yaml", "shop.yaml")


def test_text_lists_each_section_once_with_one_line_per_change():
    text = format_text([busy()])
    assert text.splitlines() == [
        "HEAD~1:shop.yaml -> shop.yaml: " + summary_line(busy()),
        "Touchpoints:",
        "  + wallet (Wallet | pay <b>now</b> @team #12 $5) in buy",
        "  ~ chat renamed: Size chat -> Chat with us",  # line breaks in names never break the output
        "Emotions:",
        "  + page (Product page), Maya: -1 -> 1 (+2, better)",
        "  + wallet (Wallet | pay <b>now</b> @team #12 $5), everyone: none -> 2 (added)",
        "Pain points:",
        "  - closed hidden-fees (Fees hidden) at page",
        "Actions:",
        "  ~ fees-early (Show fees early) status: planned -> done",
        "KPIs:",
        "  ~ conv actual: 1.8 -> 2.4 % (better)",
    ]


def test_changes_carry_what_locates_them():
    kinds = {(section, kind, ident, persona) for section, kind, ident, persona, _line in changes(busy())}
    assert ("Emotions", "emotion", "page", "maya") in kinds
    assert ("Pain points", "touchpoint", "page", None) in kinds  # a closed one sits at its step
    assert ("Touchpoints", "touchpoint", "wallet", None) in kinds
    assert ("KPIs", "kpi", "conv", None) in kinds


def test_change_notes_are_info_findings_at_their_place():
    seen = []

    def locate(file, kind, ident, persona):
        seen.append((file, kind, ident, persona))
        return Span(file, 7, 3)

    notes = change_notes([busy()], locate)
    assert len(notes) == len(changes(busy())) == len(seen)
    assert {(n.code, n.rule, n.severity.label) for n in notes} == {("CJM501", "map-change", "info")}
    assert notes[0].message == "Touchpoints: + wallet (Wallet | pay <b>now</b> @team #12 $5) in buy"
    assert all(file == "shop.yaml" for file, *_rest in seen)
    new = change_notes([diff_maps(None, m(), "a", "b.yaml")], locate)
    assert [(n.message, str(n.span)) for n in new] == [("new map", "b.yaml:7:3")]  # one note, not one per item


def test_markdown_is_a_pull_request_comment_that_pings_nobody():
    md = format_markdown([busy()])
    lines = md.splitlines()
    assert lines[:3] == ["### Journey map changes", "",
                         f"**{summary_line(busy())}** (HEAD\\~1:shop.yaml → shop.yaml)"]
    assert "#### Touchpoints" in md and "#### Emotions" in md and "#### KPIs" in md
    assert "#### Personas" not in md  # no empty tables
    row = next(x for x in lines if "`wallet`" in x and x.startswith("| added"))
    assert row == ("| added | `wallet` | Wallet \\| pay &lt;b&gt;now&lt;/b&gt; @\u200bteam \\#\u200b12 \\$5 in `buy` |")
    assert row.count(" | ") == 2  # three cells: the escaped pipe did not add one
    assert "| Product page (`page`) | Maya | \\-1 | 1 | \\+2 ▲ better |" in md
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_markdown_of_several_maps_counts_them():
    md = format_markdown([busy(), diff_maps(m(), m(), "a.yaml", "a.yaml")])
    assert "**" + f"{busy()['summary']['changes']} changes** in 1 of 2 maps" in md
    assert "#### shop.yaml" in md and "#### a.yaml" in md


def test_json_leaves_private_fields_out_and_keeps_text_as_text():
    doc = json.loads(to_json({"files": [busy()]}))
    (d,) = doc["files"]
    assert "_names" not in d
    assert d["touchpoints"]["added"][0]["name"] == "Wallet | pay <b>now</b> @team #12 $5"


def test_json_of_dates():
    assert json.loads(to_json({"due": dt.date(2026, 1, 2)})) == {"due": "2026-01-02"}


@pytest.mark.parametrize("value, shown", [(None, None), (2, 2), (2.0, 2), (0.1 + 0.2, 0.3), (1 / 3, 0.33),
                                          (-2.5, -2.5), (2.675, 2.67)])
def test_num(value, shown):
    assert num(value) == shown
    assert type(num(value)) is type(shown)


# --- the gap between current and future ------------------------------------------------------


def future(change=None) -> JourneyMap:
    def both(data):
        data["type"] = "future-state"
        data["improves"] = "current.yaml"
        if change:
            change(data)

    return m(both)


def test_gap_stage_by_stage_with_average_emotions_per_persona():
    def change(data):
        tp(data, "page")["emotion"] = {"maya": 1, "dan": 1}
        tp(data, "chat")["emotion"] = 0

    g = gap(m(), future(change), "current.yaml", "future.yaml")
    assert g["format"] == GAP_FORMAT and g["version"] == 1
    assert (g["current"], g["future"]) == ({"file": "current.yaml", "title": "Shoe shop", "scale": [-2, 2]},
                                           {"file": "future.yaml", "title": "Shoe shop", "scale": [-2, 2]})
    browse = g["stages"][0]
    assert (browse["id"], browse["in"]) == ("browse", "both")
    # chat's single score counts for each persona of the map
    assert browse["emotion"] == [
        {"persona": "maya", "current": -1.5, "future": 0.5, "delta": 2},
        {"persona": "dan", "current": -1, "future": 0.5, "delta": 1.5},
    ]
    assert [p["id"] for p in g["personas"]] == ["maya", "dan"]


def test_gap_pain_points_resolved_remaining_new_with_the_actions_on_them():
    def change(data):
        tp(data, "page")["pain_points"] = []  # resolved
        tp(data, "chat")["pain_points"] = [{"id": "slow", "title": "Slow"}]  # new
        data["actions"] = [{"id": "one-page", "title": "One page", "addresses": ["long-form"]},
                           {"id": "dropped", "title": "Dropped", "status": "dropped", "addresses": ["long-form"]},
                           {"id": "fees-early", "title": "Again", "addresses": ["hidden-fees"]}]

    g = gap(m(), future(change))
    browse, buy = g["stages"]
    assert [(x["id"], x["actions"]) for x in browse["pain_points"]["resolved"]] == [("hidden-fees", ["fees-early"])]
    assert [x["id"] for x in browse["pain_points"]["new"]] == ["slow"]
    assert [(x["id"], x["actions"]) for x in buy["pain_points"]["remaining"]] == [("long-form", ["one-page"])]
    assert g["totals"] == {"resolved": 1, "remaining": 1, "new": 1}


def test_gap_stages_in_future_order_then_those_only_in_the_current_map():
    def change(data):
        data["stages"] = [{"id": "think", "name": "Think"}, data["stages"][1]]

    g = gap(m(), future(change))
    assert [(s["id"], s["in"]) for s in g["stages"]] == [("think", "future"), ("buy", "both"), ("browse", "current")]


def test_gap_unit_rescales_current_scores():
    def one(scale, emotion, pains):
        return JourneyMap.model_validate({
            "cjm": 1, "title": "t", "scale": scale,
            "stages": [{"id": "s", "name": "S", "touchpoints": [
                {"id": "t", "name": "T", "emotion": emotion, "pain_points": pains}]}]})

    current = one({"min": 1, "max": 5}, 1, [{"id": "p", "title": "P"}, {"id": "q", "title": "Q"}])
    fut = one({"min": -2, "max": 2}, 1, [{"id": "q", "title": "Q"}])
    g = gap(current, fut)
    (stage,) = g["stages"]
    assert stage["emotion"] == [{"persona": "*", "current": -2, "future": 1, "delta": 3}]
    assert [p["id"] for p in stage["pain_points"]["resolved"]] == ["p"]
    assert [p["id"] for p in stage["pain_points"]["remaining"]] == ["q"]


def test_gap_text_and_markdown():
    def change(data):
        tp(data, "page")["pain_points"] = []
        tp(data, "chat")["emotion"] = 0

    g = gap(m(), future(change), "current.yaml", "future.yaml")
    text = format_gap_text(g)
    assert text.splitlines()[0] == ("current.yaml (current) -> future.yaml (future): 1 pain points resolved, "
                                    "1 remaining, 0 new")
    assert "browse (Browse):" in text and "  - resolved hidden-fees (Fees hidden) [actions: fees-early]" in text
    assert "  emotion Maya: -1.5 -> -0.5 (+1)" in text
    md = format_gap_markdown(g)
    assert md.startswith("### Current vs future: Shoe shop\n\n**1 pain points resolved, 1 remaining, 0 new**")
    assert "| Browse | Maya | \\-1.5 | \\-0.5 | \\+1 |" in md
    assert "| Browse | resolved | `hidden-fees` | Fees hidden | `fees-early` |" in md
