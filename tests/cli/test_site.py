"""`cjm site` on the command line: what it says, its exit codes, and --check naming page and link; and
the site it builds in Debian's real headless Chromium: every page loads clean from file:// (no console
errors, no CSP violations, no request outside the site), navigation and search work, on
examples/project and on a generated portfolio (benchmarks/site.py)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from browser import browser, chromium_missing, open_page
from site_helpers import build, example_project, generated_project

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


# --- the site in a real browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    import os

    base = tmp_path_factory.mktemp("sites")
    old = os.environ.get("CJM_CACHE_DIR")
    os.environ["CJM_CACHE_DIR"] = str(base / "cache")
    try:
        example = example_project(base / "example")
        build(example, base / "example-site")
        portfolio = generated_project(base / "portfolio", maps=16)
        build(portfolio, base / "portfolio-site")
    finally:
        if old is None:
            os.environ.pop("CJM_CACHE_DIR", None)
        else:
            os.environ["CJM_CACHE_DIR"] = old
    return {"example": base / "example-site", "portfolio": base / "portfolio-site"}


def assert_clean(p, site: Path) -> None:
    assert p.errors == [], p.errors
    assert p.console_errors() == [], p.console_errors()
    assert p.csp_violations() == [], p.csp_violations()
    assert p.dialogs == [], p.dialogs
    for url in p.requests:  # documents of the site only: nothing from the network
        parsed = urlparse(url)
        assert parsed.scheme == "file", url
        assert Path(unquote(parsed.path)).resolve().is_relative_to(site.resolve()), url


def follow(p, selector: str) -> None:
    with p.page.expect_navigation():
        p.page.locator(selector).first.click()


@pytest.mark.parametrize("which", ["example", "portfolio"])
@pytest.mark.browser
def test_every_page_loads_clean(chromium, sites, which):
    site = sites[which]
    pages = sorted(site.rglob("*.html"))
    if which == "portfolio":  # every kind of page, not all 16 maps
        pages = [x for x in pages if not x.match("maps/*/*.html")] + sorted(site.glob("maps/*/*.html"))[:3]
    for path in pages:
        with open_page(chromium, path) as p:
            assert p.page.title(), path
            assert_clean(p, site)


@pytest.mark.browser
@pytest.mark.parametrize("which", ["example", "portfolio"])
def test_navigation_from_the_index_through_a_map_a_persona_and_back(chromium, sites, which):
    site = sites[which]
    with open_page(chromium, site / "index.html") as p:
        first_map = p.page.locator("#maps-table tbody tr .map-title a").first
        title = first_map.inner_text()
        follow(p, "#maps-table tbody tr .map-title a")
        assert "/maps/" in p.page.url and p.page.title() == title
        assert p.page.locator(".cjm-site-bar").is_visible()
        assert p.page.locator(".map-frame svg").first.is_visible()  # the interactive map itself
        follow(p, ".cjm-site-bar .cjm-site-group a[href*='personas/']")
        assert "/personas/" in p.page.url
        assert p.page.locator(".curve-card").count() >= 1
        follow(p, f".link-list a:text-is(\"{title}\")")
        assert p.page.title() == title
        follow(p, ".cjm-site-home")
        assert p.page.url.endswith("/index.html")
        for label, part in [("Backlog", "backlog.html"), ("Evidence", "evidence.html"), ("KPIs", "kpis/index.html"),
                            ("Channels", "channels/index.html"), ("Personas", "personas/index.html")]:
            follow(p, f".site-nav a:text-is('{label}')")
            assert p.page.url.endswith(part)
            follow(p, ".brand")
        assert_clean(p, site)


@pytest.mark.browser
@pytest.mark.parametrize("which, query", [("example", "refund"), ("portfolio", "shipping")])
def test_search_from_any_page_finds_text_and_leads_to_it(chromium, sites, which, query):
    site = sites[which]
    with open_page(chromium, site / "personas" / "index.html") as p:
        p.page.fill("#site-search-q", query)
        with p.page.expect_navigation():
            p.page.press("#site-search-q", "Enter")
        assert p.page.url.endswith(f"search.html#q={query}")
        results = p.page.locator("#search-results li")
        results.first.wait_for()
        assert results.count() >= 1
        assert query in p.page.locator("#search-results").inner_text().lower()
        assert "result" in p.page.locator("#search-status").inner_text()
        # Typing refines the results live.
        p.page.fill("#search-q", query + " zzzz-nothing-matches")
        from playwright.sync_api import expect

        expect(p.page.locator("#search-status")).to_have_text("Nothing found.")
        p.page.fill("#search-q", query)
        results.first.wait_for()
        href = results.first.locator("a").get_attribute("href")
        follow(p, "#search-results li a")
        assert p.page.url.split("#")[0].endswith(href.split("#")[0].lstrip("./"))
        assert_clean(p, site)


@pytest.mark.browser
def test_tables_sort_and_filter(chromium, sites):
    site = sites["portfolio"]
    with open_page(chromium, site / "index.html") as p:
        titles = p.page.locator("#maps-table tbody tr .map-title a")
        before = titles.all_inner_texts()
        p.page.locator("#maps-table thead th button").first.click()
        ascending = titles.all_inner_texts()
        assert ascending == sorted(before, key=str.lower)
        p.page.locator("#maps-table thead th button").first.click()
        assert titles.all_inner_texts() == list(reversed(ascending))
        p.page.fill("input[data-filter='maps-table']", "future state")
        visible = [r for r in p.page.locator("#maps-table tbody tr").all() if r.is_visible()]
        assert visible and all("future state" in r.inner_text().lower() for r in visible)
        assert_clean(p, site)


@pytest.mark.browser
def test_a_current_map_links_its_future_and_the_gap_view(chromium, sites):
    site = sites["portfolio"]
    with open_page(chromium, site / "index.html") as p:
        follow(p, ".pair a:text-is('gap view')")
        assert "/gaps/" in p.page.url
        assert "pain point" in p.page.locator("main").inner_text()
        assert_clean(p, site)


@pytest.mark.browser
def test_the_backlog_matrix_links_to_its_rows(chromium, sites):
    site = sites["example"]
    with open_page(chromium, site / "backlog.html") as p:
        bubble = p.page.locator("svg.matrix a").first
        target = bubble.get_attribute("href")
        bubble.click()
        assert p.page.url.endswith(target)
        assert p.page.locator(target).is_visible()
        assert_clean(p, site)
