"""``--format json``: a stable, documented document (see README, "JSON output").

Schema version 1:
    {"version": 1, "tool": {"name", "version"},
     "summary": {"files", "errors", "warnings", "infos", "failed"},
     "files": [{"file", "kind", "findings": [...]}],
     "findings": [{"file", "line", "column", "end_line", "end_column", "severity",
                   "code", "rule", "message", "path", "hint"}]}
Fields are only ever added within a version.
"""

from __future__ import annotations

import json

from cjm.diagnostics import Severity


def write(result, stream, *, color: bool = False, tool_version: str = "", summary: bool = True) -> None:
    findings = result.findings
    doc = {
        "version": 1,
        "tool": {"name": "cjm", "version": tool_version},
        "summary": {
            "files": len(result.reports),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
            "failed": result.failed,
        },
        "files": [{"file": r.file, "kind": r.kind, "findings": len(r.findings)} for r in result.reports],
        "findings": [f.to_dict() for f in findings],
    }
    stream.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
