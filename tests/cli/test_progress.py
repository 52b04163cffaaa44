"""The progress bar: on stderr, on a terminal only, for 20 items or more, and
stopped however the run ends (on a real pseudo-terminal: tests/cli/test_app.py)."""

from __future__ import annotations

import io
import re
import sys

import pytest

from cjm.cli.progress import MIN_ITEMS, progress


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch):
    """``terminal()`` makes stderr a terminal and returns it. (Called in the test
    body: pytest puts its own stderr back between a fixture and the test.)"""

    def make() -> Terminal:
        stream = Terminal()
        monkeypatch.setattr(sys, "stderr", stream)
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("TERM", "xterm-256color")
        return stream

    return make


def shown(stream: io.StringIO) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress("checking", quiet=False) as update:
        assert update is None


def test_no_bar_when_quiet(terminal):
    stderr = terminal()
    with progress("checking", quiet=True) as update:
        assert update is None
    assert stderr.getvalue() == ""


def test_a_bar_with_its_label_and_count_for_a_long_run(terminal):
    stderr = terminal()
    with progress("checking", quiet=False) as update:
        assert callable(update)
        for done in range(1, 26):
            update(done, 25)
    text = shown(stderr)
    assert "checking" in text and "25/25" in text


@pytest.mark.parametrize("total, bar", [(MIN_ITEMS - 1, False), (MIN_ITEMS, True), (1, False)])
def test_short_runs_show_no_bar(terminal, total, bar):
    stderr = terminal()
    with progress("rendering", quiet=False) as update:
        for done in range(1, total + 1):
            update(done, total)
    assert ("rendering" in shown(stderr)) is bar


def test_the_bar_stops_even_when_the_run_fails(terminal):
    stderr = terminal()
    with pytest.raises(RuntimeError):
        with progress("checking", quiet=False) as update:
            update(1, 30)
            raise RuntimeError("stop")
    assert "checking" in shown(stderr)


def test_nothing_goes_to_stdout(terminal, capsys):
    stderr = terminal()
    with progress("checking", quiet=False) as update:
        for done in range(1, 31):
            update(done, 30)
    assert capsys.readouterr().out == ""


def test_rich_is_imported_only_for_a_bar(monkeypatch):
    """Piped runs (pre-commit, CI) do not pay for rich."""
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    for name in [m for m in sys.modules if m == "rich" or m.startswith("rich.")]:
        monkeypatch.delitem(sys.modules, name)
    with progress("checking", quiet=False):
        pass
    assert "rich.progress" not in sys.modules
