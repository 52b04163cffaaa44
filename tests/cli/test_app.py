"""Everyday comforts of the command line: -v, -q, --help, completion."""

from __future__ import annotations

import re

import pytest
from conftest import EXAMPLES, run_on_terminal


def test_verbose_says_what_was_checked(cjm):
    proc = cjm("-v", "validate", str(EXAMPLES / "b2b-saas.yaml"))
    assert proc.returncode == 0
    assert "b2b-saas.yaml: map, 0 finding(s)" in proc.stderr
    assert "checked 1 file(s) (1 map)" in proc.stderr
    assert "All good" in proc.stdout


def test_quiet_prints_nothing_when_clean(cjm):
    proc = cjm("-q", "validate", str(EXAMPLES / "b2b-saas.yaml"))
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""


def test_help_lists_every_command(cjm):
    proc = cjm("--help")
    assert proc.returncode == 0
    for name in ("validate", "render", "rules", "schema", "init", "fmt", "diff", "import", "export", "doctor"):
        assert name in proc.stdout, name


def test_shell_completion_script(cjm):
    proc = cjm("--show-completion", "bash")
    assert proc.returncode == 0
    assert "complete" in proc.stdout and "cjm" in proc.stdout


def _stderr_on_a_terminal(args, cwd):
    """Run with stderr on a pseudo-terminal (stdout piped); return what stderr showed."""
    return run_on_terminal(args, cwd, stream="stderr")


def test_progress_bar_on_stderr_for_long_runs(tmp_path):
    from conftest import MINIMAL_MAP

    for i in range(25):
        (tmp_path / f"m{i:02}.yaml").write_text(MINIMAL_MAP)
    shown, out, code = _stderr_on_a_terminal(["validate", "-j", "1", "."], tmp_path)
    assert code == 0
    assert "checking" in shown and "25/25" in shown, repr(shown[-400:])
    assert "All good: 25 files checked" in out  # stdout keeps only the report
    few, _, _ = _stderr_on_a_terminal(["validate", "m00.yaml"], tmp_path)
    assert "checking" not in few  # no bar for a short run


COMMANDS = [["validate"], ["rules"], ["schema"], ["render"], ["fmt"], ["diff"], ["init"], ["doctor"],
            ["import", "mermaid"], ["import", "csv"], ["export", "mermaid"], ["export", "csv"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_examples_and_readable_metavars(cjm, command):
    ran = cjm(*command, "--help")
    assert ran.returncode == 0
    assert "Examples:" in ran.stdout, ran.stdout
    assert f"cjm {command[0]}" in ran.stdout.split("Examples:", 1)[1]
    assert not re.search(r"<(str|path|int|text)>", ran.stdout), ran.stdout
