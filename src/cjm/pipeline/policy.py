"""Policy: rule levels and suppression comments, applied in one place.

Only codes the code table marks as silenceable (the domain rules) can be
silenced or re-levelled: a document that cannot be loaded or fails the schema
cannot be checked further, so hiding those errors would report a broken map
as clean.
"""

from __future__ import annotations

import re

from cjm.diagnostics import Finding, Severity
from cjm.diagnostics.codes import CODES

# "disable-line: CJM307" (a colon after the keyword) reads as "disable-line CJM307".
_SUPPRESS = re.compile(r"#\s*cjm:\s*(disable-line|disable-next-line|disable-file)\b[ \t]*:?[ \t]*([A-Za-z0-9_,\- \t]*)")
# Line breaks as the loader counts them (YAML 1.2: LF, CR LF, CR).
_LINE_BREAK = re.compile("\r\n|[\r\n]")


def _scalar_spans(index) -> list[tuple[int, int, int, int]]:
    """0-based (line, col, end line, end col) of every scalar and key in a
    document: a ``#`` inside one is text, not a comment."""
    parents = {path[:-1] for path in index.values if path}
    spans = [span for path, span in index.values.items() if path not in parents]
    return spans + list(index.keys.values())


def suppressions(text: str, index=None) -> tuple[dict[int, set[str]], set[str]]:
    """Line -> rule names/codes silenced there, and those silenced file-wide.
    An empty list silences every rule (``all``). Only real comments count: a
    ``#`` must start the line or follow a blank, and, when the document's
    position ``index`` is given, must not lie inside a value (map text such as
    ``title: "a # cjm: disable-file"`` must not switch checks off)."""
    by_line: dict[int, set[str]] = {}
    whole: set[str] = set()
    if "cjm:" not in text or "disable" not in text:
        return by_line, whole
    spans = None
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        if "#" not in line:
            continue
        for match in _SUPPRESS.finditer(line):
            col = match.start()
            if col > 0 and line[col - 1] not in " \t":
                continue
            if index is not None:
                if spans is None:
                    spans = _scalar_spans(index)
                where = (number - 1, col)
                if any((sl, sc) <= where < (el, ec) for sl, sc, el, ec in spans):
                    continue
            names = {n.strip().lower() for n in re.split(r"[,\s]+", match.group(2)) if n.strip()} or {"all"}
            if match.group(1) == "disable-file":
                whole |= names
            else:
                target = number if match.group(1) == "disable-line" else number + 1
                by_line.setdefault(target, set()).update(names)
    return by_line, whole


def apply_policy(findings: list[Finding], text: str, levels: dict[str, str], index=None) -> list[Finding]:
    """Drop silenced findings, re-level the rest as configured, sort by place."""
    by_line, whole = suppressions(text, index)
    out = []
    for f in findings:
        code = CODES.get(f.code)
        if code is None or not code.silenceable:
            out.append(f)
            continue
        keys = {f.code.lower(), f.rule.lower(), "all"}
        if keys & whole or keys & by_line.get(f.span.line, set()):
            continue
        level = levels.get(f.code)
        if level == "off":
            continue
        if level:
            f = Finding(f.code, f.rule, Severity.parse(level), f.message, f.span, f.path, f.hint)
        out.append(f)
    out.sort(key=Finding.sort_key)
    return out
