"""The search index: every piece of text, linked to where it is."""

from __future__ import annotations

from site_helpers import SHOP, summary_of

from cjm.site.backlog import build
from cjm.site.portfolio import MapInfo, Portfolio
from cjm.site.search import MAX_TEXT, documents, documents_of_map


def test_a_map_gives_documents_for_itself_its_stages_steps_and_pain_points():
    m = MapInfo("maps/shop.yaml", "maps/shop.html", summary_of(SHOP, "maps/shop.yaml"))
    docs = documents_of_map(m, {"stage-browse", "pain-points"})
    kinds = [d[0] for d in docs]
    assert kinds == ["map", "stage", "stage", "step", "pain point", "step", "pain point"]
    step = docs[3]
    assert step[1] == "Product page" and "Is shipping free?" in step[2]
    assert step[3] == "maps/shop.html#stage-browse"  # the page has that anchor
    assert docs[5][3] == "maps/shop.html"  # "stage-buy" is not an anchor of the page: the page itself
    assert docs[4][3] == "maps/shop.html#pain-points"


def test_the_site_index_adds_the_backlog_personas_channels_kpis_and_research():
    p = Portfolio.build([summary_of(SHOP, "maps/shop.yaml")])
    docs = documents(p, {"maps/shop.yaml": []}, build(p))
    found = {(d[0], d[1]): d[3] for d in docs}
    assert found[("opportunity", "Show shipping on the product page")].startswith("backlog.html#item-")
    assert found[("persona", "Sam")] == "personas/sam.html"
    assert found[("channel", "Website")] == "channels/web.html"
    assert found[("KPI", "Conversion")] == "kpis/conversion.html"
    assert found[("research", "Checkout survey")] == "evidence.html#research-survey"


def test_long_text_is_cut():
    long = SHOP.replace('thoughts: ["Is shipping free?"]', "thoughts: [" + ", ".join(["word"] * 2000) + "]")
    m = MapInfo("maps/shop.yaml", "maps/shop.html", summary_of(long, "maps/shop.yaml"))
    assert max(len(d[2]) for d in documents_of_map(m, set())) == MAX_TEXT
