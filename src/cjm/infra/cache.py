"""The folder of cjm's caches (built validators, compiled templates)."""

from __future__ import annotations

import os


def cache_dir(*parts: str) -> str | None:
    """A folder under cjm's cache (``CJM_CACHE_DIR``, else ``$XDG_CACHE_HOME/cjm``,
    else ``~/.cache/cjm``); None when ``CJM_NO_CACHE`` is set."""
    if os.environ.get("CJM_NO_CACHE"):
        return None
    base = os.environ.get("CJM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "cjm")
    return os.path.join(base, *parts)
