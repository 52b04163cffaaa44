"""Exit codes: one enum, documented in the README's table."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    """Success: no finding at or above the fail level; outputs up to date."""
    FINDINGS = 1
    """Findings at or above the fail level, stale outputs with --check, changes with diff --exit-code."""
    USAGE = 2
    """A usage or configuration error: an unknown option, a missing file, nothing to check, a broken cjm.yaml."""
    ENVIRONMENT = 3
    """The environment stops cjm: a missing tool (Graphviz, Java), no permission, a full disk."""
    INTERNAL = 4
    """A bug in cjm (reported as such, without a traceback unless CJM_DEBUG=1)."""
    INTERRUPTED = 130
    """Ctrl-C."""
