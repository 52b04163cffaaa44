"""The one table of codes: unique, grouped in families, only rules silenceable,
found by code or name, and in step with the rule registry."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.diagnostics import Severity
from cjm.diagnostics import codes
from cjm.diagnostics.codes import BY_NAME, CODES, FAMILIES, Code, lookup, ordered
from cjm.locations import Span

ROWS = ordered()

# The hundreds a family's codes use: a code says what it is about at a glance.
FAMILY_PREFIX = {"config": "CJM0", "load": "CJM1", "schema": "CJM2", "rule": "CJM3", "format": "CJM19",
                 "import": "CJM4", "diff": "CJM5"}


def test_codes_and_names_are_unique_and_well_formed():
    assert len({c.code for c in ROWS}) == len({c.name for c in ROWS}) == len(ROWS) == len(CODES) == len(BY_NAME)
    for c in ROWS:
        assert re.fullmatch(r"CJM\d{3}", c.code), c.code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", c.name), c.name
        assert c.summary.endswith(".") and len(c.summary) > 20, c.summary  # a sentence, for `cjm rules`
        assert isinstance(c.severity, Severity)


def test_every_code_belongs_to_a_known_family_and_every_family_is_used():
    assert {c.family for c in ROWS} == set(FAMILIES)
    for family, description in FAMILIES.items():
        assert description


@pytest.mark.parametrize("row", ROWS, ids=lambda c: c.code)
def test_a_codes_number_tells_its_family(row):
    assert row.code.startswith(FAMILY_PREFIX[row.family]), (row.code, row.family)


def test_only_rules_can_be_silenced():
    for c in ROWS:
        assert c.silenceable is (c.family == "rule"), c.code
    assert {c.family for c in ROWS if not c.silenceable} == set(FAMILIES) - {"rule"}


def test_ordered_lists_every_code_by_family_then_code():
    assert sorted(ROWS, key=lambda c: c.code) == sorted(CODES.values(), key=lambda c: c.code)
    families = list(FAMILIES)
    keys = [(families.index(c.family), c.code) for c in ROWS]
    assert keys == sorted(keys)
    assert ROWS[0].family == "config"  # the order of `cjm rules`


@pytest.mark.parametrize("key", ["CJM302", "cjm302", "Cjm302", " CJM302 ", "unknown-persona", "UNKNOWN-PERSONA",
                                 "Unknown-Persona", "\tunknown-persona\n"])
def test_lookup_by_code_or_name_in_any_case(key):
    assert lookup(key) is CODES["CJM302"]


@pytest.mark.parametrize("key", ["", "CJM999", "unknown persona", "unknown_persona", "302", "CJM30"])
def test_lookup_of_something_else_is_none(key):
    assert lookup(key) is None


@settings(deadline=None)
@given(st.sampled_from(ROWS), st.booleans(), st.booleans())
def test_lookup_finds_every_row_both_ways(row, by_name, upper):
    key = row.name if by_name else row.code
    assert lookup(key.upper() if upper else key.lower()) is row


def test_finding_carries_the_rows_code_name_and_default_severity():
    row = CODES["CJM307"]
    f = row.finding("emotion 9 is outside -2..2", Span("m.yaml", 3, 4), path="stages[0]", hint="use 2")
    assert (f.code, f.rule, f.severity, f.message, str(f.span), f.path, f.hint) == (
        "CJM307", "emotion-out-of-scale", Severity.ERROR, "emotion 9 is outside -2..2", "m.yaml:3:4", "stages[0]",
        "use 2")
    assert row.finding("x", Span("m.yaml"), severity=Severity.INFO).severity is Severity.INFO


def test_the_named_handles_are_rows_of_the_table():
    handles = {name: value for name, value in vars(codes).items() if isinstance(value, Code) and name.isupper()}
    assert len(handles) >= 15
    for name, row in handles.items():
        assert CODES[row.code] is row
        assert name.lower().replace("_", "-") in (row.name, "unreadable", "config"), (name, row.name)


def test_every_rule_in_the_registry_has_its_row_and_every_rule_row_its_rule():
    from cjm.rules import load_builtin_rules

    registry = load_builtin_rules()
    rule_rows = {c.code for c in ROWS if c.family == "rule"}
    assert set(registry) == rule_rows, (set(registry) ^ rule_rows)
    for code, r in registry.items():
        assert r.code is CODES[code]
        assert (r.name, r.severity, r.summary) == (CODES[code].name, CODES[code].severity, CODES[code].summary)


def test_a_rule_cannot_be_registered_against_a_code_that_is_not_a_rule():
    from cjm.rules import rule

    with pytest.raises(ValueError, match="not a rule code"):
        rule("CJM101")
    with pytest.raises(KeyError):
        rule("CJM999")
