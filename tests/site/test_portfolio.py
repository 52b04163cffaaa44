"""The portfolio: pages, pairs, personas, channels, KPIs, research and history across maps."""

from __future__ import annotations

import datetime as dt

from site_helpers import SHOP, SHOP_FUTURE, summary_of

from cjm.site.portfolio import Portfolio, SiteOptions, as_kpi_value, common_folder, emotion_of, slug_path


def portfolio(**kwargs) -> Portfolio:
    maps = [summary_of(SHOP, "maps/shop.yaml"), summary_of(SHOP_FUTURE, "maps/shop-future.yaml")]
    return Portfolio.build(maps, options=SiteOptions(title="Shop", today=dt.date(2026, 12, 1)), **kwargs)


def test_pages_and_pairs():
    p = portfolio()
    assert [m.page for m in p.maps] == ["maps/shop-future.html", "maps/shop.html"]
    future, current = p.maps
    assert future.improves == "maps/shop.yaml" and future.gap_page == "gaps/shop-future.html"
    assert current.improved_by == ["maps/shop-future.yaml"]
    assert common_folder(["maps/a/x.yaml", "maps/b/y.yaml"]) == "maps"
    assert slug_path("maps/a/x.yaml", "maps") == "a/x.html"
    assert future.anchor == "map-shop-future"


def test_a_pair_whose_current_map_is_not_on_the_site_is_not_linked():
    p = Portfolio.build([summary_of(SHOP_FUTURE, "maps/shop-future.yaml")])
    assert p.maps[0].improves is None and p.maps[0].improves_missing == "shop.yaml"


def test_personas_channels_and_kpis_across_maps():
    p = portfolio()
    personas = p.personas()
    assert list(personas) == ["lee", "sam"]
    assert [m.source for m in personas["sam"]["maps"]] == ["maps/shop-future.yaml", "maps/shop.yaml"]
    channels = p.channels()
    assert channels["web"]["steps"] == 2 and channels["web"]["pains"] == 2
    kpis = p.kpis()
    assert [(m.source, where) for m, _k, where in kpis["conversion"]["uses"]] == [("maps/shop.yaml", ["Product page"])]
    assert [a["id"] for _m, a in kpis["conversion"]["actions"]] == ["one-page"]
    pains = p.pain_points_of("sam")
    assert [x[3]["id"] for x in pains] == ["long-form", "hidden-shipping"]  # worst first
    assert [x[3]["id"] for x in p.pain_points_of("lee")] == ["hidden-shipping"]  # checkout is Sam's only


def test_emotions_as_the_renderers_read_them():
    assert emotion_of({"emotion": {"sam": 1, "lee": -1}}, None) == 0
    assert emotion_of({"emotion": -2, "personas": ["sam"]}, "lee") is None
    assert emotion_of({"emotion": -2}, "lee") == -2
    assert emotion_of({}, "sam") is None


def test_totals_and_review_age():
    p = portfolio()
    t = p.totals()
    assert (t["maps"], t["pain_points"], t["pairs"], t["opportunities"], t["actions"]) == (2, 2, 1, 1, 2)
    assert t["severities"]["critical"] == 1 and t["severities"]["high"] == 1
    shop = p.by_source["maps/shop.yaml"]
    assert shop.review_age(dt.date(2026, 12, 1)) == 61
    assert shop.kpi_health() == {"ok": 0, "off": 1, "none": 0}


def test_kpi_history_from_snapshots_in_the_kpis_unit():
    snaps = [{"file": "metrics/b.json", "from": "2026-02-01T00:00:00Z", "to": "2026-02-28T23:59:59Z",
              "metrics": {"funnel.conversion": 0.025}},
             {"file": "metrics/a.json", "from": None, "to": "2026-01-31T23:59:59Z",
              "metrics": {"funnel.conversion": 0.021, "conversion": 9}}]
    p = portfolio(metrics=snaps)
    kpi = p.kpis()["conversion"]["definition"]
    assert [(h["to"][:7], h["value"]) for h in p.history(kpi)] == [("2026-01", 2.1), ("2026-02", 2.5)]
    assert as_kpi_value(0.5, "stage.buy.dropoff", {"unit": "%"}) == 50
    assert as_kpi_value(0.5, "funnel.entered", {"unit": "%"}) == 0.5
    assert as_kpi_value(0.5, "funnel.conversion", {"unit": "ratio"}) == 0.5
    # Without `metric:`, a KPI is measured by a snapshot key equal to its id.
    assert [h["value"] for h in p.history({"id": "conversion"})] == [9]


def test_research_and_who_cites_it():
    p = portfolio()
    research = p.research()
    assert list(research) == ["survey"]
    cited = [(m.source, claim[0], claim[1]) for m, claim in research["survey"]["cited_by"]]
    assert ("maps/shop.yaml", "pain_point", "hidden-shipping") in cited
    assert p.research_age(research["survey"]["definition"]) == 47
