"""Starter content for ``cjm init``: one sample file per industry, turned into
each of the four map types so that they tell one consistent story. On the
data, in-process (the files init writes: tests/pipeline/test_init.py; the
command: tests/cli/test_init.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from cjm.authoring.starters import LANES, TEMPLATES, TYPE_LABELS, build_map, load_starter, map_file_name
from cjm.model.journey import MAP_TYPES, JourneyMap
from conftest import check

DAY = dt.date(2026, 10, 1)


def built(template: str, kind: str) -> JourneyMap:
    return JourneyMap.model_validate(build_map(template, kind, DAY))


def test_every_map_type_has_a_label():
    assert set(TYPE_LABELS) == set(MAP_TYPES)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_ships_and_loads(template):
    spec = load_starter(template)
    assert spec["title"] and spec["goal"] and spec["stages"] and spec["day"]["stages"]


def test_an_unknown_template_is_a_key_error():
    with pytest.raises(KeyError):
        load_starter("insurance")


def test_file_names():
    assert map_file_name("b2b-saas", "future-state") == "b2b-saas-future-state.yaml"


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("kind", MAP_TYPES)
def test_starter_content(template, kind):
    model = built(template, kind)
    assert model.type == kind and model.reviewed == DAY
    assert model.id == f"{template}-{kind}" and f"({TYPE_LABELS[kind]})" in model.title
    assert kind in model.tags
    assert model.personas and all(p.goals for p in model.personas)
    touchpoints = [tp for s in model.stages for tp in s.touchpoints]
    assert len(model.stages) >= 4 and len(touchpoints) >= 4
    assert all(tp.channel and tp.emotion is not None and tp.thoughts for tp in touchpoints)
    assert [p for tp in touchpoints for p in tp.pain_points], "a starter shows at least one pain point"
    if kind == "day-in-the-life":
        assert all("(" in s.name and ":" in s.name for s in model.stages), "stages are times of day"
        assert not model.kpis and not model.actions and not any(s.kpis for s in model.stages)
    else:
        assert model.kpis and all(k.unit and k.target is not None for k in model.kpis)
    lanes = [all(getattr(tp, lane) for lane in LANES) for tp in touchpoints]
    assert all(lanes) if kind == "service-blueprint" else not any(getattr(tp, lane) for tp in touchpoints
                                                                   for lane in LANES)
    if kind == "future-state":
        assert model.improves == map_file_name(template, "current-state")
    else:
        assert model.improves is None


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("kind", MAP_TYPES)
def test_starters_validate_without_a_finding(template, kind, tmp_path, monkeypatch):
    """Strict: not even a warning (init's promise: `cjm validate --strict` passes at once)."""
    from cjm.authoring.formatter import dump_data

    monkeypatch.chdir(tmp_path)
    for other in {"current-state", kind}:  # a future-state map needs the map it improves on beside it
        (tmp_path / map_file_name(template, other)).write_text(dump_data(build_map(template, other, DAY)))
    text = (tmp_path / map_file_name(template, kind)).read_text()
    assert [f"{f.span} {f.code} {f.message}" for f in check(text, map_file_name(template, kind), today=DAY)] == []


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_future_keeps_what_no_action_fixes_and_drops_what_one_does(template):
    current, future = built(template, "current-state"), built(template, "future-state")
    fixed = {pid for a in current.actions if a.status != "dropped" for pid in a.addresses}
    now = {p.id for s in current.stages for tp in s.touchpoints for p in tp.pain_points}
    later = {p.id for s in future.stages for tp in s.touchpoints for p in tp.pain_points}
    assert fixed, "the current map's actions fix something"
    assert later == now - fixed
    assert all(set(a.addresses) <= later for a in future.actions)
    for s in future.stages:
        for tp in s.touchpoints:
            for o in tp.opportunities:
                assert set(o.addresses) <= later


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_future_tells_the_same_story_with_its_own_scores(template):
    spec = load_starter(template)
    current, future = built(template, "current-state"), built(template, "future-state")
    assert [s.id for s in current.stages] == [s.id for s in future.stages]
    assert [tp.id for s in current.stages for tp in s.touchpoints] == \
        [tp.id for s in future.stages for tp in s.touchpoints]
    planned = {tp["id"]: tp.get("future", {}).get("emotion") for s in spec["stages"] for tp in s["touchpoints"]}
    for s in future.stages:
        for tp in s.touchpoints:
            if planned[tp.id] is not None:
                assert tp.emotion == planned[tp.id]


def test_building_one_type_does_not_change_the_next():
    current = build_map("retail", "current-state", DAY)
    future = build_map("retail", "future-state", DAY)
    assert build_map("retail", "current-state", DAY) == current
    assert build_map("retail", "future-state", DAY) == future


def test_no_key_is_empty_or_none():
    for template in TEMPLATES:
        for kind in MAP_TYPES:
            data = build_map(template, kind, DAY)
            assert all(v is not None and v != [] for v in data.values()), (template, kind)
