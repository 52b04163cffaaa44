"""The command line: parse options, call the pipeline, map outcomes to exit codes.

Exit codes (documented in the README):
    0  clean (no finding at or above the fail level; for render --check, nothing stale)
    1  findings at or above the fail level (or stale outputs with --check)
    2  usage or configuration error
    3  environment or internal error (a missing tool such as Graphviz, a bug)

Heavy libraries are imported inside the commands that need them, so that
``cjm --version`` and ``cjm validate`` start quickly.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from cjm import __version__
from cjm.reporters import REPORTERS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_ENV = 0, 1, 2, 3

app = typer.Typer(
    name="cjm",
    help="Customer journey maps as code: validate, render and review maps written in YAML.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


OutputFormat = enum.Enum("OutputFormat", {name: name for name in REPORTERS}, type=str)  # type: ignore[misc]


class Level(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"


class _State:
    color: Color = Color.auto
    quiet: bool = False
    verbose: bool = False


STATE = _State()


def use_color(stream) -> bool:
    """--color wins; then NO_COLOR (https://no-color.org) and FORCE_COLOR; then a terminal."""
    if STATE.color is Color.always:
        return True
    if STATE.color is Color.never or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def err(message: str) -> None:
    """A message for the user on stderr (never on stdout, which carries output)."""
    if use_color(sys.stderr):
        from rich.console import Console

        Console(stderr=True, highlight=False, soft_wrap=True).print(message)
    else:
        import re

        sys.stderr.write(re.sub(r"\[(?:/|/?(?:bold|red|yellow|green|dim|cyan)[^\]]*)\]", "", message) + "\n")


def fail(message: str, code: int) -> typer.Exit:
    err(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"cjm {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    color: Color = typer.Option(Color.auto, "--color", help="Colour output: auto (on a terminal), always, never."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only findings and errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print more about what cjm does."),
) -> None:
    STATE.color, STATE.quiet, STATE.verbose = color, quiet, verbose


def _config_error(exc) -> typer.Exit:
    for f in exc.findings:
        err(f"[bold]{f.span}[/]: [bold red]config error[/]: {f.message}" + (f" ({f.hint})" if f.hint else ""))
    return typer.Exit(EXIT_USAGE)


def _progress(label: str = "checking"):
    """A progress bar on stderr for long runs (20 files or more) on a terminal;
    None otherwise."""
    if STATE.quiet or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        transient=True, console=Console(stderr=True))
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if total < 20:
            return
        if task is None:
            progress.start()
            task = progress.add_task("check", total=total)
        progress.update(task, completed=done)
        if done >= total:
            progress.stop()

    return progress, update


@app.command()
def validate(
    paths: Optional[list[str]] = typer.Argument(None, help="Files, folders, globs or - for stdin; "
                                                "none: the project of the nearest cjm.yaml."),
    output_format: Optional[OutputFormat] = typer.Option(  # type: ignore[valid-type]
        None, "--format", "-f", help="Output format; default text, or github inside GitHub Actions."),
    fail_level: Optional[Level] = typer.Option(None, "--fail-level",
                                               help="Exit 1 when a finding has this severity or worse "
                                                    "[default: the project's fail_level, else error]."),
    strict: bool = typer.Option(False, "--strict", help="Same as --fail-level warning."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Use this cjm.yaml instead of the nearest."),
    level: Optional[list[str]] = typer.Option(None, "--level", metavar="RULE=LEVEL",
                                              help="Set a rule's level (error, warning, info, off); repeatable."),
    force_exclude: bool = typer.Option(False, "--force-exclude",
                                       help="Skip named files that the project's globs do not include "
                                            "(for pre-commit)."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Processes to use; 0 = one per core."),
) -> None:
    """Check maps against the schema and the domain rules; print findings at file:line:column."""
    from cjm.diagnostics import Severity
    from cjm.pipeline import CheckOptions, UsageError
    from cjm.pipeline import validate as run
    from cjm.project import ConfigError

    levels: dict[str, str] = {}
    for item in level or []:
        name, _, value = item.partition("=")
        if value not in ("error", "warning", "info", "off") or not name:
            raise fail(f"--level takes RULE=LEVEL with LEVEL one of error, warning, info, off; got {item!r}",
                       EXIT_USAGE)
        levels[name] = value
    chosen = Severity.WARNING if strict else (Severity.parse(fail_level.value) if fail_level else None)
    options = CheckOptions(fail_level=chosen, levels=levels, force_exclude=force_exclude, jobs=jobs)
    progress, update = _progress()
    import time

    started = time.perf_counter()
    try:
        result = run(list(paths or []), options, config, on_progress=update)
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    except ConfigError as exc:
        raise _config_error(exc) from None
    finally:
        if progress is not None:
            progress.stop()
    fmt = output_format.value if output_format else ("github" if os.environ.get("GITHUB_ACTIONS") == "true"
                                                      else "text")
    from cjm.reporters import get

    if STATE.verbose:
        _describe_run(result, time.perf_counter() - started)
    if fmt == "text" and STATE.quiet and not result.findings:
        raise typer.Exit(EXIT_OK)
    get(fmt)(result, sys.stdout, color=use_color(sys.stdout), tool_version=__version__)
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)


def _describe_run(result, seconds: float) -> None:
    """-v: what was checked, as what, with which settings, and how long it took."""
    kinds: dict[str, int] = {}
    for report in result.reports:
        kinds[report.kind] = kinds.get(report.kind, 0) + 1
        err(f"  {report.file}: {report.kind}, {len(report.findings)} finding(s)")
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    err(f"checked {len(result.reports)} file(s) ({summary}) in {seconds:.2f} s; "
        f"fail level: {result.fail_level.label}")


@app.command("rules")
def rules_command(
    name: Optional[str] = typer.Argument(None, help="A rule's code or name: print its documentation."),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """List the domain rules with their codes, names and default severities."""
    from cjm.rules import by_name_or_code, load_builtin_rules

    registry = load_builtin_rules()
    if output_format not in ("text", "json"):
        raise fail("--format takes text or json", EXIT_USAGE)
    if name:
        r = by_name_or_code(name)
        if r is None:
            raise fail(f"no rule {name!r}; `cjm rules` lists them", EXIT_USAGE)
        chosen = [r]
    else:
        chosen = sorted(registry.values(), key=lambda r: r.code)
    if output_format == "json":
        import json

        sys.stdout.write(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity.label,
                                      "applies_to": list(r.applies_to), "summary": r.summary, "doc": r.doc}
                                     for r in chosen], indent=2) + "\n")
        return
    if name:
        r = chosen[0]
        sys.stdout.write(f"{r.code} {r.name} ({r.severity.label})\n\n{r.doc}\n")
        return
    width = max(len(r.name) for r in chosen)
    for r in chosen:
        sys.stdout.write(f"{r.code}  {r.name:<{width}}  {r.severity.label:<7}  {r.summary}\n")


@app.command("schema")
def schema_command(
    which: str = typer.Argument("map", help="map (maps and catalogues) or config (cjm.yaml)."),
    write: bool = typer.Option(False, "--write", help="Write the schemas into ./schemas/ instead of printing."),
) -> None:
    """Print the JSON Schema (draft 2020-12) of the file format, for editors and other validators."""
    from cjm import schema

    builders = {"map": schema.map_schema, "config": schema.config_schema}
    if which not in builders:
        raise fail(f"unknown schema {which!r}: use map or config", EXIT_USAGE)
    if write:
        from cjm.fsutil import atomic_write

        for key, build in builders.items():
            atomic_write(Path("schemas") / schema.SCHEMA_FILES[key], schema.dumps(build()))
        return
    sys.stdout.write(schema.dumps(builders[which]()))


@app.command()
def render(
    paths: Optional[list[str]] = typer.Argument(None, help="Maps, folders or globs; none: every map of the "
                                                "project (cjm.yaml) into its render.out folder."),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", metavar="FORMAT",
                                                help="svg, flow, dot, md, html, mermaid, json or all; "
                                                     "repeatable or comma-separated [default: the project's "
                                                     "render.formats, else svg, md, html]."),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="Output folder, or - for standard output "
                                      "[default: the project's render.out, else build/cjm]."),
    persona: Optional[str] = typer.Option(None, "--persona", "-p", help="Show the journey of one persona only."),
    lanes: Optional[str] = typer.Option(None, "--lanes", help="Comma-separated lanes to draw in the SVG/HTML map: "
                                        "actions, touchpoints, thoughts, emotions, pain_points, opportunities, "
                                        "kpis, frontstage, backstage, support, policy."),
    theme: Optional[str] = typer.Option(None, "--theme", help="light or dark [default: the project's, else light]."),
    template_dir: Optional[Path] = typer.Option(None, "--template-dir", help="A folder of templates that "
                                                "override the built-in ones by file name."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if any output is missing or stale."),
    watch: bool = typer.Option(False, "--watch", help="Re-render whenever a map, catalogue or template changes."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Use this cjm.yaml instead of the nearest."),
    compare: Optional[Path] = typer.Option(None, "--compare", metavar="OTHER", help="Draw OTHER's emotion curves "
                                           "(dashed) and the change at each touchpoint on the map; svg and html "
                                           "only [default formats: svg, html]."),
) -> None:
    """Render maps to SVG, Markdown, HTML, Mermaid, Graphviz flow diagrams or JSON."""
    from cjm.build import RenderRequest
    from cjm.model.resolve import LANES
    from cjm.render import ALL_FORMATS, RENDERERS

    chosen: list[str] = []
    for item in formats or []:
        for name in (part.strip() for part in item.split(",")):
            if name == "all":
                chosen.extend(f for f in ALL_FORMATS if f not in chosen)
            elif name in RENDERERS:
                if name not in chosen:
                    chosen.append(name)
            elif name:
                raise fail(f"unknown format {name!r}; choose from {', '.join(RENDERERS)} or all", EXIT_USAGE)
    lane_list = None
    if lanes is not None:
        lane_list = tuple(x.strip() for x in lanes.split(",") if x.strip())
        unknown = [x for x in lane_list if x not in LANES]
        if unknown:
            raise fail(f"unknown lane {unknown[0]!r}; choose from {', '.join(LANES)}", EXIT_USAGE)
    if theme is not None and theme not in ("light", "dark"):
        raise fail(f"unknown theme {theme!r}; choose light or dark", EXIT_USAGE)
    if check and watch:
        raise fail("--check and --watch do not go together", EXIT_USAGE)
    if compare is not None:
        other = [f for f in chosen if f not in ("svg", "html")]
        if other:
            raise fail(f"--compare draws on the svg and html maps only, not {other[0]}", EXIT_USAGE)
        chosen = chosen or ["svg", "html"]
    request = RenderRequest(list(paths or []), chosen or None, out, persona, lane_list, theme, template_dir,
                            check, config, compare)
    if watch:
        raise typer.Exit(_watch(request))
    raise typer.Exit(_render_once(request))


def _render_once(request) -> int:
    from cjm.build import render_maps, write_outputs
    from cjm.pipeline import UsageError, ValidationResult
    from cjm.project import ConfigError
    from cjm.render import RenderError
    from cjm.reporters import get

    progress, update = _progress("rendering")
    try:
        result = render_maps(request, on_progress=update)
    except UsageError as exc:
        err(f"[bold red]error:[/] {exc}")
        return EXIT_USAGE
    except ConfigError as exc:
        _config_error(exc)
        return EXIT_USAGE
    except RenderError as exc:
        err(f"[bold red]error:[/] {exc}")
        return exc.exit_code
    finally:
        if progress is not None:
            progress.stop()
    if result.reports:
        from cjm.diagnostics import Severity

        report = ValidationResult(result.reports, Severity.ERROR)
        get("text")(report, sys.stderr, color=use_color(sys.stderr), tool_version=__version__)
    if any(o.path is None for o in result.outputs):
        for o in result.outputs:
            sys.stdout.write(o.content)
        return EXIT_FINDINGS if result.failed else EXIT_OK
    write_outputs(result, request.check)
    from cjm.pipeline import display_path

    if request.check:
        for o in result.stale:
            err(f"would change: {display_path(o.path)}")
        if result.stale:
            err(f"{len(result.stale)} rendered file(s) are stale; run `cjm render` without --check")
            return EXIT_FINDINGS
        if not STATE.quiet:
            err(f"{len(result.outputs)} rendered file(s) are up to date")
        return EXIT_FINDINGS if result.failed else EXIT_OK
    if not STATE.quiet:
        written = [o for o in result.outputs if o.changed]
        for o in written:
            err(f"wrote {display_path(o.path)}")
        unchanged = len(result.outputs) - len(written)
        if unchanged:
            err(f"{unchanged} file(s) unchanged")
    return EXIT_FINDINGS if result.failed else EXIT_OK


def _watch(request) -> int:
    """Poll the modification times of the maps, catalogues, config and templates
    every half second; re-render on change. Polling needs no extra dependency
    and is plenty for the handful of files a person edits."""
    import time

    from cjm.build import render_maps

    def watched_files() -> set[Path]:
        try:
            files = set(render_maps(type(request)(**{**request.__dict__, "check": True})).watched)
        except Exception:  # noqa: BLE001 - a broken config or map is reported by the render itself
            files = set()
        for path in request.inputs:
            if Path(path).is_file():
                files.add(Path(path))
        if request.template_dir and Path(request.template_dir).is_dir():
            files |= set(Path(request.template_dir).rglob("*"))
        return files

    def stamps(files: set[Path]) -> dict[Path, int | None]:
        out: dict[Path, int | None] = {}
        for f in files:
            try:
                out[f] = f.stat().st_mtime_ns
            except OSError:
                out[f] = None
        return out

    err("watching for changes; press Ctrl-C to stop")
    try:
        _render_once(request)
        files = watched_files()
        seen = stamps(files)
        while True:
            time.sleep(0.5)
            now = stamps(files)
            if now != seen:
                err(time.strftime("[%H:%M:%S] change detected, rendering"))
                _render_once(request)
                files = watched_files()
                seen = stamps(files)
    except KeyboardInterrupt:
        return EXIT_OK


# Commands that live in their own modules (src/cjm/commands/<name>.py), each
# exposing register(app). Keep heavy imports inside the command functions.
COMMAND_MODULES: tuple[str, ...] = (
    "diff",
    "interop",
    "doctor",
    "fmt",
    "init",
)


def _register_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"cjm.commands.{name}").register(app)


_register_commands()


def main() -> None:
    """Entry point: exit codes for everything, never a traceback for the user."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except SystemExit:
        raise
    except BrokenPipeError:
        # The reader went away (`cjm rules | head`); that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except Exception as exc:  # noqa: BLE001 - last resort: a bug, reported as such
        sys.stderr.write(f"cjm: internal error: {type(exc).__name__}: {exc}\n"
                         "This is a bug in cjm; please report it with the command you ran.\n")
        if os.environ.get("CJM_DEBUG"):
            raise
        sys.exit(EXIT_ENV)
