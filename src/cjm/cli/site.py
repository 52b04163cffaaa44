"""``cjm site``: every map of a project as a static, searchable site."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

from cjm.cli.errors import console, handle_errors
from cjm.cli.options import ConfigPath, config_option
from cjm.diagnostics.exits import ExitCode


def register(app: typer.Typer) -> None:
    app.command("site")(command)


@handle_errors()
def command(
    path: Optional[str] = typer.Argument(None, metavar="[DIR]",
                                         help="A folder of the project (its nearest cjm.yaml) [default: here]."),
    out: Optional[str] = typer.Option(None, "--out", "-o", metavar="DIR",
                                      help="Output folder [default: the project's site.out, else build/site]."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 on any broken link, missing asset, "
                                                      "missing or changed page, or map changed since the build."),
    config: ConfigPath = config_option(),
    jobs: int = typer.Option(0, "--jobs", "-j", metavar="N", help="Processes to use, 1 to 64; 0 = one per core."),
) -> None:
    """Build a static site of every map: index, map pages, personas, channels, KPIs, backlog, evidence, search.

    \b
    The site works offline and from file:// (no network, a strict CSP), and is
    relocatable. Rebuilds draw only the maps that changed. Set
    SOURCE_DATE_EPOCH for the same bytes on any day.

    \b
    Examples:
      cjm site                       the project of the nearest cjm.yaml into site.out
      cjm site -o public             into public/
      cjm site --check -o public     exit 1 on a broken link (page and link named)
    """
    from cjm.cli.progress import progress
    from cjm.diagnostics import Report
    from cjm.pipeline.inputs import display_path
    from cjm.pipeline.site import SiteRequest, build_site

    out_console = console()
    started = time.perf_counter()
    request = SiteRequest(path, out, check, config, jobs)
    with progress("building the site", out_console.quiet or check) as update:
        request.on_progress = update
        result = build_site(request)
    shown = display_path(Path(result.out))
    if result.reports:
        import sys

        out_console.report(Report(result.reports), "text", sys.stderr, summary=False)
    for note in result.notes:
        out_console.warning(note)
    if check:
        for problem in result.problems:
            out_console.line(problem)
        if result.problems:
            out_console.line(f"{len(result.problems)} problem(s) in the site in {shown}")
            raise typer.Exit(ExitCode.FINDINGS)
        out_console.say(f"the site in {shown} is complete: {result.pages} pages, every link and asset found, "
                        "up to date with its maps")
        raise typer.Exit(ExitCode.OK)
    seconds = time.perf_counter() - started
    for page in result.written:
        out_console.detail(f"  wrote {shown}/{page}")
    for page in result.removed:
        out_console.detail(f"  removed {shown}/{page}")
    for phase, spent in result.timings.items():
        out_console.detail(f"  {spent:6.2f} s  {phase}")
    failed = [r for r in result.reports if r.kind != "catalog"]
    out_console.say(f"built {shown}/index.html: {result.maps} map(s), {result.pages} pages; "
                    f"{len(result.written)} written, {len(result.drawn)} map(s) drawn, "
                    f"{result.checked} checked in {seconds:.2f} s"
                    + (f"; {len(failed)} map(s) left out (errors above)" if failed else ""))
    raise typer.Exit(ExitCode.FINDINGS if result.failed else ExitCode.OK)
