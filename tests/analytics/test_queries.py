"""The funnel as SQL (cjm.analytics.queries): which stages and outputs a plan
becomes, how columns, nested fields and properties are found (or named when
missing), how times are read, and how output rows go back into aggregates.

The SQL is read here as text where its shape is the point, and run on DuckDB
where only running it can tell (quoting, times). Whether the numbers are right
is the golden and generated tests' business."""

from __future__ import annotations

import re

import pytest

from cjm.analytics.dialect import DIALECTS, ColType
from cjm.analytics.errors import BadTimestampError, MissingColumnError, RequestError
from cjm.analytics.queries import OUT_COLUMNS, Resolver, _decode, build, parse_rows
from cjm.analytics.spec import (
    ColumnMap,
    EngineOptions,
    Exclusion,
    FunnelRequest,
    JourneyShape,
    Matcher,
    Semantics,
    Source,
    plan,
)

D = DIALECTS["duckdb"]
S = DIALECTS["spark"]
TEXT = ColType("string")
SCHEMA = {"user_id": TEXT, "session_id": TEXT, "timestamp": TEXT, "event": TEXT}
JOURNEY = JourneyShape.build([("s1", [("a", ["A"], [])]), ("s2", [("b", ["B*"], []), ("n", [], [])]),
                              ("s3", [("c", [{"name": "C", "where": {"page": "/c*"}}], [])])])
SOURCE = Source(("e.parquet",), "parquet")


def queries(semantics=Semantics(), schema=None, source=SOURCE, d=D, steps="stages", top_paths=10, journey=JOURNEY,
            batch=None):
    schema = schema if schema is not None else {**SCHEMA, "page": TEXT}
    return build(plan(journey, steps, semantics, top_paths), d, schema, source, batch)


def names(q) -> list[str]:
    return [name for name, _sql in q.stages]


def all_sql(q) -> str:
    return " ".join(sql for _n, sql in q.stages) + " " + " ".join(q.outputs) + " " + q.time_samples


# --- stages and outputs --------------------------------------------------------------------


def test_the_stages_of_an_ordered_funnel():
    q = queries()
    assert names(q) == ["ev", "summary", "seq", "cand", "c1", "n2", "c2", "n3", "c3", "chain", "tried", "ends", "att",
                        "pe", "paths"]
    assert set(q.reused) >= {"summary", "seq", "cand", "chain", "tried", "att", "c1", "c2", "c3"}
    kinds = [re.match(r"SELECT '(\w+)' AS kind", out).group(1) for out in q.outputs]
    assert kinds == ["totals", "units", "times", "unmatched", "overlap", "reach", "dfg", "att", "dur", "path"]


def test_strict_order_walks_the_collapsed_sequence():
    q = queries(Semantics(order="strict"))
    assert "seqc" in names(q) and "n2" not in names(q)  # the very next visit: no search for the earliest fit
    assert "e.crn = c.p1 + 1" in dict(q.stages)["c2"]


def test_any_order_takes_the_first_time_of_each_step():
    q = queries(Semantics(order="any"))
    assert {"fa", "fp"} <= set(names(q)) and "c2" not in names(q)
    assert "greatest(n.f1, n.f2, n.f3)" in dict(q.stages)["chain"]


def test_attempt_modes():
    assert "picked" in names(queries(Semantics(attempt="reentry")))
    assert D.first_arrival_fold("t0", "r0", "") .split("(")[0] in all_sql(queries(Semantics(attempt="reentry")))
    best = dict(queries(Semantics(attempt="best")).stages)["att"]
    assert "ORDER BY rs DESC, es, t0, r0" in best
    first = dict(queries().stages)["cand"]
    assert "WHERE k = 1" in first  # the first candidate only


def test_a_one_step_funnel_has_no_durations_and_no_paths_without_top_paths():
    journey = JourneyShape.build([("s1", [("a", ["A"], [])])])
    q = queries(journey=journey, top_paths=0)
    kinds = [re.match(r"SELECT '(\w+)' AS kind", out).group(1) for out in q.outputs]
    assert "dur" not in kinds and "path" not in kinds and "pe" not in names(q)


def test_exclusions_limits_and_entry_bounds_reach_the_sql():
    s = Semantics(exclusions=(Exclusion((Matcher("X"),)), Exclusion(touchpoint="n", from_step="s2")),
                  since_us=5, until_us=99, ties="strict")
    sql = dict(queries(s).stages)
    assert {"xe", "x0", "x1"} <= set(sql)
    assert "CASE WHEN x0 THEN 1 ELSE 0 END + CASE WHEN tp = 2 THEN 2 ELSE 0 END" in sql["ev"]
    assert "ts >= 5 AND ts <= 99" in sql["cand"] and "e.ts > c.t1" in sql["n2"]


def test_a_batch_column_keys_the_groups():
    assert "CAST(\"__case\" AS BIGINT) AS g" in dict(queries(batch="__case").stages)["ev"]
    assert "0 AS g" in dict(queries().stages)["ev"]


def test_long_paths_are_joined_as_text():
    # Paths are coded as one number in base (touchpoints + 1) while that fits in 62 bits.
    short = dict(queries(Semantics(path_length=10)).stages)
    long = dict(queries(Semantics(path_length=40)).stages)
    assert "sum((tp + 1) *" in short["paths"] and "array_to_string" not in short["paths"]
    assert "array_to_string(list(CAST(tp AS VARCHAR) ORDER BY rn)[1:40], ',')" in long["paths"]
    # positions count from the entry's run, which the attempt carries (no join to find it)
    assert "e.run - a.q0 + 1" in long["pe"]


@pytest.mark.parametrize("semantics", [
    Semantics(), Semantics(order="strict"), Semantics(order="any"), Semantics(attempt="reentry"),
    Semantics(attempt="best", exclusions=(Exclusion((Matcher("X"),)),)),
], ids=["ordered", "strict", "any", "reentry", "best-excluded"])
def test_a_kept_stage_is_dropped_only_after_its_last_reader(semantics):
    q = queries(semantics)
    stages, releases = q.stages, q.releases()
    assert len(releases) == len(stages)
    reads = lambda name, sql: re.search(rf"\b{name}\b", sql) is not None  # noqa: E731
    views = {name: sql for name, sql in stages if name not in q.reused}
    dropped = {}
    for i, spent in enumerate(releases):
        for name in spent:
            assert name in q.reused and name not in dropped
            dropped[name] = i
    assert dropped, "a funnel of several levels has stages to drop"
    for name, at in dropped.items():
        later = [sql for _n, sql in stages[at + 1:] if _n in q.reused] + list(q.outputs)
        for sql in later:
            # read neither directly nor through a view that is still to be computed
            through = [v for v, vsql in views.items() if reads(name, vsql) and reads(v, sql)]
            assert not reads(name, sql) and not through, (name, sql[:120])
    # what the outputs read is never dropped
    assert not {"seq", "summary", "att"} & set(dropped)


def test_every_output_has_the_one_row_shape():
    for out in queries().outputs:
        assert [m.group(1) for m in re.finditer(r" AS (\w+)(?:,|$| FROM)", out.split(" FROM (")[0])][:len(OUT_COLUMNS)] \
            == list(OUT_COLUMNS)


# --- columns, fields, properties --------------------------------------------------------------


def test_a_missing_column_is_named_with_what_is_there():
    schema = {"uid": TEXT, "timestamp": TEXT, "event": TEXT, "ctx": ColType("struct", {"page": TEXT, "ref": TEXT})}
    with pytest.raises(MissingColumnError) as err:
        queries(schema=schema)
    assert err.value.message == "the data has no column 'user_id' (the actor)"
    assert err.value.hint == ("columns present: ctx, ctx.page, ctx.ref, event, timestamp, uid; "
                              "set analytics.source.columns.actor in cjm.yaml to the right name")


@pytest.mark.parametrize("semantics, words", [
    (Semantics(), "'page' (a `where:` property of a touchpoint's events)"),
    (Semantics(breakdown="tier"), "'tier' (the breakdown)"),
    (Semantics(unit="session"), "'session_id' (the session)"),
])
def test_missing_properties_say_what_they_were_for(semantics, words):
    schema = {"user_id": TEXT, "timestamp": TEXT, "event": TEXT, **({"page": TEXT} if semantics != Semantics() else {})}
    with pytest.raises(MissingColumnError) as err:
        queries(semantics, schema=schema)
    assert words in err.value.message


def test_a_configured_properties_column_must_exist():
    source = Source(("e",), "parquet", columns=ColumnMap(properties="props"))
    with pytest.raises(MissingColumnError, match="'props' \\(the properties\\)"):
        queries(schema=SCHEMA, source=source)


@pytest.mark.parametrize("container, expected", [
    (ColType("struct", {"page": TEXT, "n": ColType("int")}), "struct_extract(\"props\", 'page')"),
    (ColType("map", element=TEXT), "CAST(\"props\"['page'] AS VARCHAR)"),
    (ColType("string"), "json_extract_string(\"props\", '$.page')"),
    (ColType("list", element=ColType("struct", {"key": TEXT, "value": ColType("struct", {
        "string_value": TEXT, "int_value": ColType("int")})})),
     "coalesce(struct_extract(list_filter(\"props\", lambda p: p.key = 'page')[1].value, 'string_value'), "
     "CAST(struct_extract(list_filter(\"props\", lambda p: p.key = 'page')[1].value, 'int_value') AS VARCHAR))"),
])
def test_a_property_is_read_from_the_container(container, expected):
    r = Resolver(D, {**SCHEMA, "props": container}, Source(("e",), "parquet", columns=ColumnMap(properties="props")))
    assert r.prop("page") == expected


def test_a_property_in_the_container_and_as_a_column_prefers_the_container():
    schema = {**SCHEMA, "props": ColType("struct", {"page": TEXT}), "page": ColType("int")}
    r = Resolver(D, schema, Source(("e",), "parquet", columns=ColumnMap(properties="props")))
    assert r.prop("page") == "coalesce(struct_extract(\"props\", 'page'), CAST(\"page\" AS VARCHAR))"
    # Not in the container and no such column: NULL (the container may hold it on other events).
    assert r.prop("nope") is None


def test_dotted_paths_reach_into_structs_and_hostile_names_are_quoted():
    schema = {**SCHEMA, "device": ColType("struct", {"category": TEXT, "sub": ColType("struct", {"x y": TEXT})}),
              'we"ird`name': TEXT}
    for d in (D, S):
        r = Resolver(d, schema, SOURCE)
        assert r.path("device.sub.x y") == (d.field(d.field(d.ident("device"), "sub"), "x y"), TEXT)
        assert r.path("device.nope") is None and r.path("event.x") is None
        assert r.path('we"ird`name') == (d.ident('we"ird`name'), TEXT)
    assert Resolver(S, schema, SOURCE).path("device.category")[0] == "`device`.`category`"


def test_hostile_names_and_values_run_on_duckdb(tmp_path):
    """A property and a value full of quotes and backslashes match as written."""
    import pyarrow as pa

    from cjm.analytics import engine_duckdb

    name, value = "it's \"a\" `prop`\\", "a'b\\'; --"
    table = pa.table({"user_id": ["u1", "u1", "u2"], "timestamp": ["2026-01-05T01:00:00Z"] * 3,
                      "event": ["A", "B", "A"], name: [value, value, "x"]})
    journey = JourneyShape.build([("s1", [("a", [{"name": "A", "where": {name: value}}], [])]),
                                  ("s2", [("b", ["B"], [])])])
    raws, _info, _checks = engine_duckdb.run(plan(journey, "stages", Semantics()), SOURCE, EngineOptions(threads=1),
                                             table=table)
    assert raws[0].attempts == {(1, 2, False, 20458, None): 1}


# --- times --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, unit, expected", [
    ("int", "s", 'CAST("timestamp" AS BIGINT) * 1000000'),
    ("int", "us", 'CAST("timestamp" AS BIGINT)'),
    ("float", "ms", 'CAST(round("timestamp" * 1000) AS BIGINT)'),
    ("string", "s", 'CAST(round(TRY_CAST("timestamp" AS DOUBLE) * 1000000) AS BIGINT)'),
    ("timestamp_tz", None, 'epoch_us("timestamp")'),
    ("timestamp", None, "epoch_us(timezone('Europe/Berlin', CAST(\"timestamp\" AS TIMESTAMP)))"),
    ("date", None, "epoch_us(timezone('Europe/Berlin', CAST(\"timestamp\" AS TIMESTAMP)))"),
])
def test_how_a_time_column_is_read(kind, unit, expected):
    source = Source(("e",), "parquet", time_unit=unit, timezone="Europe/Berlin")
    ev = dict(queries(schema={**SCHEMA, "page": TEXT, "timestamp": ColType(kind)}, source=source).stages)["ev"]
    assert f"{expected} AS ts" in ev


@pytest.mark.parametrize("kind, words", [("int", "holds numbers, and their unit is not given"),
                                         ("float", "holds numbers"), ("bool", "neither a time, a text nor a number"),
                                         ("struct", "neither a time")])
def test_a_time_column_that_cannot_be_read(kind, words):
    with pytest.raises(RequestError) as err:
        queries(schema={**SCHEMA, "page": TEXT, "timestamp": ColType(kind)})
    assert words in err.value.message


def run_csv(tmp_path, times: list[str], timezone="UTC"):
    from cjm.analytics import run_funnel

    path = tmp_path / "e.csv"
    path.write_text("user_id,timestamp,event\n" + "".join(f"u{i},{t},A\n" for i, t in enumerate(times)))
    journey = JourneyShape.build([("s1", [("a", ["A"], [])])])
    return run_funnel(FunnelRequest(Source.resolve(str(path), timezone=timezone), journey)).to_dict()


def test_text_times_with_and_without_offsets(tmp_path):
    got = run_csv(tmp_path, ["2026-01-05T01:00:00+01:00", " 2026-01-05T00:30:00.25Z ", "2026-01-05T02:00:00+00:00"])
    assert got["totals"]["time_range"] == {"from": "2026-01-05T00:00:00Z", "to": "2026-01-05T02:00:00Z"}
    got = run_csv(tmp_path, ["2026-01-05 01:00:00", "2026-01-05T03:00:00", "2026-01-06"], timezone="Europe/Berlin")
    assert got["totals"]["time_range"] == {"from": "2026-01-05T00:00:00Z", "to": "2026-01-05T23:00:00Z"}


@pytest.mark.parametrize("word", ["epoch", "infinity", "-infinity", "today", "now"])
def test_words_are_not_times(tmp_path, word):
    # DuckDB reads 'epoch' and 'infinity' as times (Spark: 'today', 'now', 'epoch'...): cjm reads ISO-8601 only.
    with pytest.raises(BadTimestampError) as err:
        run_csv(tmp_path, ["2026-01-05T01:00:00Z", word])
    assert err.value.message.startswith("1 event time(s)") and repr(word) in err.value.message


# --- rows back into aggregates ----------------------------------------------------------------


def test_paths_decode_from_their_number():
    # Digit k (base touchpoints + 1) holds the touchpoint at position k, plus one.
    assert _decode(0, 4) == ()
    assert _decode(1 + 3 * 4 + 2 * 16, 4) == (0, 2, 1)
    assert _decode(4 + 16, 4) == (-1, 0, 0)  # (a zero digit would be a hole; the SQL never writes one)


def test_parse_rows_fills_raw_per_batch():
    def row(kind, g, s1=None, s2=None, i1=None, i2=None, i3=None, i4=None, i5=None, i6=None, n=None, d=(None,) * 4):
        return (kind, g, s1, s2, i1, i2, i3, i4, i5, i6, n, *d)

    rows = [
        row("totals", 0, i1=10, i2=1, i3=9, i4=2, i5=100, i6=200), row("units", 0, n=3), row("times", 0, i1=0, i2=9, i3=1),
        row("unmatched", 0, s1="scroll", n=2), row("overlap", 0, s1="B1", s2="1,2", i1=1, n=4),
        row("reach", 0, i1=0, n=3), row("dfg", 0, i1=0, i2=1, n=5), row("att", 0, s1="gold", i1=1, i2=2, i3=1, i4=20458, n=2),
        row("att", 0, s1="gold", i1=1, i2=2, i3=1, i4=20458, n=1), row("dur", 0, i1=2, n=None, d=(1.0, 2.0, 3.0, 4.0)),
        row("path", 0, i1=1 + 2 * 4, n=6), row("path", 0, s1="0,2,1", n=1), row("units", 7, n=1),
    ]
    raws = parse_rows(rows, touchpoints=3)
    raw = raws[0]
    assert (raw.events, raw.events_without_unit, raw.events_in_range, raw.unmatched_in_range) == (10, 1, 9, 2)
    assert (raw.ts_min, raw.ts_max, raw.units, raw.time_check) == (100, 200, 3, (0, 9, 1))
    assert raw.unmatched == {"scroll": 2} and raw.overlaps == {("B1", 1, (2,)): 4}
    assert raw.reach == {0: 3} and raw.transitions == {(0, 1): 5}
    assert raw.attempts == {(1, 2, True, 20458, "gold"): 3}
    assert raw.durations == {2: (1.0, 2.0, 3.0, 4.0)}
    assert raw.paths == {(0, 1): 6, (0, 2, 1): 1}
    assert raws[7].units == 1 and raws[7].time_check == (0, 0, 0)
