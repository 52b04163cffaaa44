"""Event patterns: one glob syntax, one regular-expression translation for every engine.

Globs (`*`, `?`, `[...]`, `[!...]`) become anchored regular expressions in the common subset
that Python's `re`, DuckDB's RE2 and Java's regex (Spark) read alike, so that a pattern
matches the same names in the reference and in both engines.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cjm.analytics.errors import RequestError

GLOB_CHARS = "*?["


def is_glob(text: str) -> bool:
    return any(ch in text for ch in GLOB_CHARS)


def _escape(ch: str) -> str:
    # Escape only ASCII punctuation: escaping letters means something else in each dialect.
    return "\\" + ch if ch.isascii() and not ch.isalnum() and ch != "_" else ch


def glob_to_regex(pattern: str) -> str:
    """The regex for a glob, without anchors: each caller matches it against the whole text
    (Python fullmatch, DuckDB regexp_full_match, Java `^...\\z`), with `.` spanning newlines."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[":
            start = i + 1
            if pattern[start : start + 1] in ("!", "^"):
                start += 1
            if pattern[start : start + 1] == "]":
                start += 1  # a `]` first in the set (after `!` too) is one of its characters
            end = pattern.find("]", start)
            if end == -1:
                out.append("\\[")
            else:
                body = pattern[i + 1 : end]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                _check_ranges(pattern, body)
                body = "".join("\\" + c if c in "\\[]^&~" else c for c in body)
                out.append("[" + ("^" if negate else "") + body + "]")
                i = end
        else:
            out.append(_escape(ch))
        i += 1
    return "".join(out)


def _check_ranges(pattern: str, body: str) -> None:
    """A range that runs backwards (`[z-a]`) is an error in every regex dialect: say so."""
    j = 0
    while j < len(body):
        if j + 2 < len(body) and body[j + 1] == "-":
            if body[j] > body[j + 2]:
                raise RequestError(f"the event pattern {pattern!r} has the range {body[j]}-{body[j + 2]}, which runs "
                                   "backwards", "write a range from low to high, e.g. [a-z]")
            j += 3
        else:
            j += 1


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_to_regex(pattern), re.DOTALL)


def text_matches(pattern: str, value: str | None) -> bool:
    """Whether a text matches an exact value or a glob (the reference implementation's test)."""
    if value is None:
        return False
    if not is_glob(pattern):
        return value == pattern
    return _compiled(pattern).fullmatch(value) is not None
