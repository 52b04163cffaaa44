"""``cjm rules``: every code cjm reports in one table with a header row, and
each rule's documentation and options."""

from __future__ import annotations

import json
import re

import pytest

from cjm.diagnostics.codes import CODES, ordered
from cjm.rules import load_builtin_rules

REGISTRY = load_builtin_rules()


def table(text: str) -> list[list[str]]:
    """Rows of the text table, cut at two or more spaces."""
    return [re.split(r"\s{2,}", line.rstrip()) for line in text.splitlines()]


def test_the_table_has_a_header_and_a_row_for_every_code_in_order(cjm):
    ran = cjm("rules")
    assert ran.returncode == 0 and ran.stderr == ""
    rows = table(ran.stdout)
    assert rows[0] == ["CODE", "NAME", "FAMILY", "SEVERITY", "SILENCE", "SUMMARY"]
    assert [r[0] for r in rows[1:]] == [c.code for c in ordered()]
    for row, code in zip(rows[1:], ordered()):
        assert row == [code.code, code.name, code.family, code.severity.label, "yes" if code.silenceable else "no",
                       code.summary]


@pytest.mark.parametrize("family", ["config", "load", "schema", "rule", "format", "import", "diff"])
def test_every_family_is_listed_not_only_the_rules(cjm, family):
    listed = {r[2] for r in table(cjm("rules").stdout)[1:]}
    assert family in listed


def test_the_columns_line_up(cjm):
    lines = cjm("rules").stdout.splitlines()
    header = lines[0]
    for column in ("NAME", "FAMILY", "SEVERITY", "SILENCE", "SUMMARY"):
        at = header.index(column)
        assert all(line[at - 2:at] == "  " and line[at] != " " for line in lines), column


def test_json_lists_every_code_with_its_rule_details(cjm):
    rows = json.loads(cjm("rules", "-f", "json").stdout)
    assert [r["code"] for r in rows] == [c.code for c in ordered()]
    by_code = {r["code"]: r for r in rows}
    assert by_code["CJM101"] == {"code": "CJM101", "name": "yaml-syntax", "family": "load", "severity": "error",
                                 "silenceable": False, "summary": CODES["CJM101"].summary, "applies_to": [],
                                 "options": {}, "doc": CODES["CJM101"].summary}
    assert by_code["CJM315"]["options"] == {"max_age_days": {"type": "int", "default": 120,
                                                             "help": REGISTRY["CJM315"].options["max_age_days"].help}}
    for code, r in REGISTRY.items():
        assert by_code[code]["doc"] == r.doc and by_code[code]["applies_to"] == list(r.applies_to)


@pytest.mark.parametrize("key", ["unknown-persona", "CJM302", "cjm302", "Unknown-Persona"])
def test_one_rule_by_name_or_code(cjm, key):
    ran = cjm("rules", key)
    assert ran.returncode == 0
    first, blank, *doc = ran.stdout.splitlines()
    assert first == "CJM302 unknown-persona (rule, default error)" and blank == ""
    assert "\n".join(doc) == REGISTRY["CJM302"].doc
    assert "Options" not in ran.stdout  # it has none


def test_a_rule_with_options_prints_them_with_type_and_default(cjm):
    out = cjm("rules", "stale-review").stdout
    assert out.startswith("CJM315 stale-review (rule, default info)\n")
    assert "\nOptions (in cjm.yaml: rules: {stale-review: {option: value}}):\n" in out
    assert "  max_age_days (int, default 120): days after `reviewed:` before the map counts as stale\n" in out


@pytest.mark.parametrize("code", [c.code for c in ordered() if not c.silenceable])
def test_a_code_that_is_not_a_rule_says_it_cannot_be_silenced(cjm, code):
    row = CODES[code]
    out = cjm("rules", code).stdout
    assert out == f"{code} {row.name} ({row.family}, default {row.severity.label}, cannot be silenced)\n\n" \
                  f"{row.summary}\n"


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_rules_page_has_its_bad_and_good_example(cjm, code):
    out = cjm("rules", code).stdout
    assert re.search(r"^Bad\b.*:$", out, re.M) and re.search(r"^Good\b.*:$", out, re.M), out


def test_one_code_as_json(cjm):
    rows = json.loads(cjm("rules", "CJM315", "--format", "json").stdout)
    assert [r["name"] for r in rows] == ["stale-review"]


def test_an_unknown_name_suggests_the_closest(cjm):
    ran = cjm("rules", "unknown-persno")
    assert ran.returncode == 2 and ran.stdout == ""
    assert "unknown code or rule 'unknown-persno'" in ran.stderr and "(`cjm rules` lists them)" in ran.stderr
    assert "did you mean 'unknown-persona'?" in ran.stderr


def test_an_unknown_format(cjm):
    ran = cjm("rules", "-f", "yaml")
    assert ran.returncode == 2 and "--format takes text or json; got 'yaml'" in ran.stderr
