"""The import and export stages: Mermaid journeys and CSV sheets in and out.

An imported map is checked like ``cjm validate`` before anything is written;
a line of the input that cannot be read is a finding at file:line:column
(CJM401). An existing output is replaced only with ``force``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from cjm.diagnostics import Finding, Severity
from cjm.diagnostics.codes import ENCODING, IMPORT_SYNTAX
from cjm.diagnostics.errors import InputError, UsageError
from cjm.locations import Span
from cjm.pipeline.inputs import STDIN, STDIN_NAME, read_bytes

MAX_INPUT_BYTES = 8 * 1024 * 1024


@dataclass
class ImportRequest:
    kind: str  # mermaid | csv
    file: str
    output: Path | None = None  # None or "-": stdout
    force: bool = False
    title: str | None = None
    scale: tuple[int, int] | None = None
    excel_safe: bool = True


@dataclass
class ExportRequest:
    kind: str  # mermaid | csv
    map_file: str
    output: Path | None = None
    force: bool = False
    excel_safe: bool = True


@dataclass
class InteropResult:
    text: str  # what was made
    written: Path | None = None  # where it was written; None: for stdout
    warnings: list[str] = field(default_factory=list)


def _to_stdout(output: Path | None) -> bool:
    return output is None or str(output) == "-"


def read_input(file: str) -> tuple[str, str]:
    """(text, name to show) of ``file`` or stdin."""
    if file == STDIN:
        raw, name = sys.stdin.buffer.read(), STDIN_NAME
    else:
        path = Path(file)
        if path.is_dir():
            raise UsageError(f"{file} is a folder; name the file to import")
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"no such file: {file}")
        raw, why = read_bytes(path, MAX_INPUT_BYTES)
        if raw is None:
            raise UsageError(f"cannot read {file}: {why}")
        if len(raw) > MAX_INPUT_BYTES:
            raise UsageError(f"{file} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
        name = file
    try:
        return raw.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{name} is not UTF-8 text", findings=[ENCODING.finding(
            f"the file is not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot start or continue a character",
            Span(name, line, 1), hint="save the file as UTF-8")]) from None


def check_output(output: Path | None, force: bool) -> None:
    if _to_stdout(output):
        return
    if output.is_dir():
        raise UsageError(f"{output} is a folder; -o names the file to write")
    if (output.exists() or output.is_symlink()) and not force:
        raise UsageError(f"{output} exists", "add --force to overwrite it")


def write_output(text: str, output: Path | None) -> Path | None:
    from cjm.infra.files import OutputRefused, atomic_write
    from cjm.pipeline.render import output_error

    if _to_stdout(output):
        return None
    try:
        atomic_write(output, text)
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise output_error(exc) from None
    return output


def _catalog_index(output: Path | None):
    """The shared catalogues of the project the imported map will belong to."""
    from cjm.pipeline.catalogues import build_project_index
    from cjm.pipeline.project import ProjectCache

    where = output.resolve().parent if not _to_stdout(output) else Path.cwd()
    project = ProjectCache().for_path(where)
    index, _checked = build_project_index(project, {}, None)
    return index


def _check_imported(text: str, name: str, index) -> None:
    """The imported map must pass ``cjm validate``: errors stop the import."""
    from cjm.loader import parse_text
    from cjm.pipeline.check import CheckSettings, check_document

    checked = check_document(parse_text(name, text), CheckSettings(index))
    errors = [f for f in checked.report.findings if f.severity is Severity.ERROR]
    if errors:
        raise InputError("the imported map would not validate; nothing was written", findings=errors)


def _problem(exc) -> InputError:
    finding: Finding = IMPORT_SYNTAX.finding(exc.message, Span(exc.file, exc.line, exc.column))
    return InputError(f"{exc.file} cannot be imported; nothing was written", findings=[finding])


def _fallback_title(file: str) -> str:
    if file == STDIN:
        return ""
    return Path(file).stem.replace("-", " ").replace("_", " ").strip().capitalize()


def import_map(request: ImportRequest) -> InteropResult:
    from cjm.authoring.interop import ImportProblem, dump_yaml

    check_output(request.output, request.force)
    text, name = read_input(request.file)
    index = _catalog_index(request.output)
    warnings: list[str] = []
    try:
        if request.kind == "mermaid":
            from cjm.authoring.interop.mermaid import journey_to_map, parse_journey

            journey = parse_journey(text, name)
            data = journey_to_map(journey, _fallback_title(request.file) or "Imported journey",
                                  index.ids("persona"))
        else:
            from cjm.authoring.interop.csv import import_csv

            catalog = {kind: set(entries) for kind, entries in index.entries.items()}
            data, warnings = import_csv(text, name, request.title or _fallback_title(request.file) or None,
                                        request.scale, request.excel_safe, catalog)
    except ImportProblem as exc:
        raise _problem(exc) from None
    yaml_text = dump_yaml(data)
    _check_imported(yaml_text, str(request.output) if not _to_stdout(request.output) else "<imported>", index)
    return InteropResult(yaml_text, write_output(yaml_text, request.output), warnings)


def export_map(request: ExportRequest) -> InteropResult:
    check_output(request.output, request.force)
    model, names = _load_for_export(request.map_file)
    if request.kind == "mermaid":
        from cjm.render.mermaid import journey_block

        text = journey_block(model, names)
    else:
        from cjm.authoring.interop.csv import export_csv

        text = export_csv(model, request.excel_safe)
    return InteropResult(text, write_output(text, request.output))


def _load_for_export(file: str):
    """A map that passes the schema, and the names of the catalogue personas it names."""
    from cjm.diagnostics.errors import ConfigError
    from cjm.pipeline.diff import load_model
    from cjm.pipeline.project import ProjectCache

    path = Path(file)
    if path.is_dir():
        raise UsageError(f"{file} is a folder; name the map to export")
    if not path.is_file():
        raise UsageError(f"no such file: {file}")
    model, findings = load_model(file, path)
    if model is None:
        raise InputError(f"{file} does not load or fails the schema; nothing was exported", findings=findings)
    names: dict[str, str] = {}
    wanted = {p for p in model.personas if isinstance(p, str)}
    if wanted:
        try:
            catalogs = ProjectCache().for_path(path.resolve()).catalog_files()
        except ConfigError:
            catalogs = []
        for catalog_path in catalogs:
            catalog, _f = load_model(str(catalog_path), catalog_path, kinds=("catalog",))
            if catalog is not None:
                names.update({p.id: p.name for p in catalog.personas if p.id in wanted and p.id not in names})
    return model, names


