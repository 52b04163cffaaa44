"""``cjm validate``: check maps against the schema and the domain rules."""

from __future__ import annotations

import time
from typing import Optional

import typer

from cjm.cli.errors import console, handle_errors
from cjm.cli.options import ConfigPath, config_option, force_exclude_option, format_option, report_format
from cjm.diagnostics.exits import ExitCode


def register(app: typer.Typer) -> None:
    app.command("validate")(command)


@handle_errors(lambda kw: kw.get("output_format") or "text")
def command(
    paths: Optional[list[str]] = typer.Argument(None, metavar="[PATH]...",
                                                help="Files, folders, globs or - for stdin; none: the project of the "
                                                     "nearest cjm.yaml."),
    output_format: Optional[str] = format_option(),
    fail_level: Optional[str] = typer.Option(None, "--fail-level", metavar="LEVEL",
                                             help="Exit 1 when a finding has this severity or worse: error, warning "
                                                  "or info [default: the project's fail_level, else error]."),
    strict: bool = typer.Option(False, "--strict", help="Same as --fail-level warning."),
    config: ConfigPath = config_option(),
    level: Optional[list[str]] = typer.Option(None, "--level", metavar="RULE=LEVEL",
                                              help="Set a rule's level (error, warning, info, off); repeatable."),
    force_exclude: bool = force_exclude_option(),
    jobs: int = typer.Option(0, "--jobs", "-j", metavar="N", help="Processes to use, 1 to 64; 0 = one per core."),
) -> None:
    """Check maps against the schema and the domain rules; print findings at file:line:column.

    \b
    Examples:
      cjm validate                         the project of the nearest cjm.yaml
      cjm validate examples/ maps/x.yaml   folders, files and globs
      cat map.yaml | cjm validate -        standard input
      cjm validate --strict -f json        warnings fail too; JSON for tools
    """
    from cjm.cli.progress import progress
    from cjm.diagnostics import Severity
    from cjm.diagnostics.errors import UsageError
    from cjm.pipeline.choices import cli_levels
    from cjm.pipeline.validate import ValidateRequest, validate

    fmt = report_format(output_format)
    out = console()
    chosen = None
    if strict:
        chosen = Severity.WARNING
    elif fail_level is not None:
        try:
            chosen = Severity.parse(fail_level)
        except ValueError:
            raise UsageError(f"--fail-level takes error, warning or info; got {fail_level!r}") from None
    request = ValidateRequest(list(paths or []), config, chosen, cli_levels(level), force_exclude, jobs)
    started = time.perf_counter()
    with progress("checking", out.quiet) as update:
        request.on_progress = update
        result = validate(request)
    if out.verbose:
        describe(result, time.perf_counter() - started)
    report = result.report
    if fmt == "text" and out.quiet and not report.findings:
        raise typer.Exit(ExitCode.OK)
    out.report(report, fmt)
    raise typer.Exit(ExitCode.FINDINGS if report.failed else ExitCode.OK)


def describe(result, seconds: float) -> None:
    """-v: what was checked, as what, with which settings, how much of each map rests on
    evidence, and how long it took."""
    from cjm.diagnostics import Severity
    from cjm.pipeline.evidence import coverage_of

    out = console()
    kinds: dict[str, int] = {}
    valid = [r.file for r in result.report.reports
             if r.kind == "map" and not any(f.severity is Severity.ERROR for f in r.findings)]
    evidence = coverage_of(valid, result.projects)
    for report in result.report.reports:
        kinds[report.kind] = kinds.get(report.kind, 0) + 1
        out.line(f"  {report.file}: {report.kind}, {len(report.findings)} finding(s)")
        if report.file in evidence:
            out.line(f"    evidence: {evidence[report.file].sentence()}")
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    out.line(f"checked {len(result.report.reports)} file(s) ({summary}) in {seconds:.2f} s; "
             f"fail level: {result.report.fail_level.label}")
