"""Output formats for findings: a registry, one module each, used by every
command that finds problems (validate, fmt, diff, import, render).

A reporter is ``write(report, stream, *, color, tool_version, summary)``; the
command line offers exactly the keys of ``REPORTERS``. Adding a format is one
module and one entry here. Modules are imported when chosen, through explicit
import statements (the import-linter contract sees every edge).
"""

from __future__ import annotations

from collections.abc import Callable


def _text() -> Callable:
    from cjm.reporters import text

    return text.write


def _json() -> Callable:
    from cjm.reporters import json

    return json.write


def _github() -> Callable:
    from cjm.reporters import github

    return github.write


def _sarif() -> Callable:
    from cjm.reporters import sarif

    return sarif.write


REPORTERS: dict[str, Callable[[], Callable]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "sarif": _sarif,
}


def get(name: str) -> Callable:
    return REPORTERS[name]()
