"""One map's pieces of the portfolio pages: content, links, and escaping."""

from __future__ import annotations

import datetime as dt

from site_helpers import SHOP, summary_of

from cjm.site import fragments
from cjm.site.portfolio import MapInfo, SiteOptions

OPTIONS = SiteOptions(today=dt.date(2026, 12, 1), review_max_age=30)


def shop(text: str = SHOP) -> MapInfo:
    return MapInfo("maps/shop.yaml", "maps/shop.html", summary_of(text, "maps/shop.yaml"))


def test_the_index_row_says_what_the_index_columns_promise():
    row = fragments.index_row(shop(), OPTIONS)
    assert '<a href="maps/shop.html">Shoe shop, current state</a>' in row
    assert "61 days ago, stale" in row  # older than the 30 days of review_max_age
    assert "1 critical" in row and "1 high" in row
    assert "50 %" in row and ">3/6<" in row
    assert '<a class="persona-chip" href="personas/sam.html" title="Sam">Sam</a>' in row
    assert fragments.PAIRS in row


def test_rows_on_pages_one_folder_down_link_up():
    m = shop()
    assert '<a href="../maps/shop.html">' in fragments.kpi_rows(m)["conversion"][1]
    assert fragments.kpi_rows(m)["conversion"][0] == "off"
    steps, pains, row = fragments.channel_rows(m)["web"]
    assert (steps, pains) == (2, 2) and "Product page, Checkout" in row
    assert [r[1] for r in fragments.pain_rows(m, "lee")] == ["hidden-shipping"]
    card = fragments.curve_card(m, "sam", "Sam")
    assert card.count("<circle") == 2 and 'stroke="#0072b2"' in card


def test_map_text_is_escaped_everywhere():
    hostile = SHOP.replace("title: Shoe shop, current state", 'title: "<script>alert(1)</script> & co"') \
                  .replace("name: Product page", 'name: "<img src=x onerror=alert(1)>"') \
                  .replace("owner: Priya, Digital CX", 'owner: "</td><td>"')
    m = shop(hostile)
    pieces = fragments.of_map(m, OPTIONS, set())
    # Search documents are data (JSON the page reads with textContent), escaped for a <script> block.
    assert "<" not in pieces["search"] and "\\u003cscript\\u003e" in pieces["search"]
    everything = str({k: v for k, v in pieces.items() if k != "search"})
    assert "<script>alert" not in everything and "<img src=x" not in everything and "</td><td>\"" not in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in pieces["index"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in pieces["channels"]["web"][2]


def test_pairs_link_both_ways():
    from site_helpers import SHOP_FUTURE

    from cjm.site.portfolio import Portfolio

    p = Portfolio.build([summary_of(SHOP, "maps/shop.yaml"), summary_of(SHOP_FUTURE, "maps/shop-future.yaml")])
    future, current = p.maps
    assert 'improves <a href="maps/shop.html">' in fragments.pairs(future, p.by_source)
    assert '<a href="gaps/shop-future.html">gap view</a>' in fragments.pairs(future, p.by_source)
    assert 'improved by <a href="maps/shop-future.html">' in fragments.pairs(current, p.by_source)
