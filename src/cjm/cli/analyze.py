"""``cjm analyze``: measure a map against event data (funnels, conformance)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from cjm.cli.errors import console, handle_errors
from cjm.cli.options import ConfigPath, config_option
from cjm.diagnostics.exits import ExitCode

FORMATS = ("text", "json", "csv", "markdown")


def register(app: typer.Typer) -> None:
    app.command("analyze")(command)


def _findings_format(kwargs: dict) -> str:
    return "json" if kwargs.get("output_format") == "json" else "text"


@handle_errors(_findings_format)
def command(
    map_file: str = typer.Argument(..., metavar="MAP", help="The map to measure (its touchpoints' `events:` say "
                                                            "which events mean the customer was there)."),
    output_format: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                                      help="text (tables), json (the whole result), csv (one row per step) or "
                                           "markdown."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Also write the metrics snapshot here (JSON, format cjm-metrics): "
                                               "KPIs bind to it, render draws it."),
    data: Optional[str] = typer.Option(None, "--data", metavar="PATH",
                                       help="Event data (a file, a glob or a hive-partitioned folder) instead of "
                                            "analytics.source.path."),
    shape: Optional[str] = typer.Option(None, "--shape", metavar="SHAPE", help="events, ga4 or segment."),
    steps: Optional[str] = typer.Option(None, "--steps", metavar="STEPS",
                                        help="stages, touchpoints, or touchpoint ids a,b,c [default: the project's, "
                                             "else stages]."),
    unit: Optional[str] = typer.Option(None, "--unit", metavar="UNIT", help="person or session."),
    entry: Optional[str] = typer.Option(None, "--entry", metavar="ENTRY", help="closed or open."),
    order: Optional[str] = typer.Option(None, "--order", metavar="ORDER", help="ordered, strict or any."),
    window: Optional[str] = typer.Option(None, "--window", metavar="DURATION",
                                         help="Conversion window from the entry event, e.g. 30m, 1h, 7d."),
    attempt: Optional[str] = typer.Option(None, "--attempt", metavar="ATTEMPT", help="first, best or reentry."),
    ties: Optional[str] = typer.Option(None, "--ties", metavar="TIES", help="in-order or strict."),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE", help="Earliest entry (YYYY-MM-DD or a "
                                                                              "timestamp)."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE", help="Latest entry (inclusive)."),
    breakdown: Optional[str] = typer.Option(None, "--breakdown", metavar="PROPERTY",
                                            help="Split every count by a property of the entry event."),
    top_paths: Optional[int] = typer.Option(None, "--top-paths", metavar="N", help="How many paths to list."),
    engine: str = typer.Option("duckdb", "--engine", metavar="ENGINE",
                               help="duckdb (embedded, the default) or spark (pip install 'cjm-cli[spark]')."),
    master: Optional[str] = typer.Option(None, "--master", metavar="URL", help="Spark master URL (e.g. "
                                                                               "spark://host:7077) [default: "
                                                                               "local[*]]."),
    remote: Optional[str] = typer.Option(None, "--remote", metavar="URL", help="Spark Connect URL (sc://host)."),
    memory_limit: Optional[str] = typer.Option(None, "--memory-limit", metavar="SIZE",
                                               help="DuckDB's memory limit, e.g. 2GB (beyond it, it spills to "
                                                    "disk)."),
    config: ConfigPath = config_option(),
) -> None:
    """Measure a map against event data: reach, conversion and drop-off per stage or touchpoint, time to
    convert, trend by week, top paths, and where customers leave the map.

    \b
    Examples:
      cjm analyze maps/shop.yaml                            the project's analytics: source and funnel
      cjm analyze maps/shop.yaml -o metrics/shop.json       also write the snapshot KPIs bind to
      cjm analyze maps/shop.yaml --data ga4/*.parquet --shape ga4 --window 1d --attempt best
      cjm analyze maps/shop.yaml --steps touchpoints -f markdown > funnel.md
      cjm analyze maps/shop.yaml --engine spark --master spark://spark:7077
    """
    from cjm.cli.progress import progress
    from cjm.diagnostics.errors import UsageError
    from cjm.pipeline.analyze import AnalyzeRequest, analyze
    from cjm.pipeline.choices import problem

    if output_format not in FORMATS:
        message, hint = problem("format", output_format, FORMATS)
        raise UsageError(message, hint)
    funnel: dict = {}
    for key, value in (("unit", unit), ("entry", entry), ("order", order), ("window", window),
                       ("attempt", attempt), ("ties", ties), ("since", since), ("until", until),
                       ("top_paths", top_paths)):
        if value is not None:
            funnel[key] = value
    if steps is not None:
        funnel["steps"] = steps if steps in ("stages", "touchpoints") else [s.strip() for s in steps.split(",")
                                                                             if s.strip()]
    if breakdown is not None:
        funnel["breakdown"] = {"by": breakdown}
    out = console()
    request = AnalyzeRequest(map_file, config, engine, data, shape, funnel, output, master, remote, memory_limit)
    with progress("scanning", out.quiet) as update:
        request.on_progress = update
        done = analyze(request)
    data_doc = done.result.to_dict()
    for warning in data_doc.get("warnings", []):
        out.warning(warning)
    if output_format == "json":
        out.out(done.result.to_json())
    elif output_format == "csv":
        from cjm.analytics.report import to_csv

        out.out(to_csv(data_doc))
    elif output_format == "markdown":
        from cjm.analytics.report import to_markdown

        out.out(to_markdown(data_doc, done.title, done.names))
    else:
        _text(done, data_doc)
    if done.snapshot is not None:
        out.say(f"{'wrote' if done.snapshot_changed else 'unchanged:'} {done.snapshot}")
    raise typer.Exit(ExitCode.OK)


def _text(done, data_doc: dict) -> None:
    """Tables on the terminal (rich), plain aligned columns when piped."""
    from cjm.analytics.report import semantics_line, tables
    from cjm.present.escape import terminal_text

    out = console()
    colour = out.use_color(sys.stdout)
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    rich = Console(file=sys.stdout, force_terminal=colour, no_color=not colour, highlight=False, markup=False,
                   emoji=False, width=None if colour else 160)
    rich.print(Text(terminal_text(f"Journey analytics: {done.title}"), style="bold"))
    rich.print(Text(terminal_text(semantics_line(data_doc)), style="dim"))
    for table in tables(data_doc, done.names):
        shown = Table(title=terminal_text(table.title), title_justify="left", caption=terminal_text(table.note) or None,
                      caption_justify="left", show_edge=False, header_style="bold")
        for i, header in enumerate(table.headers):
            shown.add_column(terminal_text(header), justify="left" if i in (0, 1) else "right")
        for row in table.rows:
            shown.add_row(*[terminal_text(cell) for cell in row])
        if not table.rows:
            shown.add_row(*(["(none)"] + [""] * (len(table.headers) - 1)))
        rich.print(shown)
