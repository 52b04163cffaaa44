"""``cjm schema``: the JSON Schemas of the file format and of cjm.yaml, printed
or written into ./schemas/ (what they hold: tests/test_examples.py)."""

from __future__ import annotations

import json

import pytest

from cjm.pipeline import schemas


@pytest.mark.parametrize("args, which", [((), "map"), (("map",), "map"), (("config",), "config")])
def test_prints_the_schema(cjm, tmp_path, args, which):
    ran = cjm("schema", *args, cwd=tmp_path)
    assert ran.returncode == 0 and ran.stderr == ""
    build = schemas.map_schema if which == "map" else schemas.config_schema
    assert ran.stdout == schemas.dumps(build())
    doc = json.loads(ran.stdout)
    assert doc["$id"] == schemas.BASE_ID + schemas.SCHEMA_FILES[which]
    assert doc["$schema"] == schemas.SCHEMA_DRAFT
    assert list(tmp_path.iterdir()) == []  # printing writes nothing


def test_the_printed_schema_is_deterministic(cjm, tmp_path):
    assert cjm("schema", cwd=tmp_path).stdout == cjm("schema", cwd=tmp_path).stdout


def test_write_puts_both_schemas_into_the_schemas_folder(cjm, tmp_path):
    ran = cjm("schema", "--write", cwd=tmp_path)
    assert ran.returncode == 0 and ran.stdout == ""
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(schemas.SCHEMA_FILES.values())
    assert (tmp_path / "schemas" / "cjm.schema.json").read_text() == schemas.dumps(schemas.map_schema())
    assert (tmp_path / "schemas" / "cjm-config.schema.json").read_text() == schemas.dumps(schemas.config_schema())


def test_write_replaces_stale_copies(cjm, tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "cjm.schema.json").write_text("{}")
    assert cjm("schema", "--write", cwd=tmp_path).returncode == 0
    assert (tmp_path / "schemas" / "cjm.schema.json").read_text() == schemas.dumps(schemas.map_schema())


@pytest.mark.parametrize("which", ["catalog", "Map", "json", ""])
def test_an_unknown_schema_is_a_usage_error(cjm, tmp_path, which):
    ran = cjm("schema", which, cwd=tmp_path)
    assert ran.returncode == 2 and ran.stdout == ""
    assert f"unknown schema {which!r}: use map or config" in ran.stderr


def test_write_where_schemas_is_a_file_changes_nothing(cjm, tmp_path):
    (tmp_path / "schemas").write_text("not a folder")
    ran = cjm("schema", "--write", cwd=tmp_path)
    assert ran.returncode != 0 and ran.stderr.startswith("error: ") and "not a folder" in ran.stderr
    assert (tmp_path / "schemas").read_text() == "not a folder"


def test_write_where_schemas_is_a_file_is_a_usage_error(cjm, tmp_path):
    (tmp_path / "schemas").write_text("not a folder")
    assert cjm("schema", "--write", cwd=tmp_path).returncode == 2
