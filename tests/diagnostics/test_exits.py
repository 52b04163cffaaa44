"""Exit codes: one enum, the numbers scripts and CI depend on, as the README documents them."""

from __future__ import annotations

import re

from conftest import ROOT

from cjm.diagnostics.exits import ExitCode


def test_the_numbers_never_change():
    assert {c.name: int(c) for c in ExitCode} == {"OK": 0, "FINDINGS": 1, "USAGE": 2, "ENVIRONMENT": 3,
                                                 "INTERNAL": 4, "INTERRUPTED": 130}


def test_codes_are_ints_that_the_shell_sees_as_themselves():
    for code in ExitCode:
        assert isinstance(code, int) and 0 <= code <= 255
        assert code.value & 0xFF == code.value


def test_each_code_has_its_meaning_in_the_source():
    source = (ROOT / "src" / "cjm" / "diagnostics" / "exits.py").read_text(encoding="utf-8")
    for code in ExitCode:
        assert re.search(rf"{code.name} = {int(code)}\n\s+\"\"\"\S", source), code.name


def test_the_readme_documents_every_exit_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert re.search(rf"\|\s*`?{int(code)}`?\s*\|", readme), f"exit code {int(code)} is not in the README's table"
