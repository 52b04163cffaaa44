"""The funnel as SQL, written once for both dialects (`cjm.analytics.dialect` fills in
what differs). Mirrors `cjm.analytics.reference` step by step:

ev     every event: unit, time (epoch µs), touchpoint (first match in map order), step,
       exclusion bits, breakdown value
seq    mapped events per unit in order (time, then step, touchpoint), with the previous
       touchpoint: paths, transitions, strict order
cand   events that may start an attempt
c<k>   the attempt chain, one join per step (each step: the earliest event that fits)
att    the attempts that count (first / best / reentry), minus excluded ones

Every output is a row of one shape (kind, g, s1, s2, i1..i6, n, d1..d4) so that Spark runs
them all as one job. `g` keys independent batches (the golden tests run many cases at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cjm.analytics.dialect import ColType, Dialect
from cjm.analytics.errors import MissingColumnError, RequestError
from cjm.analytics.match import glob_to_regex, is_glob
from cjm.analytics.result import DAY_US, TOP_UNMATCHED, Raw
from cjm.analytics.spec import Matcher, Plan, Source

NO_STEP = 1_000_000  # as in the reference: non-step touchpoints sort after steps at one instant
ZONED = r".*[0-9][0-9]:[0-9][0-9](:[0-9][0-9](\.[0-9]+)?)?\s*(Z|z|[+-][0-9][0-9]:?[0-9][0-9])"
# An ISO-8601 time starts with its year: words that the engines read as times of their own
# (DuckDB 'epoch', 'infinity'; Spark 'today', 'now') are no times here.
DATED = r"[0-9].*"
UNIT_FACTORS = {"s": 1_000_000, "ms": 1_000, "us": 1}
OUT_COLUMNS = ("kind", "g", "s1", "s2", "i1", "i2", "i3", "i4", "i5", "i6", "n", "d1", "d2", "d3", "d4")
_OUT_TYPES = {"s": "text", "i": "BIGINT", "n": "BIGINT", "d": "DOUBLE", "g": "BIGINT"}


class Resolver:
    """Finds the data's columns, fields and properties, or says which are missing."""

    def __init__(self, d: Dialect, schema: dict[str, ColType], source: Source) -> None:
        self.d, self.schema, self.source = d, schema, source
        self.container = None
        name = source.columns.properties
        if name:
            found = self.path(name)
            if found is None:
                self.missing(name, "properties")
            self.container = found

    def present(self) -> str:
        names = []
        for name, typ in sorted(self.schema.items()):
            names.append(name)
            names.extend(f"{name}.{sub}" for sub in sorted(typ.fields))
        return ", ".join(names)

    def missing(self, name: str, role: str):
        if role in ("where", "breakdown"):
            what = "a `where:` property of a touchpoint's events" if role == "where" else "the breakdown"
            fix = "fix the property name, or set analytics.source.columns.properties to the column holding the properties"
        else:
            what, fix = f"the {role}", f"set analytics.source.columns.{role} in cjm.yaml to the right name"
        raise MissingColumnError(f"the data has no column {name!r} ({what})", f"columns present: {self.present()}; {fix}")

    def path(self, name: str) -> tuple[str, ColType] | None:
        """A top-level column, or a dotted path into struct columns."""
        if name in self.schema:
            return self.d.ident(name), self.schema[name]
        parts = name.split(".")
        if parts[0] not in self.schema:
            return None
        expr, typ = self.d.ident(parts[0]), self.schema[parts[0]]
        for part in parts[1:]:
            if typ.kind != "struct" or part not in typ.fields:
                return None
            expr, typ = self.d.field(expr, part), typ.fields[part]
        return expr, typ

    def column(self, name: str, role: str) -> tuple[str, ColType]:
        found = self.path(name)
        if found is None:
            self.missing(name, role)
        return found  # type: ignore[return-value]

    def text_of(self, expr: str, typ: ColType) -> str:
        return expr if typ.kind == "string" else self.d.as_text(expr)

    def prop(self, key: str, role: str = "where") -> str | None:
        """A property as text: the properties container first (GA4 event_params, Segment
        properties, the configured column), then a column or nested field of that name."""
        d, found = self.d, []
        if self.container is not None:
            expr, typ = self.container
            if typ.kind == "list" and typ.element is not None and typ.element.kind == "struct":
                value = typ.element.fields.get("value")
                if value is not None and value.kind == "struct":
                    got = d.first_param(expr, key)
                    parts = [
                        self.text_of(d.field(got, member), value.fields[member])
                        for member in ("string_value", "int_value", "double_value", "float_value")
                        if member in value.fields
                    ]
                    if parts:
                        found.append(parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})")
            elif typ.kind == "struct":
                if key in typ.fields:
                    found.append(self.text_of(d.field(expr, key), typ.fields[key]))
            elif typ.kind == "map":
                found.append(d.as_text(d.map_get(expr, key)))
            elif typ.kind == "string":
                found.append(d.json_get(expr, key))
        column = self.path(key)
        if column is not None:
            found.append(self.text_of(*column))
        if not found:
            if self.container is None:
                self.missing(key, role)
            return None
        return found[0] if len(found) == 1 else f"coalesce({', '.join(found)})"


@dataclass
class Queries:
    stages: list[tuple[str, str]]
    """(name, SELECT) in order; each may read the ones before it by name."""
    outputs: list[str]
    """SELECTs of OUT_COLUMNS rows."""
    time_samples: str
    """(kind, raw time text): up to 3 samples each of times that do not parse ('bad'), with a
    UTC offset ('zoned') and without ('naive'): run only when something is wrong."""
    reused: tuple[str, ...] = ()
    """The stages several later ones read: worth computing once and keeping. Among them the
    chain levels: each is read by the next level and by its join, and a view read twice
    would double the plan at every step."""

    def releases(self) -> list[tuple[str, ...]]:
        """Per stage, the kept stages that nothing computed later reads any more: dropped
        right after that stage is built, they stop holding memory (on 10 M events, keeping
        every level made DuckDB spill and took ~20 % longer). A view is read when what reads
        it is computed, so a kept stage lives as long as the last kept stage or output that
        reads it through any views."""
        def mentions(sql: str, name: str) -> bool:
            return re.search(rf"\b{re.escape(name)}\b", sql) is not None

        def through(name: str) -> set[str]:
            """A stage and, for a view, what the view reads."""
            return {name} if name in self.reused else {name} | reads[name]

        names = [name for name, _sql in self.stages]
        reads: dict[str, set[str]] = {}
        for i, (name, sql) in enumerate(self.stages):
            reads[name] = set().union(*(through(other) for other in names[:i] if mentions(sql, other)))
        final = " ".join(self.outputs)
        needed_at_end = set().union(*(through(name) for name in names if mentions(final, name)))
        last: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in self.reused:
                for other in reads[name]:
                    last[other] = i
        out: list[list[str]] = [[] for _ in names]
        for name, i in last.items():
            if name in self.reused and name not in needed_at_end:
                out[i].append(name)
        return [tuple(sorted(x)) for x in out]


def _out(d: Dialect, kind: str, g: str = "g", **cols: str) -> str:
    parts = [f"{d.text(kind)} AS kind", f"CAST({g} AS BIGINT) AS g"]
    for name in OUT_COLUMNS[2:]:
        typ = _OUT_TYPES[name[0]]
        sql_type = d.text_type if typ == "text" else typ
        parts.append(f"CAST({cols.get(name, 'NULL')} AS {sql_type}) AS {name}")
    return ", ".join(parts)


def build(plan: Plan, d: Dialect, schema: dict[str, ColType], source: Source, batch: str | None = None) -> Queries:
    """The queries of `plan` over a table `src` with `schema`."""
    sem, n, W = plan.semantics, plan.n, plan.window_us
    r = Resolver(d, schema, source)
    cols = source.columns

    # --- who, when, what -------------------------------------------------------------
    time_expr, time_type = r.column(cols.time, "time")
    zk = "CAST(NULL AS INT)"
    raw_text = None
    if time_type.kind == "string" and source.time_unit is None:
        raw_text = f"trim({time_expr})"
        zk = f"CASE WHEN {time_expr} IS NULL THEN NULL WHEN {d.regex(raw_text, ZONED)} THEN 1 ELSE 0 END"
        ts = (
            f"CASE WHEN NOT {d.regex(raw_text, DATED)} THEN NULL "
            f"WHEN {d.regex(raw_text, ZONED)} THEN {d.epoch_us_tz(d.parse_instant(raw_text))} "
            f"ELSE {d.epoch_us_naive(d.parse_naive(raw_text), source.timezone)} END"
        )
    elif time_type.kind in ("string", "int", "float"):
        if source.time_unit is None:
            raise RequestError(
                f"the time column {cols.time!r} holds numbers, and their unit is not given",
                "set analytics.source.time_unit to s, ms or us",
            )
        f = UNIT_FACTORS[source.time_unit]
        if time_type.kind == "int":
            ts = f"CAST({time_expr} AS BIGINT) * {f}" if f != 1 else f"CAST({time_expr} AS BIGINT)"
        else:
            number = f"TRY_CAST({time_expr} AS DOUBLE)" if time_type.kind == "string" else time_expr
            ts = f"CAST(round({number} * {f}) AS BIGINT)"
    elif time_type.kind == "timestamp_tz":
        ts = d.epoch_us_tz(time_expr)
    elif time_type.kind in ("timestamp", "date"):
        ts = d.epoch_us_naive(time_expr, source.timezone)
    else:
        raise RequestError(
            f"the time column {cols.time!r} is neither a time, a text nor a number",
            "point analytics.source.columns.time at the event time",
        )

    event = r.text_of(*r.column(cols.event, "event"))
    if source.shape == "segment" and cols.actor == "userId":
        # Segment: the user id once known, else the anonymous id.
        ids = [r.text_of(*r.column(name, "actor")) for name in ("userId", "anonymousId") if r.path(name)]
        if not ids:
            r.missing("userId", "actor")
        actor = ids[0] if len(ids) == 1 else f"coalesce({', '.join(ids)})"
    else:
        actor = r.text_of(*r.column(cols.actor, "actor"))
    if sem.unit == "session":
        session = r.prop(cols.session, "session") if source.shape != "events" else r.text_of(*r.column(cols.session, "session"))
        if session is None:
            r.missing(cols.session, "session")
        unit = f"CASE WHEN ({actor}) IS NULL OR ({session}) IS NULL THEN NULL ELSE ({actor}) || '|' || ({session}) END"
    else:
        unit = actor
    breakdown = "NULL"
    if sem.breakdown:
        breakdown = r.prop(sem.breakdown, "breakdown") or "NULL"

    # --- matching --------------------------------------------------------------------
    keys: dict[str, str] = {}

    def prop_col(key: str) -> str:
        if key not in keys:
            keys[key] = f"p{len(keys)}"
        return keys[key]

    def text_test(value: str, pattern: str) -> str:
        return d.regex(value, glob_to_regex(pattern)) if is_glob(pattern) else f"{value} = {d.text(pattern)}"

    def matcher(m: Matcher) -> str:
        terms = [text_test("e", m.name)]
        for key, values in m.where:
            col = prop_col(key)
            terms.append("(" + " OR ".join(text_test(col, v) for v in values) + ")")
        return "(" + " AND ".join(terms) + ")"

    tps = plan.journey.touchpoints
    tp_tests = [" OR ".join(matcher(m) for m in tp.matchers) if tp.matchers else "FALSE" for tp in tps]
    x_tests = [
        " OR ".join(matcher(m) for m in x.matchers) if x.touchpoint is None else None for x in plan.exclusions
    ]
    prop_exprs = []
    for key, col in keys.items():
        expr = r.prop(key)
        prop_exprs.append(f"{expr if expr else 'CAST(NULL AS ' + d.text_type + ')'} AS {col}")
    g = f"CAST({d.ident(batch)} AS BIGINT)" if batch else "0"
    where = ""
    if source.shape == "segment" and r.path("type") is not None:
        where = f" WHERE {r.column('type', 'type')[0]} = 'track'"
    l0 = ", ".join(
        [f"{g} AS g", f"{unit} AS u", f"{ts} AS ts", f"{event} AS e", f"{breakdown} AS b", f"{zk} AS zk"] + prop_exprs
    )
    l1 = ", ".join(
        ["g", "u", "ts", "e", "b", "zk"]
        + [f"({t}) AS m{i}" for i, t in enumerate(tp_tests)]
        + [f"({t}) AS x{i}" for i, t in enumerate(x_tests) if t is not None]
    )
    mapped = [i for i, tp in enumerate(tps) if tp.matchers]
    tp_case = "CASE " + " ".join(f"WHEN m{i} THEN {i}" for i in mapped) + " END"
    hits = " + ".join(f"CASE WHEN m{i} THEN 1 ELSE 0 END" for i in mapped)
    also = "concat_ws(',', " + ", ".join(f"CASE WHEN m{i} THEN '{i}' END" for i in mapped) + ")"
    step_case = "CASE tp " + " ".join(f"WHEN {i} THEN {plan.step_of_tp[i]}" for i in mapped if plan.step_of_tp[i]) + " END" \
        if any(plan.step_of_tp) else "CAST(NULL AS INT)"
    x_terms = []
    for i, x in enumerate(plan.exclusions):
        test = f"x{i}" if x.touchpoint is None else f"tp = {x.touchpoint}"
        x_terms.append(f"CASE WHEN {test} THEN {1 << i} ELSE 0 END")
    xm = " + ".join(x_terms) if x_terms else "0"
    l2 = f"l1.*, {tp_case} AS tp, {hits} AS nh"
    ev = (
        f"SELECT g, u, ts, tp, {step_case} AS st, CAST({xm} AS BIGINT) AS xm, b, "
        f"CASE WHEN tp IS NULL OR nh > 1 THEN e END AS nm, CASE WHEN nh > 1 THEN {also} END AS al, zk "
        f"FROM (SELECT {l2} FROM (SELECT {l1} FROM (SELECT {l0} FROM src{where}) l0) l1) l2"
    )
    stages = [("ev", ev)]

    bounds = ["ts IS NOT NULL"]
    if sem.since_us is not None:
        bounds.append(f"ts >= {sem.since_us}")
    if sem.until_us is not None:
        bounds.append(f"ts <= {sem.until_us}")
    in_range = " AND ".join(bounds)

    # Everything the totals and the conformance need, in one pass over the events.
    stages.append((
        "summary",
        f"SELECT g, CASE WHEN tp IS NULL THEN 1 ELSE 0 END AS unm, nm, al, CASE WHEN al IS NOT NULL THEN tp END AS atp, "
        f"CASE WHEN {in_range} THEN 1 ELSE 0 END AS inr, count(*) AS c, sum(CASE WHEN u IS NULL THEN 1 ELSE 0 END) AS nou, "
        f"min(ts) AS lo, max(ts) AS hi, sum(CASE WHEN ts IS NULL THEN 1 ELSE 0 END) AS bad, "
        f"sum(CASE WHEN zk = 1 THEN 1 ELSE 0 END) AS z1, sum(CASE WHEN zk = 0 THEN 1 ELSE 0 END) AS z0 "
        f"FROM ev GROUP BY g, CASE WHEN tp IS NULL THEN 1 ELSE 0 END, nm, al, CASE WHEN al IS NOT NULL THEN tp END, "
        f"CASE WHEN {in_range} THEN 1 ELSE 0 END",
    ))
    order = f"ts, coalesce(st, {NO_STEP}), tp, b NULLS FIRST"
    # run: how many visits (runs of one touchpoint) up to this event; paths and strict order
    # count visits, and a difference of two run numbers is a position along the path.
    runs = plan.top_paths > 0 or sem.order == "strict"
    numbered = (
        f"SELECT g, u, ts, tp, st, b, row_number() OVER w AS rn, lag(tp) OVER w AS ptp FROM ev "
        f"WHERE tp IS NOT NULL AND u IS NOT NULL AND ts IS NOT NULL WINDOW w AS (PARTITION BY g, u ORDER BY {order})"
    )
    if runs:
        numbered = (
            f"SELECT s.*, CAST(sum(CASE WHEN ptp IS NULL OR ptp <> tp THEN 1 ELSE 0 END) OVER (PARTITION BY g, u ORDER BY rn "
            f"ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS run FROM ({numbered}) s"
        )
    stages.append(("seq", numbered))
    base = "seq"
    if sem.order == "strict":
        stages.append(("seqc", "SELECT g, u, ts, tp, st, b, rn, run AS crn FROM seq WHERE ptp IS NULL OR ptp <> tp"))
        base = "seqc"

    # --- candidates and the chain ----------------------------------------------------------
    if sem.order == "any" or sem.entry == "open":
        cond, es = "st IS NOT NULL", ("1" if sem.order == "any" else "st")
    else:
        cond, es = "st = 1", "1"
    # q0: the entry's run number, for the strict order's next visit and for the paths
    crn = ", crn AS q0" if sem.order == "strict" else ", run AS q0" if runs else ""
    q0, cq0 = (", q0", ", c.q0") if crn else ("", "")  # carried through the chain to the attempts
    cand = f"SELECT g, u, ts AS t0, rn AS r0{crn}, {es} AS es, b FROM {base} WHERE {cond} AND {in_range}"
    if sem.attempt == "first":
        cand = (
            f"SELECT g, u, t0, r0{q0}, es, b FROM (SELECT *, row_number() OVER "
            f"(PARTITION BY g, u ORDER BY t0, r0) AS k FROM ({cand}) c) c WHERE k = 1"
        )
    # cid: a number per candidate, so that the chain groups and joins on one integer.
    stages.append(("cand", f"SELECT c.*, {d.unique_id()} AS cid FROM ({cand}) c"))

    key = "c.g = e.g AND c.u = e.u"
    same = "n.g = c.g AND n.u = c.u AND n.r0 = c.r0"
    t_cols = [f"t{k}" for k in range(1, n + 1)]
    if sem.order == "any":
        stages.append((
            "fa",
            f"SELECT c.g, c.u, c.r0, e.st, min(e.ts) AS t FROM cand c JOIN seq e ON {key} AND e.st IS NOT NULL "
            f"AND e.ts >= c.t0 AND e.ts <= c.t0 + {W} GROUP BY c.g, c.u, c.r0, e.st",
        ))
        firsts = ", ".join(f"max(CASE WHEN st = {k} THEN t END) AS f{k}" for k in range(1, n + 1))
        stages.append(("fp", f"SELECT g, u, r0, {firsts} FROM fa GROUP BY g, u, r0"))
        reach_k = []
        for k in range(1, n + 1):
            fs = [f"n.f{j}" for j in range(1, k + 1)]
            all_there = " AND ".join(f"{f} IS NOT NULL" for f in fs)
            latest = fs[0] if k == 1 else f"greatest({', '.join(fs)})"
            reach_k.append(f"CASE WHEN {all_there} THEN {latest} END AS t{k}")
        stages.append((
            "chain",
            f"SELECT c.g, c.u, c.r0{cq0}, c.t0, c.es, c.b, {', '.join(reach_k)} FROM cand c LEFT JOIN fp n ON {same}",
        ))
    else:
        strict = sem.order == "strict"
        first = ", ".join(f"CASE WHEN es = {k} THEN t0 END AS t{k}" for k in range(1, n + 1))
        pos = (", " + ", ".join(f"CASE WHEN es = {k} THEN q0 END AS p{k}" for k in range(1, n + 1))) if strict else ""
        stages.append(("c1", f"SELECT cid, g, u, r0{q0}, t0, es, b, {first}{pos} FROM cand"))
        p_cols = [f"p{k}" for k in range(1, n + 1)] if strict else []
        keep = ["c.g", "c.u", f"c.r0{cq0}", "c.t0", "c.es", "c.b"]
        for k in range(2, n + 1):
            prev = f"c.t{k - 1}"
            fit = [f"e.st = {k}", f"e.ts >= {prev} + {plan.min_us[k - 1] or 0}", f"e.ts <= c.t0 + {W}"]
            if plan.max_us[k - 1] is not None:
                fit.append(f"e.ts <= {prev} + {plan.max_us[k - 1]}")
            if sem.ties == "strict":
                fit.append(f"e.ts > {prev}")
            fit += [f"{prev} IS NOT NULL", f"c.es < {k}"]
            if strict:
                # The very next visit: the next run of the collapsed sequence.
                sel = [
                    f"coalesce(c.{col}, e.ts) AS {col}" if col == f"t{k}"
                    else f"coalesce(c.{col}, e.crn) AS {col}" if col == f"p{k}"
                    else f"c.{col}"
                    for col in t_cols + p_cols
                ]
                level = (
                    f"SELECT c.cid, {', '.join(keep + sel)} FROM c{k - 1} c LEFT JOIN seqc e ON {key} "
                    f"AND e.crn = c.p{k - 1} + 1 AND {' AND '.join(fit)}"
                )
            else:
                # The earliest event of step k that fits: steps are matched greedily.
                stages.append((
                    f"n{k}",
                    f"SELECT c.cid, min(e.ts) AS t FROM c{k - 1} c JOIN seq e ON {key} AND {' AND '.join(fit)} GROUP BY c.cid",
                ))
                sel = [f"coalesce(c.{col}, n.t) AS {col}" if col == f"t{k}" else f"c.{col}" for col in t_cols]
                level = f"SELECT c.cid, {', '.join(keep + sel)} FROM c{k - 1} c LEFT JOIN n{k} n ON n.cid = c.cid"
            stages.append((f"c{k}", level))
        stages.append(("chain", f"SELECT g, u, r0{q0}, t0, es, b, {', '.join(t_cols)} FROM c{n}"))

    # --- exclusions, end, furthest step ------------------------------------------------------
    reached = "CASE " + " ".join(f"WHEN t{k} IS NOT NULL THEN {k}" for k in range(n, 0, -1)) + " ELSE 0 END"
    x_joins, x_cols = "", []
    if plan.exclusions:
        stages.append(("xe", "SELECT g, u, ts, xm FROM ev WHERE xm <> 0 AND u IS NOT NULL AND ts IS NOT NULL"))
        for i, x in enumerate(plan.exclusions):
            lower = f"coalesce(c.t{x.from_k}, CASE WHEN c.es > {x.from_k} AND c.es < {x.to_k} THEN c.t0 END)"
            upper = f"c.t{x.to_k}"
            stages.append((
                f"x{i}",
                f"SELECT c.g, c.u, c.r0, min(e.ts) AS x FROM chain c JOIN xe e ON {key} AND (e.xm & {1 << i}) <> 0 "
                f"AND e.ts > {lower} AND (({upper} IS NOT NULL AND e.ts < {upper}) OR ({upper} IS NULL AND e.ts <= c.t0 + {W})) "
                f"GROUP BY c.g, c.u, c.r0",
            ))
            x_joins += f" LEFT JOIN x{i} ON x{i}.g = c.g AND x{i}.u = c.u AND x{i}.r0 = c.r0"
            x_cols.append(f"x{i}.x")
    excluded = "CAST(NULL AS BIGINT)" if not x_cols else (x_cols[0] if len(x_cols) == 1 else f"least({', '.join(x_cols)})")
    stages.append((
        "tried",
        f"SELECT c.*, {excluded} AS xa, {reached} AS rs FROM chain c{x_joins}",
    ))
    end = f"CASE WHEN xa IS NOT NULL THEN xa WHEN t{n} IS NOT NULL THEN t{n} ELSE t0 + {W} END"
    counts = "xa IS NULL AND rs >= es"
    if sem.attempt == "best":
        chosen = (
            f"SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY g, u ORDER BY rs DESC, es, t0, r0) AS k "
            f"FROM tried WHERE {counts}) t WHERE k = 1"
        )
    elif sem.attempt == "reentry":
        stages.append((
            "picked",
            f"SELECT g, u, {d.explode('r')} AS r0 FROM (SELECT g, u, {d.first_arrival_fold('t0', 'r0', end)} AS r "
            f"FROM tried GROUP BY g, u) f",
        ))
        chosen = (
            "SELECT t.* FROM tried t JOIN picked p ON p.g = t.g AND p.u = t.u AND p.r0 = t.r0 "
            "WHERE t.xa IS NULL AND t.rs >= t.es"
        )
    else:
        chosen = f"SELECT * FROM tried WHERE {counts}"
    deadline = f"c.t0 + {W}"
    if sem.order != "any":
        caps = [
            f"WHEN c.rs = {k - 1} THEN c.t{k - 1} + {plan.max_us[k - 1]}"
            for k in range(2, n + 1) if plan.max_us[k - 1] is not None
        ]
        if caps:
            deadline = f"least({deadline}, CASE {' '.join(caps)} END)"
    stages.append(("ends", "SELECT g, max(hi) AS de FROM summary GROUP BY g"))
    stages.append((
        "att",
        f"SELECT c.g, c.u, c.r0{cq0}, c.t0, c.es, c.rs, c.b, {', '.join('c.' + t for t in t_cols)}, "
        f"CASE WHEN c.rs < {n} AND {deadline} > z.de THEN 1 ELSE 0 END AS cens, "
        f"CAST(floor(c.t0 / {DAY_US}.0) AS BIGINT) AS day FROM ({chosen}) c JOIN ends z ON z.g = c.g",
    ))

    # --- outputs -------------------------------------------------------------------------------
    outputs = [
        f"SELECT {_out(d, 'totals', i1='sum(c)', i2='sum(nou)', i3='coalesce(sum(CASE WHEN inr = 1 THEN c END), 0)', i4='coalesce(sum(CASE WHEN inr = 1 AND unm = 1 THEN c END), 0)', i5='min(lo)', i6='max(hi)')} FROM summary GROUP BY g",
        f"SELECT {_out(d, 'units', n='count(DISTINCT u)')} FROM ev GROUP BY g",
        f"SELECT {_out(d, 'times', i1='sum(bad)', i2='sum(z1)', i3='sum(z0)')} FROM summary GROUP BY g",
        f"SELECT {_out(d, 'unmatched', s1='nm', n='c')} FROM (SELECT g, nm, sum(c) AS c, row_number() OVER "
        f"(PARTITION BY g ORDER BY sum(c) DESC, nm NULLS FIRST) AS k FROM summary WHERE unm = 1 AND inr = 1 "
        f"GROUP BY g, nm) t WHERE k <= {TOP_UNMATCHED}",
        f"SELECT {_out(d, 'overlap', s1='nm', s2='al', i1='atp', n='sum(c)')} FROM summary WHERE al IS NOT NULL GROUP BY g, nm, al, atp",
        f"SELECT {_out(d, 'reach', i1='tp', n='count(DISTINCT u)')} FROM seq WHERE {in_range} GROUP BY g, tp",
        f"SELECT {_out(d, 'dfg', i1='ptp', i2='tp', n='count(*)')} FROM seq WHERE ptp IS NOT NULL AND ptp <> tp AND {in_range} GROUP BY g, ptp, tp",
        f"SELECT {_out(d, 'att', s1='b', i1='es', i2='rs', i3='cens', i4='day', n='count(*)')} FROM att GROUP BY g, b, es, rs, cens, day",
    ]
    if n > 1:
        parts = " UNION ALL ".join(
            f"SELECT g, {k} AS k, t{k} - t{k - 1} AS dp, CASE WHEN es = 1 THEN t{k} - t1 END AS ds FROM att "
            f"WHERE es <= {k - 1} AND rs >= {k}"
            for k in range(2, n + 1)
        )
        pct = {
            "d1": d.percentile("dp", 0.5), "d2": d.percentile("dp", 0.9),
            "d3": d.percentile("ds", 0.5), "d4": d.percentile("ds", 0.9),
        }
        outputs.append(f"SELECT {_out(d, 'dur', i1='k', **pct)} FROM ({parts}) t GROUP BY g, k")
    if plan.top_paths > 0:
        # A path is the entry's touchpoint, then the touchpoint of each later visit within the
        # window, up to path_length of them.
        length = sem.path_length
        position = "e.run - a.q0 + 1"
        stages.append((
            "pe",
            f"SELECT a.g, a.u, a.r0, e.rn, e.tp, CASE WHEN e.rn = a.r0 THEN 1 ELSE {position} END AS pos "
            f"FROM att a JOIN seq e ON e.g = a.g AND e.u = a.u AND e.rn >= a.r0 AND e.ts <= a.t0 + {W} "
            f"WHERE e.rn = a.r0 OR (e.ptp <> e.tp AND {position} <= {length})",
        ))
        radix = len(tps) + 1
        if radix ** length < 1 << 62:
            # As one integer, digit pos in base (touchpoints + 1): a plain sum, no ordering.
            weight = "CASE pos " + " ".join(f"WHEN {k} THEN {radix ** (k - 1)}" for k in range(1, length + 1)) + " END"
            path_of, column = f"sum((tp + 1) * {weight})", "i1"
        else:
            path_of, column = d.ordered_join("tp", "rn", length), "s1"
        # One row per attempt, kept: the path visits stream into it (as a view read by the
        # outputs, they were held in memory beside the other outputs' work).
        stages.append(("paths", f"SELECT g, {path_of} AS path FROM pe GROUP BY g, u, r0"))
        outputs.append(
            f"SELECT {_out(d, 'path', **{column: 'path'}, n='c')} FROM (SELECT g, path, count(*) AS c, rank() OVER "
            f"(PARTITION BY g ORDER BY count(*) DESC) AS k FROM paths GROUP BY g, path) t WHERE k <= {plan.top_paths}"
        )
    if raw_text is not None:
        checked = f"SELECT {raw_text} AS raw, CASE WHEN {d.regex(raw_text, ZONED)} THEN 1 ELSE 0 END AS zoned, " \
            f"CASE WHEN ({ts}) IS NULL THEN 1 ELSE 0 END AS bad FROM src{where}"
    else:
        checked = f"SELECT CAST({time_expr} AS {d.text_type}) AS raw, 0 AS zoned, " \
            f"CASE WHEN ({ts}) IS NULL THEN 1 ELSE 0 END AS bad FROM src{where}"
    samples = " UNION ALL ".join(
        f"SELECT {d.text(kind)} AS kind, raw FROM (SELECT DISTINCT raw FROM ({checked}) c WHERE {cond} "
        f"ORDER BY raw NULLS FIRST LIMIT 3) {kind}"
        for kind, cond in (("bad", "bad = 1"), ("zoned", "bad = 0 AND zoned = 1"), ("naive", "bad = 0 AND zoned = 0"))
    )
    reused = ("summary", "seq", "seqc", "cand", "chain", "tried", "att", "paths") + tuple(f"c{k}" for k in range(1, n + 1))
    return Queries(stages, outputs, samples, reused)


def _decode(code: int, radix: int) -> tuple[int, ...]:
    path = []
    while code:
        code, digit = divmod(code, radix)
        path.append(digit - 1)
    return tuple(path)


def parse_rows(rows: list[tuple], touchpoints: int) -> dict[int, Raw]:
    """Raw aggregates per batch key from the output rows (in OUT_COLUMNS order)."""
    raws: dict[int, Raw] = {}
    times: dict[int, tuple[int, int, int]] = {}
    for row in rows:
        kind, g, s1, s2, i1, i2, i3, i4, i5, i6, count, d1, d2, d3, d4 = row
        raw = raws.setdefault(g, Raw())
        if kind == "totals":
            raw.events, raw.events_without_unit, raw.events_in_range = i1, i2, i3
            raw.unmatched_in_range, raw.ts_min, raw.ts_max = i4, i5, i6
        elif kind == "units":
            raw.units = count
        elif kind == "times":
            times[g] = (i1, i2, i3)
        elif kind == "unmatched":
            raw.unmatched[s1] = count
        elif kind == "overlap":
            hits = tuple(int(x) for x in s2.split(","))
            raw.overlaps[(s1, i1, tuple(h for h in hits if h != i1))] += count
        elif kind == "reach":
            raw.reach[i1] = count
        elif kind == "dfg":
            raw.transitions[(i1, i2)] = count
        elif kind == "att":
            raw.attempts[(i1, i2, bool(i3), i4, s1)] += count
        elif kind == "dur":
            raw.durations[i1] = (d1, d2, d3, d4)
        elif kind == "path":
            raw.paths[_decode(i1, touchpoints + 1) if s1 is None else tuple(int(x) for x in s1.split(","))] = count
    for g, raw in raws.items():
        raw.time_check = times.get(g, (0, 0, 0))
    return raws
