"""The failures a user can cause or meet, each with its exit code.

Stages raise these; the command line turns them into one message and the exit
code (``cjm.cli.errors.handle_errors``). Anything else that escapes is a bug in
cjm and is reported as one (exit 4).
"""

from __future__ import annotations

from collections.abc import Sequence

from cjm.diagnostics import Finding
from cjm.diagnostics.exits import ExitCode


class CjmError(Exception):
    """A failure with a message for the user, a hint, and an exit code."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, hint: str = "", findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.findings = list(findings)


class UsageError(CjmError):
    """Bad command-line input: a path that does not exist, options that do not go together (exit 2)."""


class NothingToCheck(UsageError):
    """The inputs named no file at all: an empty folder, a glob that matches nothing (exit 2)."""


class ConfigError(UsageError):
    """The project configuration is broken; ``findings`` say where (exit 2)."""

    def __init__(self, findings: Sequence[Finding], message: str = "") -> None:
        where = findings[0].span.file if findings else "the project configuration"
        super().__init__(message or f"{where} is broken, so nothing was done; fix the problems above",
                         findings=findings)


class TemplateError(UsageError):
    """A user's template is broken or does something the sandbox forbids (exit 2)."""


class InputError(CjmError):
    """The input is not what it should be, for a reason a finding cannot carry (exit 1)."""

    exit_code = ExitCode.FINDINGS


class EnvironmentProblem(CjmError):
    """The machine stops cjm: a missing tool, no permission, a full disk (exit 3)."""

    exit_code = ExitCode.ENVIRONMENT
