"""ResolvedMap: a validated map with catalogue personas, channels and KPIs in
place, and the answers every renderer asks for (so that all outputs agree)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cjm.model.catalog import ProjectIndex
from cjm.model.journey import Catalog, JourneyMap
from cjm.model.resolve import LANES, PERSONA_COLORS, ResolvedMap, resolve
from cjm.model.scales import between

CATALOG = Catalog.model_validate({
    "cjm": 1, "kind": "catalog",
    "personas": [{"id": "lee", "name": "Lee from the catalogue", "color": "#123456"},
                 {"id": "unused", "name": "Nobody's"}],
    "channels": [{"id": "web", "name": "Website", "mode": "online"},
                 {"id": "store", "name": "Store", "mode": "offline"},
                 {"id": "fax", "name": "Fax"}],
    "kpis": [{"id": "conversion", "name": "Conversion", "unit": "%", "target": 3},
             {"id": "nps", "name": "Shared NPS"}, {"id": "unused-kpi", "name": "Unused"}],
})


def index() -> ProjectIndex:
    out = ProjectIndex()
    out.add_catalog(CATALOG, "shared.yaml")
    return out


MAP = JourneyMap.model_validate({
    "cjm": 1, "title": "Shoe shop", "scale": {"min": -2, "max": 2},
    "personas": [{"id": "sam", "name": "Sam"}, "lee", "ghost"],  # ghost is in no catalogue
    "channels": [{"id": "app", "name": "App"}, {"id": "web", "name": "Our own website"}],
    "kpis": [{"id": "nps", "name": "Local NPS"}],
    "stages": [
        {"id": "find", "name": "Find", "kpis": ["conversion"], "touchpoints": [
            {"id": "ad", "name": "Ad", "channel": "store", "emotion": {"sam": 1, "lee": -1},
             "thoughts": ["Cheap?"]},
            {"id": "app-visit", "name": "App", "channel": "app", "personas": ["lee"], "emotion": 2,
             "next": ["pay"]},
        ]},
        {"id": "buy", "name": "Buy", "touchpoints": [
            {"id": "cart", "name": "Cart", "channel": "web", "mode": "offline", "action": "Pays",
             "pain_points": [{"id": "fees", "title": "Fees"}]},
            {"id": "pay", "name": "Pay", "channel": "unknown-channel"},
        ]},
    ],
})


@pytest.fixture
def resolved() -> ResolvedMap:
    return resolve(MAP, "maps/shop.yaml", index())


def tp(rm: ResolvedMap, tid: str):
    return next(t for _s, t in rm.touchpoints() if t.id == tid)


# --- resolve --------------------------------------------------------------------


def test_catalogue_personas_are_put_in_place_in_map_order(resolved):
    assert [(p.id, p.name) for p in resolved.personas] == [("sam", "Sam"), ("lee", "Lee from the catalogue")]
    # an id no catalogue defines is left out (the unknown-persona rule reports it)
    assert resolved.persona("ghost") is None and resolved.persona("lee").name == "Lee from the catalogue"


def test_channels_the_map_uses_or_defines_and_the_maps_own_win(resolved):
    assert set(resolved.channels) == {"app", "web", "store"}  # fax is used by nobody
    assert resolved.channels["web"].name == "Our own website"
    assert resolved.channel_name(tp(resolved, "ad")) == "Store"
    assert resolved.channel_name(tp(resolved, "pay")) == "unknown-channel"  # shown as written
    assert resolved.channel_name(tp(resolved, "app-visit")) == "App"


def test_kpis_the_map_uses_or_defines_and_the_maps_own_win(resolved):
    assert set(resolved.kpis) == {"conversion", "nps"}
    assert resolved.kpis["nps"].name == "Local NPS"
    assert resolved.kpis["conversion"].unit == "%"


def test_mode_of_a_step_its_own_then_its_channels(resolved):
    assert resolved.mode(tp(resolved, "cart")) == "offline"  # its own beats the website's
    assert resolved.mode(tp(resolved, "ad")) == "offline"  # the store's
    assert resolved.mode(tp(resolved, "app-visit")) is None  # the app has no mode
    assert resolved.mode(tp(resolved, "pay")) is None


def test_colours_from_the_persona_else_the_palette_by_position(resolved):
    assert resolved.colors == {"sam": PERSONA_COLORS[0], "lee": "#123456"}


def test_the_palette_repeats_after_its_last_colour():
    many = JourneyMap.model_validate({"cjm": 1, "title": "t", "stages": [{"id": "s", "name": "S"}],
                                      "personas": [{"id": f"p{i}", "name": f"P{i}"}
                                                   for i in range(len(PERSONA_COLORS) + 2)]})
    colors = resolve(many, "m.yaml").colors
    assert colors[f"p{len(PERSONA_COLORS)}"] == PERSONA_COLORS[0]


def test_without_a_catalogue_ids_resolve_to_nothing():
    rm = resolve(MAP, "m.yaml")
    assert [p.id for p in rm.personas] == ["sam"]
    assert set(rm.channels) == {"app", "web"} and set(rm.kpis) == {"nps"}


def test_shortcuts(resolved):
    assert (resolved.title, resolved.source) == ("Shoe shop", "maps/shop.yaml")
    assert resolved.stages is MAP.stages and resolved.scale is MAP.scale
    assert [t.id for _s, t in resolved.touchpoints()] == ["ad", "app-visit", "cart", "pay"]
    assert [(s.id, t.id, p.id) for s, t, p in resolved.pain_points()] == [("buy", "cart", "fees")]
    assert resolved.opportunities() == []


# --- per step ----------------------------------------------------------------------


def test_personas_of_a_step(resolved):
    assert [p.id for p in resolved.personas_of(tp(resolved, "ad"))] == ["sam", "lee"]  # all: no `personas:`
    assert [p.id for p in resolved.personas_of(tp(resolved, "app-visit"))] == ["lee"]


@pytest.mark.parametrize("step, pid, expected", [
    ("ad", "sam", 1), ("ad", "lee", -1), ("ad", "ghost", None),
    ("ad", None, 0),  # the mean of the per-persona scores
    ("app-visit", "lee", 2), ("app-visit", None, 2),
    ("app-visit", "sam", None),  # one score, for the step's personas only
    ("cart", "sam", None), ("cart", None, None),  # no score
])
def test_emotion_of_a_persona_at_a_step(resolved, step, pid, expected):
    assert resolved.emotion(tp(resolved, step), pid) == expected


def test_a_single_score_counts_for_everyone_when_the_step_names_nobody():
    m = JourneyMap.model_validate({"cjm": 1, "title": "t", "personas": [{"id": "a", "name": "A"}],
                                   "stages": [{"id": "s", "name": "S", "touchpoints": [
                                       {"id": "x", "name": "X", "emotion": -1},
                                       {"id": "y", "name": "Y", "emotion": {}}]}]})
    rm = resolve(m, "m.yaml")
    assert rm.emotion(tp(rm, "x"), "a") == -1 and rm.emotion(tp(rm, "x"), "anyone") == -1
    assert rm.emotion(tp(rm, "y")) is None  # an empty mapping has no mean


def test_emotion_series_one_curve_per_persona(resolved):
    assert resolved.emotion_series() == [("sam", [1, None, None, None]), ("lee", [-1, 2, None, None])]
    bare = JourneyMap.model_validate({"cjm": 1, "title": "t", "stages": [{"id": "s", "name": "S", "touchpoints": [
        {"id": "x", "name": "X", "emotion": 1}, {"id": "y", "name": "Y"}]}]})
    assert resolve(bare, "m.yaml").emotion_series() == [(None, [1, None])]


@pytest.mark.parametrize("step, expected", [
    ("ad", ["app-visit"]), ("app-visit", ["pay"]), ("cart", ["pay"]), ("pay", []),
])
def test_next_of_explicit_branches_else_the_following_step(resolved, step, expected):
    assert resolved.next_of(tp(resolved, step)) == expected


def test_next_of_agrees_with_the_walkers(resolved):
    from cjm.model.walk import following, next_of

    after = following(MAP)
    for _s, t in resolved.touchpoints():
        assert resolved.next_of(t) == next_of(t, after)


# --- lanes ---------------------------------------------------------------------------


def test_lanes_with_content_in_lane_order(resolved):
    assert resolved.lanes_with_content() == ["actions", "touchpoints", "thoughts", "emotions", "pain_points", "kpis"]


def test_the_touchpoints_lane_is_always_drawn_and_blueprint_lanes_when_filled():
    m = JourneyMap.model_validate({"cjm": 1, "title": "t", "stages": [{"id": "s", "name": "S", "touchpoints": [
        {"id": "x", "name": "X", "backstage": "Ships it", "policy": "Returns in 30 days"}]}]})
    assert resolve(m, "m.yaml").lanes_with_content() == ["touchpoints", "backstage", "policy"]
    bare = JourneyMap.model_validate({"cjm": 1, "title": "t", "stages": [{"id": "s", "name": "S"}]})
    assert resolve(bare, "m.yaml").lanes_with_content() == ["touchpoints"]


def test_every_lane_has_a_label():
    assert all(isinstance(label, str) and label for label in LANES.values())
    assert list(LANES)[:2] == ["actions", "touchpoints"]


def test_a_zero_emotion_still_fills_the_emotions_lane():
    m = JourneyMap.model_validate({"cjm": 1, "title": "t", "stages": [{"id": "s", "name": "S", "touchpoints": [
        {"id": "x", "name": "X", "emotion": 0}]}]})
    assert "emotions" in resolve(m, "m.yaml").lanes_with_content()


# --- one persona's view -------------------------------------------------------------


def test_only_persona_keeps_that_persona_and_its_steps(resolved):
    lee = resolved.only_persona("lee")
    assert [p.id for p in lee.personas] == ["lee"]
    assert [t.id for _s, t in lee.touchpoints()] == ["ad", "app-visit", "cart", "pay"]
    sam = resolved.only_persona("sam")
    assert [t.id for _s, t in sam.touchpoints()] == ["ad", "cart", "pay"]  # app-visit is Lee's only
    assert [s.id for s in sam.stages] == ["find", "buy"]  # stages stay, even when emptied
    assert sam.next_of(tp(sam, "ad")) == ["cart"]  # the following step of this view


def test_only_persona_leaves_the_original_alone(resolved):
    resolved.only_persona("sam")
    assert [t.id for _s, t in resolved.touchpoints()] == ["ad", "app-visit", "cart", "pay"]
    assert [p.id for p in resolved.personas] == ["sam", "lee"]
    assert len(MAP.stages[0].touchpoints) == 2


def test_only_persona_keeps_catalogues_colours_and_source(resolved):
    lee = resolved.only_persona("lee")
    assert lee.channels == resolved.channels and lee.kpis == resolved.kpis
    assert lee.colors == resolved.colors and lee.source == resolved.source


# --- comparing with another map ---------------------------------------------------------


def scored(scale: dict, emotion, personas=None) -> ResolvedMap:
    data = {"cjm": 1, "title": "t", "scale": scale,
            "stages": [{"id": "s", "name": "S", "touchpoints": [{"id": "a", "name": "A", "emotion": emotion},
                                                                {"id": "b", "name": "B"}]}]}
    if personas:
        data["personas"] = [{"id": p, "name": p.title()} for p in personas]
    return resolve(JourneyMap.model_validate(data), "m.yaml")


def test_no_compared_map_no_compared_scores():
    rm = scored({"min": -2, "max": 2}, 1)
    assert rm.compare_emotion(tp(rm, "a")) is None and rm.compare_series() == []


@pytest.mark.parametrize("other_scale, value, expected", [
    ({"min": -2, "max": 2}, 1, 1),
    ({"min": 1, "max": 5}, 5, 2),
    ({"min": 1, "max": 5}, 3, 0),
    ({"min": 1, "max": 5}, 2, -1),
    ({"min": 0, "max": 10}, 5, 0),
    ({"min": 0, "max": 10}, 7.5, 1),
])
def test_compare_emotion_moves_the_other_score_onto_this_scale(other_scale, value, expected):
    rm = scored({"min": -2, "max": 2}, 0)
    rm.compare = scored(other_scale, value)
    assert rm.compare_emotion(tp(rm, "a")) == pytest.approx(expected)
    assert rm.compare_emotion(tp(rm, "b")) is None  # no score there


@pytest.mark.parametrize("other_scale", [{"min": 3, "max": 3}, {"min": 2, "max": -2}])
@pytest.mark.parametrize("value", [1, 3])
def test_compare_emotion_agrees_with_the_one_rescale_on_any_scale(other_scale, value):
    rm = scored({"min": -2, "max": 2}, 0)
    rm.compare = scored(other_scale, value)
    assert rm.compare_emotion(tp(rm, "a")) == between(value, rm.compare.scale, rm.scale)


def test_compare_matches_steps_by_id_and_personas_by_id():
    rm = scored({"min": -2, "max": 2}, {"sam": 0, "lee": 1}, ["sam", "lee"])
    rm.compare = scored({"min": 1, "max": 5}, {"sam": 5}, ["sam"])
    assert rm.compare_emotion(tp(rm, "a"), "sam") == 2
    assert rm.compare_emotion(tp(rm, "a"), "lee") is None  # a persona the other map does not have
    assert rm.compare_series() == [("sam", [2, None]), ("lee", [None, None])]


def test_a_compared_map_without_personas_speaks_for_everyone():
    rm = scored({"min": -2, "max": 2}, {"sam": 0}, ["sam"])
    rm.compare = scored({"min": -2, "max": 2}, -1)
    assert rm.compare_emotion(tp(rm, "a"), "sam") == -1


def test_a_step_the_other_map_does_not_have():
    rm = scored({"min": -2, "max": 2}, 0)
    other = JourneyMap.model_validate({"cjm": 1, "title": "o", "stages": [{"id": "s", "name": "S", "touchpoints": [
        {"id": "elsewhere", "name": "E", "emotion": 2}]}]})
    rm.compare = resolve(other, "o.yaml")
    assert rm.compare_emotion(tp(rm, "a")) is None


# --- JSON -----------------------------------------------------------------------------


def test_to_json_has_the_resolved_catalogues_and_no_nulls(resolved):
    data = resolved.to_json()
    assert json.loads(json.dumps(data)) == data  # plain data
    assert [p["id"] for p in data["personas"]] == ["sam", "lee"]
    lee = data["personas"][1]
    assert (lee["name"], lee["color"]) == ("Lee from the catalogue", "#123456")
    assert None not in lee.values()
    assert {c["id"] for c in data["channels"]} == {"app", "web", "store"}
    assert {k["id"]: k["name"] for k in data["kpis"]} == {"conversion": "Conversion", "nps": "Local NPS"}
    assert "description" not in data and "goal" not in data  # None is left out
    assert data["title"] == "Shoe shop" and data["stages"][0]["touchpoints"][0]["emotion"] == {"sam": 1, "lee": -1}


def test_to_json_of_one_persona(resolved):
    data = resolved.only_persona("sam").to_json()
    assert [p["id"] for p in data["personas"]] == ["sam"]
    assert [t["id"] for s in data["stages"] for t in s["touchpoints"]] == ["ad", "cart", "pay"]


# --- a metrics snapshot (cjm analyze -o): its numbers matched to the map ----------
def _snapshot_metrics():
    from cjm.model.metrics import Metrics

    step = {"step": 1, "kind": "stage", "id": "find", "reached": 10, "conversion": 1.0, "step_conversion": None,
            "dropoff": 4, "dropoff_rate": 0.4, "time_from_previous": {"median_seconds": None, "p90_seconds": None},
            "time_from_start": {"median_seconds": None, "p90_seconds": None}}
    document = {"format": "cjm-metrics", "version": 1, "semantics": {"unit": "session"},
                "provenance": {"time_range": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-31T10:00:00Z"}},
                "results": {"counts": "units", "steps": [step, {**step, "step": 2, "id": "gone", "reached": 6}],
                            "funnel": {"entered": 10, "converted": 6, "conversion": 0.6},
                            "touchpoints": {"ad": 9, "nowhere": 1}, "transitions": [], "top_paths": []},
                "metrics": {"stage.find.reach": 10}}
    return Metrics("metrics/shoes.json", document["metrics"], dt.date(2026, 1, 31), document)


def test_a_snapshot_becomes_observed_numbers_and_stays_under_a_persona_view():
    got = resolve(MAP, "m.yaml", index(), _snapshot_metrics())
    assert got.observed is not None and got.observed.shown == "metrics/shoes.json"
    assert [s.id for s in got.observed.steps] == ["find"] and got.observed.missing == ("gone",)
    assert got.observed.reach == {"ad": 9} and got.observed.unit == "session"
    assert got.only_persona("sam").observed is got.observed
    data = got.to_json()["observed"]
    assert data["steps"][0]["reached"] == 10 and data["data_end"] == "2026-01-31"
    json.dumps(data)


def test_no_snapshot_no_observed_and_the_json_is_as_before(resolved):
    from cjm.model.metrics import Metrics

    assert resolved.observed is None
    absent = resolve(MAP, "m.yaml", index(), Metrics("metrics/shoes.json", why="there is none"))
    assert absent.observed is None and absent.metrics is None
    assert absent.to_json() == resolved.to_json() and "observed" not in resolved.to_json()
