"""The reporters' registry, and every output format on the acceptance case of
the validate issue:

    a map with a misspelt persona id, a wrong key, an emotion of 9 or a
    duplicate key is reported at the right file:line:column with the rule's
    code and name, in each output format.

A duplicate key stops the later checks of its file and a schema error stops
the domain rules (by design), so the four problems live in four files of one
folder, checked in one run of the command line (in-process). Each format's
own contract: tests/reporters/test_<format>.py.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from cjm.reporters import REPORTERS, get
from conftest import SHOP_MAP, run_in_process
from reporter_inputs import nasty, parse_github, validate_sarif, write

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


# --- the registry ----------------------------------------------------------------------


def test_every_format_has_its_test_module():
    here = Path(__file__).parent
    assert set(REPORTERS) == {"text", "json", "github", "sarif"}
    assert all((here / f"test_{name}.py").is_file() for name in REPORTERS)


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_get_gives_the_modules_write_function(name):
    write_fn = get(name)
    assert callable(write_fn) and write_fn.__name__ == "write"
    assert write_fn.__module__ == f"cjm.reporters.{name}"


def test_an_unknown_format_is_a_key_error():
    with pytest.raises(KeyError):
        get("xml")


def test_the_command_lines_choices_are_the_registrys_keys():
    from cjm.pipeline.choices import reporters

    assert reporters() == tuple(REPORTERS)


def test_a_reporter_module_is_imported_only_when_chosen(monkeypatch):
    import cjm.reporters

    for name in REPORTERS:  # as if never imported
        monkeypatch.delitem(sys.modules, f"cjm.reporters.{name}", raising=False)
        monkeypatch.delattr(cjm.reporters, name, raising=False)
    get("json")
    assert "cjm.reporters.json" in sys.modules and "cjm.reporters.sarif" not in sys.modules


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_reporters_are_deterministic(fmt):
    assert write(fmt, nasty()) == write(fmt, nasty())


# --- the acceptance run --------------------------------------------------------------------


@pytest.fixture(scope="module")
def acceptance_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("acceptance")
    (root / "maps").mkdir()
    for name, (text, _found) in ACCEPTANCE.items():
        (root / "maps" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def outputs(acceptance_dir) -> dict:
    """One run of the command line per format."""
    out = {}
    for fmt in REPORTERS:
        ran = run_in_process("validate", "maps", "--format", fmt, cwd=acceptance_dir)
        assert ran.returncode == 1, ran
        assert "Traceback" not in ran.stderr
        out[fmt] = ran.stdout
    return out


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
    assert doc["summary"] == {"files": 5, "errors": 4, "warnings": 0, "infos": 0, "failed": True}
    kinds = {f["file"]: f["kind"] for f in doc["files"]}
    assert kinds["maps/clean.yaml"] == "map" and kinds["maps/dupkey.yaml"] == "unknown"
    persona = next(f for f in doc["findings"] if f["code"] == "CJM302")
    assert persona["path"] == "stages[0].touchpoints[0].emotion.samm"
    assert persona["hint"] == "did you mean 'sam'?"
    assert (persona["end_line"], persona["end_column"]) == (14, 23)


def test_acceptance_github(outputs):
    commands = parse_github(outputs["github"])
    got = sorted((c["file"], int(c["line"]), int(c["col"]), *c["title"].split(" ")) for c in commands)
    assert got == EXPECTED
    for c in commands:
        assert c["level"] == "error"
        assert int(c["endLine"]) >= int(c["line"])
    assert any("did you mean 'sam'?" in c["message"] for c in commands)


def test_acceptance_sarif(outputs):
    doc = json.loads(outputs["sarif"])
    validate_sarif(doc)
    run = doc["runs"][0]
    got = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"],
                  r["locations"][0]["physicalLocation"]["region"]["startColumn"],
                  r["ruleId"], run["tool"]["driver"]["rules"][r["ruleIndex"]]["name"]) for r in run["results"])
    assert got == EXPECTED


def test_acceptance_text_in_colour_reads_the_same(outputs, acceptance_dir):
    ran = run_in_process("--color", "always", "validate", "maps", cwd=acceptance_dir)
    assert "\x1b[" in ran.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", ran.stdout) == outputs["text"]
