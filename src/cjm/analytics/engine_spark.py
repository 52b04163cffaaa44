"""The Spark SQL engine: the same queries as DuckDB in Spark's dialect, for data at scale.

The session is created lazily, on the first Spark request, and reused: starting a local
JVM takes 10-20 s. `master` picks a cluster ("local[*]", "spark://host:7077", "yarn");
`remote` a Spark Connect server ("sc://host:15002"). All outputs are computed in one Spark
job (one UNION ALL), so that a request costs one round of scheduling.
"""

from __future__ import annotations

import os
import shutil
import uuid

from cjm.analytics.dialect import DIALECTS, ColType
from cjm.analytics.errors import EngineUnavailableError
from cjm.analytics.inputs import read_failure
from cjm.analytics.queries import build, parse_rows
from cjm.analytics.result import Raw
from cjm.analytics.spec import EngineOptions, Plan, Progress, Source

D = DIALECTS["spark"]
INSTALL_SPARK = "pip install 'cjm-cli[spark]'"
INSTALL_JAVA = "apt-get install openjdk-17-jre-headless (or any Java 17+), or set JAVA_HOME"


def _java_present() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return True
    return shutil.which("java") is not None


def session(options: EngineOptions):
    """The Spark session to use: the active one, or a new one from the options."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailableError(
            "the Spark engine needs pyspark, which is not installed", f"install it with: {INSTALL_SPARK}"
        ) from None
    if options.remote:
        try:
            spark = SparkSession.builder.remote(options.remote).getOrCreate()
        except Exception as exc:  # connect errors come from grpc, pyspark and the network alike
            raise EngineUnavailableError(
                f"cannot reach the Spark Connect server {options.remote}: {str(exc).splitlines()[0][:300]}",
                f"check the URL and that the server runs; Spark Connect also needs: {INSTALL_SPARK}",
            ) from None
    else:
        active = SparkSession.getActiveSession()
        if active is not None and not options.master:
            spark = active
        else:
            if not _java_present():
                raise EngineUnavailableError("the Spark engine needs Java, which is not installed", f"install it: {INSTALL_JAVA}")
            builder = (
                SparkSession.builder.master(options.master or "local[*]")
                .appName("cjm analyze")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
            )
            for key, value in options.conf:
                builder = builder.config(key, value)
            try:
                spark = builder.getOrCreate()
            except Exception as exc:  # the JVM failed to start: reported by py4j in many forms
                raise EngineUnavailableError(
                    f"Spark could not start: {str(exc).splitlines()[0][:300]}", f"check Java ({INSTALL_JAVA}) and the master URL"
                ) from None
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return spark


def _kind(typ) -> ColType:
    from pyspark.sql import types as T

    if isinstance(typ, T.StructType):
        return ColType("struct", {f.name: _kind(f.dataType) for f in typ.fields})
    if isinstance(typ, T.MapType):
        return ColType("map", element=_kind(typ.valueType))
    if isinstance(typ, T.ArrayType):
        return ColType("list", element=_kind(typ.elementType))
    if isinstance(typ, T.StringType):
        return ColType("string")
    if isinstance(typ, T.TimestampNTZType):
        return ColType("timestamp")
    if isinstance(typ, T.TimestampType):
        return ColType("timestamp_tz")
    if isinstance(typ, T.DateType):
        return ColType("date")
    if isinstance(typ, (T.LongType, T.IntegerType, T.ShortType, T.ByteType)):
        return ColType("int")
    if isinstance(typ, (T.DoubleType, T.FloatType, T.DecimalType)):
        return ColType("float")
    if isinstance(typ, T.BooleanType):
        return ColType("bool")
    return ColType("other")


def _failures() -> tuple[type, ...]:
    """The exceptions Spark raises for a query that fails (classic Spark wraps JVM errors in
    py4j's; Spark Connect has no py4j)."""
    from pyspark.errors import PySparkException

    try:
        from py4j.protocol import Py4JJavaError
    except ImportError:
        return (PySparkException,)
    return (PySparkException, Py4JJavaError)


def _reader(spark, source: Source):
    reader = spark.read
    if source.root:
        reader = reader.option("basePath", source.root)
    files = list(source.files)
    if source.format == "parquet":
        return reader.option("mergeSchema", "true").parquet(*files)
    if source.format == "csv":
        return reader.option("header", "true").csv(files)
    return reader.json(files)


def run(
    plan: Plan, source: Source, options: EngineOptions, progress: Progress | None = None, batch: str | None = None,
    table: object | None = None,
) -> tuple[dict[int, Raw], dict, list]:
    """As `cjm.analytics.engine_duckdb.run`; `table` is a Spark DataFrame replacing the files."""
    shared = session(options)
    try:
        # Its own temporary views: requests may run side by side on one Spark context.
        spark = shared.newSession()
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    except Exception:  # Spark Connect sessions cannot branch: use the one session
        spark = shared
    # Event names and property values go into SQL literals: `${...}` in them is text, not a Spark variable.
    spark.conf.set("spark.sql.variable.substitute", "false")
    failures = _failures()

    shared_name = None
    try:
        if table is not None:
            # A frame of another session reaches this one through a global view.
            shared_name = f"cjm_input_{uuid.uuid4().hex}"
            table.createOrReplaceGlobalTempView(shared_name)
            df = spark.table(f"global_temp.{shared_name}")
        else:
            df = _reader(spark, source)
        if "_corrupt_record" in df.columns:
            raise read_failure(source, "a JSON line does not parse")
        df.createOrReplaceTempView("src")
        schema = {f.name: _kind(f.dataType) for f in df.schema.fields}
    except failures as exc:
        raise read_failure(source, str(exc)) from None
    queries = build(plan, D, schema, source, batch)
    total = len(queries.stages) + 1
    cached: dict = {}
    try:
        for done, ((name, sql), spent) in enumerate(zip(queries.stages, queries.releases()), start=1):
            frame = spark.sql(sql)
            if name in queries.reused:
                # Read by several later stages: computed once and cut from its lineage, so that
                # the plans stay small (each chain level is read twice: inlined, the plan
                # would double at every step).
                frame = frame.localCheckpoint(eager=True)
                cached[name] = frame
            frame.createOrReplaceTempView(name)
            for done_with in spent:  # read by nothing still to come: its blocks are freed now
                cached.pop(done_with).unpersist()
            if progress:
                progress(done, total)
        rows = [tuple(r) for r in spark.sql(" UNION ALL ".join(queries.outputs)).collect()]
        raws = parse_rows(rows, len(plan.journey.touchpoints))
        checks = []
        if any(r.time_check[0] or (r.time_check[1] and r.time_check[2]) for r in raws.values()):
            checks = [tuple(r) for r in spark.sql(queries.time_samples).collect()]
    except failures as exc:
        if any(word in str(exc) for word in ("FAILED_READ_FILE", "EOFException", "Parquet", "CORRUPT", "gzip")):
            raise read_failure(source, str(exc)) from None
        raise
    finally:
        for frame in cached.values():
            frame.unpersist()
        if shared_name:
            spark.catalog.dropGlobalTempView(shared_name)
    if progress:
        progress(total, total)
    return raws, {"name": "spark", "version": spark.version}, checks
