"""The text rules of the format (issue 8, item 2): what short and long texts,
ids, links and colours may hold (in the map and in the analytics section alike), and that the three regex dialects that read
the published patterns accept exactly the same strings: pydantic's (Rust's
regex crate), Python's ``re`` (jsonschema) and ECMA-262 (editors), the latter
with and without the ``u`` flag, run by node when it is installed."""

from __future__ import annotations

import json
import shutil
import subprocess

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from cjm.model import analytics, journey

TYPES = {"ShortText": journey.ShortText, "Text": journey.Text, "Id": journey.Id, "Url": journey.Url,
         "Color": journey.Color, "Unit": journey.Unit,
         "EventPattern": analytics.Pattern, "PropertyName": analytics.PropertyName, "Name": analytics.Name,
         "StepId": analytics.StepId}
ADAPTERS = {name: TypeAdapter(t) for name, t in TYPES.items()}
SCHEMAS = {name: adapter.json_schema() for name, adapter in ADAPTERS.items()}

# Characters at the edges of every class: controls, white space, invisible
# characters, separators, non-characters, astral characters, id and link parts.
EDGES = ("\x00\x07\x08\t\n\x0b\x0c\r\x1b\x1f \x7f\x80\x85\x9f\xa0\xad\u034f\u1680\u180e\u2000\u200a\u200b"
         "\u200d\u200f\u2028\u2029\u202a\u202f\u205f\u2060\u206f\u2800\u3000\u3164\ufdd0\ufdef\ufe0f\ufeff"
         "\uffa0\ufffd\ufffe\uffff\U0001f600\U000e0001"
         "aZz09-_#:/.%é€" "https://mailto:#abcdefABCDEF0123456789")
STRINGS = st.one_of(
    st.text(st.sampled_from(EDGES), max_size=12),
    st.builds(lambda a, b: a + b, st.sampled_from(["https://", "mailto:", "#", "", "a"]),
              st.text(st.sampled_from(EDGES), max_size=8)),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
    st.sampled_from(["abc\n", "a-b\n", "#a1b2c3\n", "https://x.example/\n", "Title\n", "a\n\n", "\n"]),
)


def rust_accepts(name: str, value: str) -> bool:
    try:
        ADAPTERS[name].validate_python(value)
        return True
    except ValidationError:
        return False


def python_accepts(name: str, value: str) -> bool:
    return jsonschema.Draft202012Validator(SCHEMAS[name]).is_valid(value)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STRINGS)
def test_pydantic_and_the_published_schema_accept_the_same_strings(value):
    for name in TYPES:
        assert rust_accepts(name, value) == python_accepts(name, value), (name, value)


def _ecma_results(values: list[str]) -> dict[str, list[list[bool]]]:
    """For each type, per value: [without u flag, with u flag] as node sees the
    published pattern and `not` pattern (lengths are checked apart: JavaScript
    counts UTF-16 units, JSON Schema counts characters)."""
    script = """
const [schemas, values] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
for (const [name, s] of Object.entries(schemas)) {
  out[name] = values.map(v => ['', 'u'].map(flag => new RegExp(s.pattern, flag).test(v)
      && !(s.not && new RegExp(s.not.pattern, flag).test(v))));
}
process.stdout.write(JSON.stringify(out));
"""
    patterns = {name: {"pattern": s["pattern"], "not": s.get("not")} for name, s in SCHEMAS.items()}
    done = subprocess.run(["node", "-e", script], input=json.dumps([patterns, values]), capture_output=True,
                          text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def python_pattern_accepts(name: str, value: str) -> bool:
    schema = {k: v for k, v in SCHEMAS[name].items() if k in ("pattern", "not")}
    return jsonschema.Draft202012Validator(schema).is_valid(value)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_ecma_262_reads_the_patterns_as_python_does():
    values = _sampled_values()
    results = _ecma_results(values)
    for name in TYPES:
        for value, (plain, unicode) in zip(values, results[name]):
            expected = python_pattern_accepts(name, value)
            assert plain == unicode == expected, (name, value, plain, unicode, expected)


def _sampled_values() -> list[str]:
    """A deterministic spread of strings: every edge character alone, in text,
    at the end, after a valid prefix, and with a final line break."""
    values = []
    for ch in EDGES:
        values += [ch, "a" + ch, ch + "a", "abc" + ch, "https://x.example/" + ch, "#abcde" + ch,
                   "lee" + ch, ch * 2]
    values += ["abc\n", "a-b\n", "#a1b2c3\n", "https://x.example/\n", "Title\n", "a\n\n", "\n", "", " ",
               "x\ty", "x\ny", "\U0001f600", "\U0001f600\n", "a\u2028", "ok"]
    return values


@pytest.mark.parametrize("name, value, ok", [
    ("ShortText", "Checkout", True), ("ShortText", "Café ☕ 😀", True), ("ShortText", " padded ", True),
    ("ShortText", "", False), ("ShortText", " ", False), ("ShortText", "\u00a0\u200b", False),
    ("ShortText", "a\nb", False), ("ShortText", "a\tb", False), ("ShortText", "a\n", False),
    ("ShortText", "\x1b[31m", False), ("ShortText", "a\x85", False), ("ShortText", "a\u2028", False),
    ("ShortText", "\ufffe", False), ("ShortText", "\ufdd0", False),
    ("Text", "two\nlines\twith a tab\n", True), ("Text", "\n\t ", True), ("Text", "", True),
    ("Text", "a\rb", False), ("Unit", "", True), ("Unit", " ", True), ("Unit", "%\n", False),
    ("Text", "bell\x07", False), ("Text", "a\u2029b", False), ("Text", "a\x00", False),
    ("Id", "lee", True), ("Id", "a-b_c9", True), ("Id", "Lee", False), ("Id", "-a", False), ("Id", "a\n", False),
    ("Url", "https://example.com/x?y=1", True), ("Url", "mailto:a@b.example", True),
    ("Url", "https://example.com/a b", False), ("Url", "https://x\u200b.example", False),
    ("Url", "javascript:alert(1)", False), ("Url", "https://x.example/\n", False),
    ("Color", "#a1B2c3", True), ("Color", "#a1b2c3\n", False), ("Color", "red", False),
    ("EventPattern", "checkout_*", True), ("EventPattern", "page_view\n", False), ("EventPattern", "a\x85", False),
    ("EventPattern", " ", False), ("PropertyName", "device.category", True), ("PropertyName", "a\tb", False),
    ("Name", "events/*.parquet", True), ("Name", "Europe/Berlin\x7f", False), ("StepId", "pay", True),
    ("StepId", "Pay", False),
])
def test_what_each_kind_of_text_accepts(name, value, ok):
    assert rust_accepts(name, value) is ok
    assert python_accepts(name, value) is ok
