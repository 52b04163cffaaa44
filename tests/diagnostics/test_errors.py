"""The failures a user can cause or meet: each carries its message, hint,
findings and exit code."""

from __future__ import annotations

import pytest

from cjm.diagnostics import Finding, Severity
from cjm.diagnostics.errors import (CjmError, ConfigError, EnvironmentProblem, InputError, NothingToCheck,
                                    TemplateError, UsageError)
from cjm.diagnostics.exits import ExitCode
from cjm.locations import Span

CONFIG_FINDING = Finding("CJM001", "config", Severity.ERROR, "unknown key 'mapz'", Span("proj/cjm.yaml", 2, 1))


@pytest.mark.parametrize("error_type, code", [
    (CjmError, ExitCode.USAGE),
    (UsageError, ExitCode.USAGE),
    (NothingToCheck, ExitCode.USAGE),
    (TemplateError, ExitCode.USAGE),
    (InputError, ExitCode.FINDINGS),
    (EnvironmentProblem, ExitCode.ENVIRONMENT),
])
def test_exit_code_of_each_error_type(error_type, code):
    error = error_type("what went wrong")
    assert error.exit_code is code
    assert isinstance(error, CjmError) and isinstance(error, Exception)


def test_config_error_exits_2_and_names_the_broken_file():
    error = ConfigError([CONFIG_FINDING])
    assert error.exit_code is ExitCode.USAGE
    assert error.message == "proj/cjm.yaml is broken, so nothing was done; fix the problems above"
    assert error.findings == [CONFIG_FINDING]
    assert str(error) == error.message


def test_config_error_without_findings_or_with_its_own_message():
    assert ConfigError([]).message.startswith("the project configuration is broken")
    assert ConfigError([CONFIG_FINDING], "custom").message == "custom"


def test_the_hierarchy_lets_callers_catch_broadly():
    assert issubclass(NothingToCheck, UsageError) and issubclass(ConfigError, UsageError)
    assert issubclass(TemplateError, UsageError)
    assert not issubclass(InputError, UsageError) and not issubclass(EnvironmentProblem, UsageError)


def test_message_hint_and_findings_are_kept():
    error = InputError("cannot compare", "fix the map", findings=(CONFIG_FINDING,))
    assert (error.message, error.hint, error.findings) == ("cannot compare", "fix the map", [CONFIG_FINDING])
    assert isinstance(error.findings, list)  # a tuple is copied into a list
    bare = UsageError("x")
    assert (bare.hint, bare.findings) == ("", [])
    assert bare.findings is not UsageError("y").findings


def test_each_error_documents_its_exit_code():
    for cls in (UsageError, NothingToCheck, ConfigError, TemplateError, InputError, EnvironmentProblem):
        assert f"exit {int(cls.exit_code)}" in (cls.__doc__ or ""), cls
