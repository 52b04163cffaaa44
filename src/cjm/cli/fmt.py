"""``cjm fmt``: one canonical layout for maps, catalogues and cjm.yaml."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from cjm.cli.errors import console, handle_errors
from cjm.cli.options import ConfigPath, config_option, force_exclude_option, format_option, report_format
from cjm.diagnostics.exits import ExitCode


def register(app: typer.Typer) -> None:
    app.command("fmt")(command)


@handle_errors(lambda kw: kw.get("output_format") or "text")
def command(
    paths: Optional[list[str]] = typer.Argument(None, metavar="[PATH]...",
                                                help="Files, folders, globs, or - (stdin to stdout); none: the maps "
                                                     "and catalogues of the project of the nearest cjm.yaml."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 when a file would change."),
    diff: bool = typer.Option(False, "--diff", help="Write nothing; print a unified diff of the changes."),
    output_format: Optional[str] = format_option("How to report problems and, with --check, files that would "
                                                 "change: text, json, github or sarif."),
    config: ConfigPath = config_option(),
    force_exclude: bool = force_exclude_option(),
) -> None:
    """Format maps in one canonical layout (key order, indentation, quoting), keeping comments.

    \b
    Examples:
      cjm fmt                      the project's maps and catalogues
      cjm fmt maps/checkout.yaml   files, folders or globs
      cjm fmt --check -f github    CI: annotate files that are not formatted
      cat map.yaml | cjm fmt -     standard input to standard output (for editors)
    """
    from cjm.pipeline.fmt import FmtRequest, fmt

    fmt_name = report_format(output_format)
    out = console()
    result = fmt(FmtRequest(list(paths or []), config, check, diff, force_exclude))
    if result.stdout:
        out.out(result.stdout)
    report = result.report
    # stdout carries the formatted text or the diff: then findings go to stderr.
    stream = sys.stderr if (result.stdout or diff or fmt_name == "text" or any(f.stdin for f in result.files)) \
        else sys.stdout
    if report.findings or fmt_name != "text":
        out.report(report, fmt_name, stream, summary=fmt_name != "text")
    files = [f for f in result.files if not f.stdin]
    if files and not out.quiet and fmt_name == "text":
        if not (check or diff):
            for f in files:
                if f.changed and f.ok:
                    out.line(f"formatted {f.path}")
        verb = "would be reformatted" if (check or diff) else "reformatted"
        total = len(files)
        out.line(f"{result.changed} of {total} file{'s' if total != 1 else ''} {verb}"
                 + (f", {result.failed} could not be formatted" if result.failed else ""))
    if result.failed or (check and result.changed):
        raise typer.Exit(ExitCode.FINDINGS)
    raise typer.Exit(ExitCode.OK)
