"""Journey analytics: measure a journey map against event data (funnels per stage or
touchpoint, time to convert, trends, top paths, conformance) on DuckDB or Spark SQL.

Importing this package stays light: DuckDB, PySpark and PyArrow load only when an engine
runs. The pure-Python reference implementation (`cjm.analytics.reference`) defines the
semantics; docs/analytics.md describes them for users.
"""

from __future__ import annotations

from cjm.analytics.engine import run_funnel
from cjm.analytics.errors import (
    AnalyticsError,
    BadTimestampError,
    CorruptInputError,
    EmptyInputError,
    EmptyResultError,
    EngineUnavailableError,
    InputNotFoundError,
    MissingColumnError,
    NoEventsMappedError,
    RequestError,
)
from cjm.analytics.result import FunnelResult
from cjm.analytics.spec import (
    ColumnMap,
    EngineOptions,
    Exclusion,
    FunnelRequest,
    JourneyShape,
    Matcher,
    Semantics,
    Source,
    StepLimit,
    TouchpointShape,
    parse_time,
)


def run_reference(request: FunnelRequest, events: list) -> FunnelResult:
    """The funnel of `events` (``cjm.analytics.reference.Event`` items) by the reference
    implementation, with the same checks and result as `run_funnel`."""
    from cjm.analytics.engine import check
    from cjm.analytics.reference import compute
    from cjm.analytics.result import assemble
    from cjm.analytics.spec import plan

    p = plan(request.journey, request.steps, request.semantics, request.top_paths)
    raw = compute(p, events)
    info = {"name": "reference", "version": "1"}
    check(p, raw, request.source, [])
    return FunnelResult(assemble(p, raw, request.source, info), request.source, info)


__all__ = [
    "AnalyticsError", "BadTimestampError", "ColumnMap", "CorruptInputError", "EmptyInputError", "EmptyResultError",
    "EngineOptions", "EngineUnavailableError", "Exclusion", "FunnelRequest", "FunnelResult", "InputNotFoundError",
    "JourneyShape", "Matcher", "MissingColumnError", "NoEventsMappedError", "RequestError", "Semantics", "Source",
    "StepLimit", "TouchpointShape", "parse_time", "run_funnel", "run_reference",
]
