"""Running a funnel request: plan it, let the chosen engine compute the aggregates, check
the data problems the user must hear about, and assemble the result."""

from __future__ import annotations

from cjm.analytics.errors import BadTimestampError, EmptyInputError, EmptyResultError, RequestError
from cjm.analytics.result import FunnelResult, Raw, assemble
from cjm.analytics.spec import FunnelRequest, Plan, Source, iso_time, plan as make_plan


def _samples(checks: list, kind: str) -> str:
    found = [repr(raw) if raw is not None else "(empty)" for k, raw in checks if k == kind][:3]
    return ", ".join(found)


def check(plan: Plan, raw: Raw, source: Source, checks: list) -> None:
    """Raise for bad times, an empty input, or a funnel nobody entered."""
    bad, zoned, naive = raw.time_check
    column = source.columns.time
    if bad:
        raise BadTimestampError(
            f"{bad} event time(s) in column {column!r} are missing or cannot be read as times, e.g. {_samples(checks, 'bad')}",
            "write times as ISO-8601 (2026-11-01T08:30:00Z), or set analytics.source.time_unit for numbers",
        )
    if zoned and naive:
        fewer = "zoned" if zoned <= naive else "naive"
        raise BadTimestampError(
            f"the times in column {column!r} mix values with a UTC offset ({zoned}) and without one ({naive}), "
            f"e.g. {_samples(checks, fewer)}",
            "export all times in UTC with an offset (…Z), or all without one and set analytics.source.timezone",
        )
    if raw.events == 0:
        raise EmptyInputError(
            f"the event data is empty: {len(source.files)} file(s) hold no event",
            "check analytics.source.path, or export events first",
        )
    if not raw.attempts:
        first = plan.steps[0]
        sem = plan.semantics
        span = ""
        if sem.since_us is not None or sem.until_us is not None:
            span = f" between {iso_time(sem.since_us) or 'the start'} and {iso_time(sem.until_us) or 'the end'}"
        mapped = raw.events_in_range - raw.unmatched_in_range
        raise EmptyResultError(
            f"no {'session' if sem.unit == 'session' else 'person'} entered the funnel: of {raw.events} events read "
            f"({mapped} matching a touchpoint), none is a first step ({first.kind} {first.id!r}){span}",
            "check the `events:` of the first step's touchpoints against the event names in the data, and since/until",
        )


def run_funnel(request: FunnelRequest) -> FunnelResult:
    """Compute a funnel with the request's engine. Raises AnalyticsError subclasses only for
    problems of the request, the data or the environment."""
    plan = make_plan(request.journey, request.steps, request.semantics, request.top_paths)
    if request.engine == "spark":
        from cjm.analytics import engine_spark as engine
    elif request.engine == "duckdb":
        from cjm.analytics import engine_duckdb as engine
    else:
        raise RequestError(f"unknown engine {request.engine!r}", "use duckdb or spark")
    raws, info, checks = engine.run(plan, request.source, request.options, request.progress)
    raw = raws.get(0, Raw())
    check(plan, raw, request.source, checks)
    return FunnelResult(assemble(plan, raw, request.source, info), request.source, info)
