"""Every golden case gives its expected numbers on the reference, on DuckDB and on Spark,
and the three results are identical in every output, not only the stated ones."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from cjm.analytics.result import Raw, assemble
from cjm.analytics.spec import EngineOptions, Source

from .golden import all_cases, batch_rows, check_expect, comparable, groups

CASES = all_cases()
IDS = [c.name for c in CASES]
SOURCE = Source(("golden-cases",), "parquet")


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
        parts = list(pool.map(lambda group: run_batch("spark", group, spark), groups(CASES)))
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
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_spark(case, spark_results):
    result = spark_results[case.name]
    check_expect(result, case.expect)
    assert comparable(result) == comparable(reference_result(case))
