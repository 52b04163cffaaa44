"""Shared fixtures of the analytics tests: ONE Spark session for every Spark test.

A local Spark session costs 10-30 s to start, so each test process creates it once,
lazily (only when a Spark test runs), with settings for tiny data: two cores, one shuffle
partition, no UI, no code generation (compiling code costs more than it saves on a few
rows), and a JVM that compiles only with its quick compiler (C1): C2's optimizations pay
off in long runs, not in a few minutes of small jobs (a third less CPU, measured).

Every test that uses the session is marked ``xdist_group("spark")``, and the suite runs with
``--dist loadgroup`` (pyproject.toml, scripts/test.sh), so one worker runs them all and
only one JVM starts: collection fails when a Spark test lacks the mark, and a Spark test
fails when another worker of the run already started Spark (tests/conftest.py keeps
loadgroup working on pytest 9.2).
"""

from __future__ import annotations

import os
import shutil
import time

import pytest

SPARK_START = {}
SPARK_GROUP = "spark"


def _only_one_worker_starts_spark(tmp_path_factory, worker_id: str) -> None:
    """Fail when a second worker of this run starts a JVM: the group has fallen apart."""
    if worker_id == "master":
        return  # not distributed
    claim = tmp_path_factory.getbasetemp().parent / "spark-worker"  # the run's folder, shared by its workers
    try:
        with open(claim, "x") as handle:
            handle.write(worker_id)
    except FileExistsError:
        first = claim.read_text()
        if first != worker_id:
            pytest.fail(f"Spark already runs on {first}; this test on {worker_id} would start a second JVM: run "
                        f"pytest with --dist loadgroup and mark the test @pytest.mark.xdist_group({SPARK_GROUP!r})",
                        pytrace=False)


@pytest.fixture(scope="session")
def spark(tmp_path_factory, worker_id):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        pytest.skip("pyspark is not installed: pip install -e '.[test,spark]'")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.skip("Java is not installed: apt-get install openjdk-17-jre-headless")
    _only_one_worker_starts_spark(tmp_path_factory, worker_id)
    started = time.perf_counter()
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cjm-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.autoBroadcastJoinThreshold", "-1")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    SPARK_START["seconds"] = time.perf_counter() - started
    yield session
    session.stop()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """A test that uses the Spark session must run on the Spark worker: else a second JVM starts."""
    stray = [item.nodeid for item in items if "spark" in getattr(item, "fixturenames", ())
             and SPARK_GROUP not in [m.args[0] if m.args else m.kwargs.get("name") for m in item.iter_markers("xdist_group")]]
    if stray:
        raise pytest.UsageError(f"tests that use the Spark session need @pytest.mark.xdist_group({SPARK_GROUP!r}) "
                                "(tests/analytics/conftest.py):\n  " + "\n  ".join(stray))


def pytest_terminal_summary(terminalreporter):
    if "seconds" in SPARK_START:
        terminalreporter.write_line(f"analytics: Spark session started in {SPARK_START['seconds']:.1f} s")
