"""A metrics snapshot matched to the map: the steps, reach, moves and paths
the renderers draw; stale or broken snapshots give what still fits, never an
error. The main snapshot is written by the real analyze stage on generated
events with planted truth (tests/measured_inputs.py)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from measured_inputs import STAGE_IDS, TOUCHPOINT_IDS, measured_project

from cjm.model.journey import JourneyMap
from cjm.model.observed import Observed, observe, to_json
from ruamel.yaml import YAML


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    root = tmp_path_factory.mktemp("measured")
    out = measured_project(root)
    out["model"] = JourneyMap.model_validate(YAML(typ="safe").load(out["map"].read_text(encoding="utf-8")))
    return out


def test_the_funnel_steps_carry_the_measured_numbers(measured):
    got = observe(measured["snapshot"], measured["model"], "metrics/shop.json")
    truth = measured["truth"]
    assert [s.id for s in got.steps] == STAGE_IDS
    assert [s.kind for s in got.steps] == ["stage"] * 5
    assert [s.reached for s in got.steps] == truth["reached"]
    assert [s.name for s in got.steps] == ["Discover", "Consider", "Cart", "Checkout", "Purchase"]
    first, second = got.steps[0], got.steps[1]
    assert first.conversion == 1.0 and first.step_conversion is None
    assert second.conversion == round(truth["reached"][1] / truth["reached"][0], 6)
    # the drop-off of a step: those who reached it and did not reach the next
    assert [s.dropoff for s in got.steps[:-1]] == [a - b for a, b in zip(truth["reached"], truth["reached"][1:])]
    assert got.steps[-1].dropoff is None
    assert [s.next_id for s in got.steps] == STAGE_IDS[1:] + [None]
    assert got.entered == truth["users"] and got.converted == truth["reached"][-1]
    assert got.unit == "person" and got.counts == "units" and got.missing == ()
    assert got.data_end is not None and got.data_start <= got.data_end
    assert got.largest == truth["users"]
    assert got.stage_step("cart").reached == truth["reached"][2]
    assert got.touchpoint_step("cart") is None


def test_reach_transitions_and_paths_are_the_planted_ones(measured):
    got = observe(measured["snapshot"], measured["model"])
    truth = measured["truth"]
    # every touchpoint that names events, those nobody sends included; none for one without events
    assert set(got.reach) == {*TOUCHPOINT_IDS, "help"}
    assert got.reach["help"] == 0 and "thanks" not in got.reach
    assert got.reach["browse"] == truth["users"]
    assert {f"{a}>{b}": c for (a, b), c in got.transitions.items()} == truth["transitions"]
    assert got.paths and all(p.ids[0] == "browse" for p in got.paths)
    assert [p.count for p in got.paths] == sorted((p.count for p in got.paths), reverse=True)
    assert got.paths[0].names[0] == "Browses the catalogue"


def test_touchpoint_steps(tmp_path):
    measured = measured_project(tmp_path, users=120, steps="touchpoints")
    model = JourneyMap.model_validate(YAML(typ="safe").load(measured["map"].read_text(encoding="utf-8")))
    got = observe(measured["snapshot"], model)
    assert [(s.kind, s.id) for s in got.steps] == [("touchpoint", t) for t in TOUCHPOINT_IDS]
    assert got.touchpoint_step("product").reached == measured["truth"]["reached"][1]
    assert got.stage_step("consider") is None


def _without(model: JourneyMap, stage_id: str) -> JourneyMap:
    return model.model_copy(update={"stages": [s for s in model.stages if s.id != stage_id]})


def test_a_step_the_map_no_longer_has_is_left_out_and_named(measured):
    got = observe(measured["snapshot"], _without(measured["model"], "cart"))
    assert [s.id for s in got.steps] == ["discover", "consider", "checkout", "purchase"]
    assert got.missing == ("cart",)
    # the drop-off after Consider led to Cart, which is gone: no next step is named
    consider = got.stage_step("consider")
    assert consider.next_id is None and consider.dropoff is not None
    assert got.stage_step("checkout").next_id == "purchase"
    assert "cart" not in got.reach and all("cart" not in pair for pair in got.transitions)
    assert all("cart" not in p.ids for p in got.paths)


def test_a_snapshot_of_another_map_gives_nothing_on_this_one(measured):
    other = JourneyMap.model_validate({"cjm": 1, "title": "Other", "stages": [
        {"id": "x", "name": "X", "touchpoints": [{"id": "y", "name": "Y"}]}]})
    got = observe(measured["snapshot"], other)
    assert got.steps == () and got.reach == {} and got.transitions == {} and got.paths == ()
    assert got.missing == tuple(STAGE_IDS)


@pytest.mark.parametrize("document", [None, [], "text", {}, {"results": None}, {"results": {"steps": []}},
                                      {"results": {"steps": "x"}}])
def test_no_funnel_no_observed(measured, document):
    assert observe(document, measured["model"]) is None


def test_broken_values_are_skipped_not_trusted(measured):
    doc = copy.deepcopy(measured["snapshot"])
    results = doc["results"]
    results["steps"][0]["reached"] = "many"  # not a count: the step is left out
    results["steps"][1]["conversion"] = float("nan")
    results["steps"][2]["dropoff"] = -3
    results["steps"][3] = "garbage"
    results["touchpoints"] = {"browse": True, "product": 5, "ghost": 3}
    results["transitions"] = [{"from": "browse", "to": "product", "count": 2.5}, "x",
                              {"from": "product", "to": "cart", "count": 7}]
    results["top_paths"] = [{"path": "browse", "count": 3}, {"path": ["browse"], "count": 4}]
    doc["provenance"]["time_range"]["to"] = "yesterday"
    doc["semantics"]["unit"] = "<b>"
    got = observe(doc, measured["model"])
    assert [s.id for s in got.steps] == ["consider", "cart", "purchase"]
    assert got.missing == ("discover",)
    assert got.stage_step("consider").conversion is None
    assert got.stage_step("cart").dropoff is None
    assert got.reach == {"product": 5}
    assert got.transitions == {("product", "cart"): 7}
    assert [p.ids for p in got.paths] == [("browse",)]
    assert got.data_end is None and got.unit == "person"


def test_to_json_is_plain_data(measured):
    got = observe(measured["snapshot"], measured["model"], "metrics/shop.json")
    data = to_json(got)
    assert data["shown"] == "metrics/shop.json"
    assert dt.date.fromisoformat(data["data_end"]) == got.data_end
    assert [s["id"] for s in data["steps"]] == STAGE_IDS and "name" not in data["steps"][0]
    assert {(t["from"], t["to"]): t["count"] for t in data["transitions"]} == got.transitions
    assert isinstance(got, Observed)
