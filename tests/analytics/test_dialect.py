"""The two SQL dialects (cjm.analytics.dialect): quoting and escaping hostile
names and texts, and every function a dialect writes, run on its own engine
against the answer the reference (plain Python) gives.

The same table of expressions runs on DuckDB and on Spark (the Spark half
uses the shared session and runs on the Spark worker: xdist_group "spark")."""

from __future__ import annotations

import pytest

from cjm.analytics.dialect import DIALECTS, DuckDBDialect, SparkDialect, quote_text
from cjm.analytics.match import glob_to_regex
from cjm.analytics.result import percentile

HOSTILE = ["it's", 'say "hi"', "back\\slash", "\\'", "'; DROP TABLE src; --", "two\nlines\ttab", "é ü 😀", "",
           "$1 ${x} %s {}", "`tick`", "\\n", "\\u0041", "a\\", "''"]
NAMES = ["user id", 'we"ird', "back`tick", "dots.in.name", "select", "é", "--x", "a\\b", "1st"]


def test_quote_text_escapes_backslashes_before_quotes():
    assert quote_text("it's") == "'it\\'s'"
    assert quote_text("a\\") == "'a\\\\'"  # else the escaped closing quote would swallow the rest
    assert quote_text("\\'") == "'\\\\\\''"


def test_each_dialect_quotes_in_its_own_way():
    duck, spark = DuckDBDialect(), SparkDialect()
    assert duck.ident('we"ird') == '"we""ird"' and spark.ident("back`tick") == "`back``tick`"
    assert duck.text("it's") == "'it''s'" and spark.text("it's") == "'it\\'s'"
    assert duck.text("a\\b") == "'a\\b'"  # DuckDB's strings have no backslash escapes
    assert (duck.text_type, spark.text_type) == ("VARCHAR", "STRING")
    assert DIALECTS == {"duckdb": DIALECTS["duckdb"], "spark": DIALECTS["spark"]}
    assert isinstance(DIALECTS["duckdb"], DuckDBDialect) and isinstance(DIALECTS["spark"], SparkDialect)


def test_regexes_are_anchored_and_span_lines():
    assert DuckDBDialect().regex("e", "a.*") == "regexp_full_match(e, '(?s)a.*')"
    # RLIKE searches: Spark's pattern is anchored at both ends, with \z (the very end), not $.
    assert SparkDialect().regex("e", "a.*") == "(e RLIKE '(?s)^a.*\\\\z')"


# --- the same expressions on both engines ------------------------------------------------------

# (what, expression for dialect d, the expected value): read from one row that
# holds a struct s, a map m, a JSON text j and a GA4-style list of params.
SCALARS = [
    *[(f"text {v!r}", lambda d, v=v: d.text(v), v) for v in HOSTILE],
    ("struct field with a space", lambda d: d.field(d.ident("s"), "b c"), "x"),
    ("map value", lambda d: d.map_get(d.ident("m"), "k"), "v"),
    ("absent map key", lambda d: d.map_get(d.ident("m"), "nope"), None),
    ("map key with a quote", lambda d: d.map_get(d.ident("m"), "it's"), "q"),
    ("json member", lambda d: d.json_get(d.ident("j"), "k"), "v"),
    ("json number as text", lambda d: d.json_get(d.ident("j"), "n"), "2"),
    ("absent json member", lambda d: d.json_get(d.ident("j"), "nope"), None),
    ("first param", lambda d: d.field(d.first_param(d.ident("params"), "k"), "string_value"), "sv"),
    ("second param", lambda d: d.field(d.first_param(d.ident("params"), "n"), "int_value"), 7),
    ("absent param", lambda d: d.field(d.first_param(d.ident("params"), "nope"), "string_value"), None),
    ("glob matches", lambda d: d.regex(d.text("checkout_2"), glob_to_regex("checkout_*")), True),
    ("glob spans a line break", lambda d: d.regex(d.text("a\nb"), glob_to_regex("a*")), True),
    ("glob is anchored at the start", lambda d: d.regex(d.text("xa"), glob_to_regex("a*")), False),
    ("glob is anchored at the very end", lambda d: d.regex(d.text("ab\n"), glob_to_regex("ab")), False),
    ("glob metacharacters are literal", lambda d: d.regex(d.text("a+b"), glob_to_regex("a+?")), True),
    ("glob metacharacters are literal 2", lambda d: d.regex(d.text("aab"), glob_to_regex("a+?")), False),
    ("instant with an offset", lambda d: d.epoch_us_tz(d.parse_instant(d.text("2026-01-05T01:00:00+01:00"))),
     1_767_571_200_000_000),
    ("instant in UTC", lambda d: d.epoch_us_tz(d.parse_instant(d.text("2026-01-05T00:00:00.5Z"))),
     1_767_571_200_500_000),
    ("wall clock in a zone", lambda d: d.epoch_us_naive(d.parse_naive(d.text("2026-01-05 01:00:00")), "Europe/Berlin"),
     1_767_571_200_000_000),
    ("wall clock in summer time", lambda d: d.epoch_us_naive(d.parse_naive(d.text("2026-07-01 02:00:00")),
                                                             "Europe/Berlin"), 1_782_864_000_000_000),
    ("wall clock in UTC", lambda d: d.epoch_us_naive(d.parse_naive(d.text("1970-01-01 00:00:01")), "UTC"), 1_000_000),
    # (Words such as 'yesterday' parse on Spark: the queries let only texts that start with a digit get this far.)
    ("an instant that does not parse", lambda d: d.parse_instant(d.text("2026-13-45T00:00:00Z")) + " IS NULL", True),
    ("a wall clock that does not parse", lambda d: d.parse_naive(d.text("2026-13-45 00:00:00")) + " IS NULL", True),
    ("a number as text", lambda d: d.as_text("CAST(7 AS BIGINT)"), "7"),
    ("a boolean as text", lambda d: d.as_text("(1 = 1)"), "true"),
]
AGGREGATES = [
    ("percentile 0.5 of 4", lambda d: d.percentile("v", 0.5), percentile([1, 2, 3, 10], 0.5)),
    ("percentile 0.9 of 4", lambda d: d.percentile("v", 0.9), percentile([1, 2, 3, 10], 0.9)),
    ("ordered join of the first 2", lambda d: d.ordered_join("v", "o", 2), "2,10"),
    ("ordered join of more than there are", lambda d: d.ordered_join("v", "o", 9), "2,10,3,1"),
]
# Reentry's fold: attempts (start, rank, end) walked in start order; an attempt counts when it
# starts strictly after the last counted one ended.
ATTEMPTS = [(0, 1, 10), (5, 2, 20), (11, 3, 12), (12, 4, 30), (31, 5, 31), (40, 6, 45)]
FOLDED = [1, 3, 5, 6]


def duckdb_answers() -> tuple[list, list, list, list]:
    import duckdb

    d = DIALECTS["duckdb"]
    con = duckdb.connect()
    try:
        row = con.execute(
            "SELECT " + ", ".join(f"{expr(d)} AS c{i}" for i, (_w, expr, _e) in enumerate(SCALARS)) + " FROM (SELECT "
            "{'a': 1, 'b c': 'x'} AS s, MAP {'k': 'v', 'it''s': 'q'} AS m, '{\"k\": \"v\", \"n\": 2}' AS j, "
            "[{'key': 'k', 'value': {'string_value': 'sv', 'int_value': NULL}}, "
            "{'key': 'n', 'value': {'string_value': NULL, 'int_value': 7}}] AS params) t").fetchone()
        agg = con.execute(
            "SELECT " + ", ".join(f"{expr(d)}" for _w, expr, _e in AGGREGATES)
            + " FROM (VALUES (3, 3), (1, 4), (10, 2), (2, 1)) t(v, o)").fetchone()
        folded = con.execute(
            f"SELECT {d.first_arrival_fold('s', 'r', 'e')} FROM (VALUES "
            + ", ".join(f"({s}, {r}, {e})" for s, r, e in ATTEMPTS) + ") t(s, r, e)").fetchone()
        exploded = con.execute(f"SELECT {d.explode('[3, 1, 2]')} AS x ORDER BY x").fetchall()
        ids = con.execute(f"SELECT {d.unique_id()} FROM range(50)").fetchall()
        names = con.execute("SELECT " + ", ".join(f"{d.ident(n)}" for n in NAMES) + " FROM (SELECT "
                            + ", ".join(f"{i} AS {d.ident(n)}" for i, n in enumerate(NAMES)) + ") t")
        columns = [c[0] for c in names.description], names.fetchone()
    finally:
        con.close()
    return list(row), list(agg), [list(folded[0]), [x for (x,) in exploded], [i for (i,) in ids]], columns


def spark_answers(shared) -> tuple[list, list, list, list]:
    d = DIALECTS["spark"]
    # As the engine runs them: in a session of its own, where ${...} in a literal is text (test_engine_spark.py).
    spark = shared.newSession()
    spark.conf.set("spark.sql.variable.substitute", "false")
    base = ("SELECT named_struct('a', 1, 'b c', 'x') AS s, map('k', 'v', 'it\\'s', 'q') AS m, "
            "'{\"k\": \"v\", \"n\": 2}' AS j, array(named_struct('key', 'k', 'value', named_struct('string_value', 'sv', "
            "'int_value', CAST(NULL AS BIGINT))), named_struct('key', 'n', 'value', named_struct('string_value', "
            "CAST(NULL AS STRING), 'int_value', CAST(7 AS BIGINT)))) AS params")
    row = spark.sql("SELECT " + ", ".join(f"{expr(d)} AS c{i}" for i, (_w, expr, _e) in enumerate(SCALARS))
                    + f" FROM ({base}) t").collect()[0]
    agg = spark.sql("SELECT " + ", ".join(f"{expr(d)}" for _w, expr, _e in AGGREGATES)
                    + " FROM VALUES (3, 3), (1, 4), (10, 2), (2, 1) AS t(v, o)").collect()[0]
    folded = spark.sql(f"SELECT {d.first_arrival_fold('s', 'r', 'e')} FROM VALUES "
                       + ", ".join(f"({s}, {r}, {e})" for s, r, e in ATTEMPTS)
                       + " AS t(s, r, e)").collect()[0]
    exploded = spark.sql(f"SELECT {d.explode('array(3, 1, 2)')} AS x ORDER BY x").collect()
    ids = spark.sql(f"SELECT {d.unique_id()} FROM range(50)").collect()
    names = spark.sql("SELECT " + ", ".join(f"{d.ident(n)}" for n in NAMES) + " FROM (SELECT "
                      + ", ".join(f"{i} AS {d.ident(n)}" for i, n in enumerate(NAMES)) + ") t")
    columns = names.columns, tuple(names.collect()[0])
    return list(row), list(agg), [list(folded[0]), [r[0] for r in exploded], [r[0] for r in ids]], columns


def check(scalars, aggregates, lists, columns) -> None:
    wrong = [(what, got, want) for (what, _e, want), got in zip(SCALARS, scalars) if got != want]
    wrong += [(what, got, want) for (what, _e, want), got in zip(AGGREGATES, aggregates)
              if (got != pytest.approx(want) if isinstance(want, float) else got != want)]
    assert not wrong, wrong
    folded, exploded, ids = lists
    assert folded == FOLDED
    assert exploded == [1, 2, 3]
    assert len(set(ids)) == 50
    assert list(columns[0]) == NAMES and list(columns[1]) == list(range(len(NAMES)))


def test_duckdb_runs_what_its_dialect_writes():
    check(*duckdb_answers())


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_runs_what_its_dialect_writes(spark):
    check(*spark_answers(spark))


def test_the_fold_is_the_reference_rule():
    """FOLDED above is what the reference's reentry selection picks from the same attempts."""
    from cjm.analytics.reference import Attempt, select
    from cjm.analytics.spec import JourneyShape, Semantics, plan

    p = plan(JourneyShape.build([("s1", [("a", ["A"], [])])]), "stages", Semantics(attempt="reentry"))
    attempts = [Attempt(1, s, r, None, reached=1, end=e) for s, r, e in ATTEMPTS]
    assert [a.rn for a in select(p, attempts)] == FOLDED
