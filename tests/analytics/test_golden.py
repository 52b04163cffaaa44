"""Every golden case gives its expected numbers on the reference, on DuckDB and on Spark;
the results are identical in every output, not only the stated ones.

A Spark batch costs seconds of JVM time where DuckDB takes milliseconds, so
``CJM_SPARK_GOLDEN=subset`` runs on Spark only the cases that cover each query branch and
each option of the semantics (SPARK_CASES, checked below), for a quick local run. The
test command runs them all."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from cjm.analytics.result import Raw, assemble
from cjm.analytics.spec import EngineOptions, Source

from .golden import all_cases, batch_rows, check_expect, comparable, groups

CASES = all_cases()
IDS = [c.name for c in CASES]
SOURCE = Source(("golden-cases",), "parquet")
# One case per query branch and per option value; cases that share a map and semantics run
# as one batch, so a batch already paid for brings all its cases (01, 05).
SPARK_CASES = {
    "01-mixpanel-first-attempt",  # and its batch: window bounds, a censored closed window
    "05-closed-skip-drops-later-steps",  # and its batch of 10: censoring, odd percentiles, trend, unmatched, no unit
    "03-reentry-after-timeout",  # reentry: the first-arrival fold and explode
    "10-overlap-first-in-map-order",  # overlaps: one event, several touchpoints
    "12-strict-repeats-collapse",  # strict order: the collapsed sequence
    "13-any-order",  # order any, and its batch
    "16-ga4-open-funnel",  # entry open
    "18-step-limit-max",  # a limit's cap on the deadline (censoring)
    "21-exclusion-scope",  # an exclusion between two steps
    "24-exclusion-reentry",  # exclusions with reentry
    "26-since-until-bound-entry",  # since and until
    "30-time-percentiles-even",  # interpolated percentiles, a two-step funnel
    "32-breakdown-personas",  # breakdown by persona
    "34-top-paths",  # path length and rank ties
    "36-conformance-branches",  # a stage of two touchpoints, branches, transitions off the map
    "37-glob-names",  # globs as Java regexes
    "39-where-any-of",  # where: any of several values
    "41-unit-session",  # unit session
    "43-steps-touchpoints",  # touchpoints as steps
    "47-best-tie-earliest",  # best attempt, ties broken by the earliest
    "49-exclusion-touchpoint",  # an exclusion by touchpoint, explicit steps
    "50-strict-with-limits-and-ties",  # strict order with strict ties and a limit
}
SPARK_GROUPS = [group for group in groups(CASES)
                if os.environ.get("CJM_SPARK_GOLDEN") != "subset" or any(c.name in SPARK_CASES for c in group)]
SPARK_RUN = [c for group in SPARK_GROUPS for c in group]


def run_batch(engine: str, group, spark=None) -> dict[str, dict]:
    columns, rows = batch_rows(group)
    plan = group[0].plan()
    if engine == "duckdb":
        import pyarrow as pa

        from cjm.analytics import engine_duckdb

        schema = pa.schema([(c, pa.int64() if c == "__case" else pa.string()) for c in columns])
        table = pa.Table.from_pylist(rows, schema=schema)
        raws, info, _ = engine_duckdb.run(plan, SOURCE, EngineOptions(threads=1), batch="__case", table=table)
    else:
        from cjm.analytics import engine_spark

        schema = ", ".join(f"`{c}` {'BIGINT' if c == '__case' else 'STRING'}" for c in columns)
        frame = spark.createDataFrame([tuple(r[c] for c in columns) for r in rows], schema)
        raws, info, _ = engine_spark.run(plan, SOURCE, EngineOptions(), batch="__case", table=frame)
    return {case.name: assemble(plan, raws.get(g, Raw()), SOURCE, info) for g, case in enumerate(group)}


@pytest.fixture(scope="module")
def duckdb_results():
    results = {}
    for group in groups(CASES):
        results.update(run_batch("duckdb", group))
    return results


@pytest.fixture(scope="module")
def spark_results(spark):
    # Batches run side by side: a tiny Spark job is mostly waiting on scheduling.
    with ThreadPoolExecutor(max_workers=4) as pool:
        parts = list(pool.map(lambda group: run_batch("spark", group, spark), SPARK_GROUPS))
    return {name: result for part in parts for name, result in part.items()}


def reference_result(case) -> dict:
    from cjm.analytics.reference import compute

    plan = case.plan()
    return assemble(plan, compute(plan, case.reference_events()), SOURCE, {})


def test_there_are_enough_golden_cases():
    assert len(CASES) >= 40
    assert all(c.doc.strip() for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reference(case):
    check_expect(reference_result(case), case.expect)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_duckdb(case, duckdb_results):
    result = duckdb_results[case.name]
    check_expect(result, case.expect)
    assert comparable(result) == comparable(reference_result(case))


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
@pytest.mark.parametrize("case", SPARK_RUN, ids=[c.name for c in SPARK_RUN])
def test_spark(case, spark_results):
    result = spark_results[case.name]
    check_expect(result, case.expect)
    assert comparable(result) == comparable(reference_result(case))


def test_the_spark_cases_cover_every_option_and_branch():
    """The subset on Spark keeps every value of every semantic option, and every feature of a map."""
    assert SPARK_CASES <= set(IDS)
    subset = [c for group in groups(CASES) if any(c.name in SPARK_CASES for c in group) for c in group]
    run = [c.defaults() for c in subset]
    for option, values in {"unit": {"person", "session"}, "entry": {"closed", "open"},
                           "order": {"ordered", "strict", "any"}, "attempt": {"first", "best", "reentry"},
                           "ties": {"in-order", "strict"}}.items():
        assert {getattr(f, option) for f in run} == values, option
    assert {("list" if isinstance(f.steps, list) else f.steps) for f in run} == {"stages", "touchpoints", "list"}
    assert any(x.touchpoint for f in run for x in f.exclusions) and any(x.from_ for f in run for x in f.exclusions)
    assert any(lim.max for f in run for lim in f.limits.values()) and any(f.since and f.until for f in run)
    assert any(f.breakdown and f.breakdown.personas for f in run) and any(f.top_paths != 10 for f in run)
    journeys = [c.journey() for c in subset]
    matchers = [m for j in journeys for tp in j.touchpoints for m in tp.matchers]
    assert any(any(ch in m.name for ch in "*?[") for m in matchers)  # globs
    assert any(len(values) > 1 for m in matchers for _k, values in m.where)  # where: any of
    assert any(len(s.touchpoints) > 1 for c in subset for s in c.plan().steps)  # a stage with several touchpoints
    assert any(j.branches for j in journeys)
    assert any(e["user_id"] is None for c in subset for e in c.events)  # events without a unit
