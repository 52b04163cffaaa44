"""Random small event sets (seeded): DuckDB, Spark and the reference agree on every output,
under semantics that combine the options. Each configuration runs as one batch per engine."""

from __future__ import annotations

import random

import pytest

from cjm.analytics.spec import Exclusion, JourneyShape, Matcher, Semantics, StepLimit, plan

from .golden import Case, DAY0, comparable
from .test_golden import SOURCE, run_batch

MAP = {"s1": {"a": ["A"]}, "s2": {"b": ["B"], "d": ["D"]}, "s3": {"c": ["C", {"name": "E", "where": {"tier": "p*"}}]}}
CONFIGS = {
    "ordered-window": {"window": "1h"},
    "best-exclusion-breakdown": {"attempt": "best", "ties": "strict", "window": "90m", "exclusions": [{"events": ["X"]}],
                                 "breakdown": {"by": "tier", "personas": {"premium": "lee"}}},
    "reentry-strict-limits": {"attempt": "reentry", "order": "strict", "limits": {"s2": {"max": "30m"}}, "window": "2h",
                              "path_length": 3},
    "any-order": {"order": "any", "window": "1h", "steps": "touchpoints"},
    "open-session-reentry": {"entry": "open", "unit": "session", "attempt": "reentry", "window": "45m",
                             "exclusions": [{"events": ["X"], "from": "s2", "to": "s3"}], "since": "2026-01-05T00:30:00Z"},
}
NAMES = ["A", "A", "B", "B", "C", "D", "E", "X", "Q"]


def random_cases(config: dict, count: int = 24, seed: int = 7) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        events = []
        for unit in range(rng.randint(1, 4)):
            for _ in range(rng.randint(0, 10)):
                minute = rng.choice([0, 5, 5, 20, 30, 45, 60, 61, 90, 120, 150, 179])
                moment = DAY0.replace(hour=minute // 60, minute=minute % 60)
                props = {}
                if rng.random() < 0.7:
                    props["tier"] = rng.choice(["premium", "basic", "pro"])
                events.append({
                    "user_id": f"u{unit}", "session_id": rng.choice(["s1", "s2"]),
                    "timestamp": moment.isoformat().replace("+00:00", "Z"), "event": rng.choice(NAMES), "props": props,
                })
        if not events:
            events.append({"user_id": "u0", "session_id": "s1", "timestamp": "2026-01-05T00:00:00Z", "event": "Q", "props": {"tier": "x"}})
        cases.append(Case(f"random-{i}", "random", MAP, config, events, {}))
    return cases


@pytest.fixture(scope="module")
def batches():
    return {name: random_cases(config, seed=len(name)) for name, config in CONFIGS.items()}


def reference(case: Case) -> dict:
    from cjm.analytics.reference import compute
    from cjm.analytics.result import assemble

    p = case.plan()
    return comparable(assemble(p, compute(p, case.reference_events()), SOURCE, {}))


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_duckdb_matches_the_reference(batches, name):
    cases = batches[name]
    results = run_batch("duckdb", cases)
    assert sum(r["funnel"]["entered"] for r in results.values()) > 0  # the batch exercises the funnel
    for case in cases:
        assert comparable(results[case.name]) == reference(case), case.name


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_spark_matches_the_reference(batches, name, spark):
    cases = batches[name]
    results = run_batch("spark", cases, spark)
    for case in cases:
        assert comparable(results[case.name]) == reference(case), case.name


def test_the_random_configs_are_valid_requests():
    # Each configuration is a real FunnelDefaults section and plans without error.
    for config in CONFIGS.values():
        case = random_cases(config, count=1)[0]
        assert case.plan().n >= 3


def test_overlapping_matchers_in_random_data_are_reported():
    journey = JourneyShape.build([("s1", [("a", ["A*"], [])]), ("s2", [("b", [Matcher("A2")], [])])])
    p = plan(journey, "stages", Semantics(exclusions=(Exclusion((Matcher("X"),)),), limits=(StepLimit("s2", 0, 60),)))
    from cjm.analytics.reference import Event, compute

    raw = compute(p, [Event("u", 0, "A2"), Event("u", 1, "A2")])
    assert raw.overlaps == {("A2", 0, (1,)): 2}
