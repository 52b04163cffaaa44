"""A project's catalogues are indexed once; research is known to every catalogue."""

from __future__ import annotations

from cjm.pipeline.catalogues import build_project_index
from cjm.pipeline.project import load_project


def test_a_persona_may_cite_research_from_a_catalogue_later_in_file_order(tmp_path):
    (tmp_path / "cjm.yaml").write_text('cjm: 1\nmaps: ["maps/*.yaml"]\ncatalogs: ["shared/*.yaml"]\n')
    shared = tmp_path / "shared"
    shared.mkdir()
    # "personas" sorts before "research": the persona is checked first.
    (shared / "personas.yaml").write_text(
        "cjm: 1\nkind: catalog\npersonas:\n  - {id: sam, name: Sam, goals: [Shoes], based_on: [survey]}\n")
    (shared / "research.yaml").write_text(
        "cjm: 1\nkind: catalog\nresearch:\n  - {id: survey, title: Survey, method: survey, date: 2026-01-05}\n")
    project = load_project(tmp_path / "cjm.yaml")
    index, checked = build_project_index(project, {})
    assert [f.code for c in checked for f in c.report.findings] == []
    assert index.get("research", "survey").file == "shared/research.yaml" or \
        index.get("research", "survey").file.endswith("research.yaml")
    assert index.get("persona", "sam") is not None


def test_an_unknown_research_id_in_a_catalogue_is_still_reported(tmp_path):
    (tmp_path / "cjm.yaml").write_text('cjm: 1\ncatalogs: ["shared/*.yaml"]\n')
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "personas.yaml").write_text(
        "cjm: 1\nkind: catalog\npersonas:\n  - {id: sam, name: Sam, goals: [Shoes], based_on: [nowhere]}\n")
    _index, checked = build_project_index(load_project(tmp_path / "cjm.yaml"), {})
    assert [f.code for c in checked for f in c.report.findings] == ["CJM317"]
