"""The console: user text is never read as markup and never reaches the
terminal as a control sequence; colour only when asked or on a terminal."""

from __future__ import annotations

import io

from conftest import MINIMAL_MAP

from cjm.cli.console import Console


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_markup_in_user_text_is_text_with_colour_on(tmp_path, cjm):
    name = "q[bold]x[red]y[link=https:e.example]z.yaml"
    (tmp_path / name).write_text(MINIMAL_MAP.replace("emotion: 1", "emotion: 9"))
    for colour in ("never", "always"):
        ran = cjm("--color", colour, "validate", name, cwd=tmp_path)
        assert ran.returncode == 1
        plain = ran.stdout.replace("\x1b[", "\x00").split("\x00")
        assert name in "".join(part.split("m", 1)[-1] if i else part for i, part in enumerate(plain)), ran.stdout


def test_console_line_shows_escapes_instead_of_acting_on_them():
    out = Tty()
    Console(color="never").line("file\x1b[2J.yaml", ("\nfake", "bold"), stream=out)
    assert out.getvalue() == "file\\x1b[2J.yaml\\nfake\n"
    coloured = Tty()
    Console(color="always").line(("[bold]not markup[/bold]\x07", "red"), stream=coloured)
    text = coloured.getvalue()
    assert "[bold]not markup[/bold]\\x07" in text and "\x07" not in text and "\x1b[31m" in text


def test_colour_choice(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert Console(color="auto").use_color(Tty()) is True
    assert Console(color="auto").use_color(io.StringIO()) is False
    assert Console(color="never").use_color(Tty()) is False
    assert Console(color="always").use_color(io.StringIO()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert Console(color="auto").use_color(Tty()) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert Console(color="auto").use_color(io.StringIO()) is True


def test_quiet_and_verbose():
    out = io.StringIO()
    quiet = Console(quiet=True)
    quiet.line("always", stream=out)
    import sys

    saved = sys.stderr
    sys.stderr = out
    try:
        quiet.say("only when not quiet")
        Console(verbose=False).detail("only with -v")
        Console(verbose=True).detail("with -v")
        Console().error("broken", "fix it")
    finally:
        sys.stderr = saved
    assert out.getvalue() == "always\nwith -v\nerror: broken\n    hint: fix it\n"


def test_an_unknown_key_with_escapes_and_newlines_cannot_fake_a_ci_annotation(tmp_path, cjm):
    key = "evil\x1b]0;owned\x07\n::error file=x.yaml,line=1::fake"
    text = MINIMAL_MAP.replace("title: Minimal", f'title: Minimal\n"{key.encode("unicode_escape").decode()}": 1')
    (tmp_path / "m.yaml").write_text(text)
    ran = cjm("validate", "m.yaml", cwd=tmp_path)
    assert ran.returncode == 1
    assert "\x1b" not in ran.stdout and "\x07" not in ran.stdout
    assert not any(line.startswith("::") for line in ran.stdout.splitlines()), ran.stdout
    assert "\\x1b]0;owned\\x07\\n::error" in ran.stdout
