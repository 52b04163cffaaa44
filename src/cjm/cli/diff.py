"""``cjm diff``: what changed for the customer between two versions of a map."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from cjm.cli.errors import console, handle_errors
from cjm.cli.options import ConfigPath, config_option
from cjm.diagnostics.exits import ExitCode

FORMATS = ("text", "markdown", "comment", "json", "github", "sarif")


def register(app: typer.Typer) -> None:
    app.command("diff")(command)


def _findings_format(kwargs: dict) -> str:
    fmt = kwargs.get("output_format") or "text"
    return fmt if fmt in ("json", "github", "sarif") else "text"


@handle_errors(_findings_format)
def command(
    targets: Optional[list[str]] = typer.Argument(
        None, metavar="OLD NEW | REV [PATH]... | --gap FUTURE",
        help="Two map files; or a git revision and the maps to compare with the working tree (none: the project's "
             "maps); or, with --gap, a future-state map."),
    output_format: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                                      help="text, markdown, comment (a pull-request comment: counts first, details "
                                           "collapsed, under GitHub's size limit), json, or github / sarif (each "
                                           "change as a note at its place in the new file)."),
    gap_mode: bool = typer.Option(False, "--gap", help="Compare a future-state map with the map its `improves:` "
                                                       "names, stage by stage."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when something changed (like git diff "
                                                              "--exit-code)."),
    config: ConfigPath = config_option(),
    summary_url: Optional[str] = typer.Option(None, "--summary-url", metavar="URL",
                                              help="-f comment: where the whole diff is (the CI job's summary), "
                                                   "linked when the comment must be cut."),
    pictures_url: Optional[str] = typer.Option(None, "--pictures-url", metavar="URL",
                                               help="-f comment: where before/after pictures of the changed maps "
                                                    "are (a CI artifact)."),
) -> None:
    """Show what changed for the customer: touchpoints, emotions, pain points, actions, KPIs.

    \b
    Examples:
      cjm diff old.yaml new.yaml                      two files
      cjm diff main maps/checkout.yaml                the map at git revision main vs the working tree
      cjm diff origin/main -f markdown > diff.md      Markdown, for a job summary
      cjm diff origin/main -f comment                 a pull-request comment (see cjm review)
      cjm diff --gap maps/checkout-future.yaml        current vs future state
    """
    from cjm.authoring import diff as words
    from cjm.diagnostics.errors import UsageError
    from cjm.pipeline.choices import problem
    from cjm.pipeline.diff import DiffRequest, diff

    if output_format not in FORMATS:
        message, hint = problem("format", output_format, FORMATS)
        raise UsageError(message, hint)
    if gap_mode and exit_code:
        raise UsageError("--exit-code does not apply to --gap")
    if gap_mode and output_format in ("github", "sarif", "comment"):
        raise UsageError("--gap writes text, markdown or json")
    if (summary_url or pictures_url) and output_format != "comment":
        raise UsageError("--summary-url and --pictures-url go with -f comment")
    out = console()
    result = diff(DiffRequest(list(targets or []), gap_mode, config))
    fmt = output_format
    if result.gap is not None:
        out.out({"text": words.format_gap_text, "markdown": words.format_gap_markdown,
                 "json": words.to_json}[fmt](result.gap))
        raise typer.Exit(ExitCode.OK)
    diffs = result.diffs
    if fmt == "json":
        out.out(words.to_json({"format": words.DIFF_FORMAT, "version": words.VERSION,
                               "changes": sum(d["summary"]["changes"] for d in diffs), "files": diffs,
                               "findings": [f.to_dict() for f in result.report.findings]}))
    elif fmt in ("github", "sarif"):
        from cjm.diagnostics import Report

        notes = words.change_notes(diffs, result.locate)
        out.report(Report.of(result.report.findings + notes, fail_level=_errors_only()), fmt)
    elif fmt == "markdown":
        out.out(words.format_markdown(diffs) if diffs else "### Journey map changes\n\nNo maps compared.\n")
    elif fmt == "comment":
        out.out(words.format_comment(diffs, summary_url=summary_url, pictures_url=pictures_url))
    else:
        from cjm.present.escape import terminal_text

        text = words.format_text(diffs) if diffs else "no maps compared\n"
        out.out("".join(terminal_text(line) + "\n" for line in text.splitlines()))
    if result.report.findings:
        if fmt in ("text", "markdown", "comment"):
            out.report(result.report, "text", sys.stderr, summary=False)
        out.error("some maps could not be compared: they do not load or fail the schema")
        raise typer.Exit(ExitCode.FINDINGS)
    raise typer.Exit(ExitCode.FINDINGS if exit_code and result.changed else ExitCode.OK)


def _errors_only():
    from cjm.diagnostics import Severity

    return Severity.ERROR


