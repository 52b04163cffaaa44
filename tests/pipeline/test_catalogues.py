"""A project's shared catalogues, checked and indexed once per run, each
against the ones indexed before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm.pipeline.catalogues import build_project_index
from cjm.pipeline.project import default_project, load_project
from conftest import MINIMAL_MAP

PEOPLE = """\
cjm: 1
kind: catalog
personas:
  - id: sam
    name: Sam
    goals: [Shoes]
channels:
  - id: web
    name: Website
"""
MORE = """\
cjm: 1
kind: catalog
personas:
  - id: lee
    name: Lee
    goals: [Boots]
  - id: sam
    name: Another Sam
    goals: [Socks]
kpis:
  - id: nps
    name: NPS
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """``project(files)``: a project with ``shared/*.yaml`` as its catalogues."""
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str]):
        (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\ncatalogs: ['shared/*.yaml']\n")
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return load_project(tmp_path / "cjm.yaml")

    return make


def test_ids_of_every_catalogue_in_path_order_first_definition_wins(project):
    index, checked = build_project_index(project({"shared/a.yaml": PEOPLE, "shared/b.yaml": MORE}), {})
    assert index.ids("persona") == {"sam", "lee"} and index.ids("channel") == {"web"} and index.ids("kpi") == {"nps"}
    assert (index.get("persona", "sam").file, index.get("persona", "sam").value.name) == ("shared/a.yaml", "Sam")
    assert [c.report.file for c in checked] == ["shared/a.yaml", "shared/b.yaml"]
    assert [c.report.kind for c in checked] == ["catalog", "catalog"]
    # the second catalogue is checked against the first: its sam is a duplicate
    assert [(f.code, str(f.span)) for c in checked for f in c.report.findings] == [("CJM301", "shared/b.yaml:7:9")]


def test_levels_apply_to_catalogues(project):
    _index, checked = build_project_index(project({"shared/a.yaml": PEOPLE, "shared/b.yaml": MORE}),
                                          {"CJM301": "off"})
    assert [f for c in checked for f in c.report.findings] == []


def test_a_map_under_the_catalogue_globs_is_reported_and_not_indexed(project):
    index, checked = build_project_index(project({"shared/oops.yaml": MINIMAL_MAP}), {})
    (only,) = checked
    assert only.model is None
    assert [(f.code, str(f.span)) for f in only.report.findings][0] == ("CJM206", "shared/oops.yaml:1:1")
    assert "kind: catalog" in only.report.findings[0].hint
    assert index.ids("persona") == set()


def test_a_broken_catalogue_is_reported_and_its_ids_are_unknown(project):
    index, checked = build_project_index(project({"shared/a.yaml": PEOPLE.replace("name: Sam", "nam: Sam"),
                                                  "shared/b.yaml": "cjm: 1\nkind: catalog\nkpis: [\n"}), {})
    assert [sorted({f.code for f in c.report.findings}) for c in checked] == [["CJM201", "CJM202"], ["CJM101"]]
    assert all(c.model is None for c in checked)
    assert index.ids("persona") == index.ids("channel") == set()


def test_a_project_without_catalogues(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    index, checked = build_project_index(default_project(Path(tmp_path)), {})
    assert checked == [] and all(index.ids(kind) == set() for kind in ("persona", "channel", "kpi"))


def test_catalogues_are_checked_by_the_rules_that_apply_to_them(project):
    text = PEOPLE.replace("  - id: web\n    name: Website\n", "  - id: web\n    name: Website\n  - id: web\n"
                          "    name: Web again\n")
    _index, checked = build_project_index(project({"shared/a.yaml": text}), {})
    assert [(f.code, f.message) for f in checked[0].report.findings] == [
        ("CJM301", "'web' is defined twice in channels")]
