"""The command line: the typer application, its global options, and ``run``.

Each command lives in its own module of this package and only parses options
into a request for its pipeline stage, then prints the result and picks the
exit code (``cjm.diagnostics.exits.ExitCode``). They are registered here with
plain imports, so the import-linter contract sees every edge.

``run(argv)`` is the whole program as a function that returns the exit code:
``main`` calls it, and the tests call it in-process.
"""

from __future__ import annotations

import os
import sys

import typer

from cjm import __version__
from cjm.cli import analyze, diff, doctor, fmt, init, interop, render, review, rules, schema, site, validate
from cjm.cli.console import CURRENT, Console
from cjm.diagnostics.exits import ExitCode

app = typer.Typer(
    name="cjm",
    help="Customer journey maps as code: validate, render and review maps written in YAML.\n\n"
         "Run `cjm COMMAND --help` for a command's options and examples.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"cjm {__version__}\n")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    color: str = typer.Option("auto", "--color", metavar="WHEN",
                              help="Colour output: auto (on a terminal), always, never."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only findings and errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print more about what cjm does."),
) -> None:
    if color not in ("auto", "always", "never"):
        Console().error(f"--color takes auto, always or never; got {color!r}")
        raise typer.Exit(ExitCode.USAGE)
    CURRENT.set(Console(color, quiet, verbose))


for _module in (validate, rules, schema, render, fmt, diff, interop, init, doctor, site, review, analyze):
    _module.register(app)


def run(argv: list[str]) -> int:
    """Run cjm with ``argv`` (without the program name); return the exit code.
    Never lets an exception out: a bug is reported as one (exit 4)."""
    from typer.exceptions import TyperException

    CURRENT.set(None)
    try:
        # Without standalone mode click returns the exit code of typer.Exit
        # instead of calling sys.exit, and raises usage errors to us.
        code = app(args=argv, prog_name="cjm", standalone_mode=False)
        return code if isinstance(code, int) else ExitCode.OK
    except typer.Exit as exc:
        return int(exc.exit_code)
    except TyperException as exc:  # usage errors: an unknown option, a missing argument
        show = getattr(exc, "show", None)
        if show is not None:
            show(file=sys.stderr)
        else:
            sys.stderr.write(f"error: {exc}\n")
        return int(getattr(exc, "exit_code", ExitCode.USAGE)) or ExitCode.USAGE
    except typer.Abort:
        sys.stderr.write("interrupted\n")
        return ExitCode.INTERRUPTED
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return ExitCode.INTERRUPTED
    except SystemExit as exc:  # typer's shell-completion options exit by themselves
        return exc.code if isinstance(exc.code, int) else (ExitCode.OK if exc.code is None else ExitCode.FINDINGS)
    except BrokenPipeError:
        # The reader went away (`cjm rules | head`); that is not an error.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return ExitCode.OK
    except Exception as exc:  # noqa: BLE001 - last resort: a bug, reported as such
        if os.environ.get("CJM_DEBUG"):
            raise
        sys.stderr.write(f"cjm: internal error: {type(exc).__name__}: {exc}\n"
                         "This is a bug in cjm; please report it with the command you ran "
                         "(CJM_DEBUG=1 shows the traceback).\n")
        return ExitCode.INTERNAL


def main() -> None:
    sys.exit(run(sys.argv[1:]))
