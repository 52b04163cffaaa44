"""Walking a validated map: every consumer gets the same items, in map order,
each with its document path (which the position index turns into a place)."""

from __future__ import annotations

import pytest

from cjm.locations import format_path
from cjm.model.journey import JourneyMap
from cjm.model.walk import addressed, following, kpi_refs, next_of, opportunities, pain_points, persona_ids, touchpoints

MAP = JourneyMap.model_validate({
    "cjm": 1, "title": "Shop",
    "personas": [{"id": "sam", "name": "Sam"}, "shared-lee"],
    "kpis": [{"id": "nps", "name": "NPS"}],
    "stages": [
        {"id": "find", "name": "Find", "kpis": ["conversion", "nps"], "touchpoints": [
            {"id": "ad", "name": "Ad", "kpis": ["ctr"],
             "pain_points": [{"id": "noisy", "title": "Noisy"}, {"id": "slow", "title": "Slow"}],
             "opportunities": [{"id": "calm", "title": "Calm ads", "addresses": ["noisy"]}]},
            {"id": "search", "name": "Search", "next": ["pay", "ad"]},
        ]},
        {"id": "empty", "name": "Nothing yet"},
        {"id": "buy", "name": "Buy", "touchpoints": [
            {"id": "cart", "name": "Cart",
             "opportunities": [{"id": "fast", "title": "Fast", "addresses": ["slow", "noisy"]}],
             "pain_points": [{"id": "fees", "title": "Fees"}]},
            {"id": "pay", "name": "Pay"},
        ]},
    ],
    "actions": [
        {"id": "fix-ads", "title": "Fix ads", "addresses": ["noisy"], "kpis": ["ctr"]},
        {"id": "old-idea", "title": "Old idea", "status": "dropped", "addresses": ["slow"]},
        {"id": "faster", "title": "Faster", "status": "done", "addresses": ["slow"], "kpis": ["conversion"]},
    ],
})


def test_touchpoints_in_map_order_with_their_paths_and_stages():
    walked = list(touchpoints(MAP))
    assert [(format_path(p), s.id, tp.id) for p, s, tp in walked] == [
        ("stages[0].touchpoints[0]", "find", "ad"),
        ("stages[0].touchpoints[1]", "find", "search"),
        ("stages[2].touchpoints[0]", "buy", "cart"),  # the empty stage holds nothing
        ("stages[2].touchpoints[1]", "buy", "pay"),
    ]


def test_every_path_leads_to_the_item_it_comes_with():
    data = MAP.model_dump()

    def at(path):
        value = data
        for part in path:
            value = value[part]
        return value

    for path, _stage, tp in touchpoints(MAP):
        assert at(path)["id"] == tp.id
    for path, _tp, pain in pain_points(MAP):
        assert at(path)["id"] == pain.id
    for path, _tp, opp in opportunities(MAP):
        assert at(path)["id"] == opp.id
    for path, kid in kpi_refs(MAP):
        assert at(path) == kid


def test_pain_points_and_opportunities_with_their_touchpoints():
    assert [(format_path(p), tp.id, x.id) for p, tp, x in pain_points(MAP)] == [
        ("stages[0].touchpoints[0].pain_points[0]", "ad", "noisy"),
        ("stages[0].touchpoints[0].pain_points[1]", "ad", "slow"),
        ("stages[2].touchpoints[0].pain_points[0]", "cart", "fees"),
    ]
    assert [(format_path(p), tp.id, x.id) for p, tp, x in opportunities(MAP)] == [
        ("stages[0].touchpoints[0].opportunities[0]", "ad", "calm"),
        ("stages[2].touchpoints[0].opportunities[0]", "cart", "fast"),
    ]


def test_persona_ids_of_defined_personas_and_catalogue_references():
    assert persona_ids(MAP) == ["sam", "shared-lee"]
    assert persona_ids(JourneyMap.model_validate({"cjm": 1, "title": "t", "stages": [{"id": "s", "name": "S"}]})) == []


def test_kpi_refs_stages_then_touchpoints_then_actions():
    assert [(format_path(p), k) for p, k in kpi_refs(MAP)] == [
        ("stages[0].kpis[0]", "conversion"), ("stages[0].kpis[1]", "nps"),
        ("stages[0].touchpoints[0].kpis[0]", "ctr"),
        ("actions[0].kpis[0]", "ctr"), ("actions[2].kpis[0]", "conversion"),
    ]


def test_addressed_opportunities_first_then_actions_each_in_map_order():
    by_pain = {pid: [x.id for x in items] for pid, items in addressed(MAP).items()}
    assert by_pain == {"noisy": ["calm", "fast", "fix-ads"], "slow": ["fast", "old-idea", "faster"]}
    assert list(by_pain) == ["noisy", "slow"]  # in order of first mention
    assert "fees" not in by_pain


def test_addressed_can_leave_dropped_actions_out():
    by_pain = {pid: [x.id for x in items] for pid, items in addressed(MAP, include_dropped=False).items()}
    assert by_pain["slow"] == ["fast", "faster"]


def test_following_is_map_order_across_stages():
    assert following(MAP) == {"ad": "search", "search": "cart", "cart": "pay"}


@pytest.mark.parametrize("tp_id, expected", [
    ("ad", ["search"]),
    ("search", ["pay", "ad"]),  # explicit branches win, in their order
    ("cart", ["pay"]),
    ("pay", []),  # the last step leads nowhere
])
def test_next_of(tp_id, expected):
    after = following(MAP)
    tp = next(t for _p, _s, t in touchpoints(MAP) if t.id == tp_id)
    assert next_of(tp, after) == expected


def test_next_of_returns_a_new_list():
    tp = next(t for _p, _s, t in touchpoints(MAP) if t.id == "search")
    next_of(tp, following(MAP)).append("x")
    assert tp.next == ["pay", "ad"]


def test_a_map_without_touchpoints_walks_to_nothing():
    bare = JourneyMap.model_validate({"cjm": 1, "title": "t", "stages": [{"id": "s", "name": "S"}]})
    assert list(touchpoints(bare)) == list(pain_points(bare)) == list(opportunities(bare)) == []
    assert following(bare) == {} and addressed(bare) == {} and list(kpi_refs(bare)) == []
