"""The console: everything cjm says to a person goes through here.

- It never reads user text as markup: styles are attached to text segments
  (rich's ``Text``), so a file named ``q[bold]x.yaml`` prints as itself.
- Every segment is passed through ``terminal_text``: control characters in
  map text, keys and file names are shown as visible escapes, so they cannot
  move the cursor, clear the screen or start a line CI would read as a
  command.
- Colour only on a terminal, or when asked (``--color``, ``FORCE_COLOR``);
  never with ``NO_COLOR``. Without colour rich is not even imported.
- Messages, progress and summaries go to stderr; stdout carries what the
  command makes (a report, a rendered file, a diff).
"""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Union

from cjm.present.escape import terminal_text

Segment = Union[str, tuple[str, str]]  # text, or (text, style)


@dataclass
class Console:
    color: str = "auto"  # auto | always | never
    quiet: bool = False
    verbose: bool = False

    def use_color(self, stream: IO[str]) -> bool:
        """--color wins; then NO_COLOR (https://no-color.org) and FORCE_COLOR; then a terminal."""
        if self.color == "always":
            return True
        if self.color == "never" or os.environ.get("NO_COLOR"):
            return False
        if os.environ.get("FORCE_COLOR"):
            return True
        return hasattr(stream, "isatty") and stream.isatty()

    def line(self, *segments: Segment, stream: IO[str] | None = None) -> None:
        """One line of segments; user text is made terminal-safe, never parsed."""
        stream = stream or sys.stderr
        parts = [(s, "") if isinstance(s, str) else s for s in segments]
        safe = [(terminal_text(text), style) for text, style in parts]
        if not self.use_color(stream):
            stream.write("".join(text for text, _ in safe) + "\n")
            return
        from rich.console import Console as RichConsole
        from rich.text import Text

        RichConsole(file=stream, force_terminal=True, highlight=False, soft_wrap=True, markup=False,
                    emoji=False).print(Text.assemble(*[(t, s) if s else t for t, s in safe]))

    def say(self, *segments: Segment) -> None:
        """Information (what was written, a summary): not with --quiet."""
        if not self.quiet:
            self.line(*segments)

    def detail(self, *segments: Segment) -> None:
        """What -v adds."""
        if self.verbose:
            self.line(*segments)

    def warning(self, message: str) -> None:
        self.line(("warning", "bold yellow"), ": ", message)

    def error(self, message: str, hint: str = "") -> None:
        self.line(("error", "bold red"), ": ", message)
        if hint:
            self.line(("    hint: ", "dim"), (hint, "italic"))

    def report(self, report, fmt: str = "text", stream: IO[str] | None = None, summary: bool = True) -> None:
        """Findings through the reporter ``fmt``."""
        from cjm import __version__
        from cjm.reporters import get

        stream = stream or sys.stdout
        get(fmt)(report, stream, color=self.use_color(stream), tool_version=__version__, summary=summary)

    def out(self, text: str) -> None:
        """What the command makes, to stdout, as it is (a rendered file, JSON…)."""
        sys.stdout.write(text)


# The console of the running command, set by the global options (``cjm.cli.app``).
CURRENT: ContextVar[Console | None] = ContextVar("cjm_console", default=None)


def current() -> Console:
    return CURRENT.get() or Console()
