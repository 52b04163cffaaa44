"""What engines hand back and how it becomes a result (cjm.analytics.result):
percentiles, rates, step counts, trends by ISO week, breakdowns, paths,
conformance, the metric keys, and stable JSON, all from aggregates written
by hand."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from cjm.analytics.result import NONE_BUCKET, OTHER_BUCKET, FunnelResult, Raw, _rate, _step_counts, assemble, percentile
from cjm.analytics.spec import JourneyShape, Semantics, Source, plan

DAY = 20458  # 2026-01-05, a Monday, in days since 1970-01-01
JOURNEY = JourneyShape.build([("s1", [("a", ["A"], ["b", "n"])]), ("s2", [("b", ["B"], []), ("n", [], [])]),
                              ("s3", [("c", ["C"], [])])])
SOURCE = Source(("e.csv",), "csv")


@pytest.mark.parametrize("values, p, expected", [
    ([5], 0.5, 5), ([5], 0.9, 5),
    ([1, 2, 3], 0.5, 2), ([3, 1, 2], 0.5, 2),  # unsorted input
    ([1, 2, 3, 4], 0.5, 2.5), ([1, 2, 3, 4], 0.9, 3.7), ([1, 2, 3, 4], 0.0, 1), ([1, 2, 3, 4], 1.0, 4),
    ([10, 20], 0.9, 19), ([0, 0, 0, 100], 0.5, 0), ([7, 7, 7], 0.9, 7),
])
def test_percentile_interpolates_between_ranks(values, p, expected):
    assert percentile(values, p) == pytest.approx(expected)


def test_percentile_of_nothing_is_none():
    assert percentile([], 0.5) is None


def test_rates_are_rounded_and_none_without_a_denominator():
    assert _rate(1, 3) == 0.333333 and _rate(2, 3) == 0.666667 and _rate(3, 3) == 1.0
    assert _rate(0, 0) is None and _rate(5, 0) is None and _rate(0, 4) == 0.0


def test_step_counts():
    # (entry step, furthest step, censored, day, breakdown) -> count
    attempts = Counter({(1, 3, False, DAY, None): 2, (1, 1, True, DAY, None): 3, (2, 3, False, DAY, None): 1})
    reached, entered = _step_counts(attempts, 3)
    assert reached == [0, 5, 3, 3] and entered == [0, 5, 1, 0]


def result(raw: Raw, semantics=Semantics(), steps="stages", top_paths=10) -> dict:
    return assemble(plan(JOURNEY, steps, semantics, top_paths), raw, SOURCE, {"name": "test"})


def funnel_raw() -> Raw:
    raw = Raw(events=20, events_without_unit=1, events_in_range=18, unmatched_in_range=3, units=6,
              ts_min=DAY * 86_400_000_000, ts_max=(DAY + 9) * 86_400_000_000)
    raw.attempts = Counter({(1, 3, False, DAY, "gold"): 2, (1, 2, True, DAY, "silver"): 1, (1, 1, False, DAY + 1, None): 1,
                            (1, 2, False, DAY + 7, "gold"): 1, (2, 3, False, DAY + 8, "bronze"): 1})
    raw.durations = {2: (60_000_000, 90_000_000, 60_000_000, 90_000_000), 3: (1_500_000, None, 2_000_000, None)}
    raw.paths = Counter({(0, 1, 3): 2, (0, 1): 2, (1, 3): 1, (0,): 1})
    raw.reach = {0: 5, 1: 5, 3: 3}
    raw.transitions = Counter({(0, 1): 4, (1, 3): 3, (3, 0): 2, (1, 0): 1})
    raw.unmatched = Counter({"scroll": 2, "zoom": 1})
    raw.overlaps = Counter({("B", 1, (3,)): 2})
    return raw


def test_steps():
    steps = result(funnel_raw())["steps"]
    assert [(s["id"], s["kind"], s["touchpoints"]) for s in steps] == [
        ("s1", "stage", ["a"]), ("s2", "stage", ["b"]), ("s3", "stage", ["c"])]
    assert [s["reached"] for s in steps] == [5, 5, 3]
    assert [s["entered"] for s in steps] == [5, 1, 0]
    assert [s["conversion"] for s in steps] == [0.833333, 0.833333, 0.5]  # of the 6 who entered
    assert [s["step_conversion"] for s in steps] == [None, 0.8, 0.6]  # those who came on from the step before
    assert [s["dropoff"] for s in steps] == [1, 2, None] and [s["dropoff_rate"] for s in steps] == [0.2, 0.4, None]
    assert [s["censored"] for s in steps] == [0, 1, 0]
    assert steps[1]["time_from_previous"] == {"median_seconds": 60.0, "p90_seconds": 90.0}
    assert steps[2]["time_from_previous"] == {"median_seconds": 1.5, "p90_seconds": None}
    assert steps[0]["time_from_start"] == {"median_seconds": None, "p90_seconds": None}


def test_the_funnel_totals_and_conformance():
    r = result(funnel_raw())
    assert r["funnel"] == {"entered": 6, "converted": 3, "conversion": 0.5}
    assert r["totals"] == {"events_read": 20, "events_without_unit": 1, "units": 6,
                           "time_range": {"from": "2026-01-05T00:00:00Z", "to": "2026-01-14T00:00:00Z"}}
    c = r["conformance"]
    assert (c["events_in_range"], c["unmatched_events"], c["unmatched_share"]) == (18, 3, 0.166667)
    assert c["top_unmatched"] == [{"event": "scroll", "count": 2}, {"event": "zoom", "count": 1}]
    assert r["touchpoints"] == {"a": 5, "b": 5, "c": 3}  # mapped touchpoints only: n has no events
    assert c["unreached_touchpoints"] == []
    # The map allows a->b, a->n (branches), b->n, n->c; c->a and b->a were taken anyway; b->c skipped n.
    assert c["unexpected_transitions"] == [  # by count, then ids
        {"from": "b", "to": "c", "count": 3}, {"from": "c", "to": "a", "count": 2}, {"from": "b", "to": "a", "count": 1}]
    assert c["untaken_branches"] == [{"from": "a", "to": "n"}]
    assert c["transitions"] == 10


def test_overlaps_are_listed_and_warned_about():
    r = result(funnel_raw())
    assert r["overlaps"] == [{"event": "B", "assigned_to": "b", "also_matches": ["c"], "count": 2}]
    assert r["warnings"] == ["2 'B' event(s) match touchpoints b, c: each counts for the first in map order, b"]


def test_the_trend_is_by_iso_week_of_entry():
    trend = result(funnel_raw())["trend"]
    assert trend == [
        {"week": "2026-W02", "week_start": "2026-01-05", "entered": 4, "reached": [4, 3, 2], "conversion": 0.5},
        {"week": "2026-W03", "week_start": "2026-01-12", "entered": 2, "reached": [1, 2, 1], "conversion": 0.5},
    ]


def test_weeks_start_on_monday_around_the_new_year():
    raw = Raw()
    # 2020-12-31 (Thursday) is in week 2020-W53, from Monday 2020-12-28; 2021-01-04 starts 2021-W01.
    raw.attempts = Counter({(1, 1, False, 18627, None): 1, (1, 1, False, 18631, None): 1, (1, 1, False, 0, None): 1})
    weeks = [(w["week"], w["week_start"]) for w in result(raw)["trend"]]
    assert weeks == [("1970-W01", "1969-12-29"), ("2020-W53", "2020-12-28"), ("2021-W01", "2021-01-04")]


def test_a_breakdown_by_value_or_persona():
    r = result(funnel_raw(), Semantics(breakdown="tier"))
    assert r["breakdown"]["by"] == "tier" and r["breakdown"]["attribution"] == "entry event"
    assert [(s["segment"], s["entered"], s["reached"]) for s in r["breakdown"]["segments"]] == [
        (NONE_BUCKET, 1, [1, 0, 0]), ("bronze", 1, [0, 1, 1]), ("gold", 3, [3, 3, 2]), ("silver", 1, [1, 1, 0])]
    r = result(funnel_raw(), Semantics(breakdown="tier", personas=(("gold", "lee"), ("silver", "sam"))))
    assert r["breakdown"]["personas"] == {"gold": "lee", "silver": "sam"}
    assert [(s["segment"], s["entered"], s["conversion"]) for s in r["breakdown"]["segments"]] == [
        (NONE_BUCKET, 1, 0.0), (OTHER_BUCKET, 1, 1.0), ("lee", 3, 0.666667), ("sam", 1, 0.0)]
    assert result(funnel_raw())["breakdown"] is None


def test_top_paths_by_count_then_ids_and_cut_to_top_paths():
    r = result(funnel_raw(), top_paths=3)
    assert r["top_paths"] == [{"path": ["a", "b"], "count": 2}, {"path": ["a", "b", "c"], "count": 2},
                              {"path": ["a"], "count": 1}]


def test_counts_are_attempts_with_reentry_and_steps_mode_follows_the_steps():
    assert result(funnel_raw())["counts"] == "units"
    assert result(funnel_raw(), Semantics(attempt="reentry"))["counts"] == "attempts"
    assert result(funnel_raw())["steps_mode"] == "stages"
    assert result(funnel_raw(), steps=("a", "b", "c"))["steps_mode"] == "touchpoints"


def test_the_metric_keys():
    m = result(funnel_raw())["metrics"]
    assert m["stage.s2.reach"] == 5 and m["stage.s2.conversion"] == 0.833333 and m["stage.s2.step_conversion"] == 0.8
    assert m["stage.s2.dropoff"] == 0.4 and m["stage.s2.median_seconds"] == 60.0 and m["stage.s3.p90_seconds"] is None
    assert m["touchpoint.a.reach"] == 5 and m["touchpoint.c.units"] == 3 and "touchpoint.n.reach" not in m
    assert (m["funnel.entered"], m["funnel.converted"], m["funnel.conversion"]) == (6, 3, 0.5)
    assert m["conformance.unmatched_share"] == 0.166667
    # With touchpoints as steps, the step's reach wins over the touchpoint's units under the same key.
    m = result(funnel_raw(), steps=("a", "b", "c"))["metrics"]
    assert m["touchpoint.b.reach"] == 5 and m["touchpoint.b.units"] == 5


def test_an_empty_raw_gives_an_empty_result_not_an_error():
    r = result(Raw())
    assert r["funnel"] == {"entered": 0, "converted": 0, "conversion": None}
    assert [s["conversion"] for s in r["steps"]] == [None, None, None] and r["trend"] == [] and r["top_paths"] == []
    assert r["conformance"]["unreached_touchpoints"] == ["a", "b", "c"]
    assert r["totals"]["time_range"] == {"from": None, "to": None}


def test_the_json_is_stable_and_sorted():
    a = FunnelResult(result(funnel_raw()), SOURCE, {"name": "test"})
    b = FunnelResult(json.loads(a.to_json()), SOURCE, {"name": "test"})
    assert a.to_json() == b.to_json() and a.to_json().endswith("}\n")
    keys = list(json.loads(a.to_json()))
    assert keys == sorted(keys)
    assert a.metrics is a.to_dict()["metrics"] and a.to_dict()["engine"] == {"name": "test"}
    assert "\\u" not in FunnelResult({"title": "Café"}, SOURCE, {}).to_json()  # text as it is, not escaped
