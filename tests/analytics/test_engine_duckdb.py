"""The DuckDB engine (cjm.analytics.engine_duckdb): its memory limit and spill
folder, working out of core, how it reads each file format, DuckDB's column
types, and the same answer as the reference on a small generated input with
known truth."""

from __future__ import annotations

import pytest

from cjm.analytics import BadTimestampError, EngineOptions, FunnelRequest, JourneyShape, Semantics, Source, run_funnel
from cjm.analytics import engine_duckdb
from cjm.analytics.dialect import ColType
from cjm.analytics.errors import EngineUnavailableError, RequestError
from cjm.analytics.spec import plan

from .golden import comparable

GB = 1 << 30


@pytest.mark.parametrize("memory, limit", [(64 * GB, "3072MB"), (8 * GB, "2048MB"), (2 * GB, "512MB"),
                                           (512 << 20, "256MB")])
def test_the_default_memory_limit_is_a_quarter_of_the_machine_within_bounds(monkeypatch, memory, limit):
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": memory // 4096}
    monkeypatch.setattr(engine_duckdb.os, "sysconf", lambda name: pages[name])
    assert engine_duckdb.default_memory_limit() == limit


def test_without_sysconf_the_limit_is_2gb(monkeypatch):
    def broken(name):
        raise ValueError(name)

    monkeypatch.setattr(engine_duckdb.os, "sysconf", broken)
    assert engine_duckdb.default_memory_limit() == "2GB"


class Recorder:
    """duckdb.connect, with every statement written down."""

    def __init__(self, monkeypatch):
        import duckdb

        self.statements: list[str] = []
        real = duckdb.connect
        recorder = self

        class Connection:
            def __init__(self):
                self._con = real()

            def execute(self, sql, *args):
                recorder.statements.append(sql)
                return self._con.execute(sql, *args)

            def __getattr__(self, name):
                return getattr(self._con, name)

        monkeypatch.setattr(duckdb, "connect", lambda *a, **k: Connection())


def tiny_csv(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("user_id,timestamp,event\nu1,2026-01-05T01:00:00Z,A\nu1,2026-01-05T02:00:00Z,B\n")
    return path


JOURNEY = JourneyShape.build([("s1", [("a", ["A"], [])]), ("s2", [("b", ["B"], [])])])


def test_the_settings_it_runs_with(tmp_path, monkeypatch):
    recorder = Recorder(monkeypatch)
    spill = tmp_path / "spill"
    options = EngineOptions(memory_limit="300MB", temp_directory=str(spill), threads=1)
    result = run_funnel(FunnelRequest(Source.resolve(str(tiny_csv(tmp_path))), JOURNEY, options=options))
    assert [s["reached"] for s in result.to_dict()["steps"]] == [1, 1]
    settings = [s for s in recorder.statements if s.startswith("SET ")]
    assert settings == ["SET memory_limit = '300MB'", f"SET temp_directory = '{spill}'",
                        "SET preserve_insertion_order = false", "SET TimeZone = 'UTC'", "SET threads = 1"]
    assert spill.is_dir()  # a folder the user gave stays


def test_its_own_spill_folder_is_removed(tmp_path, monkeypatch):
    recorder = Recorder(monkeypatch)
    monkeypatch.setattr(engine_duckdb.tempfile, "mkdtemp", lambda prefix: str(tmp_path / (prefix + "x")))
    run_funnel(FunnelRequest(Source.resolve(str(tiny_csv(tmp_path))), JOURNEY))
    assert f"SET temp_directory = '{tmp_path / 'cjm-duckdb-x'}'" in recorder.statements
    assert f"SET memory_limit = '{engine_duckdb.default_memory_limit()}'" in recorder.statements
    assert not (tmp_path / "cjm-duckdb-x").exists()
    assert not [s for s in recorder.statements if s.startswith("SET threads")]  # DuckDB's own choice


@pytest.fixture(scope="module")
def generated(tmp_path_factory, gen):
    path = tmp_path_factory.mktemp("duckdb") / "e.parquet"
    truth = gen.generate(str(path), 8000, seed=5, days=10)
    return path, truth


def test_it_works_out_of_core_below_its_memory_limit(gen, tmp_path):
    """30,000 users in 16 MB: the temporary tables spill to the folder, and the answer is exact.
    (8,000 users fit once the engine dropped each stage after its last reader.)"""
    path = tmp_path / "e.parquet"
    truth = gen.generate(str(path), 30_000, seed=5, days=10)
    spill = tmp_path / "spill"
    spilled = []

    def progress(done, total):
        spilled.append(sum(f.stat().st_size for f in spill.iterdir()) if spill.exists() else 0)

    options = EngineOptions(memory_limit="16MB", temp_directory=str(spill), threads=1)
    result = run_funnel(FunnelRequest(Source.resolve(str(path)), JourneyShape.build(gen.journey_stages()),
                                      options=options, progress=progress)).to_dict()
    assert [s["reached"] for s in result["steps"]] == truth["reached"]
    assert max(spilled) > 0


def test_running_out_of_memory_is_said_not_raised(generated, gen):
    path, _truth = generated
    with pytest.raises(EngineUnavailableError) as err:
        run_funnel(FunnelRequest(Source.resolve(str(path)), JourneyShape.build(gen.journey_stages()),
                                 options=EngineOptions(memory_limit="2MB", threads=1)))
    assert err.value.message.startswith("DuckDB ran out of memory within its limit of 2MB: ")
    assert "--memory-limit" in err.value.hint and err.value.exit_code == 3


@pytest.mark.parametrize("limit", ["lots", "0", "2 GBs"])
def test_a_memory_limit_that_is_no_size(tmp_path, limit):
    with pytest.raises(RequestError) as err:
        run_funnel(FunnelRequest(Source.resolve(str(tiny_csv(tmp_path))), JOURNEY,
                                 options=EngineOptions(memory_limit=limit)))
    assert f"the memory limit {limit!r} is not a size" in err.value.message and "2GB" in err.value.hint


def test_the_same_answer_as_the_reference(tmp_path, gen):
    from cjm.analytics.reference import compute
    from cjm.analytics.result import assemble

    path = tmp_path / "e.parquet"
    gen.generate(str(path), 600, seed=8, days=10)
    journey = JourneyShape.build(gen.journey_stages())
    events = gen.reference_events(600, seed=8, days=10)
    for semantics in (Semantics(attempt="reentry", window_seconds=86400), Semantics(order="strict", unit="session")):
        got = run_funnel(FunnelRequest(Source.resolve(str(path)), journey, semantics=semantics,
                                       options=EngineOptions(threads=2))).to_dict()
        p = plan(journey, "stages", semantics)
        assert comparable(got) == comparable(assemble(p, compute(p, events), None, {}))


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, root, words", [
    ("parquet", None, "read_parquet(['a', 'b''c'], hive_partitioning = false, union_by_name = true)"),
    ("parquet", "/data", "hive_partitioning = true"),
    ("csv", None, "read_csv(['a', 'b''c'], header = true, all_varchar = true, union_by_name = true"),
    ("jsonl", None, "read_json(['a', 'b''c'], format = 'newline_delimited', timestampformat = 'NONE'"),
])
def test_how_each_format_is_read(fmt, root, words):
    assert words in engine_duckdb.read_sql(Source(("a", "b'c"), fmt, root=root))


def test_csv_is_read_as_text_and_json_times_stay_text(tmp_path):
    # The engine parses times itself, and so sees the ones that do not parse and mixed offsets.
    import duckdb

    (tmp_path / "e.jsonl").write_text('{"timestamp": "2026-01-05T01:00:00Z", "n": 1}\n')
    (tmp_path / "e.csv").write_text("timestamp,n\n2026-01-05T01:00:00Z,1\n")
    con = duckdb.connect()
    try:
        for name in ("e.jsonl", "e.csv"):
            fmt = "jsonl" if name.endswith("jsonl") else "csv"
            rel = con.sql(f"SELECT * FROM {engine_duckdb.read_sql(Source((str(tmp_path / name),), fmt))}")
            kinds = {c: engine_duckdb._kind(t).kind for c, t in zip(rel.columns, rel.types)}
            assert kinds["timestamp"] == "string", name
    finally:
        con.close()


def test_duckdb_types_become_column_kinds():
    import duckdb

    con = duckdb.connect()
    try:
        rel = con.sql("SELECT 'x' AS s, 1::BIGINT AS i, 1::UTINYINT AS u, 1.5::DOUBLE AS f, 1.5::DECIMAL(9, 2) AS dec, "
                      "true AS b, TIMESTAMPTZ '2026-01-05 00:00:00+00' AS tz, TIMESTAMP '2026-01-05' AS ts, "
                      "TIMESTAMP_NS '2026-01-05' AS ns, DATE '2026-01-05' AS d, {'k': 1, 'v': {'x': 'y'}} AS st, "
                      "MAP {'a': 1.5} AS m, [{'key': 'k'}] AS l, '\\x00'::BLOB AS blob, '{}'::JSON AS j")
        kinds = {c: engine_duckdb._kind(t) for c, t in zip(rel.columns, rel.types)}
    finally:
        con.close()
    assert {c: k.kind for c, k in kinds.items()} == {
        "s": "string", "i": "int", "u": "int", "f": "float", "dec": "float", "b": "bool", "tz": "timestamp_tz",
        "ts": "timestamp", "ns": "timestamp", "d": "date", "st": "struct", "m": "map", "l": "list", "blob": "other",
        "j": "string"}
    assert kinds["st"].fields == {"k": ColType("int"), "v": ColType("struct", {"x": ColType("string")})}
    assert kinds["m"].element == ColType("float") and kinds["l"].element == ColType("struct", {"key": ColType("string")})


def test_a_table_replaces_the_files():
    import pyarrow as pa

    table = pa.table({"user_id": ["u1", "u1"], "timestamp": ["2026-01-05T01:00:00Z", "2026-01-05T02:00:00Z"],
                      "event": ["A", "B"]})
    raws, info, checks = engine_duckdb.run(plan(JOURNEY, "stages", Semantics()), Source(("not-read",), "parquet"),
                                           EngineOptions(threads=1), table=table)
    assert raws[0].events == 2 and raws[0].attempts == {(1, 2, False, 20458, None): 1}
    assert info == {"name": "duckdb", "version": __import__("duckdb").__version__} and checks == []


def test_samples_of_bad_times_are_fetched_only_when_needed(tmp_path, monkeypatch):
    recorder = Recorder(monkeypatch)
    run_funnel(FunnelRequest(Source.resolve(str(tiny_csv(tmp_path))), JOURNEY))
    assert not [s for s in recorder.statements if "'bad' AS kind" in s]
    path = tmp_path / "bad.csv"
    path.write_text("user_id,timestamp,event\nu1,2026-01-05T01:00:00Z,A\nu2,soon,A\n")
    with pytest.raises(BadTimestampError, match="'soon'"):
        run_funnel(FunnelRequest(Source.resolve(str(path)), JOURNEY))
    assert [s for s in recorder.statements if "'bad' AS kind" in s]
