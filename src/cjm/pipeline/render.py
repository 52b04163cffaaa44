"""The render stage: check -> resolve -> render in memory -> write (or compare).

Everything is rendered in memory first. A map that fails validation is
reported and its files are left alone; the outputs of a run are staged and
then replaced together (``cjm.infra.files.OutputSet``), so a full disk or a
failing renderer leaves every existing file untouched. cjm never writes
through a symbolic link it did not make in the output folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from cjm.diagnostics import FileReport, Severity
from cjm.diagnostics.errors import EnvironmentProblem, UsageError
from cjm.pipeline.check import CheckSettings, check_document
from cjm.pipeline.inputs import STDIN, Source, display_path, read_document, resolve_inputs
from cjm.pipeline.project import ProjectCache


@dataclass
class RenderRequest:
    inputs: list[str] = field(default_factory=list)
    formats: list[str] | None = None  # None: the project's render.formats
    out: str | None = None  # a folder, "-" for stdout, None: the project's render.out
    persona: str | None = None
    lanes: tuple[str, ...] | None = None
    theme: str | None = None
    template_dir: Path | None = None
    check: bool = False
    config: Path | None = None
    compare: Path | None = None  # another map whose emotion curves are drawn on this one
    on_progress: Callable[[int, int], None] | None = None
    embed_font: bool = True  # --no-embed-font: False
    scale: float = 1.0  # --scale (png)
    paper: str = "a4"  # --paper (pdf)
    split: str | None = None  # --split stage|N (svg, png)


@dataclass
class Output:
    source: str
    fmt: str
    path: Path | None  # None: stdout
    content: str | bytes  # bytes for png and pdf
    changed: bool = False  # written (or, with --check, stale)
    root: Path | None = None  # the output folder it belongs to


@dataclass
class RenderResult:
    outputs: list[Output] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the user should hear besides the files written
    reports: list[FileReport] = field(default_factory=list)  # files with findings (maps that did not validate…)
    watched: list[Path] = field(default_factory=list)  # files whose change should re-render

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR for r in self.reports for f in r.findings)

    @property
    def stale(self) -> list[Output]:
        return [o for o in self.outputs if o.changed]

    @property
    def to_stdout(self) -> bool:
        return any(o.path is None for o in self.outputs)


def _out_dir(request: RenderRequest, source: Source) -> Path:
    if request.out:
        return Path(request.out)
    project = source.project
    return project.root / project.config.render.out if project.config_file else Path(project.config.render.out)


def _stem(path: str) -> str:
    stem = Path(path).name
    for suffix in (".yaml", ".yml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return stem


def _formats(request: RenderRequest, source: Source) -> list[str]:
    from cjm.pipeline.choices import expand_formats

    return request.formats or expand_formats(source.project.config.render.formats)


class _Checker:
    """Checks sources like ``cjm validate`` does; each project's catalogues and
    rule levels once. Records what a --watch must look at."""

    def __init__(self, result: RenderResult) -> None:
        self.result = result
        self.settings: dict[int, CheckSettings] = {}

    def __call__(self, source: Source):
        from cjm.pipeline.validate import settings_for

        key = id(source.project)
        if key not in self.settings:
            self.settings[key], catalogs = settings_for(source.project, {})
            self.result.reports.extend(c.report for c in catalogs if c.report.findings)
            self.result.watched.extend(source.project.catalog_files())
            if source.project.config_file:
                self.result.watched.append(source.project.config_file)
        settings = self.settings[key]
        if source.real is not None:
            self.result.watched.append(source.real)
            snapshot = _snapshot_file(source)
            if snapshot is not None and snapshot.exists():
                self.result.watched.append(snapshot)  # new numbers redraw the map
        return check_document(read_document(source), settings), settings.project


def render_maps(request: RenderRequest) -> RenderResult:
    from cjm.model.resolve import resolve
    from cjm.render import RENDERERS, Piece, RenderOptions, Shared, render

    if request.inputs == [STDIN] and request.out is None:
        request = replace(request, out="-")  # a map from stdin has no name to give its files
    projects = ProjectCache(request.config)
    sources = resolve_inputs(request.inputs, projects)
    if request.out != "-" and any(s.real is None for s in sources):
        raise UsageError("a map read from standard input has no file name for its outputs",
                         "write to standard output with -o -")
    result = RenderResult()
    check = _Checker(result)
    plan = []
    for source in sources:
        checked, index = check(source)
        if checked.model is None:
            result.reports.append(checked.report)
            continue
        if checked.model.kind != "map":
            continue  # a catalogue named on the command line: nothing to draw
        if any(f.severity is Severity.ERROR for f in checked.report.findings):
            result.reports.append(checked.report)
            continue
        plan.append((source, resolve(checked.model, source.path, index, _metrics(source))))

    other = _load_compare(request, projects, sources, check, result)
    if other is None and request.compare is not None:
        return result  # the map to compare with did not validate: its findings say why; nothing is drawn

    if request.out == "-":
        count = sum(len(_formats(request, source)) for source, _r in plan)
        if count > 1:
            raise UsageError(f"-o - writes one file to standard output, and this would write {count}",
                             "give one map and one --format")
    if request.out and request.out != "-":
        _check_out_folder(Path(request.out))

    names: dict[Path, str] = {}
    for done, (source, resolved) in enumerate(plan, 1):
        config = source.project.config.render
        formats = _formats(request, source)
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
                                persona=persona, embed_font=request.embed_font, scale=request.scale,
                                paper=request.paper, split=request.split)
        stem = _stem(source.path)
        if persona:
            stem += f".{persona}"
        if other is not None:
            stem += ".vs-" + _stem(other.source)
        shared = Shared()
        out_dir = _out_dir(request, source) if request.out != "-" else None
        for fmt in formats:
            rendered = render(fmt, view, options, shared)
            # a format may write several files (posters of a split map): (suffix, content) pieces
            pieces = rendered if isinstance(rendered, list) else [Piece("", rendered)]
            result.notes.extend(f"{source.path}: {p.note}" for p in pieces if p.note)
            if out_dir is None:
                if len(pieces) > 1:
                    why = f"--split writes {len(pieces)} files" if options.split else \
                        f"the map is too wide for one {fmt.upper()} and is written as {len(pieces)} pictures"
                    raise UsageError(f"{why}, and -o - writes one", "give an output folder with -o")
                result.outputs.append(Output(source.path, fmt, None, pieces[0].content, True))
                continue
            for piece in pieces:
                path = out_dir / (stem + piece.suffix + RENDERERS[fmt].extension)
                if path in names and names[path] != source.path:
                    raise UsageError(f"{names[path]} and {source.path} would both render to {display_path(path)}",
                                     "render them into different folders")
                names[path] = source.path
                result.outputs.append(Output(source.path, fmt, path, piece.content, root=out_dir))
        if request.on_progress:
            request.on_progress(done, len(plan))
    return result


def _metrics(source: Source):
    """The map's metrics snapshot, drawn on it when there is one (stdin has none)."""
    if source.real is None:
        return None
    from cjm.pipeline.metrics import metrics_for

    return metrics_for(source.project, source.path)


def _snapshot_file(source: Source) -> Path | None:
    from cjm.pipeline.metrics import snapshot_path

    return snapshot_path(source.project, source.path) if source.real is not None else None


def _check_out_folder(out: Path) -> None:
    """-o must name a folder (existing or not), not a file or something under one."""
    for parent in (out, *out.parents):
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                what = "is a file" if parent.is_file() else "is not a folder"
                where = f"-o {out}" if parent == out else f"-o {out}: {parent}"
                raise UsageError(f"{where} {what}; -o takes the folder to write the rendered files into")
            return


def _load_compare(request: RenderRequest, projects: ProjectCache, sources: list[Source], check: _Checker,
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
    checked, index = check(source)  # in its own project, with its catalogues
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
    """Write what changed, all or nothing; with ``check``, only mark stale files."""
    from cjm.infra.files import OutputRefused, OutputSet, same_bytes

    if check:
        for output in result.outputs:
            if output.path is not None:
                data = output.content if isinstance(output.content, bytes) else output.content.encode("utf-8")
                output.changed = not same_bytes(output.path, data)
        return
    by_root: dict[Path | None, OutputSet] = {}
    try:
        for output in result.outputs:
            if output.path is None:
                continue
            out = by_root.setdefault(output.root, OutputSet(root=output.root))
            output.changed = out.stage(output.path, output.content)
        for out in by_root.values():
            out.commit()
    except OutputRefused as exc:
        for out in by_root.values():
            out.discard()
        raise UsageError(f"{exc}; nothing was written") from None
    except OSError as exc:
        for out in by_root.values():
            out.discard()
        raise output_error(exc) from None


def output_error(exc: OSError) -> Exception:
    """A failed write as the user's problem (exit 2) or the machine's (exit 3)."""
    from cjm.infra.files import describe_os_error

    message, environmental = describe_os_error(exc)
    text = f"cannot write {message}; existing files were left as they were"
    return EnvironmentProblem(text) if environmental else UsageError(text)
