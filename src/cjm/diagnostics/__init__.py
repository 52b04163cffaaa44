"""Findings: what cjm tells a user about a file, how bad it is, and the report
of a whole run that every command hands to the reporters."""

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


@dataclass
class Report:
    """What one command found, in every file it looked at: what reporters print."""

    reports: list[FileReport]
    fail_level: Severity = Severity.ERROR

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.reports for f in r.findings]

    @property
    def failed(self) -> bool:
        return any(f.severity >= self.fail_level for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @classmethod
    def of(cls, findings: list[Finding], fail_level: Severity = Severity.ERROR) -> "Report":
        """A report of loose findings, grouped by file in order of appearance."""
        by_file: dict[str, FileReport] = {}
        for f in findings:
            by_file.setdefault(f.span.file, FileReport(f.span.file)).findings.append(f)
        for r in by_file.values():
            r.findings.sort(key=Finding.sort_key)
        return cls(list(by_file.values()), fail_level)
