"""The published JSON Schema and cjm are one truth (issue 8, item 8).

Documents generated from ``schemas/cjm.schema.json`` (hypothesis-jsonschema)
must pass cjm's loading and schema stages; domain findings (CJM3xx) are fine,
since the schema cannot know which persona ids a map defines. The other way:
documents cjm accepts validate against the schema with ``jsonschema``.
"""

from __future__ import annotations

import json
import os

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, SCHEMAS
from cjm.loader import parse_text
from cjm.model.catalog import ProjectIndex
from cjm.pipeline.check import CheckSettings, check_document
from cjm.pipeline.schemas import dumps, map_schema

hypothesis_jsonschema = pytest.importorskip("hypothesis_jsonschema")

SCHEMA = json.loads((SCHEMAS / "cjm.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_committed_schema_is_what_the_models_generate():
    assert (SCHEMAS / "cjm.schema.json").read_text(encoding="utf-8") == dumps(map_schema())


def cjm_findings(doc: dict) -> list:
    # JSON is YAML; ensure_ascii=False writes characters as they are (a \u
    # escape of an astral character would be a surrogate pair, which YAML refuses).
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    loaded = parse_text("generated.yaml", text)
    return check_document(loaded, CheckSettings(ProjectIndex())).report.findings


def stage_of(code: str) -> str:
    return {"1": "loading", "2": "schema", "3": "rules"}[code[3]]


# hypothesis-jsonschema needs 1-3 s per document of this schema (it canonicalises
# the inlined subschemas on every draw): a few by default, more on demand.
SCHEMA_EXAMPLES = int(os.environ.get("CJM_SCHEMA_EXAMPLES", "12"))


@settings(max_examples=SCHEMA_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(hypothesis_jsonschema.from_schema(SCHEMA))
def test_documents_from_the_schema_pass_loading_and_schema(doc):
    """(CJM_SCHEMA_EXAMPLES=150 runs it longer.)"""
    rejected = [f"{f.code} {f.span} {f.message}" for f in cjm_findings(doc) if stage_of(f.code) != "rules"]
    assert rejected == [], (rejected, doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_emotion_keys_the_schema_accepts_are_ids_cjm_accepts(data):
    key = data.draw(st.text(min_size=1, max_size=8))
    doc = {"cjm": 1, "title": "T", "personas": [{"id": "sam", "name": "Sam"}],
           "stages": [{"id": "s", "name": "S", "touchpoints": [{"id": "t", "name": "T", "emotion": {key: 1}}]}]}
    schema_ok = VALIDATOR.is_valid(doc)
    cjm_ok = not [f for f in cjm_findings(doc) if stage_of(f.code) != "rules"]
    assert schema_ok == cjm_ok, (key, schema_ok, cjm_ok)


def test_the_issue_example_is_refused_by_both():
    doc = {"cjm": 1, "title": "T", "personas": [{"id": "sam", "name": "Sam"}],
           "stages": [{"id": "s", "name": "S", "touchpoints": [{"id": "t", "name": "T",
                                                               "emotion": {"Not An Id": 1}}]}]}
    assert not VALIDATOR.is_valid(doc)
    assert [f.code for f in cjm_findings(doc)] == ["CJM204"]


def yaml_files():
    files = sorted(EXAMPLES.rglob("*.yaml"))
    return [f for f in files if f.name != "cjm.yaml"]


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_maps_cjm_accepts_validate_against_the_schema(path):
    doc = parse_text(path.name, path.read_text(encoding="utf-8"))
    assert doc.data is not None and not doc.findings
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(doc.data)]
    assert errors == []


@pytest.mark.parametrize("text", [
    "a name", "Café ☕", "emoji 😀 ok", "x\u00a0y", "tab-free", "ends with a space ", " starts with one",
])
def test_short_texts_cjm_accepts_the_schema_accepts(text):
    doc = {"cjm": 1, "title": text, "stages": [{"id": "s", "name": text}]}
    assert not [f for f in cjm_findings(doc) if stage_of(f.code) != "rules"]
    assert VALIDATOR.is_valid(doc)


@pytest.mark.parametrize("text", [
    "", " ", "\t", "\u00a0", "\u200b", "line\nbreak", "trailing line break\n", "tab\there", "bell\x07",
    "esc\x1b[31m", "nul\x00", "nel\x85", "ls\u2028", "ps\u2029", "\ufffe", "\uffff", "\ufdd0",
])
def test_short_texts_cjm_refuses_the_schema_refuses(text):
    doc = {"cjm": 1, "title": text, "stages": [{"id": "s", "name": "S"}]}
    assert not VALIDATOR.is_valid(doc), repr(text)
    if text not in ("\ufffe", "\uffff", "\ufdd0"):  # refused in a file before the schema sees them
        assert [f.code for f in cjm_findings(doc)] == ["CJM204"], repr(text)
