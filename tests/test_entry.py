"""The console entry point (``cjm`` and ``python -m cjm``): ``--version``
before anything heavy, the exit code of ``run`` as the process status, and a
reader that goes away is not an error.

What only a real process shows runs in one (the ``cjm_process`` fixture);
the mapping itself is tested in-process, with ``os._exit`` caught.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cjm
from cjm import entry
from conftest import MINIMAL_MAP

# --- in-process: main() with os._exit caught ------------------------------------


class Exited(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@pytest.fixture
def main(monkeypatch, capsys):
    """``main(*argv)`` -> (status, stdout, stderr), as the process would end."""

    def exit_(code: int) -> None:
        raise Exited(code)

    monkeypatch.setattr(entry.os, "_exit", exit_)

    def call(*argv: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["cjm", *argv])
        try:
            entry.main()
        except Exited as done:
            code = done.code
        else:
            code = None  # returned without ending the process: only the --version fast path does
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_fast_path_returns_without_the_application(main, monkeypatch, flag):
    def no_app(argv):  # the fast path must not get here
        raise AssertionError("cjm.cli.app.run was called")

    monkeypatch.setattr("cjm.cli.app.run", no_app)
    assert main(flag) == (None, f"cjm {cjm.__version__}\n", "")


def test_version_with_other_arguments_goes_through_the_application(main):
    code, out, _err = main("--version", "validate")
    assert code == 0 and out == f"cjm {cjm.__version__}\n"


@pytest.mark.parametrize("returned", [0, 1, 2, 3, 4, 130])
def test_the_exit_code_of_run_is_the_status(main, monkeypatch, returned):
    monkeypatch.setattr("cjm.cli.app.run", lambda argv: returned)
    assert main("validate")[0] == returned


def test_run_receives_the_arguments_without_the_program_name(main, monkeypatch):
    seen = []
    monkeypatch.setattr("cjm.cli.app.run", lambda argv: seen.append(argv) or 0)
    main("validate", "a.yaml", "-f", "json")
    assert seen == [["validate", "a.yaml", "-f", "json"]]


@pytest.mark.parametrize("value, status, stderr", [
    (None, 0, ""),
    (0, 0, ""),
    (3, 3, ""),
    (256, 0, ""),  # as the interpreter does: the low 8 bits
    (257, 1, ""),
    (-1, 255, ""),
    ("completion failed", 1, "completion failed\n"),
])
def test_system_exit_from_typer_becomes_a_status_as_the_interpreter_would(main, monkeypatch, value, status, stderr):
    def completion(argv):
        raise SystemExit(value)

    monkeypatch.setattr("cjm.cli.app.run", completion)
    assert main("--show-completion")[0::2] == (status, stderr)


def test_a_reader_that_went_away_is_not_an_error(main, monkeypatch):
    class Gone:
        def write(self, text):
            return len(text)

        def flush(self):
            raise BrokenPipeError

    monkeypatch.setattr("cjm.cli.app.run", lambda argv: 0)
    monkeypatch.setattr(sys, "stdout", Gone())
    code, _out, err = main("rules")
    assert code == 0 and err == ""


def test_the_real_command_in_process(main, tmp_path, monkeypatch):
    (tmp_path / "good.yaml").write_text(MINIMAL_MAP)
    (tmp_path / "bad.yaml").write_text(MINIMAL_MAP.replace("emotion: 1", "emotion: 9"))
    monkeypatch.chdir(tmp_path)
    assert main("validate", "good.yaml")[0] == 0
    assert main("validate", "bad.yaml")[0] == 1
    assert main("validate", "missing.yaml")[0] == 2


# --- a real process: what only a process shows -----------------------------------


def test_version_in_a_child_process(cjm_process, tmp_path):
    for flag in ("--version", "-V"):
        ran = cjm_process(flag, cwd=tmp_path)
        assert (ran.returncode, ran.stdout, ran.stderr) == (0, f"cjm {cjm.__version__}\n", "")


def test_the_status_and_the_output_reach_the_shell(cjm_process, tmp_path):
    """``os._exit`` after flushing: the status and every byte of output survive
    (the mapping of each status is tested in-process above)."""
    (tmp_path / "bad.yaml").write_text(MINIMAL_MAP.replace("emotion: 1", "emotion: 9"))
    ran = cjm_process("validate", "bad.yaml", "-f", "json", cwd=tmp_path)
    assert ran.returncode == 1 and ran.stdout.rstrip().endswith("}")
    assert '"code": "CJM307"' in ran.stdout


def test_the_installed_console_script(tmp_path):
    script = Path(sys.executable).with_name("cjm")
    if not script.exists():
        pytest.skip("the cjm console script is not installed beside this interpreter")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, f"cjm {cjm.__version__}\n")
