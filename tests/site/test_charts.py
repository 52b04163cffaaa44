"""Chart geometry: emotion curves and KPI history."""

from __future__ import annotations

from cjm.site.charts import emotion_curve, history, normalised


def test_an_emotion_curve_places_scores_on_the_scale_and_leaves_gaps():
    c = emotion_curve([2, -2, None, 0, 1], -2, 2, [2, 3], width=108, height=58, pad=4)
    # x: 100 px across 5 steps; y: 50 px for 4 points of scale, top is +2.
    assert [(x, y) for x, y, _v in c["points"]] == [(4.0, 4.0), (29.0, 54.0), (79.0, 29.0), (104.0, 16.5)]
    assert c["lines"] == ["4.0,4.0 29.0,54.0", "79.0,29.0 104.0,16.5"]  # no line across the gap
    assert c["neutral"] == 29.0
    assert c["breaks"] == [41.5]  # between the second and third step
    assert (c["average"], c["low"], c["high"]) == (0.25, -2, 2)


def test_a_single_step_sits_in_the_middle_and_no_scores_is_fine():
    c = emotion_curve([1], 1, 5, [1], width=100, height=50, pad=0)
    assert c["points"] == [(50.0, 50.0, 1)]
    empty = emotion_curve([None, None], -2, 2, [2])
    assert empty["points"] == [] and empty["lines"] == [] and empty["average"] is None


def test_scores_normalise_to_minus_one_one():
    assert normalised(3, 1, 5) == 0 and normalised(-2, -2, 2) == -1 and normalised(None, -2, 2) is None


def test_history_includes_the_target_in_its_range():
    h = history([("2026-01-31", 2.0), ("2026-02-28", 3.0)], target=4.0, width=100, height=60, pad=0)
    ys = [y for _x, y, _l, _v in h["points"]]
    assert ys[0] > ys[1] > h["target"]  # higher values higher up, the target above both
    assert h["line"].count(",") == 2
    assert history([], 3)["points"] == []
    flat = history([("a", 5), ("b", 5)])
    assert flat["points"][0][1] == flat["points"][1][1]
