"""``cjm render``: pictures and documents of maps."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer

from cjm.cli.errors import console, handle_errors
from cjm.cli.options import ConfigPath, config_option
from cjm.diagnostics.exits import ExitCode


def register(app: typer.Typer) -> None:
    app.command("render")(command)


@handle_errors()
def command(
    paths: Optional[list[str]] = typer.Argument(None, metavar="[MAP]...",
                                                help="Maps, folders or globs, or - for stdin; none: every map of the "
                                                     "project (cjm.yaml) into its render.out folder."),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", metavar="FORMAT",
                                                help="svg, png, pdf, overview, flow, dot, md, html, mermaid, json or "
                                                     "all; repeatable or comma-separated [default: the project's "
                                                     "render.formats, else svg, md, html]."),
    out: Optional[str] = typer.Option(None, "--out", "-o", metavar="DIR",
                                      help="Output folder, or - for standard output [default: the project's "
                                           "render.out, else build/cjm]."),
    persona: Optional[str] = typer.Option(None, "--persona", "-p", metavar="ID",
                                          help="Show the journey of one persona only."),
    lanes: Optional[str] = typer.Option(None, "--lanes", metavar="LANE,...",
                                        help="Lanes to draw in the SVG/HTML map: actions, touchpoints, thoughts, "
                                             "emotions, pain_points, opportunities, kpis, frontstage, backstage, "
                                             "support, policy."),
    theme: Optional[str] = typer.Option(None, "--theme", metavar="THEME",
                                        help="light or dark [default: the project's, else light]."),
    template_dir: Optional[Path] = typer.Option(None, "--template-dir", metavar="DIR",
                                                help="A folder of templates that override the built-in ones by file "
                                                     "name."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if any output is missing or stale."),
    watch: bool = typer.Option(False, "--watch", help="Re-render whenever a map, catalogue, config or template "
                                                      "changes."),
    config: ConfigPath = config_option(),
    no_embed_font: bool = typer.Option(False, "--no-embed-font",
                                       help="Leave the font out of the SVG and HTML (smaller files; text is then "
                                            "measured with a margin for the reader's fonts)."),
    scale: float = typer.Option(1.0, "--scale", metavar="N", help="PNG: 1 or 2 pixels per point of the map (2 for "
                                                                 "sharp slides) [default: 1]."),
    paper: str = typer.Option("a4", "--paper", metavar="SIZE", help="PDF: a4, a3, letter or poster (A0), "
                                                                  "landscape [default: a4]."),
    split: Optional[str] = typer.Option(None, "--split", metavar="stage|N",
                                        help="svg, png: one poster per stage, or per N steps (NAME.part1.svg…)."),
    compare: Optional[Path] = typer.Option(None, "--compare", metavar="OTHER",
                                           help="Draw OTHER's emotion curves (dashed) and the change at each "
                                                "touchpoint on the map; svg and html only [default formats: svg, "
                                                "html]."),
) -> None:
    """Render maps to SVG, PNG, PDF, Markdown, HTML, Mermaid, Graphviz flow diagrams or JSON.

    \b
    Examples:
      cjm render                                   every map of the project into render.out
      cjm render shop.yaml -o build                svg, md and html
      cjm render shop.yaml -f svg,flow -o docs     -f is repeatable or comma-separated
      cjm render shop.yaml -f mermaid -o -         one format of one map to standard output
      cjm render shop.yaml -f png --scale 2        a sharp PNG for slides
      cjm render shop.yaml -f pdf --paper a3       landscape A3 pages, split by stage
      cjm render shop.yaml --persona sam --lanes actions,emotions,pain_points
      cjm render --check                           exit 1 when committed outputs are stale
    """
    from cjm.diagnostics.errors import UsageError
    from cjm.pipeline.choices import cli_formats, cli_lanes, cli_theme
    from cjm.pipeline.render import RenderRequest

    chosen = cli_formats(formats)
    if check and watch:
        raise UsageError("--check and --watch do not go together")
    if compare is not None:
        other = [f for f in chosen or [] if f not in ("svg", "html", "png", "pdf")]
        if other:
            raise UsageError(f"--compare draws on the svg, html, png and pdf maps only, not {other[0]}")
        chosen = chosen or ["svg", "html"]
    from cjm.render.pages import PAPERS

    if paper not in PAPERS:
        from cjm.pipeline.choices import problem

        raise UsageError(*problem("paper size", paper, PAPERS))
    if scale not in (1, 2) and not (0.25 <= scale <= 4):
        raise UsageError(f"--scale {scale:g}: give a number from 0.25 to 4 (1 or 2 for slides)")
    if split is not None and split != "stage" and not (split.isdigit() and int(split) >= 1):
        raise UsageError(f"--split {split!r}: give 'stage' or a number of steps per poster", "--split stage")
    request = RenderRequest(list(paths or []), chosen, out, persona, cli_lanes(lanes), cli_theme(theme),
                            template_dir, check, config, compare, embed_font=not no_embed_font, scale=scale,
                            paper=paper, split=split)
    if watch:
        raise typer.Exit(_watch(request))
    code, _watched = render_once(request)
    raise typer.Exit(code)


def render_once(request) -> tuple[int, list[Path]]:
    """Render (or check) once; print what happened. (exit code, files to watch)."""
    from cjm.cli.progress import progress
    from cjm.diagnostics import Report
    from cjm.pipeline.inputs import display_path
    from cjm.pipeline.render import render_maps, write_outputs

    out = console()
    with progress("rendering", out.quiet) as update:
        result = render_maps(replace(request, on_progress=update))
    if result.reports:
        import sys

        out.report(Report(result.reports), "text", sys.stderr, summary=False)
    failed = ExitCode.FINDINGS if result.failed else ExitCode.OK
    if result.to_stdout:
        for o in result.outputs:
            if isinstance(o.content, bytes):
                import sys

                sys.stdout.flush()
                sys.stdout.buffer.write(o.content)
                sys.stdout.buffer.flush()
            else:
                out.out(o.content)
        return failed, result.watched
    write_outputs(result, request.check)
    if request.check:
        for o in result.stale:
            out.line(f"would change: {display_path(o.path)}")
        if result.stale:
            out.line(f"{len(result.stale)} rendered file(s) are stale; run `cjm render` without --check")
            return ExitCode.FINDINGS, result.watched
        out.say(f"{len(result.outputs)} rendered file(s) are up to date")
        return failed, result.watched
    written = [o for o in result.outputs if o.changed]
    for note in result.notes:
        out.say(note)
    for o in written:
        out.say(f"wrote {display_path(o.path)}")
    unchanged = len(result.outputs) - len(written)
    if unchanged:
        out.say(f"{unchanged} file(s) unchanged")
    return failed, result.watched


def _watch(request) -> int:
    from cjm.cli.errors import fail
    from cjm.diagnostics.errors import CjmError
    from cjm.pipeline.watch import watch

    out = console()

    def once() -> tuple[int, list[Path]]:
        try:
            return render_once(request)
        except CjmError as exc:  # a broken map or config while editing: say so, keep watching
            fail(exc)
            return int(exc.exit_code), []

    extra = [Path(p) for p in request.inputs if p != "-"]
    if request.template_dir:
        extra.append(Path(request.template_dir))
    if request.config:
        extra.append(Path(request.config))
    out.line("watching for changes; press Ctrl-C to stop")
    try:
        return watch(once, extra, lambda: out.line(time.strftime("[%H:%M:%S] change detected, rendering")))
    except KeyboardInterrupt:
        return ExitCode.OK
