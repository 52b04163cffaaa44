"""`cjm site` on the command line: what it says, its exit codes, and --check naming page and link."""

from __future__ import annotations

import pytest

from site_helpers import example_project

EPOCH = {"SOURCE_DATE_EPOCH": "1796083200"}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("CJM_CACHE_DIR", str(tmp_path / "cache"))
    return example_project(tmp_path / "project")


def test_build_then_check(cjm, project):
    built = cjm("site", cwd=project, env=EPOCH)
    assert built.returncode == 0, built
    assert "built build/site/index.html: 2 map(s), 27 pages; 27 written, 2 map(s) drawn, 2 checked" in built.stderr
    again = cjm("site", cwd=project, env=EPOCH)
    assert "0 written, 0 map(s) drawn, 0 checked" in again.stderr
    checked = cjm("site", "--check", cwd=project, env=EPOCH)
    assert checked.returncode == 0, checked
    assert "the site in build/site is complete: 27 pages" in checked.stderr


def test_check_fails_on_a_planted_broken_link_naming_the_page_and_the_link(cjm, project):
    assert cjm("site", "-o", "public", cwd=project, env=EPOCH).returncode == 0
    page = project / "public" / "personas" / "family-planner.html"
    page.write_text(page.read_text().replace("</main>", '<a href="../maps/no-such-map.html">lost</a></main>'))
    checked = cjm("site", "--check", "-o", "public", cwd=project, env=EPOCH)
    assert checked.returncode == 1
    assert "personas/family-planner.html: broken link (no such file): ../maps/no-such-map.html" in checked.stderr
    assert "problem(s) in the site in public" in checked.stderr


def test_a_missing_asset_is_named_too(cjm, project):
    assert cjm("site", "-o", "public", cwd=project, env=EPOCH).returncode == 0
    page = project / "public" / "index.html"
    page.write_text(page.read_text().replace("</main>", '<img src="img/logo.png" alt=""></main>'))
    checked = cjm("site", "--check", "-o", "public", cwd=project, env=EPOCH)
    assert checked.returncode == 1
    assert "index.html: missing asset (no such file): img/logo.png" in checked.stderr


def test_verbose_lists_what_was_written(cjm, project):
    ran = cjm("-v", "site", "-o", "public", cwd=project, env=EPOCH)
    assert "  wrote public/index.html" in ran.stderr and "  wrote public/maps/booking.html" in ran.stderr
    assert " s  make the portfolio pages" in ran.stderr  # and how long each phase took


def test_a_map_with_errors_exits_1_and_says_why(cjm, project):
    booking = project / "maps" / "booking.yaml"
    booking.write_text(booking.read_text().replace("personas: [family-planner, business-traveller]",
                                                   "personas: [family-planer, business-traveller]", 1))
    ran = cjm("site", cwd=project, env=EPOCH)
    assert ran.returncode == 1
    assert "maps/booking.yaml:" in ran.stderr and "CJM302" in ran.stderr
    assert "1 map(s) left out (errors above)" in ran.stderr


def test_usage_errors_exit_2(cjm, project, tmp_path):
    (tmp_path / "a-file").write_text("x")
    ran = cjm("site", "-o", str(tmp_path / "a-file"), cwd=project)
    assert ran.returncode == 2 and "is a file" in ran.stderr
    assert cjm("site", "no-such-folder", cwd=project).returncode == 2
    assert cjm("site", "--jobs", "99", cwd=project).returncode == 2


def test_a_folder_argument_finds_its_project(cjm, project, tmp_path):
    ran = cjm("site", str(project / "maps"), "-o", str(tmp_path / "out"), cwd=tmp_path, env=EPOCH)
    assert ran.returncode == 0, ran
    assert (tmp_path / "out" / "maps" / "booking.html").is_file()
