"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other tools."""

from __future__ import annotations

import json
from urllib.parse import quote

from cjm.diagnostics import Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(file: str) -> str:
    """A file name as a URI reference (RFC 3986): a space, '#' or '%' in a
    name would otherwise make the SARIF invalid or point elsewhere; a ':' is
    escaped so that a name such as 'c:map.yaml' cannot read as a scheme."""
    if file.startswith("/"):
        return "file://" + quote(file, safe="/")
    return quote(file, safe="/")


def write(result, stream, *, color: bool = False, tool_version: str = "", summary: bool = True) -> None:
    from cjm.diagnostics.codes import ordered

    rules = [(c.code, c.name, c.summary, _LEVEL[c.severity]) for c in sorted(ordered(), key=lambda c: c.code)]
    position = {code: i for i, (code, *_rest) in enumerate(rules)}
    results = []
    for f in result.findings:
        region = {"startLine": f.span.line, "startColumn": f.span.column}
        if f.span.end_line:
            region.update(endLine=f.span.end_line, endColumn=f.span.end_column)
        entry = {
            "ruleId": f.code,
            "level": _LEVEL[f.severity],
            "message": {"text": f.message + (f" ({f.hint})" if f.hint else "")},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(f.span.file)}, "region": region}}],
        }
        if f.code in position:
            entry["ruleIndex"] = position[f.code]
        if f.path:
            entry["properties"] = {"path": f.path, "rule": f.rule}
        results.append(entry)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cjm",
                "version": tool_version,
                "informationUri": "https://github.com/cjm-cli/cjm",
                "rules": [{
                    "id": code,
                    "name": name,
                    "shortDescription": {"text": text},
                    "defaultConfiguration": {"level": level},
                } for code, name, text, level in rules],
            }},
            "results": results,
        }],
    }
    stream.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
