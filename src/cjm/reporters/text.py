"""``--format text``: one line per finding, as compilers print them, with a hint
line and a summary. Colour comes from rich, and only when asked for; without
colour rich is not even imported, which keeps pre-commit runs quick."""

from __future__ import annotations

from cjm.diagnostics import Severity
from cjm.present.escape import terminal_text

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def lines(result, summary: bool = True) -> list[list[tuple[str, str]]]:
    """Each line as (text, style) segments; every segment is terminal-safe
    (file names, messages and hints hold user text)."""
    out: list[list[tuple[str, str]]] = []
    for f in result.findings:
        out.append([(str(f.span), "bold"), (": ", ""), (f.severity.label, _STYLE[f.severity]),
                    (f" {f.code} ", "dim"), (f.rule, "magenta"), (": ", ""), (f.message, "")])
        if f.hint:
            out.append([("    hint: ", "dim"), (f.hint, "italic")])
    if not summary:
        return [[(terminal_text(t), st) for t, st in line] for line in out]
    files = len(result.reports)
    bad = sum(1 for r in result.reports if r.findings)
    counts = [(result.count(s), s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
    # "info" as in each finding's line ("1 info", "3 info"), not a second word for it.
    parts = [_plural(n, s.label) if s is not Severity.INFO else f"{n} info" for n, s in counts if n]
    if parts:
        style = "bold red" if result.failed else "bold yellow"
        out.append([("Found " + ", ".join(parts) + f" in {bad} of {_plural(files, 'file')}.", style)])
    else:
        out.append([(f"All good: {_plural(files, 'file')} checked, no problems.", "bold green")])
    return [[(terminal_text(t), st) for t, st in line] for line in out]


def write(result, stream, *, color: bool = False, tool_version: str = "", summary: bool = True) -> None:
    rendered = lines(result, summary)
    if not color:
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in rendered))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
    for line in rendered:
        console.print(Text.assemble(*[(t, s) if s else t for t, s in line]))
