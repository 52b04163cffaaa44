"""Output formats for findings: a registry, one module each.

A reporter is ``write(result, stream, *, color: bool, tool_version: str)``; the
CLI offers exactly the keys of ``REPORTERS``. Adding a format is one module and
one entry here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

# name -> module; imported only when chosen, so that a run pays for one.
REPORTERS: dict[str, str] = {
    "text": "cjm.reporters.text",
    "json": "cjm.reporters.json",
    "github": "cjm.reporters.github",
    "sarif": "cjm.reporters.sarif",
}


def get(name: str) -> Callable:
    return importlib.import_module(REPORTERS[name]).write
