"""Evidence coverage in `cjm validate -v`: per map, counted as the rule and the site count it; and research
cited across catalogues (cjm.pipeline.catalogues indexes research before it checks them)."""

from __future__ import annotations

from conftest import EXAMPLES

from cjm.pipeline.catalogues import build_project_index
from cjm.pipeline.evidence import coverage_of
from cjm.pipeline.project import load_project


def test_each_valid_map_of_a_project_gets_its_coverage(monkeypatch):
    monkeypatch.chdir(EXAMPLES / "project")
    project = load_project(EXAMPLES / "project" / "cjm.yaml")
    found = coverage_of(["maps/booking.yaml", "maps/post-trip-support.yaml", "shared/personas.yaml", "nope.yaml"],
                        [project])
    assert set(found) == {"maps/booking.yaml", "maps/post-trip-support.yaml"}  # catalogues claim nothing here
    booking = found["maps/booking.yaml"]
    # Catalogue personas count for the map, with the evidence links the catalogue gives them.
    assert booking.by_kind()["persona"] == (2, 2)
    assert booking.sentence().startswith("5 of 18 claims supported (27 %)")


def test_validate_verbose_shows_the_coverage(cjm):
    ran = cjm("-v", "validate", cwd=EXAMPLES / "project")
    assert ran.returncode == 0, ran
    assert "  maps/booking.yaml: map, 0 finding(s)\n    evidence: 5 of 18 claims supported (27 %): " \
           "emotions 1/10, pain points 2/6, personas 2/2\n" in ran.stderr


def test_a_file_outside_any_project_is_counted_without_catalogues(tmp_path, monkeypatch):
    (tmp_path / "m.yaml").write_text("cjm: 1\ntitle: T\nstages:\n  - id: a\n    name: A\n    touchpoints:\n"
                                     "      - {id: t, name: T, emotion: 1}\n")
    monkeypatch.chdir(tmp_path)
    found = coverage_of(["m.yaml"], [])
    assert found["m.yaml"].sentence() == "0 of 1 claims supported (0 %): emotions 0/1"


# --- research across catalogues ------------------------------------------------


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
