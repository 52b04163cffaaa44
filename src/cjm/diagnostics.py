"""Findings: what cjm tells a user about a file, and how bad it is."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from cjm.locations import Span


class Severity(enum.IntEnum):
    """Ordered so that ``finding.severity >= fail_level`` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: use error, warning or info") from None


@dataclass(frozen=True)
class Finding:
    """One problem at one place. ``code`` and ``rule`` name what was checked
    (``CJM302`` / ``unknown-persona``); ``path`` is where inside the document."""

    code: str
    rule: str
    severity: Severity
    message: str
    span: Span
    path: str = ""
    hint: str = ""

    def sort_key(self) -> tuple:
        s = self.span
        return (s.file, s.line, s.column, self.code, self.message)

    def to_dict(self) -> dict:
        s = self.span
        return {
            "file": s.file,
            "line": s.line,
            "column": s.column,
            "end_line": s.end_line,
            "end_column": s.end_column,
            "severity": self.severity.label,
            "code": self.code,
            "rule": self.rule,
            "message": self.message,
            "path": self.path,
            "hint": self.hint,
        }


@dataclass
class FileReport:
    """Everything found in one file; ``kind`` is what the file turned out to be."""

    file: str
    kind: str = "unknown"  # map | catalog | config | unknown
    findings: list[Finding] = field(default_factory=list)
