"""The journey map models (cjm.model.journey): what each model accepts and
refuses, its defaults, the format version, mappings keyed by ids, `events:`
and a KPI's `metric:`, and the JSON Schema they publish.

What text may hold (patterns, blank texts, control characters) is
tests/model/test_text.py; how a refusal is worded is tests/model/test_errors.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import jsonschema
import pytest
from pydantic import TypeAdapter, ValidationError

from cjm.model import journey
from cjm.model.analytics import EventMatch
from cjm.model.journey import (
    Action,
    Catalog,
    Channel,
    ID_PATTERN,
    JourneyMap,
    Kpi,
    Link,
    MAP_TYPES,
    Opportunity,
    PainPoint,
    Persona,
    Research,
    Scale,
    Stage,
    Touchpoint,
    _whole_number_version,
)

STAGES = [{"id": "buy", "name": "Buy", "touchpoints": [{"id": "cart", "name": "Cart"}]}]


def a_map(**extra) -> JourneyMap:
    return JourneyMap.model_validate({"cjm": 1, "title": "Shop", "stages": STAGES, **extra})


def refused(cls, data) -> list[dict]:
    """The errors of a refused value (failing the test when it is accepted)."""
    with pytest.raises(ValidationError) as err:
        cls.model_validate(data) if hasattr(cls, "model_validate") else TypeAdapter(cls).validate_python(data)
    return err.value.errors()


# --- the format version -------------------------------------------------------------


def test_the_format_version_is_the_whole_number_1():
    assert _whole_number_version(1) == 1
    assert a_map().cjm == 1


@pytest.mark.parametrize("value", [True, 1.0, "1", 2, 0, None])
def test_a_format_version_that_only_equals_1_is_refused(value):
    # Literal[1] alone lets `true` and `1.0` through: they equal 1 in Python.
    errors = refused(JourneyMap, {"cjm": value, "title": "Shop", "stages": STAGES})
    assert [e["loc"][0] for e in errors] == ["cjm"]


@pytest.mark.parametrize("value", [True, 1.0])
def test_the_version_check_says_what_it_got(value):
    with pytest.raises(ValueError, match=f"whole number 1, not {value!r}"):
        _whole_number_version(value)


def test_catalogues_check_the_version_the_same_way():
    assert Catalog.model_validate({"cjm": 1, "kind": "catalog"}).cjm == 1
    refused(Catalog, {"cjm": True, "kind": "catalog"})
    # A catalogue says what it is; a map may leave its kind out.
    refused(Catalog, {"cjm": 1})
    refused(Catalog, {"cjm": 1, "kind": "map"})


# --- defaults -------------------------------------------------------------------------


def test_the_defaults_of_a_map():
    m = a_map()
    assert (m.kind, m.type, m.id, m.goal, m.reviewed) == ("map", "current-state", None, None, None)
    assert (m.scale.min, m.scale.max, m.scale.low_label, m.scale.high_label) == (-2, 2, None, None)
    assert m.personas == m.channels == m.kpis == m.actions == m.research == m.tags == []
    tp = m.stages[0].touchpoints[0]
    assert tp.emotion is None and tp.personas is None  # None: all of the map's personas
    assert tp.events == tp.next == tp.pain_points == tp.kpis == []
    assert Action.model_validate({"id": "a", "title": "A"}).status == "idea"


def test_defaults_are_not_shared_between_maps():
    first, second = a_map(), a_map()
    assert first.scale is not second.scale
    first.scale.max = 5
    first.tags.append("x")
    first.stages[0].touchpoints[0].events.append("view")
    assert second.scale.max == 2 and second.tags == [] and second.stages[0].touchpoints[0].events == []
    assert Scale().max == 2


def test_the_map_types():
    assert MAP_TYPES == ("current-state", "future-state", "day-in-the-life", "service-blueprint")
    for kind in MAP_TYPES:
        assert a_map(type=kind).type == kind
    refused(JourneyMap, {"cjm": 1, "title": "Shop", "stages": STAGES, "type": "currentstate"})


# --- what each model refuses -------------------------------------------------------------

# One valid instance of each model, so that each test below changes one thing.
VALID = {
    Link: {"url": "https://example.com"},
    Scale: {},
    Persona: {"id": "sam", "name": "Sam"},
    Channel: {"id": "web", "name": "Web"},
    Kpi: {"id": "conv", "name": "Conversion"},
    PainPoint: {"id": "slow", "title": "Slow"},
    Opportunity: {"id": "fast", "title": "Faster"},
    Touchpoint: {"id": "cart", "name": "Cart"},
    Stage: {"id": "buy", "name": "Buy"},
    Action: {"id": "fix", "title": "Fix"},
    Research: {"id": "r1", "title": "Interviews"},
    JourneyMap: {"cjm": 1, "title": "Shop", "stages": STAGES},
    Catalog: {"cjm": 1, "kind": "catalog"},
    EventMatch: {"name": "page_view"},
}


@pytest.mark.parametrize("cls", list(VALID), ids=lambda c: c.__name__)
def test_every_model_refuses_keys_it_does_not_know(cls):
    assert cls.model_validate(VALID[cls])
    errors = refused(cls, {**VALID[cls], "colour": "red"})
    assert [(e["type"], e["loc"]) for e in errors] == [("extra_forbidden", ("colour",))]


@pytest.mark.parametrize("cls, key", [(Persona, "id"), (Persona, "name"), (Stage, "name"), (Touchpoint, "id"),
                                      (JourneyMap, "title"), (JourneyMap, "stages"), (Link, "url"),
                                      (Kpi, "name"), (PainPoint, "title")])
def test_required_keys(cls, key):
    data = {k: v for k, v in VALID[cls].items() if k != key}
    assert [(e["type"], e["loc"]) for e in refused(cls, data)] == [("missing", (key,))]


def test_a_map_has_at_least_one_stage():
    errors = refused(JourneyMap, {"cjm": 1, "title": "Shop", "stages": []})
    assert errors[0]["type"] == "too_short"
    assert a_map(stages=[{"id": "s", "name": "S"}]).stages[0].touchpoints == []


@pytest.mark.parametrize("low, high", [(1.5, 2), ("1", 2), (True, 2), (-2, None)])
def test_a_scale_is_whole_numbers(low, high):
    refused(Scale, {"min": low, "max": high})


def test_a_scale_holds_its_labels():
    scale = Scale.model_validate({"min": 1, "max": 5, "low_label": "frustrated", "high_label": "delighted"})
    assert (scale.min, scale.max, scale.low_label, scale.high_label) == (1, 5, "frustrated", "delighted")
    # Whether min lies below max is the invalid-scale rule's business, not the model's.
    assert Scale.model_validate({"min": 3, "max": 1}).min == 3


@pytest.mark.parametrize("age, ok", [(0, True), (130, True), (-1, False), (131, False), (30.0, False), (True, False)])
def test_a_persona_age(age, ok):
    data = {**VALID[Persona], "age": age}
    if ok:
        assert Persona.model_validate(data).age == age
    else:
        refused(Persona, data)


def test_a_persona_colour_and_research():
    persona = Persona.model_validate({**VALID[Persona], "color": "#A0b1C2", "based_on": ["r1"]})
    assert persona.color == "#A0b1C2" and persona.based_on == ["r1"]
    refused(Persona, {**VALID[Persona], "color": "red"})
    refused(Persona, {**VALID[Persona], "based_on": ["Interviews 2026"]})


def test_personas_are_defined_or_named_by_id():
    m = a_map(personas=["sam", {"id": "lee", "name": "Lee"}])
    assert m.personas[0] == "sam"
    assert isinstance(m.personas[1], Persona) and m.personas[1].id == "lee"
    refused(JourneyMap, {**VALID[JourneyMap], "personas": ["Sam Smith"]})
    refused(JourneyMap, {**VALID[JourneyMap], "personas": [42]})


@pytest.mark.parametrize("emotion", [2, -1.5, 0, {"sam": 1, "lee": -2.5}, None])
def test_an_emotion_is_a_score_or_one_per_persona(emotion):
    assert Touchpoint.model_validate({**VALID[Touchpoint], "emotion": emotion}).emotion == emotion


@pytest.mark.parametrize("emotion", [True, "happy", "1", [1], {"Sam": 1}, {"sam": "bad"}, {"sam": True}])
def test_an_emotion_that_is_no_score(emotion):
    refused(Touchpoint, {**VALID[Touchpoint], "emotion": emotion})


def test_touchpoint_choices():
    tp = Touchpoint.model_validate({**VALID[Touchpoint], "mode": "offline", "expectation": "failed",
                                    "channel": "store", "next": ["pay"], "personas": []})
    assert (tp.mode, tp.expectation, tp.channel, tp.next, tp.personas) == ("offline", "failed", "store", ["pay"], [])
    refused(Touchpoint, {**VALID[Touchpoint], "mode": "hybrid"})
    refused(Touchpoint, {**VALID[Touchpoint], "expectation": "exceded"})
    refused(Touchpoint, {**VALID[Touchpoint], "next": "pay"})


def test_touchpoint_events_are_names_globs_or_matches():
    tp = Touchpoint.model_validate({**VALID[Touchpoint], "events": [
        "add_to_cart", "checkout_*", {"name": "page_view", "where": {"page": "*/cart*", "step": [1, 2], "new": True}}]})
    assert tp.events[:2] == ["add_to_cart", "checkout_*"]
    match = tp.events[2]
    assert isinstance(match, EventMatch)
    assert match.name == "page_view" and match.where == {"page": "*/cart*", "step": [1, 2], "new": True}


@pytest.mark.parametrize("events", ["view_item", [""], ["a\nb"], [{"where": {"a": 1}}], [{"name": "x", "wher": {}}],
                                    [42], [{"name": "x", "where": {"a": {"b": 1}}}]])
def test_touchpoint_events_that_are_refused(events):
    refused(Touchpoint, {**VALID[Touchpoint], "events": events})


@pytest.mark.parametrize("metric", ["funnel.conversion", "stage.buy.step_conversion", "touchpoint.cart-1.reach",
                                    "x", "9_lives"])
def test_a_kpi_metric_key(metric):
    assert Kpi.model_validate({**VALID[Kpi], "metric": metric}).metric == metric


@pytest.mark.parametrize("metric", ["Funnel.Conversion", ".conversion", "-x", "funnel conversion", "", "x" * 201,
                                    "funnel.conversion\n", 3])
def test_a_kpi_metric_key_that_is_refused(metric):
    refused(Kpi, {**VALID[Kpi], "metric": metric})


def test_kpi_numbers_are_numbers_not_text_or_booleans():
    kpi = Kpi.model_validate({**VALID[Kpi], "target": 50, "actual": 47.5, "unit": "%",
                              "direction": "higher-is-better"})
    assert (kpi.target, kpi.actual, kpi.unit) == (50, 47.5, "%")
    for bad in ("50", True, [50]):
        refused(Kpi, {**VALID[Kpi], "target": bad})
    refused(Kpi, {**VALID[Kpi], "direction": "up"})


@pytest.mark.parametrize("cls", [Opportunity, Action])
@pytest.mark.parametrize("key", ["customer_value", "business_value", "effort"])
def test_ratings_run_from_1_to_5(cls, key):
    assert getattr(cls.model_validate({**VALID[cls], key: 5}), key) == 5
    for bad in (0, 6, 2.5, True):
        refused(cls, {**VALID[cls], key: bad})


def test_dates_of_actions_research_and_reviews():
    assert Action.model_validate({**VALID[Action], "due": "2026-03-01"}).due == dt.date(2026, 3, 1)
    assert Research.model_validate({**VALID[Research], "date": dt.date(2026, 1, 2)}).date == dt.date(2026, 1, 2)
    assert a_map(reviewed="2026-02-28").reviewed == dt.date(2026, 2, 28)
    refused(Action, {**VALID[Action], "due": "next week"})
    refused(JourneyMap, {**VALID[JourneyMap], "reviewed": "2026-02-30"})


def test_research():
    research = Research.model_validate({**VALID[Research], "method": "usability-test", "participants": 0,
                                        "url": "https://example.com/report"})
    assert (research.method, research.participants) == ("usability-test", 0)
    refused(Research, {**VALID[Research], "participants": -1})
    refused(Research, {**VALID[Research], "method": "focus group"})


@pytest.mark.parametrize("url, ok", [("https://a.example/x", True), ("mailto:team@example.com", True),
                                     ("javascript:alert(1)", False), ("ftp://a.example", False),
                                     ("https://a.example/x y", False), ("https://", False)])
def test_links(url, ok):
    if ok:
        assert Link.model_validate({"url": url}).url == url
    else:
        refused(Link, {"url": url})


@pytest.mark.parametrize("value", ["Cart", "cart page", "-cart", "_cart", "", "x" * 65, "café"])
def test_ids_that_are_refused(value):
    refused(Touchpoint, {**VALID[Touchpoint], "id": value})


@pytest.mark.parametrize("value", ["cart", "0", "a-b_c", "x" * 64])
def test_ids_that_are_accepted(value):
    assert Touchpoint.model_validate({**VALID[Touchpoint], "id": value}).id == value


# --- the published schema -----------------------------------------------------------------


def test_emotion_keys_are_ids_in_the_schema_too():
    """_IdKeys: the id pattern of a mapping's keys is published as propertyNames
    (refused when wrong), not as patternProperties (which lets other keys through)."""
    emotion = JourneyMap.model_json_schema()["$defs"]["Touchpoint"]["properties"]["emotion"]
    (mapping,) = [branch for branch in emotion["anyOf"] if branch.get("type") == "object"]
    assert "patternProperties" not in mapping
    assert mapping["propertyNames"]["pattern"] == ID_PATTERN
    assert mapping["additionalProperties"] == {"anyOf": [{"type": "integer"}, {"type": "number"}]}
    validator = jsonschema.Draft202012Validator(mapping)
    assert validator.is_valid({"sam": 1, "lee-2": -1.5})
    assert not validator.is_valid({"Sam": 1})
    assert not validator.is_valid({"sam": "bad"})


def test_the_schema_refuses_a_format_version_of_true():
    schema = JourneyMap.model_json_schema()
    assert schema["properties"]["cjm"]["const"] == 1
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"cjm": 1, "title": "Shop", "stages": STAGES})
    assert not validator.is_valid({"cjm": 2, "title": "Shop", "stages": STAGES})
    assert not validator.is_valid({"cjm": True, "title": "Shop", "stages": STAGES})
    assert not validator.is_valid({"cjm": 1, "title": "Shop", "stages": []})
    assert not validator.is_valid({"cjm": 1, "title": "Shop", "stages": STAGES, "colour": "red"})


_SCHEMA_PROBE = ("import json; from cjm.model.journey import JourneyMap; "
                 "print(json.dumps(JourneyMap.model_json_schema(), sort_keys=True))")


def test_the_schema_is_the_same_in_every_process():
    """Generation depends on nothing that changes between runs (dict or set order, hash seeds)."""
    here = json.dumps(JourneyMap.model_json_schema(), sort_keys=True)
    assert json.dumps(JourneyMap.model_json_schema(), sort_keys=True) == here
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", _SCHEMA_PROBE], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120)
        assert out.stdout.strip() == here


def test_every_field_in_the_schema_and_nothing_else():
    defs = JourneyMap.model_json_schema()["$defs"]
    for cls in (Persona, Channel, Kpi, PainPoint, Opportunity, Touchpoint, Stage, Action, Research, Scale, Link):
        schema = defs[cls.__name__]
        assert set(schema["properties"]) == set(cls.model_fields), cls.__name__
        assert schema["additionalProperties"] is False, cls.__name__


def test_the_module_keeps_the_text_names_it_publishes():
    # Other modules read the patterns from cjm.model.journey (cjm.model.errors among them).
    from cjm.model import text

    for name in ("ID_PATTERN", "TEXT_PATTERN", "SHORT_TEXT_PATTERN", "URL_PATTERN", "COLOR_PATTERN",
                 "CONTROL_CHARS", "INVISIBLE_CHARS", "ONE_LINE_PATTERN", "SHORT_TEXT_REFUSED"):
        assert getattr(journey, name) == getattr(text, name)
