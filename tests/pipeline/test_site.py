"""The site stage: a whole project built, rebuilt incrementally, checked, and written safely."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from site_helpers import TODAY, build, example_project, generated_project

from cjm.diagnostics.errors import UsageError
from cjm.pipeline.site import MANIFEST, SiteRequest, build_site, read_metrics


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CJM_CACHE_DIR", str(folder))
    monkeypatch.delenv("CJM_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def example(tmp_path, cache) -> Path:
    return example_project(tmp_path / "project")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*.html")}


def test_the_example_project_becomes_a_site(example):
    result = build(example)
    out = example / "build" / "site"  # the default site.out
    assert result.out == out or Path(result.out).resolve() == out.resolve()
    assert (result.maps, result.checked, sorted(result.drawn)) == (2, 2, ["maps/booking.yaml",
                                                                           "maps/post-trip-support.yaml"])
    assert not result.failed and not result.reports
    pages = files_of(out)
    for page in ("index.html", "search.html", "backlog.html", "evidence.html", "maps/booking.html",
                 "personas/family-planner.html", "channels/web.html", "kpis/nps.html", MANIFEST):
        assert page in pages, page
    manifest = json.loads(pages[MANIFEST])
    assert manifest["format"] == "cjm-site" and set(manifest["maps"]) == {"maps/booking.yaml",
                                                                          "maps/post-trip-support.yaml"}
    assert result.pages == len(manifest["pages"]) == len([p for p in pages if p.endswith(".html")])


def test_same_maps_same_date_same_bytes_wherever_it_is_built(example, tmp_path):
    build(example, tmp_path / "one")
    build(example, tmp_path / "two")
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")


def test_a_rebuild_draws_only_the_map_that_changed(tmp_path, cache):
    project = generated_project(tmp_path / "portfolio", maps=12)
    out = tmp_path / "site"
    first = build(project, out)
    assert len(first.drawn) == 12
    before = mtimes(out)
    again = build(project, out)
    assert (again.drawn, again.checked, again.written, again.removed) == ([], 0, [], [])
    assert mtimes(out) == before  # nothing rewritten
    changed = next((project / "maps").rglob("0003.yaml"))  # in no current/future pair: no other bar names it
    rel = changed.relative_to(project).as_posix()
    changed.write_text(changed.read_text().replace('title: "', 'title: "Renamed: ', 1))
    third = build(project, out)
    assert third.drawn == [rel]
    assert "index.html" in third.written and "search.html" in third.written
    after = mtimes(out)
    untouched = [p for p in before if p.startswith("maps/") and p != rel[:-len(".yaml")] + ".html"]
    assert [p for p in untouched if after[p] != before[p]] == [], "pages of unchanged maps were rewritten"
    assert "Renamed: " in (out / "index.html").read_text()


def test_a_future_map_is_rechecked_when_its_current_map_changes(tmp_path, cache):
    project = generated_project(tmp_path / "portfolio", maps=4)  # 0000 current, 0001 future of it
    out = tmp_path / "site"
    build(project, out)
    current = next((project / "maps").rglob("0000.yaml"))
    current.write_text(current.read_text().replace('title: "', 'title: "Now: ', 1))
    result = build(project, out)
    assert result.checked == 2 and len(result.drawn) == 1  # the future map: checked (its gap), not redrawn
    gap = next((out / "gaps").rglob("0001.html")).read_text()
    assert "Now: " in gap


def test_without_the_cache_maps_are_checked_again_but_not_redrawn(example, monkeypatch, tmp_path):
    build(example, tmp_path / "site")
    monkeypatch.setenv("CJM_NO_CACHE", "1")
    result = build(example, tmp_path / "site")
    assert result.checked == 2 and result.drawn == [] and result.written == []


def test_a_changed_catalogue_redraws_every_map(example, tmp_path):
    build(example, tmp_path / "site")
    shared = example / "shared" / "personas.yaml"
    shared.write_text(shared.read_text().replace("name: Sofia Almeida", "name: Sofia Almeida-Reis"))
    result = build(example, tmp_path / "site")
    assert len(result.drawn) == 2
    assert "Sofia Almeida-Reis" in (tmp_path / "site" / "maps" / "booking.html").read_text()


def test_a_map_with_errors_is_left_out_reported_and_its_old_page_removed(example, tmp_path):
    out = tmp_path / "site"
    build(example, out)
    assert (out / "maps" / "booking.html").exists()
    booking = example / "maps" / "booking.yaml"
    booking.write_text(booking.read_text().replace("personas: [family-planner, business-traveller]",
                                                   "personas: [family-planer, business-traveller]", 1))
    result = build(example, out)
    assert result.failed
    assert [f.code for r in result.reports for f in r.findings] == ["CJM302"] * len(result.reports[0].findings)
    assert "maps/booking.html" in result.removed and not (out / "maps" / "booking.html").exists()
    assert "Not published" in (out / "index.html").read_text()
    assert json.loads((out / MANIFEST).read_text())["failed"]


def test_a_removed_map_takes_its_page_with_it(example, tmp_path):
    out = tmp_path / "site"
    build(example, out)
    (example / "maps" / "post-trip-support.yaml").unlink()
    result = build(example, out)
    assert "maps/post-trip-support.html" in result.removed
    assert not (out / "maps" / "post-trip-support.html").exists()
    assert build(example, out, check=True).problems == []


def test_check_passes_on_a_fresh_site_and_names_page_and_link_when_broken(example, tmp_path):
    out = tmp_path / "site"
    build(example, out)
    assert build(example, out, check=True).problems == []
    index = out / "index.html"
    index.write_text(index.read_text().replace("</main>", '<a href="personas/nobody.html">x</a></main>'))
    (out / "kpis" / "nps.html").unlink()
    problems = build(example, out, check=True).problems
    assert "index.html: broken link (no such file): personas/nobody.html" in problems
    assert "index.html: changed since cjm built it" in problems
    assert "kpis/nps.html: missing (the site lists it, the folder does not hold it)" in problems
    assert "kpis/index.html: broken link (no such file): ../kpis/nps.html" in problems


def test_check_says_when_maps_changed_since_the_build(example, tmp_path):
    out = tmp_path / "site"
    build(example, out)
    booking = example / "maps" / "booking.yaml"
    booking.write_text(booking.read_text() + "\n# a comment\n")
    assert build(example, out, check=True).problems == [
        "maps/booking.yaml: changed since the site was built; run `cjm site`"]


def test_check_without_a_site(example, tmp_path):
    problems = build(example, tmp_path / "nothing", check=True).problems
    assert len(problems) == 1 and "no site built by cjm here" in problems[0]


def test_it_never_writes_through_a_planted_link(example, tmp_path):
    out = tmp_path / "site"
    build(example, out)
    target = tmp_path / "elsewhere.html"
    target.write_text("mine")
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(target)
    (example / "maps" / "booking.yaml").write_text((example / "maps" / "booking.yaml").read_text() + "\n")
    with pytest.raises(UsageError, match="symbolic link"):
        build(example, out)
    assert target.read_text() == "mine"


def test_site_out_must_stay_inside_the_project(example):
    config = example / "cjm.yaml"
    config.write_text(config.read_text() + "site:\n  out: ../outside\n")
    with pytest.raises(UsageError, match="outside the project"):
        build(example)


def test_site_settings_in_cjm_yaml(example, tmp_path):
    config = example / "cjm.yaml"
    config.write_text(config.read_text() + "site:\n  title: Horizon journeys\n  out: public\n"
                      "  weights: {customer_value: 0, business_value: 0, effort: 1}\n")
    result = build(example)
    assert Path(result.out).name == "public"
    index = (example / "public" / "index.html").read_text()
    assert "<title>Every map · Horizon journeys</title>" in index
    assert "weights 0, 0 and 1" in (example / "public" / "backlog.html").read_text()


def test_metrics_snapshots_are_read_and_bad_ones_skipped_with_a_note(tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    good = {"format": "cjm-metrics", "version": 1,
            "provenance": {"time_range": {"from": "2026-10-01T00:00:00Z", "to": "2026-10-31T23:59:59Z"}},
            "metrics": {"funnel.conversion": 0.02, "funnel.entered": 1000, "bad": "x", "nan": None}}
    (folder / "2026-10.json").write_text(json.dumps(good))
    (folder / "notes.json").write_text('{"format": "something else"}')
    (folder / "broken.json").write_text("{")
    snapshots, notes = read_metrics(folder, tmp_path)
    assert snapshots == [{"file": "metrics/2026-10.json", "from": "2026-10-01T00:00:00Z",
                          "to": "2026-10-31T23:59:59Z", "metrics": {"funnel.conversion": 0.02, "funnel.entered": 1000}}]
    assert [n.split(":")[0] for n in notes] == ["metrics/broken.json", "metrics/notes.json"]
    assert read_metrics(tmp_path / "none", tmp_path) == ([], [])


def test_a_generated_portfolio_with_metrics_history(tmp_path, cache):
    project = generated_project(tmp_path / "portfolio", maps=8)
    result = build(project, tmp_path / "site")
    assert not result.failed and result.maps == 8 and result.notes == []
    kpi = (tmp_path / "site" / "kpis" / "conversion.html").read_text()
    assert kpi.count("<circle class=\"history-dot\"") == 6
    assert (tmp_path / "site" / "gaps").is_dir()


def test_the_request_date_defaults_to_source_date_epoch(example, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    os.chdir(example)
    result = build_site(SiteRequest(None, str(tmp_path / "site"), jobs=1))
    assert "as of 2026-12-01" in (Path(result.out) / "index.html").read_text()
    assert TODAY.isoformat() == "2026-12-01"
