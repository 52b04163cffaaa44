"""Projects (cjm.yaml / [tool.cjm]) and the schema checks of single files.

How each schema error is worded and placed is tests/model/test_errors.py;
here: a document that fails the schema stops the later checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm.loader import parse_text
from cjm.pipeline.check import CheckSettings, check_document
from cjm.pipeline.validate import ValidateRequest, validate
from cjm.diagnostics.errors import ConfigError
from cjm.pipeline.project import find_config, glob_to_regex, load_project
from cjm.model.catalog import ProjectIndex

BASE = """\
cjm: 1
title: Shop
goal: Buy shoes
personas:
  - id: sam
    name: Sam
    goals: [Buy]
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: cart
        name: Cart
        emotion: 1
"""


def findings(text: str):
    doc = parse_text("m.yaml", text)
    return check_document(doc, CheckSettings(ProjectIndex())).report.findings


def test_base_map_is_clean():
    assert findings(BASE) == []


def test_rules_do_not_run_on_a_document_that_failed_the_schema():
    text = BASE.replace("emotion: 1", "emotion: 9").replace("title: Shop", "titel: Shop")
    # The typo gives an unknown key and a missing title; the emotion of 9 is not reported yet.
    assert [(f.code, f.span.line) for f in findings(text)] == [("CJM202", 1), ("CJM201", 2)]


def test_a_duplicate_key_stops_the_later_checks():
    text = BASE.replace("        emotion: 1", "        emotion: 1\n        emotion: 9\n        chanel: x")
    got = findings(text)
    assert [(str(f.span), f.code, f.rule) for f in got] == [("m.yaml:15:9", "CJM102", "duplicate-key")]
    assert "first defined at line 14, column 9" in got[0].message


# --- projects ---------------------------------------------------------------


def test_find_config_walks_up_and_prefers_cjm_yaml(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cjm]\nmaps = ['*.yaml']\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / "pyproject.toml"
    (tmp_path / "a" / "cjm.yaml").write_text("cjm: 1\n")
    assert find_config(deep) == tmp_path / "a" / "cjm.yaml"
    assert find_config(deep / "x.yaml") == tmp_path / "a" / "cjm.yaml"


def test_pyproject_without_tool_cjm_is_not_a_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    # tmp_path's parents hold no config on a normal machine; the search stops at /.
    found = find_config(tmp_path)
    assert found is None or tmp_path not in found.parents and found.parent != tmp_path


def test_tool_cjm_in_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cjm]\nmaps = ['maps/*.yaml']\nfail_level = 'warning'\n"
                                             "[tool.cjm.rules]\nmissing-goal = 'off'\n")
    project = load_project(tmp_path / "pyproject.toml")
    assert project.config.maps == ["maps/*.yaml"]
    assert project.config.rules == {"missing-goal": "off"}
    assert project.config.fail_level == "warning"


def test_broken_pyproject_is_a_config_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.cjm]\nmaps = [\n")
    with pytest.raises(ConfigError) as info:
        load_project(tmp_path / "pyproject.toml")
    assert info.value.findings[0].code == "CJM001"


@pytest.mark.parametrize("text,where,words", [
    ("cjm: 1\nmapz: ['*.yaml']\n", "2:1", "unknown key 'mapz'"),
    ("cjm: 1\nrules:\n  missing-goal: loud\n", "3:17", "must be one of error, warning, info, off"),
    ("cjm: 1\nmaps: '*.yaml'\n", "2:7", "maps must be a list"),
    ("cjm: 1\nmaps: [a\n", "3:1", ""),
    ("cjm: 1\ncjm: 1\n", "2:1", "duplicate key 'cjm'"),
])
def test_broken_cjm_yaml_is_a_config_error_with_its_place(tmp_path, monkeypatch, text, where, words):
    (tmp_path / "cjm.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_project(Path("cjm.yaml"))
    f = info.value.findings[0]
    assert f"{f.span.line}:{f.span.column}" == where, f"{f.span} {f.message}"
    assert f.span.file == "cjm.yaml"
    assert words in f.message


@pytest.mark.parametrize("pattern,path,match", [
    ("**/*.yaml", "a.yaml", True),
    ("**/*.yaml", "a/b/c.yaml", True),
    ("maps/*.yaml", "maps/a.yaml", True),
    ("maps/*.yaml", "maps/x/a.yaml", False),
    ("maps/**", "maps/x/a.yaml", True),
    ("./maps/?.yaml", "maps/a.yaml", True),
    ("./maps/?.yaml", "maps/ab.yaml", False),
    ("a.b.yaml", "aXb.yaml", False),
])
def test_globs(pattern, path, match):
    assert bool(glob_to_regex(pattern).match(path)) is match


def test_project_lists_maps_and_catalogues_and_skips_the_rest(tmp_path):
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: ['**/*.yaml']\ncatalogs: ['shared/*.yaml']\n"
                                       "exclude: ['drafts/**']\nrender: {out: site}\n")
    for rel in ("a.yaml", "maps/b.yml", "maps/c.yaml", "shared/p.yaml", "drafts/d.yaml", "site/e.yaml",
                ".hidden/f.yaml", "node_modules/g.yaml", "maps/.h.yaml", "notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x: 1\n")
    project = load_project(tmp_path / "cjm.yaml")
    rel = lambda ps: sorted(p.relative_to(tmp_path).as_posix() for p in ps)  # noqa: E731
    assert rel(project.catalog_files()) == ["shared/p.yaml"]
    assert rel(project.map_files()) == ["a.yaml", "maps/c.yaml"]  # *.yaml does not match b.yml
    assert project.owns(tmp_path / "maps" / "c.yaml")
    assert not project.owns(tmp_path / "drafts" / "d.yaml")


def test_validate_without_paths_checks_the_whole_project(tmp_path, monkeypatch):
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\n")
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "a.yaml").write_text(BASE)
    (tmp_path / "maps" / "b.yaml").write_text(BASE.replace("emotion: 1", "emotion: 7"))
    (tmp_path / "other.yaml").write_text("not: a map\n")
    monkeypatch.chdir(tmp_path)
    result = validate(ValidateRequest([], jobs=1)).report
    assert [r.file for r in result.reports] == ["maps/a.yaml", "maps/b.yaml"]
    assert [(str(f.span), f.code) for f in result.findings] == [("maps/b.yaml:14:18", "CJM307")]
