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

        sys.stderr.write(re.sub(r"\[/?(?:bold|red|yellow|green|dim|cyan)[^\]]*\]", "", message) + "\n")


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


def _progress():
    """A progress bar on stderr for long runs on a terminal; None otherwise."""
    if STATE.quiet or not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        transient=True, console=__import__("rich.console").console.Console(stderr=True))
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

    if fmt == "text" and STATE.quiet and not result.findings:
        raise typer.Exit(EXIT_OK)
    get(fmt)(result, sys.stdout, color=use_color(sys.stdout), tool_version=__version__)
    raise typer.Exit(EXIT_FINDINGS if result.failed else EXIT_OK)


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
        chosen = list(registry.values())
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


# Commands that live in their own modules (src/cjm/commands/<name>.py), each
# exposing register(app). Keep heavy imports inside the command functions.
COMMAND_MODULES: tuple[str, ...] = (
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
