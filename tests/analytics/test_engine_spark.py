"""The Spark engine (cjm.analytics.engine_spark): the same answer as the
reference on tiny inputs, run on the ONE shared Spark session of this worker
(tests/analytics/conftest.py); the session it picks; what user text does in
its SQL; the regex grid of test_match.py under Java's regex; and Spark's
column types.

Every test that needs the session is in the xdist group "spark", so that one
worker runs them all and only one JVM starts (scripts/test.sh: --dist loadgroup)."""

from __future__ import annotations

import json

import pytest

from cjm.analytics import (
    BadTimestampError,
    CorruptInputError,
    EngineOptions,
    Exclusion,
    FunnelRequest,
    JourneyShape,
    Matcher,
    Semantics,
    Source,
    run_funnel,
    run_reference,
)
from cjm.analytics.dialect import ColType
from cjm.analytics.reference import Event
from cjm.analytics.spec import parse_time

from .golden import comparable
from .test_match import NAMES, PATTERNS

pytestmark = pytest.mark.spark
spark_group = pytest.mark.xdist_group("spark")

JOURNEY = JourneyShape.build(
    [("s1", [("a", ["A"], ["b", "x"])]),
     ("s2", [("b", [{"name": "B", "where": {"props.tier": ["gold", "s*"]}}], []), ("x", ["X?"], [])]),
     ("s3", [("c", ["C"], [])])],
    personas=("sam", "lee"))
# (user, minute, event, tier): two users enter twice (reentry), one is excluded, one has no tier.
ROWS = [
    ("u1", 0, "A", "gold"), ("u1", 5, "B", "gold"), ("u1", 9, "C", "gold"), ("u1", 100, "A", "gold"),
    ("u1", 101, "B", "silver"), ("u2", 0, "A", "silver"), ("u2", 1, "Q", None), ("u2", 2, "B", "silver"),
    ("u2", 3, "X1", None), ("u2", 4, "A", None), ("u3", 10, "A", None), ("u3", 11, "ZZ", None), ("u3", 12, "B", "bronze"),
    ("u4", 30, "A", "gold"), ("u4", 40, "X2", "gold"), ("u4", 50, "B", "gold"), ("u4", 55, "C", "gold"),
    ("u5", 59, "B", "gold"), ("u5", 60, "A", "gold"), ("u5", 60, "B", "gold"), ("u5", 61, "C", "gold"),
]
SEMANTICS = [
    Semantics(attempt="reentry", window_seconds=3600, breakdown="tier", personas=(("gold", "lee"),),
              exclusions=(Exclusion((Matcher("X*"),), None, "s1", "s2"),)),
    # A path_length long enough that paths are joined as text (ordered_join), not coded as numbers.
    Semantics(order="strict", ties="strict", path_length=40),
]


def time_of(minute: int) -> str:
    return f"2026-01-05T{minute // 60:02d}:{minute % 60:02d}:00Z"


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory):
    """The rows as JSON Lines with a nested struct of properties."""
    path = tmp_path_factory.mktemp("spark") / "events.jsonl"
    path.write_text("".join(json.dumps({"user_id": u, "timestamp": time_of(m), "event": e, "tier": t,
                                        "props": {"tier": t}}) + "\n" for u, m, e, t in ROWS))
    return path


def reference_events() -> list[Event]:
    return [Event(u, parse_time(time_of(m)), e, {"tier": t, "props.tier": t}) for u, m, e, t in ROWS]


@spark_group
@pytest.mark.parametrize("semantics", SEMANTICS, ids=["reentry-exclusion-breakdown", "strict-long-paths"])
def test_the_same_answer_as_the_reference(spark, jsonl, semantics):
    request = FunnelRequest(Source.resolve(str(jsonl)), JOURNEY, semantics=semantics, engine="spark")
    result = run_funnel(request).to_dict()
    assert result["engine"]["name"] == "spark" and result["engine"]["version"] == spark.version
    assert result["funnel"]["entered"] > 0 and result["top_paths"]
    assert comparable(result) == comparable(run_reference(request, reference_events()).to_dict())


@spark_group
def test_the_shared_session_is_the_one_used(spark):
    from cjm.analytics.engine_spark import session

    assert session(EngineOptions()) is spark
    # A master URL does not start a second context next to the running one.
    assert session(EngineOptions(master="local[1]")).sparkContext is spark.sparkContext
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"


@spark_group
def test_user_text_is_not_a_spark_variable(spark, tmp_path):
    """Spark replaces ${...} in SQL text by its variables: an event name or a `where:` value
    holding one must still be matched as written."""
    path = tmp_path / "e.csv"
    path.write_text("user_id,timestamp,event,tag\nu1,2026-01-05T01:00:00Z,pay_${x},${spark.app.name}\n"
                    "u1,2026-01-05T02:00:00Z,done,x\n")
    journey = JourneyShape.build([("s1", [("a", [{"name": "pay_${x}", "where": {"tag": "${spark.app.name}"}}], [])]),
                                  ("s2", [("b", ["done"], [])])])
    result = run_funnel(FunnelRequest(Source.resolve(str(path)), journey, engine="spark")).to_dict()
    assert [s["reached"] for s in result["steps"]] == [1, 1]
    assert spark.conf.get("spark.sql.variable.substitute") == "true"  # the shared session is left as it was


@spark_group
@pytest.mark.parametrize("word", ["today", "epoch", "yesterday"])
def test_time_words_are_bad_times_as_on_duckdb(tmp_path, spark, word):
    # Spark reads 'today' or 'epoch' as times of its own (DuckDB: 'epoch', 'infinity'); cjm reads ISO-8601 only.
    path = tmp_path / "e.csv"
    path.write_text(f"user_id,timestamp,event\nu1,2026-01-05T01:00:00Z,A\nu2,{word},A\n")
    journey = JourneyShape.build([("s1", [("a", ["A"], [])])])
    messages = []
    for engine in ("duckdb", "spark"):
        with pytest.raises(BadTimestampError) as err:
            run_funnel(FunnelRequest(Source.resolve(str(path)), journey, engine=engine))
        messages.append(err.value.message)
    assert messages[0] == messages[1] and repr(word) in messages[0]


@spark_group
def test_java_regex_matches_what_the_reference_matches(spark):
    """test_match.py's grid of hostile globs and names, as the Spark dialect writes them."""
    from cjm.analytics.dialect import DIALECTS
    from cjm.analytics.match import glob_to_regex, is_glob, text_matches

    d = DIALECTS["spark"]
    globs = [p for p in PATTERNS if is_glob(p)]
    frame = spark.createDataFrame([(n,) for n in NAMES], "n STRING")
    rows = frame.selectExpr("n", *[f"{d.regex('n', glob_to_regex(p))} AS m{i}" for i, p in enumerate(globs)]).collect()
    wrong = [(p, r[0], got) for r in rows for p, got in zip(globs, r[1:]) if got != text_matches(p, r[0])]
    assert not wrong, wrong


@spark_group
def test_a_json_line_that_does_not_parse_is_named(spark, tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text('{"user_id": "u1", "timestamp": "2026-01-05T01:00:00Z", "event": "A"}\n{"user_id": "u2", "ti\n')
    with pytest.raises(CorruptInputError) as err:
        run_funnel(FunnelRequest(Source.resolve(str(path)), JOURNEY, engine="spark"))
    assert str(path) in err.value.message and "line 2" in err.value.message


@spark_group
def test_a_frame_is_read_through_a_view_that_is_dropped_afterwards(spark):
    from cjm.analytics import engine_spark
    from cjm.analytics.spec import plan

    frame = spark.createDataFrame([("u1", time_of(m), e) for _u, m, e, _t in ROWS if _u == "u4"],
                                  "user_id STRING, timestamp STRING, event STRING")
    calls = []
    p = plan(JourneyShape.build([("s1", [("a", ["A"], [])]), ("s2", [("c", ["C"], [])])]), "stages", Semantics())
    raws, info, checks = engine_spark.run(p, Source(("frame",), "parquet"), EngineOptions(),
                                          lambda done, total: calls.append((done, total)), table=frame)
    assert raws[0].events == 4 and raws[0].units == 1 and sum(raws[0].attempts.values()) == 1
    assert info["name"] == "spark" and checks == []
    assert calls[-1][0] == calls[-1][1] and len(calls) > 3
    assert not [t for t in spark.catalog.listTables("global_temp") if t.name.startswith("cjm_input_")]


# --- column types (no session needed) ---------------------------------------------------------


def test_spark_types_become_column_kinds():
    T = pytest.importorskip("pyspark.sql.types")
    from cjm.analytics.engine_spark import _kind

    assert _kind(T.StringType()) == ColType("string")
    assert _kind(T.TimestampType()) == ColType("timestamp_tz")
    assert _kind(T.TimestampNTZType()) == ColType("timestamp")
    assert _kind(T.DateType()) == ColType("date")
    for t in (T.LongType(), T.IntegerType(), T.ShortType(), T.ByteType()):
        assert _kind(t) == ColType("int")
    for t in (T.DoubleType(), T.FloatType(), T.DecimalType(10, 2)):
        assert _kind(t) == ColType("float")
    assert _kind(T.BooleanType()) == ColType("bool") and _kind(T.BinaryType()) == ColType("other")
    params = T.ArrayType(T.StructType([T.StructField("key", T.StringType()),
                                       T.StructField("value", T.StructType([T.StructField("int_value", T.LongType())]))]))
    assert _kind(params) == ColType("list", element=ColType("struct", {
        "key": ColType("string"), "value": ColType("struct", {"int_value": ColType("int")})}))
    assert _kind(T.MapType(T.StringType(), T.DoubleType())) == ColType("map", element=ColType("float"))


@spark_group
def test_cjm_analyze_on_spark_from_the_command_line(spark, cjm, tmp_path):
    """`cjm analyze --engine spark`, in-process on the shared session: the same funnel
    and the same snapshot metrics as DuckDB on the same project."""
    from tests.cli.test_analyze import EVENTS, MAP  # the CLI test's small shop with known numbers

    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "shop.yaml").write_text(MAP.format(target=50))
    lines = [json.dumps({"user_id": u, "session_id": f"{u}-s", "timestamp": ts, "event": e, "page": p})
             for u, ts, e, p in EVENTS]
    (tmp_path / "events.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\nanalytics:\n  source: {path: events.jsonl}\n")
    ran = {engine: cjm("analyze", "maps/shop.yaml", "-f", "json", "--engine", engine, cwd=tmp_path)
           for engine in ("spark", "duckdb")}
    assert ran["spark"].returncode == 0, ran["spark"]
    spark_doc, duck_doc = (json.loads(ran[e].stdout) for e in ("spark", "duckdb"))
    assert spark_doc["engine"]["name"] == "spark" and duck_doc["engine"]["name"] == "duckdb"
    assert [(s["id"], s["reached"]) for s in spark_doc["steps"]] == [("browse", 3), ("buy", 2)]
    assert spark_doc["metrics"] == duck_doc["metrics"]
    assert spark_doc["touchpoints"] == {"product": 3, "cart": 2, "checkout": 1}
