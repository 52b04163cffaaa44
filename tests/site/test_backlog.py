"""The opportunity backlog: items across maps, estimates, scores and the matrix."""

from __future__ import annotations

import datetime as dt

from site_helpers import SHOP, SHOP_FUTURE, summary_of

from cjm.site.backlog import build, matrix, quadrant, score
from cjm.site.portfolio import Portfolio, SiteOptions


def items(weights=(2.0, 1.0, 1.0)):
    maps = [summary_of(SHOP, "maps/shop.yaml"), summary_of(SHOP_FUTURE, "maps/shop-future.yaml")]
    return build(Portfolio.build(maps, options=SiteOptions(today=dt.date(2026, 12, 1), weights=weights)))


def test_the_score_formula_and_its_ends():
    assert score(5, 5, 1, (2, 1, 1)) == 100
    assert score(1, 1, 5, (2, 1, 1)) == 0
    assert score(3, 3, 3, (2, 1, 1)) == 50
    assert score(5, 1, 5, (1, 0, 0)) == 100  # only customer value counts
    assert score(4, 4, 4, (0, 0, 0)) == 0


def test_items_across_maps_merge_and_resolve_the_pain_points_they_address():
    found = {(i.kind, i.id): i for i in items()}
    # The action appears in both maps (same id and title): one item, addressing the current map's pain point.
    action = found[("action", "one-page")]
    assert [m.source for m in action.maps()] == ["maps/shop-future.yaml", "maps/shop.yaml"]
    assert [(m.source, p["id"]) for m, p in action.addresses] == [("maps/shop.yaml", "long-form")]
    # Ratings written on the first place it appears win; nothing is estimated there.
    assert (action.customer, action.business, action.effort, action.estimated) == (5, 4, 4, set())
    opportunity = found[("opportunity", "show-shipping")]
    # Estimated: customer value from the high pain point (4), business value 1 + its touchpoint's one KPI + off
    # target (3); effort is given (1).
    assert (opportunity.customer, opportunity.business, opportunity.effort) == (4, 3, 1)
    assert opportunity.estimated == {"customer_value", "business_value"}
    assert quadrant(opportunity.value((2, 1, 1)), opportunity.effort) == "Quick win"


def test_ranks_follow_scores_and_weights_change_them():
    ranked = items()
    assert [i.rank for i in ranked] == list(range(1, len(ranked) + 1))
    assert [i.score for i in ranked] == sorted((i.score for i in ranked), reverse=True)
    effort_only = items(weights=(0.0, 0.0, 1.0))
    assert effort_only[0].id == "show-shipping"  # effort 1 beats effort 4


def test_quadrants_and_the_matrix_geometry():
    assert quadrant(4, 2) == "Quick win" and quadrant(4, 3) == "Big bet"
    assert quadrant(2, 1) == "Fill-in" and quadrant(2.5, 5) == "Time sink"
    ranked = items()
    m = matrix(ranked, (2, 1, 1), width=600, height=400, pad=50)
    assert len(m["bubbles"]) == 2 and all(len(b.items) == 1 for b in m["bubbles"])
    quick = next(b for b in m["bubbles"] if b.items[0].id == "show-shipping")
    assert quick.x < m["mid_x"] and quick.y < m["mid_y"]  # left: easy; up: valuable
    assert quick.label == str(quick.items[0].rank)
