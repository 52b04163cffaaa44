"""The portfolio pages: what each shows, a strict CSP, escaped text, links that resolve."""

from __future__ import annotations

import datetime as dt
import json
import re
import html

from site_helpers import SHOP, SHOP_FUTURE, summary_of

from cjm.render.html import sha256_source
from cjm.site.links import check
from cjm.site.pages import asset, build, today_from
from cjm.site.portfolio import Portfolio, SiteOptions

SNAPSHOTS = [{"file": "metrics/2026-01.json", "from": "2026-01-01T00:00:00Z", "to": "2026-01-31T23:59:59Z",
              "metrics": {"funnel.conversion": 0.021}},
             {"file": "metrics/2026-02.json", "from": "2026-02-01T00:00:00Z", "to": "2026-02-28T23:59:59Z",
              "metrics": {"funnel.conversion": 0.026}}]


def site(shop: str = SHOP):
    p = Portfolio.build([summary_of(shop, "maps/shop.yaml"), summary_of(SHOP_FUTURE, "maps/shop-future.yaml", current=shop)],
                        options=SiteOptions(title="Shoe shop", today=dt.date(2026, 12, 1)), metrics=SNAPSHOTS,
                        failed=["maps/broken.yaml"])
    return p, build(p, {"maps/shop.yaml": {"stage-browse", "pain-points"}})


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_every_page_is_there():
    _p, out = site()
    assert sorted(out.pages) == [
        "backlog.html", "channels/index.html", "channels/web.html", "evidence.html", "gaps/shop-future.html",
        "index.html", "kpis/conversion.html", "kpis/index.html", "personas/index.html", "personas/lee.html",
        "personas/sam.html", "search.html"]


def test_every_page_has_a_strict_csp_that_allows_exactly_its_own_style_and_script():
    _p, out = site()
    for name, page in out.pages.items():
        csp = html.unescape(re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1))
        assert csp.startswith("default-src 'none'"), name
        styles = re.findall(r"<style>(.*?)</style>", page, re.S)
        scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
        assert [sha256_source(s) for s in styles] == [sha256_source(asset("site.css"))]
        assert f"style-src {sha256_source(styles[0])}" in csp and f"script-src {sha256_source(scripts[0])}" in csp
        assert "http://" not in csp and "'unsafe" not in csp
        assert 'style="' not in page, f"{name}: an inline style attribute the CSP would block"


def test_links_between_pages_resolve():
    _p, out = site()
    files = dict(out.pages)
    files["maps/shop.html"] = '<h2 id="stage-browse"></h2><h2 id="pain-points"></h2>'
    files["maps/shop-future.html"] = ""
    assert [str(x) for x in check(files)] == []


def test_the_index():
    _p, out = site()
    text = text_of(out.pages["index.html"])
    assert "2 journey maps, 2 personas, 2 pain points" in text
    assert "Shoe shop, current state" in text and "improved by Shoe shop, future state" in text
    assert "Not published" in text and "maps/broken.yaml" in text
    assert "1 critical" in text


def test_a_persona_page_links_its_journeys_with_curves_side_by_side():
    _p, out = site()
    page = out.pages["personas/sam.html"]
    assert page.count('class="curve-card"') == 2
    assert '<a href="../maps/shop.html">Shoe shop, current state</a>' in page
    assert "Checkout survey" in text_of(page)  # its evidence
    assert text_of(page).index("Five-step checkout") < text_of(page).index("Shipping cost hidden")  # worst first


def test_a_kpi_page_shows_target_actual_and_history():
    _p, out = site()
    text = text_of(out.pages["kpis/conversion.html"])
    assert "measured by funnel.conversion" in text
    assert "Off target" in text
    assert "2026-01-31 2.1 %" in text and "2026-02-28 2.6 %" in text
    assert 'class="history-line"' in out.pages["kpis/conversion.html"]


def test_the_backlog_has_a_table_and_a_matrix():
    _p, out = site()
    page = out.pages["backlog.html"]
    assert '<svg class="matrix"' in page and "Quick wins" in page
    assert 'id="item-1"' in page and "One-page checkout" in page


def test_the_gap_view_of_a_pair():
    _p, out = site()
    text = text_of(out.pages["gaps/shop-future.html"])
    assert "Improves on Shoe shop, current state" in text
    assert "1 pain point resolved" in text or "pain points resolved" in text


def test_search_holds_every_document_as_json_that_cannot_close_its_block():
    hostile = SHOP.replace("title: Shoe shop, current state", 'title: "</script><script>alert(1)</script>"')
    _p, out = site(hostile)
    page = out.pages["search.html"]
    block = re.search(r'<script type="application/json" id="search-index">(.*?)</script>', page, re.S).group(1)
    docs = json.loads(block)
    assert ["map", "</script><script>alert(1)</script>"] == docs[0][:2] or \
        any(d[1] == "</script><script>alert(1)</script>" for d in docs)
    assert "<script>alert" not in page


def test_map_text_is_escaped_on_every_page():
    hostile = SHOP.replace("name: Sam,", 'name: "<b onclick=x>Sam</b>",').replace(
        "title: Five-step checkout", 'title: "<img src=x onerror=alert(1)>"')
    _p, out = site(hostile)
    for name, page in out.pages.items():
        assert "<img src=x" not in page and "<b onclick" not in page, name


def test_the_build_date_comes_from_source_date_epoch():
    assert today_from("1796083200") == dt.date(2026, 12, 1)
    assert today_from(None) == dt.date.today() and today_from("soon") == dt.date.today()


def test_the_same_input_gives_the_same_pages():
    _p, one = site()
    _p, two = site()
    assert one.pages == two.pages
