"""``cjm import`` and ``cjm export``: Mermaid journey diagrams and CSV sheets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer

from cjm.cli.errors import console, handle_errors
from cjm.cli.options import format_option, report_format
from cjm.diagnostics.errors import UsageError


def register(app: typer.Typer) -> None:
    import_app = typer.Typer(help="Turn a Mermaid journey or a CSV sheet into a cjm map.", no_args_is_help=True)
    export_app = typer.Typer(help="Write a map as a Mermaid journey or a CSV sheet.", no_args_is_help=True)
    # `import` is a Python keyword: the group is named here, not by a function.
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
    import_app.command("mermaid")(import_mermaid)
    import_app.command("csv")(import_csv)
    export_app.command("mermaid")(export_mermaid)
    export_app.command("csv")(export_csv)


def _format(kwargs: dict) -> str:
    return report_format(kwargs.get("output_format"))


def _output() -> typer.models.OptionInfo:
    return typer.Option(None, "--output", "-o", metavar="FILE", help="Write here instead of stdout.")


def _force() -> typer.models.OptionInfo:
    return typer.Option(False, "--force", help="Overwrite FILE when it exists.")


def _parse_scale(text: Optional[str]) -> Optional[tuple[int, int]]:
    if text is None:
        return None
    m = re.fullmatch(r"\s*([-+]?\d+)\s*\.\.\s*([-+]?\d+)\s*", text)
    if not m or int(m.group(1)) >= int(m.group(2)):
        raise UsageError(f"--scale takes MIN..MAX with MIN < MAX, e.g. -2..2 or 1..5; got {text!r}")
    return int(m.group(1)), int(m.group(2))


def _done(result) -> None:
    out = console()
    for warning in result.warnings:
        out.warning(warning)
    if result.written is None:
        out.out(result.text)
    else:
        out.say(f"wrote {result.written}")


@handle_errors(_format)
def import_mermaid(
    file: str = typer.Argument(..., metavar="FILE", help="A Mermaid journey diagram (.mmd, or Markdown with a "
                                                         "```mermaid block), or - for stdin."),
    output: Optional[Path] = _output(),
    force: bool = _force(),
    output_format: Optional[str] = format_option("How to report problems: text, json, github or sarif."),
) -> None:
    """Mermaid journey -> map: sections become stages, tasks touchpoints, actors personas, scores
    emotions on a 1..5 scale.

    \b
    Examples:
      cjm import mermaid journey.mmd -o maps/journey.yaml
      cjm import mermaid README.md          the first ```mermaid journey block
    """
    from cjm.pipeline.interop import ImportRequest, import_map

    _format({"output_format": output_format})
    _done(import_map(ImportRequest("mermaid", file, output, force)))


@handle_errors(_format)
def import_csv(
    file: str = typer.Argument(..., metavar="FILE", help="A CSV file as `cjm export csv` writes it, or - for stdin."),
    output: Optional[Path] = _output(),
    force: bool = _force(),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT", help="The map's title [default: from the "
                                                                             "file name]."),
    scale: Optional[str] = typer.Option(None, "--scale", metavar="MIN..MAX",
                                        help="The emotion scale of the scores [default: -2..2]."),
    excel_safe: bool = typer.Option(True, "--excel-safe/--no-excel-safe",
                                    help="Remove the ' that `cjm export csv` puts before cells starting with "
                                         "= + - @."),
    output_format: Optional[str] = format_option("How to report problems: text, json, github or sarif."),
) -> None:
    """CSV (one row per touchpoint) -> map.

    \b
    Examples:
      cjm import csv journey.csv -o maps/journey.yaml --title "Checkout" --scale -2..2
    """
    from cjm.pipeline.interop import ImportRequest, import_map

    _format({"output_format": output_format})
    _done(import_map(ImportRequest("csv", file, output, force, title, _parse_scale(scale), excel_safe)))


@handle_errors(_format)
def export_mermaid(
    map_file: str = typer.Argument(..., metavar="MAP", help="The map to export."),
    output: Optional[Path] = _output(),
    force: bool = _force(),
    output_format: Optional[str] = format_option("How to report problems: text, json, github or sarif."),
) -> None:
    """Map -> Mermaid journey block (scores mapped onto 1..5, one actor per persona).

    \b
    Examples:
      cjm export mermaid maps/journey.yaml > journey.mmd
    """
    from cjm.pipeline.interop import ExportRequest, export_map

    _format({"output_format": output_format})
    _done(export_map(ExportRequest("mermaid", map_file, output, force)))


@handle_errors(_format)
def export_csv(
    map_file: str = typer.Argument(..., metavar="MAP", help="The map to export."),
    output: Optional[Path] = _output(),
    force: bool = _force(),
    excel_safe: bool = typer.Option(True, "--excel-safe/--no-excel-safe",
                                    help="Put ' before text cells starting with = + - @ so that spreadsheets do "
                                         "not run them as formulas."),
    output_format: Optional[str] = format_option("How to report problems: text, json, github or sarif."),
) -> None:
    """Map -> CSV, one row per touchpoint (columns documented in the README).

    \b
    Examples:
      cjm export csv maps/journey.yaml -o journey.csv
    """
    from cjm.pipeline.interop import ExportRequest, export_map

    _format({"output_format": output_format})
    _done(export_map(ExportRequest("csv", map_file, output, force, excel_safe)))
