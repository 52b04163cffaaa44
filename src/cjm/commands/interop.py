"""``cjm import`` and ``cjm export``: Mermaid journey diagrams and CSV.

    cjm import mermaid FILE [-o OUT] [--force]
    cjm import csv FILE [-o OUT] [--force] [--title T] [--scale MIN..MAX]
    cjm export mermaid MAP [-o OUT] [--force]
    cjm export csv MAP [-o OUT] [--force] [--no-excel-safe]

FILE may be ``-`` for stdin. Without ``-o`` the result goes to stdout. An
imported map is checked like ``cjm validate`` before it is written; errors
mean nothing is written (exit 1). An existing OUT is only replaced with
``--force`` (exit 2 otherwise). Exit codes: 0 done; 1 the input is not valid
(a line of a Mermaid or CSV file, or a map that fails validation); 2 usage
(missing file, OUT exists).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Optional

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _read_input(file: str) -> tuple[str, str]:
    """(text, name to show) of FILE or stdin; usage errors raise typer.Exit."""
    from cjm.cli import fail

    if file == "-":
        raw = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        path = Path(file)
        if not path.is_file():
            raise fail(f"no such file: {file}", EXIT_USAGE)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise fail(f"cannot read {file}: {exc.strerror or exc}", EXIT_USAGE) from None
        name = file
    try:
        return raw.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise fail(f"{name}: not UTF-8 text (byte {exc.start})", EXIT_FINDINGS) from None


def _write_output(text: str, out: Optional[Path], force: bool) -> None:
    from cjm.cli import err, fail
    from cjm.fsutil import atomic_write

    if out is None or str(out) == "-":
        sys.stdout.write(text)
        return
    if out.exists() and not force:
        raise fail(f"{out} exists; add --force to overwrite it", EXIT_USAGE)
    if out.is_dir():
        raise fail(f"{out} is a folder; name a file", EXIT_USAGE)
    atomic_write(out, text)
    err(f"wrote {out}")


def _project_index(output: Optional[Path]):
    """The shared catalogues of the project the imported map will belong to."""
    from cjm.cli import _config_error
    from cjm.pipeline import ProjectCache, build_project_index
    from cjm.project import ConfigError

    where = (output.resolve().parent if output is not None and str(output) != "-" else Path.cwd())
    try:
        project = ProjectCache().for_path(where)
        index, _checked = build_project_index(project, {}, None)
    except ConfigError as exc:
        raise _config_error(exc) from None
    return index


def _check_imported(text: str, name: str, index) -> None:
    """The imported map must pass ``cjm validate``: errors stop the import."""
    from cjm.cli import err, fail
    from cjm.diagnostics import Severity
    from cjm.loader import parse_text
    from cjm.pipeline import check_document

    doc = parse_text(name, text)
    checked = check_document(doc, index, {})
    errors = [f for f in checked.report.findings if f.severity is Severity.ERROR]
    if errors:
        for f in errors:
            err(f"[bold red]error[/] {f.code} {f.rule}: {f.message} (at {f.path or 'the top'} of the imported map)")
        raise fail("the imported map would not validate; nothing was written", EXIT_FINDINGS)


def _import_problem(exc) -> typer.Exit:
    from cjm.cli import err

    err(f"[bold]{exc.file}:{exc.line}:{exc.column}[/]: [bold red]error[/]: {exc.message}")
    return typer.Exit(EXIT_FINDINGS)


def _parse_scale(text: Optional[str]) -> Optional[tuple[int, int]]:
    from cjm.cli import fail

    if text is None:
        return None
    m = re.fullmatch(r"\s*([-+]?\d+)\s*\.\.\s*([-+]?\d+)\s*", text)
    if not m or int(m.group(1)) >= int(m.group(2)):
        raise fail(f"--scale takes MIN..MAX with MIN < MAX, e.g. -2..2 or 1..5; got {text!r}", EXIT_USAGE)
    return int(m.group(1)), int(m.group(2))


def load_for_export(file: str):
    """A map that passes the schema, and display names of the catalogue personas it names."""
    from cjm.cli import fail
    from cjm.commands.diff import load_model, print_findings

    path = Path(file)
    if not path.is_file():
        raise fail(f"no such file: {file}", EXIT_USAGE)
    model, findings = load_model(file, path)
    if model is None:
        print_findings(findings)
        raise fail(f"{file} does not load or fails the schema; nothing was exported", EXIT_FINDINGS)
    names: dict[str, str] = {}
    wanted = {p for p in model.personas if isinstance(p, str)}
    if wanted:
        from cjm.pipeline import ProjectCache
        from cjm.project import ConfigError

        try:
            project = ProjectCache().for_path(path.resolve())
            catalogs = project.catalog_files()
        except ConfigError:
            catalogs = []
        for catalog_path in catalogs:
            catalog, _f = load_model(str(catalog_path), catalog_path, kinds=("catalog",))
            if catalog is not None:
                names.update({p.id: p.name for p in catalog.personas if p.id in wanted and p.id not in names})
    return model, names


def register(app: typer.Typer) -> None:
    import_app = typer.Typer(help="Turn a Mermaid journey or a CSV sheet into a cjm map.", no_args_is_help=True)
    export_app = typer.Typer(help="Write a map as a Mermaid journey or a CSV sheet.", no_args_is_help=True)
    # `import` is a Python keyword: the group is named here, not by a function.
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")

    out_option = typer.Option(None, "--output", "-o", help="Write here instead of stdout.")
    force_option = typer.Option(False, "--force", help="Overwrite OUT when it exists.")

    @import_app.command("mermaid")
    def import_mermaid(
        file: str = typer.Argument(..., help="A Mermaid journey diagram (.mmd, or Markdown with a ```mermaid "
                                   "block), or - for stdin."),
        output: Optional[Path] = out_option,
        force: bool = force_option,
    ) -> None:
        """Mermaid journey -> map: sections become stages, tasks touchpoints, actors personas, scores
        emotions on a 1..5 scale."""
        from cjm.interop import ImportProblem, dump_yaml
        from cjm.interop.mermaid import journey_to_map, parse_journey

        text, name = _read_input(file)
        try:
            journey = parse_journey(text, name)
        except ImportProblem as exc:
            raise _import_problem(exc) from None
        fallback = Path(file).stem.replace("-", " ").replace("_", " ").strip().capitalize() if file != "-" else ""
        index = _project_index(output)
        yaml_text = dump_yaml(journey_to_map(journey, fallback or "Imported journey",
                                             set(index.entries["persona"])))
        _check_imported(yaml_text, str(output) if output else "<imported>", index)
        _write_output(yaml_text, output, force)

    @import_app.command("csv")
    def import_csv_command(
        file: str = typer.Argument(..., help="A CSV file as `cjm export csv` writes it, or - for stdin."),
        output: Optional[Path] = out_option,
        force: bool = force_option,
        title: Optional[str] = typer.Option(None, "--title", help="The map's title [default: from the file name]."),
        scale: Optional[str] = typer.Option(None, "--scale", metavar="MIN..MAX",
                                            help="The emotion scale of the scores [default: -2..2]."),
        excel_safe: bool = typer.Option(True, "--excel-safe/--no-excel-safe",
                                        help="Remove the ' that `cjm export csv` puts before cells starting "
                                             "with = + - @."),
    ) -> None:
        """CSV (one row per touchpoint) -> map."""
        from cjm.cli import err
        from cjm.interop import ImportProblem, dump_yaml
        from cjm.interop.csv import import_csv

        chosen_scale = _parse_scale(scale)
        text, name = _read_input(file)
        fallback = Path(file).stem.replace("-", " ").replace("_", " ").strip().capitalize() if file != "-" else ""
        index = _project_index(output)
        catalog = {kind: set(entries) for kind, entries in index.entries.items()}
        try:
            data, warnings = import_csv(text, name, title or fallback or None, chosen_scale, excel_safe, catalog)
        except ImportProblem as exc:
            raise _import_problem(exc) from None
        for w in warnings:
            err(f"[yellow]warning[/]: {w}")
        yaml_text = dump_yaml(data)
        _check_imported(yaml_text, str(output) if output else "<imported>", index)
        _write_output(yaml_text, output, force)

    @export_app.command("mermaid")
    def export_mermaid(
        map_file: str = typer.Argument(..., metavar="MAP", help="The map to export."),
        output: Optional[Path] = out_option,
        force: bool = force_option,
    ) -> None:
        """Map -> Mermaid journey block (scores mapped onto 1..5, one actor per persona)."""
        from cjm.interop.mermaid import journey_block

        model, names = load_for_export(map_file)
        _write_output(journey_block(model, names), output, force)

    @export_app.command("csv")
    def export_csv_command(
        map_file: str = typer.Argument(..., metavar="MAP", help="The map to export."),
        output: Optional[Path] = out_option,
        force: bool = force_option,
        excel_safe: bool = typer.Option(True, "--excel-safe/--no-excel-safe",
                                        help="Put ' before text cells starting with = + - @ so that "
                                             "spreadsheets do not run them as formulas."),
    ) -> None:
        """Map -> CSV, one row per touchpoint (columns documented in the README)."""
        from cjm.interop.csv import export_csv

        model, _names = load_for_export(map_file)
        _write_output(export_csv(model, excel_safe), output, force)
