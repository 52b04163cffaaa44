"""load -> validate -> resolve -> render -> write: the render pipeline.

Returns results and never prints. Everything is rendered in memory first; a
map that fails validation or a renderer that fails leaves that map's existing
files untouched, and files are replaced atomically (``cjm.fsutil``), so an
interrupted run never leaves half a file behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from cjm.diagnostics import FileReport, Severity
from cjm.pipeline import (
    ProjectCache,
    Source,
    UsageError,
    build_project_index,
    check_source,
    display_path,
    project_levels,
    resolve_inputs,
)


@dataclass
class RenderRequest:
    inputs: list[str]
    formats: list[str] | None = None  # None: the project's render.formats
    out: str | None = None  # a folder, "-" for stdout, None: the project's render.out
    persona: str | None = None
    lanes: tuple[str, ...] | None = None
    theme: str | None = None
    template_dir: Path | None = None
    check: bool = False
    config: Path | None = None
    compare: Path | None = None  # another map whose emotion curves are drawn on this one


@dataclass
class Output:
    source: str
    fmt: str
    path: Path | None  # None: stdout
    content: str
    changed: bool = False  # written (or, with --check, stale)


@dataclass
class RenderResult:
    outputs: list[Output] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)  # maps that did not validate
    watched: list[Path] = field(default_factory=list)  # files whose change should re-render

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR for r in self.reports for f in r.findings)

    @property
    def stale(self) -> list[Output]:
        return [o for o in self.outputs if o.changed]


def _out_dir(request: RenderRequest, source: Source) -> Path:
    if request.out:
        return Path(request.out)
    project = source.project
    return project.root / project.config.render.out if project.config_file else Path(project.config.render.out)


def render_maps(request: RenderRequest, on_progress: Callable[[int, int], None] | None = None) -> RenderResult:
    from cjm.model.resolve import resolve
    from cjm.render import RENDERERS, RenderOptions, render

    projects = ProjectCache(request.config)
    sources = resolve_inputs(request.inputs, projects)
    result = RenderResult()
    seen: dict[int, tuple[object, dict[str, str]]] = {}
    plan: list[tuple[Source, object]] = []
    for source in sources:
        checked, index = _check(source, seen, result)
        if checked.model is None or checked.model.kind != "map":
            if checked.model is not None:
                continue  # a catalogue named on the command line: nothing to draw
            result.reports.append(checked.report)
            continue
        if any(f.severity is Severity.ERROR for f in checked.report.findings):
            result.reports.append(checked.report)
            continue
        plan.append((source, resolve(checked.model, source.path, index)))

    other = _load_compare(request, projects, sources, seen, result)
    if other is None and request.compare is not None:
        return result  # the map to compare with did not validate: its findings say why; nothing is drawn

    if request.out == "-" and len(plan) * len(request.formats or [None]) > 1:
        raise UsageError("-o - writes to standard output: give one map and one --format")

    names: dict[Path, str] = {}
    for done, (source, resolved) in enumerate(plan, 1):
        config = source.project.config.render
        formats = request.formats or list(config.formats)
        template_dir = request.template_dir
        if template_dir is None and config.template_dir and source.project.config_file:
            template_dir = source.project.root / config.template_dir
        if template_dir is not None and not Path(template_dir).is_dir():
            raise UsageError(f"template folder not found: {template_dir}")
        lanes = request.lanes if request.lanes is not None else (tuple(config.lanes) if config.lanes else None)
        persona = request.persona
        view = resolved
        if persona:
            if resolved.persona(persona) is None:
                known = ", ".join(p.id for p in resolved.personas) or "none"
                raise UsageError(f"{source.path}: no persona {persona!r} on this map (its personas: {known})")
            view = resolved.only_persona(persona)
        if other is not None:
            view = replace(view, compare=_compare_view(other, persona))
        options = RenderOptions(theme=request.theme or config.theme, lanes=lanes,
                                template_dir=Path(template_dir).resolve() if template_dir else None,
                                persona=persona)
        stem = _stem(source.path)
        if persona:
            stem += f".{persona}"
        if other is not None:
            stem += ".vs-" + _stem(other.source)
        for fmt in formats:
            content = render(fmt, view, options)
            if request.out == "-":
                result.outputs.append(Output(source.path, fmt, None, content, True))
                continue
            path = _out_dir(request, source) / (stem + RENDERERS[fmt].extension)
            if path in names and names[path] != source.path:
                raise UsageError(f"{names[path]} and {source.path} would both render to {display_path(path)}; "
                                 "render them into different folders")
            names[path] = source.path
            result.outputs.append(Output(source.path, fmt, path, content))
        if on_progress:
            on_progress(done, len(plan))
    return result


def _check(source: Source, seen: dict, result: RenderResult):
    """Check one source like ``cjm validate`` does. Each project's catalogues and
    rule levels are loaded once (``seen``: project -> (index, levels)); what a
    --watch must look at is recorded on ``result``."""
    key = id(source.project)
    if key not in seen:
        levels = project_levels(source.project, {})
        index, catalogs = build_project_index(source.project, levels, None)
        result.reports.extend(c.report for c in catalogs if c.report.findings)
        result.watched.extend(source.project.catalog_files())
        if source.project.config_file:
            result.watched.append(source.project.config_file)
        seen[key] = (index, levels)
    index, levels = seen[key]
    if source.real is not None:
        result.watched.append(source.real)
    return check_source(source, index, levels, None), index


def _stem(path: str) -> str:
    stem = Path(path).name
    for suffix in (".yaml", ".yml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return stem


def _load_compare(request: RenderRequest, projects: ProjectCache, sources: list[Source], seen: dict,
                  result: RenderResult):
    """The map named by ``--compare``, checked like the maps to draw (in its
    own project); None when there is none or it has errors (then its report
    is in ``result``)."""
    from cjm.model.resolve import resolve

    if request.compare is None:
        return None
    if len(sources) != 1:
        raise UsageError("--compare draws one map against another: give exactly one map to draw")
    path = Path(request.compare)
    if not path.is_file():
        raise UsageError(f"--compare needs one map file, not a folder: {request.compare}" if path.is_dir()
                         else f"no such file: {request.compare}")
    source = resolve_inputs([str(path)], projects)[0]
    checked, index = _check(source, seen, result)  # in its own project, with its catalogues
    if checked.model is not None and checked.model.kind != "map":
        raise UsageError(f"{source.path} is a catalogue, not a map: --compare needs a map")
    if checked.model is None or any(f.severity is Severity.ERROR for f in checked.report.findings):
        result.reports.append(checked.report)
        return None
    return resolve(checked.model, source.path, index)


def _compare_view(other, persona: str | None):
    if not persona:
        return other
    if other.persona(persona) is None:
        known = ", ".join(p.id for p in other.personas) or "none"
        raise UsageError(f"{other.source}: no persona {persona!r} on the map to compare with (its personas: {known})")
    return other.only_persona(persona)


def write_outputs(result: RenderResult, check: bool) -> None:
    """Write what changed (atomically); with ``check``, only mark stale files."""
    from cjm.fsutil import atomic_write

    for output in result.outputs:
        if output.path is None:
            continue
        if check:
            try:
                output.changed = output.path.read_bytes() != output.content.encode("utf-8")
            except OSError:
                output.changed = True
        else:
            output.changed = atomic_write(output.path, output.content)
