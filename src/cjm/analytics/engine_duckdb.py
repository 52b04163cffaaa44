"""The DuckDB engine: embedded, reads the files natively, works out of core.

The stages that several outputs read (events, sequences, attempts) become temporary tables,
the others views that DuckDB inlines. Past memory_limit DuckDB pages to the spill folder
(temp_directory; a fresh one removed afterwards when not given).
"""

from __future__ import annotations

import os
import shutil
import tempfile

from cjm.analytics.dialect import DIALECTS, ColType
from cjm.analytics.errors import EngineUnavailableError, RequestError
from cjm.analytics.inputs import read_failure
from cjm.analytics.queries import build, parse_rows
from cjm.analytics.result import Raw
from cjm.analytics.spec import EngineOptions, Plan, Progress, Source

D = DIALECTS["duckdb"]


def default_memory_limit() -> str:
    """A quarter of the machine's memory, at most 3 GB: DuckDB's own default (80%) would leave
    little to the other processes of a developer's machine or CI runner, and the process
    uses some memory beyond DuckDB's buffer pool."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2GB"
    return f"{max(256, min(3072, total // 4 // (1 << 20)))}MB"


def _files(source: Source) -> str:
    return "[" + ", ".join(D.text(p) for p in source.files) + "]"


def read_sql(source: Source) -> str:
    hive = "true" if source.root else "false"
    files = _files(source)
    if source.format == "parquet":
        return f"read_parquet({files}, hive_partitioning = {hive}, union_by_name = true)"
    if source.format == "csv":
        # All text: the engine parses times itself (and sees mixed time zones).
        return f"read_csv({files}, header = true, all_varchar = true, union_by_name = true, hive_partitioning = {hive})"
    return (
        f"read_json({files}, format = 'newline_delimited', timestampformat = 'NONE', dateformat = 'NONE', "
        f"union_by_name = true, sample_size = -1, hive_partitioning = {hive})"
    )


def _kind(typ) -> ColType:
    name = str(typ).upper()
    if typ.id == "struct":
        return ColType("struct", {k: _kind(v) for k, v in typ.children})
    if typ.id == "map":
        return ColType("map", element=_kind(dict(typ.children)["value"]))
    if typ.id == "list":
        return ColType("list", element=_kind(typ.children[0][1]))
    if name in ("VARCHAR", "JSON") or name.startswith("VARCHAR"):
        return ColType("string")
    if name.startswith("TIMESTAMP WITH TIME ZONE") or name == "TIMESTAMPTZ":
        return ColType("timestamp_tz")
    if name.startswith("TIMESTAMP"):
        return ColType("timestamp")
    if name == "DATE":
        return ColType("date")
    if name in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT"):
        return ColType("int")
    if name in ("DOUBLE", "FLOAT") or name.startswith("DECIMAL"):
        return ColType("float")
    if name == "BOOLEAN":
        return ColType("bool")
    return ColType("other")


def run(
    plan: Plan, source: Source, options: EngineOptions, progress: Progress | None = None, batch: str | None = None,
    table: object | None = None,
) -> tuple[dict[int, Raw], dict, list]:
    """Raw aggregates per batch key, the engine's name and version, and samples of the times
    (kind, text) when some are bad or mix offsets with none. `table` (an Arrow table or
    DataFrame) replaces the files, for tests."""
    try:
        import duckdb
    except ImportError as exc:  # a broken install: duckdb is a dependency of cjm
        raise EngineUnavailableError(f"duckdb cannot be imported ({exc})", "reinstall cjm: pip install --force-reinstall cjm-cli") from exc
    spill = options.temp_directory or tempfile.mkdtemp(prefix="cjm-duckdb-")
    own_spill = options.temp_directory is None
    os.makedirs(spill, exist_ok=True)
    con = duckdb.connect()
    limit = options.memory_limit or default_memory_limit()
    try:
        try:
            con.execute(f"SET memory_limit = {D.text(limit)}")
        except duckdb.Error as exc:
            raise RequestError(f"the memory limit {limit!r} is not a size DuckDB reads: {str(exc).splitlines()[0]}",
                               "write it like 512MB or 2GB") from None
        con.execute(f"SET temp_directory = {D.text(spill)}")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET TimeZone = 'UTC'")
        if options.threads:
            con.execute(f"SET threads = {int(options.threads)}")
        try:
            if table is not None:
                con.register("src_input", table)
                con.execute("CREATE TEMP VIEW src AS SELECT * FROM src_input")
            else:
                con.execute(f"CREATE TEMP VIEW src AS SELECT * FROM {read_sql(source)}")
            rel = con.sql("SELECT * FROM src LIMIT 0")
            schema = {name: _kind(typ) for name, typ in zip(rel.columns, rel.types)}
        except duckdb.Error as exc:
            raise read_failure(source, str(exc)) from None
        queries = build(plan, D, schema, source, batch)
        total = len(queries.stages) + 1
        for done, ((name, sql), spent) in enumerate(zip(queries.stages, queries.releases()), start=1):
            kind = "TABLE" if name in queries.reused else "VIEW"
            try:
                con.execute(f"CREATE TEMP {kind} {name} AS {sql}")
            except duckdb.Error as exc:
                if done == 1:
                    raise read_failure(source, str(exc)) from None
                raise
            for done_with in spent:
                con.execute(f"DROP TABLE {done_with}")
            if progress:
                progress(done, total)
        rows = con.execute(" UNION ALL ".join(queries.outputs)).fetchall()
        if progress:
            progress(total, total)
        raws = parse_rows(rows, len(plan.journey.touchpoints))
        checks = []
        if any(r.time_check[0] or (r.time_check[1] and r.time_check[2]) for r in raws.values()):
            checks = con.execute(queries.time_samples).fetchall()
        return raws, {"name": "duckdb", "version": duckdb.__version__}, checks
    except duckdb.OutOfMemoryException as exc:
        raise EngineUnavailableError(
            f"DuckDB ran out of memory within its limit of {limit}: {str(exc).splitlines()[0]}",
            "raise the memory limit (cjm analyze --memory-limit), or free memory for it") from None
    finally:
        con.close()
        if own_spill:
            shutil.rmtree(spill, ignore_errors=True)

