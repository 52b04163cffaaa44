"""A map's page on the site: the renderer's page with the site's bar, and the CSP still strict."""

from __future__ import annotations

import html
import re

from site_helpers import SHOP, summary_of

from cjm.render.html import sha256_source
from cjm.site.mappage import BAR_END, BAR_START, NotAPage, anchors, bar, inject, swap_bar

CSS = ".cjm-site-bar { color: red; }"


def rendered() -> str:
    from cjm.loader import parse_text
    from cjm.model.catalog import ProjectIndex
    from cjm.model.resolve import resolve
    from cjm.pipeline.check import CheckSettings, check_document
    from cjm.render import RenderOptions, render

    checked = check_document(parse_text("shop.yaml", SHOP), CheckSettings(ProjectIndex()))
    return render("html", resolve(checked.model, "shop.yaml"), RenderOptions())


def csp_of(page: str) -> str:
    return html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))


def test_the_bar_goes_after_the_skip_link_and_its_style_is_allowed_by_hash():
    page = rendered()
    before = csp_of(page)
    out = inject(page, "<nav>bar</nav>\n", CSS)
    assert out.index("skip-link") < out.index(BAR_START) < out.index("<nav>bar</nav>") < out.index(BAR_END)
    after = csp_of(out)
    assert sha256_source(CSS) in after and after.startswith("default-src 'none'")
    # Only the style sources grew; scripts are as strict as before.
    assert [d for d in after.split("; ") if not d.startswith("style-src")] == \
        [d for d in before.split("; ") if not d.startswith("style-src")]
    assert f"<style>{CSS}</style>" in out
    assert out.replace(f"<style>{CSS}</style>\n", "").replace(f"{BAR_START}\n<nav>bar</nav>\n{BAR_END}\n", "") \
        .replace(html.escape(after, quote=True).replace("&#x27;", "&#39;"),
                 html.escape(before, quote=True).replace("&#x27;", "&#39;")) == page


def test_the_bar_can_be_swapped_without_redrawing():
    out = inject(rendered(), "<nav>old</nav>\n", CSS)
    swapped = swap_bar(out, "<nav>new</nav>\n")
    assert "<nav>new</nav>" in swapped and "<nav>old</nav>" not in swapped
    assert swap_bar("<html><body>no bar</body></html>", "x") is None
    assert "stage-browse" in anchors(out)


def test_a_page_without_a_body_is_refused():
    import pytest

    with pytest.raises(NotAPage):
        inject("<p>no body here</p>", "bar", CSS)


def test_the_bar_links_the_maps_personas_pair_evidence_and_escapes_names():
    b = bar("Shop <CX>", "maps/team/shop.html", personas=[("sam", "Sam <b>")], channels=[("web", "Web")],
            kpis=[("conversion", "Conversion")], coverage=50, anchor="map-team-shop",
            current=("maps/team/old.html", "Old & current"), gap_page="gaps/team/shop.html",
            futures=[("maps/team/next.html", "Next", "gaps/team/next.html")])
    assert '<a class="cjm-site-home" href="../../index.html">\u2190 Shop &lt;CX&gt;</a>' in b
    assert '<a href="../../personas/sam.html">Sam &lt;b&gt;</a>' in b
    assert '<a href="../../maps/team/old.html">Old &amp; current</a>' in b
    assert '<a href="../../gaps/team/shop.html">gap view</a>' in b
    assert '<a href="../../evidence.html#map-team-shop">50 % of claims</a>' in b
    assert '<a href="../../channels/web.html">Web</a>' in b and '<a href="../../kpis/conversion.html">' in b
    assert "<script" not in b


def test_summary_helper_is_usable_here():
    assert summary_of(SHOP)["map"]["title"]


def test_the_policy_is_found_whatever_the_order_of_its_attributes():
    page = ('<html><head><meta content="default-src &#39;none&#39;; style-src &#39;none&#39;" '
            'http-equiv="Content-Security-Policy"></head><body>\n<main></main></body></html>')
    out = inject(page, "<nav></nav>\n", CSS)
    assert f"style-src {sha256_source(CSS)}" in html.unescape(out)
    assert "'none'" in html.unescape(out).split("style-src")[0]  # default-src stays 'none'
