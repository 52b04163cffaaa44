"""Shared fixtures of the analytics tests: ONE Spark session for every Spark test.

A local Spark session costs 10-20 s to start, so it is created once per test run, lazily
(only when a Spark test runs), with settings for tiny data: two cores, one shuffle
partition, no UI, no code generation (compiling code costs more than it saves on a few rows).
"""

from __future__ import annotations

import os
import shutil
import time

import pytest

SPARK_START = {}


@pytest.fixture(scope="session")
def spark():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        pytest.skip("pyspark is not installed: pip install -e '.[test,spark]'")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.skip("Java is not installed: apt-get install openjdk-17-jre-headless")
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
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    SPARK_START["seconds"] = time.perf_counter() - started
    yield session
    session.stop()


def pytest_terminal_summary(terminalreporter):
    if "seconds" in SPARK_START:
        terminalreporter.write_line(f"analytics: Spark session started in {SPARK_START['seconds']:.1f} s")
