"""The analyze stage: a map measured against event data.

The map is checked like ``cjm validate`` does (a map with errors is not
measured); its touchpoints' ``events:`` say which events mean "the customer
was here"; the project's ``analytics:`` section says where the data is and
which funnel semantics the team uses, and the request can override each of
them. The engine (DuckDB by default, Spark on request) is imported only here.
The snapshot (``output``) is written atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjm.diagnostics.errors import CjmError, EnvironmentProblem, InputError, UsageError
from cjm.pipeline.inputs import resolve_inputs
from cjm.pipeline.project import ProjectCache


@dataclass
class AnalyzeRequest:
    map: str
    config: Path | None = None
    engine: str = "duckdb"  # duckdb | spark
    data: str | None = None  # overrides analytics.source.path
    shape: str | None = None  # overrides analytics.source.shape
    funnel: dict[str, Any] = field(default_factory=dict)  # overrides of analytics.funnel (YAML keys)
    output: Path | None = None  # where to write the metrics snapshot
    master: str | None = None  # Spark master URL
    remote: str | None = None  # Spark Connect URL
    memory_limit: str | None = None  # DuckDB
    on_progress: Callable[[int, int], None] | None = None


@dataclass
class AnalyzeResult:
    result: Any  # cjm.analytics.FunnelResult
    title: str
    names: dict[str, str]  # touchpoint and stage ids (and "stage:<id>") -> names, for the tables
    snapshot: Path | None = None  # written here
    snapshot_changed: bool = False


def analyze(request: AnalyzeRequest) -> AnalyzeResult:
    from cjm.analytics import FunnelRequest, JourneyShape, run_funnel
    from cjm.analytics.errors import AnalyticsError
    from cjm.analytics.spec import EngineOptions
    from cjm.diagnostics import Severity
    from cjm.pipeline.check import check_document
    from cjm.pipeline.inputs import read_document
    from cjm.pipeline.validate import settings_for

    if request.engine not in ("duckdb", "spark"):
        raise UsageError(f"--engine takes duckdb or spark; got {request.engine!r}")
    sources = resolve_inputs([request.map], ProjectCache(request.config), stdin=False)
    if len(sources) != 1:
        raise UsageError(f"{request.map} names {len(sources)} files; cjm analyze measures one map")
    source = sources[0]
    settings, _catalogs = settings_for(source.project, {})
    checked = check_document(read_document(source), settings, ("map",))
    errors = [f for f in checked.report.findings if f.severity is Severity.ERROR]
    if checked.model is None or errors:
        raise InputError(f"{source.path} has errors; fix them before measuring it (cjm validate)",
                         findings=errors or checked.report.findings)
    model = checked.model
    analytics = _config(source.project, request)
    journey = JourneyShape.build(
        [(st.id, [(tp.id, tp.events, tp.next) for tp in st.touchpoints]) for st in model.stages],
        [p if isinstance(p, str) else p.id for p in model.personas])
    options = EngineOptions(memory_limit=request.memory_limit, master=request.master, remote=request.remote)
    try:
        funnel = FunnelRequest.from_config(analytics, journey, str(source.project.root), request.engine, options,
                                           request.on_progress)
        result = run_funnel(funnel)
    except AnalyticsError as exc:
        raise _as_cjm_error(exc, source.path) from None
    names = {st.id: st.name for st in model.stages}
    names.update({tp.id: tp.name for st in model.stages for tp in st.touchpoints})
    names.update({f"stage:{st.id}": st.name for st in model.stages})  # a touchpoint may share a stage's id
    out = AnalyzeResult(result, model.title, names)
    if request.output is not None:
        out.snapshot, out.snapshot_changed = _write(request.output, result.snapshot_json())
    return out


def _config(project: Any, request: AnalyzeRequest) -> Any:
    """The project's analytics section with the request's overrides, validated
    like the config itself (a wrong choice is a usage error with its words)."""
    from pydantic import ValidationError

    from cjm.model.analytics import AnalyticsConfig

    base = project.config.analytics.model_dump(by_alias=True, exclude_unset=True) if project.config.analytics else {}
    if request.data is not None:
        base["source"] = {**(base.get("source") or {}), "path": request.data}
    if request.shape is not None:
        base.setdefault("source", {})["shape"] = request.shape
    if request.funnel:
        base["funnel"] = {**(base.get("funnel") or {}), **request.funnel}
    if not base.get("source"):
        where = project.config_file.name if project.config_file is not None else "a cjm.yaml"
        raise UsageError("no event data: say where it is",
                         f"add `analytics: {{source: {{path: events/*.parquet}}}}` to {where}, or pass --data PATH")
    try:
        return AnalyticsConfig.model_validate(base)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"analytics.{where}: {first['msg']}") from None


def _as_cjm_error(exc: Any, map_file: str) -> CjmError:
    message = exc.message
    if type(exc).__name__ == "NoEventsMappedError":
        message = f"{map_file}: {message}"
    if exc.exit_code == 3:
        return EnvironmentProblem(message, exc.hint)
    return UsageError(message, exc.hint)


def _write(path: Path, text: str) -> tuple[Path, bool]:
    from cjm.infra.files import OutputRefused, atomic_write
    from cjm.pipeline.render import output_error

    if path.is_dir():
        raise UsageError(f"-o {path} is a folder; -o names the snapshot file to write (e.g. metrics/map.json)")
    try:
        return path, atomic_write(path, text)
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise output_error(exc) from None
