"""Everyday comforts of the command line: -v, -q, --help, completion."""

from __future__ import annotations

from conftest import EXAMPLES


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
