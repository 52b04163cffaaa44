"""One decorator maps failures to messages and exit codes; a bug is exit 4."""

from __future__ import annotations

import errno

import pytest
import typer

from cjm.cli.errors import handle_errors
from cjm.diagnostics.errors import (
    ConfigError,
    EnvironmentProblem,
    InputError,
    NothingToCheck,
    TemplateError,
    UsageError,
)
from cjm.diagnostics.exits import ExitCode


@pytest.mark.parametrize("error,code", [
    (UsageError("bad option", "try this"), ExitCode.USAGE),
    (NothingToCheck("empty folder"), ExitCode.USAGE),
    (ConfigError([]), ExitCode.USAGE),
    (TemplateError("broken template"), ExitCode.USAGE),
    (InputError("not a map"), ExitCode.FINDINGS),
    (EnvironmentProblem("dot is missing"), ExitCode.ENVIRONMENT),
    (OSError(errno.ENOSPC, "No space left on device", "out/x"), ExitCode.ENVIRONMENT),
])
def test_each_failure_has_its_exit_code_and_message(capsys, error, code):
    @handle_errors()
    def command() -> None:
        raise error

    with pytest.raises(typer.Exit) as info:
        command()
    assert info.value.exit_code == code
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    if getattr(error, "hint", ""):
        assert "hint: try this" in err


def test_findings_of_an_error_go_through_the_chosen_reporter(capsys):
    from cjm.diagnostics.codes import WRONG_TYPE
    from cjm.locations import Span

    finding = WRONG_TYPE.finding("stages must be a list", Span("m.yaml", 3, 9))

    @handle_errors(lambda kwargs: "json")
    def command() -> None:
        raise InputError("cannot compare", findings=[finding])

    with pytest.raises(typer.Exit):
        command()
    out, err = capsys.readouterr()
    import json

    assert json.loads(out)["findings"][0]["line"] == 3
    assert "error: cannot compare" in err


def test_a_bug_is_exit_4_without_traceback(cjm, monkeypatch):
    import cjm.pipeline.validate as stage

    def boom(_request):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(stage, "validate", boom)
    monkeypatch.delenv("CJM_DEBUG", raising=False)
    from conftest import run_in_process

    ran = run_in_process("validate", ".")
    assert ran.returncode == ExitCode.INTERNAL
    assert "internal error: RuntimeError: simulated bug" in ran.stderr and "Traceback" not in ran.stderr
    assert "This is a bug in cjm" in ran.stderr


def test_usage_errors_from_the_parser_are_exit_2(cjm):
    ran = cjm("validate", "--no-such-option")
    assert ran.returncode == ExitCode.USAGE and "No such option" in ran.stderr
    ran = cjm("validate", "-j", "lots")
    assert ran.returncode == ExitCode.USAGE
