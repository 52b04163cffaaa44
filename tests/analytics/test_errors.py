"""Bad input never ends in a traceback: each problem is an AnalyticsError with a message
that names what is wrong, a hint, and exit code 2 (input, config) or 3 (environment)."""

from __future__ import annotations

import gzip
import sys

import pytest

from cjm.analytics import (
    AnalyticsError,
    BadTimestampError,
    CorruptInputError,
    EmptyInputError,
    EmptyResultError,
    EngineOptions,
    EngineUnavailableError,
    Exclusion,
    FunnelRequest,
    InputNotFoundError,
    JourneyShape,
    MissingColumnError,
    NoEventsMappedError,
    RequestError,
    Semantics,
    Source,
    StepLimit,
    run_funnel,
)

JOURNEY = JourneyShape.build([("s1", [("a", ["A"], [])]), ("s2", [("b", ["B"], [])])])


def write_csv(path, rows, header="user_id,timestamp,event"):
    path.write_text(header + "\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = [("u1", "2026-01-05T01:00:00Z", "A"), ("u1", "2026-01-05T02:00:00Z", "B")]


def run(path, journey=JOURNEY, **kw):
    source = Source.resolve(str(path), **{k: v for k, v in kw.items() if k in ("format", "shape", "columns", "time_unit")})
    request_kw = {k: v for k, v in kw.items() if k in ("steps", "semantics", "engine", "options")}
    return run_funnel(FunnelRequest(source, journey, **request_kw))


def test_good_csv_runs(tmp_path):
    result = run(write_csv(tmp_path / "e.csv", GOOD))
    assert [s["reached"] for s in result.to_dict()["steps"]] == [1, 1]


def test_missing_column_is_named_with_the_columns_present(tmp_path):
    path = write_csv(tmp_path / "e.csv", [("u1", "2026-01-05T01:00:00Z", "A")], header="uid,timestamp,event")
    with pytest.raises(MissingColumnError) as err:
        run(path)
    assert "'user_id'" in err.value.message and "actor" in err.value.message
    assert "columns present: event, timestamp, uid" in err.value.hint
    assert err.value.exit_code == 2


def test_missing_where_property_column(tmp_path):
    journey = JourneyShape.build([("s1", [("a", [{"name": "A", "where": {"page": "/x"}}], [])])])
    with pytest.raises(MissingColumnError) as err:
        run(write_csv(tmp_path / "e.csv", GOOD), journey)
    assert "'page'" in err.value.message and "where:" in err.value.message


def test_unparseable_times_are_counted_with_samples(tmp_path):
    rows = GOOD + [("u2", "yesterday", "A"), ("u3", "2026-13-45T00:00:00", "A"), ("u4", "", "A")]
    with pytest.raises(BadTimestampError) as err:
        run(write_csv(tmp_path / "e.csv", rows))
    message = err.value.message
    assert message.startswith("3 event time(s) in column 'timestamp'")
    assert "'yesterday'" in message and "'2026-13-45T00:00:00'" in message
    assert err.value.exit_code == 2


def test_mixed_zones_are_refused_with_samples(tmp_path):
    rows = GOOD + [("u2", "2026-01-05 03:00:00", "A")]
    with pytest.raises(BadTimestampError) as err:
        run(write_csv(tmp_path / "e.csv", rows))
    assert "mix values with a UTC offset (2) and without one (1)" in err.value.message
    assert "'2026-01-05 03:00:00'" in err.value.message


def test_naive_times_use_the_configured_zone(tmp_path):
    path = write_csv(tmp_path / "e.csv", [("u1", "2026-01-05 10:00:00", "A"), ("u1", "2026-01-05 11:00:00", "B")])
    source = Source.resolve(str(path), timezone="Europe/Berlin")
    result = run_funnel(FunnelRequest(source, JOURNEY)).to_dict()
    assert result["totals"]["time_range"] == {"from": "2026-01-05T09:00:00Z", "to": "2026-01-05T10:00:00Z"}


def test_empty_input_and_empty_result_say_different_things(tmp_path):
    with pytest.raises(EmptyInputError) as empty:
        run(write_csv(tmp_path / "none.csv", []))
    assert "1 file(s) hold no event" in empty.value.message
    with pytest.raises(EmptyResultError) as nobody:
        run(write_csv(tmp_path / "other.csv", [("u1", "2026-01-05T01:00:00Z", "B"), ("u1", "2026-01-05T02:00:00Z", "Z")]))
    assert "of 2 events read (1 matching a touchpoint), none is a first step (stage 's1')" in nobody.value.message
    assert empty.value.message != nobody.value.message


def test_corrupt_parquet_names_the_file(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    good = tmp_path / "a.parquet"
    pq.write_table(pa.table({"user_id": ["u1"], "timestamp": ["2026-01-05T01:00:00Z"], "event": ["A"]}), good)
    bad = tmp_path / "b.parquet"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CorruptInputError) as err:
        run(tmp_path / "*.parquet")
    assert str(bad) in err.value.message and "PAR1" in err.value.message


def test_truncated_gzip_names_the_file(tmp_path):
    text = "user_id,timestamp,event\n" + "".join(f"u{i},2026-01-05T01:00:00Z,A\n" for i in range(20000))
    whole = gzip.compress(text.encode())
    path = tmp_path / "e.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CorruptInputError) as err:
        run(path)
    assert str(path) in err.value.message and "gzip" in err.value.message


def test_a_glob_that_matches_nothing(tmp_path):
    with pytest.raises(InputNotFoundError) as err:
        run(tmp_path / "events-*.parquet")
    assert "glob" in err.value.message and "matches no event file" in err.value.message
    assert err.value.exit_code == 2


def test_a_map_without_events(tmp_path):
    journey = JourneyShape.build([("s1", [("a", [], [])])])
    with pytest.raises(NoEventsMappedError) as err:
        run(write_csv(tmp_path / "e.csv", GOOD), journey)
    assert "`events:`" in err.value.message and "events: [view_item]" in err.value.hint


def test_numbers_as_times_need_a_unit(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "e.parquet"
    pq.write_table(pa.table({"user_id": ["u1"], "timestamp": [1767574800], "event": ["A"]}), path)
    with pytest.raises(RequestError) as err:
        run(path)
    assert "holds numbers" in err.value.message and "time_unit" in err.value.hint
    source = Source.resolve(str(path), time_unit="s")
    result = run_funnel(FunnelRequest(source, JOURNEY)).to_dict()
    assert result["totals"]["time_range"]["from"] == "2026-01-05T01:00:00Z"
    # As text (CSV) a number is a time that does not parse, and the hint names time_unit.
    with pytest.raises(BadTimestampError) as text:
        run(write_csv(tmp_path / "e.csv", [("u1", "1767574800", "A")]))
    assert "'1767574800'" in text.value.message and "time_unit" in text.value.hint


@pytest.mark.parametrize(
    "steps, semantics, text",
    [
        (("a", "zz"), Semantics(), "unknown touchpoint id(s) in steps: zz"),
        ("stages", Semantics(limits=(StepLimit("s1", None, 60),)), "first step"),
        ("stages", Semantics(limits=(StepLimit("s2", 60, 30),)), "min above max"),
        ("stages", Semantics(exclusions=(Exclusion(touchpoint="a"),)), "is a funnel step"),
        ("stages", Semantics(exclusions=(Exclusion(touchpoint="b", from_step="s2", to_step="s1"),)), "is a funnel step"),
        ("stages", Semantics(order="any", entry="open"), "entry: open does not apply"),
        ("stages", Semantics(window_seconds=0), "longer than 0"),
    ],
)
def test_requests_that_do_not_fit(tmp_path, steps, semantics, text):
    with pytest.raises(RequestError) as err:
        run(write_csv(tmp_path / "e.csv", GOOD), steps=steps, semantics=semantics)
    assert text in err.value.message
    assert err.value.exit_code == 2 and err.value.hint


def test_every_error_prints_message_and_hint():
    err = EmptyInputError("the event data is empty", "export events first")
    assert str(err) == "the event data is empty\nhint: export events first"
    assert isinstance(err, AnalyticsError)


def test_spark_without_pyspark_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(EngineUnavailableError) as err:
        run(write_csv(tmp_path / "e.csv", GOOD), engine="spark")
    assert err.value.exit_code == 3
    assert "pip install 'cjm-cli[spark]'" in err.value.hint


def test_spark_without_java_says_how_to_install(tmp_path, monkeypatch):
    pytest.importorskip("pyspark")
    from cjm.analytics import engine_spark

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(engine_spark.shutil, "which", lambda name: None)
    with pytest.raises(EngineUnavailableError) as err:
        run(write_csv(tmp_path / "e.csv", GOOD), engine="spark", options=EngineOptions(master="local[1]"))
    assert err.value.exit_code == 3
    assert "openjdk-17-jre-headless" in err.value.hint and "Java" in err.value.message


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_names_a_corrupt_parquet_file(tmp_path, spark):
    bad = tmp_path / "b.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(CorruptInputError) as err:
        run(bad, engine="spark")
    assert str(bad) in err.value.message
