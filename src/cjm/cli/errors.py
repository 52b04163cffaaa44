"""One decorator maps every failure to a message and an exit code.

A stage raises a ``CjmError`` (usage, config, input, environment): its
message and hint are printed, its findings go through the reporter the
command was asked for, and the command exits with the error's code. An
``OSError`` that escapes a stage is the machine's doing (a full disk, no
permission) and is said so, with exit code 3. Anything else is a bug in cjm:
``cjm.cli.app.run`` reports it as one (exit code 4).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import typer

from cjm.diagnostics.errors import CjmError, EnvironmentProblem


def console() -> Any:
    """The console of the running command (set up by the global options)."""
    from cjm.cli.console import current

    return current()


def fail(error: CjmError, report_format: str = "text") -> typer.Exit:
    """Print ``error`` (and its findings) and return the exit to raise."""
    from cjm.diagnostics import Report

    out = console()
    if error.findings:
        stream = sys.stdout if report_format != "text" else sys.stderr
        out.report(Report.of(error.findings), report_format, stream, summary=False)
    out.error(error.message, error.hint)
    return typer.Exit(int(error.exit_code))


def handle_errors(report_format: Callable[[dict], str] | None = None):
    """Decorate a command: ``CjmError`` and ``OSError`` become a message and an
    exit code. ``report_format(kwargs)`` names the reporter for an error's
    findings (default: text, on stderr)."""

    def wrap(command: Callable) -> Callable:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return command(*args, **kwargs)
            except CjmError as exc:
                try:
                    fmt = report_format(kwargs) if report_format else "text"
                except CjmError:  # the format itself was the mistake
                    fmt = "text"
                raise fail(exc, fmt) from None
            except OSError as exc:
                from cjm.diagnostics.errors import UsageError
                from cjm.infra.files import describe_os_error

                message, environmental = describe_os_error(exc)
                raise fail(EnvironmentProblem(message) if environmental else UsageError(message)) from None

        return run

    return wrap

