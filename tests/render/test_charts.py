"""The HTML page's charts of a metrics snapshot (cjm.render.charts): geometry
from the numbers, then the page in real headless Chromium: the Measured
section is visible, the funnel's bars are ordered and sized by the numbers,
and what it shows is the snapshot's. The snapshot is written by the real
analyze stage on generated events with planted truth."""

from __future__ import annotations

import pytest
from browser import browser, chromium_missing, open_page
from measured_inputs import STAGE_IDS, measured_model, measured_project, measured_resolved, render_measured

from cjm.present.numbers import duration, number, percent
from cjm.render import charts


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("measured")
    return root, measured_project(root)


def test_funnel_bars_are_as_long_as_their_share_of_the_largest(project):
    observed = measured_resolved(project[0]).observed
    got = charts.funnel(observed, {"cart": "#123456"})
    truth = project[1]["truth"]
    widths = [row["w"] for row in got["rows"]]
    full = charts.WIDTH - charts.LABEL_W - charts.VALUE_W
    assert widths[0] == full
    for w, reached in zip(widths, truth["reached"]):
        assert w == pytest.approx(full * reached / truth["users"], abs=0.1)
    assert [row["y"] for row in got["rows"]] == sorted(row["y"] for row in got["rows"])
    assert got["rows"][2]["color"] == "#123456"
    assert [d["text"].split(" ")[0] for d in got["drops"]] == [
        number(a - b) for a, b in zip(truth["reached"], truth["reached"][1:])]
    assert got["height"] > got["rows"][-1]["y"] + charts.BAR_H


def test_times_on_a_log_axis(project):
    observed = measured_resolved(project[0]).observed
    got = charts.times(observed)
    rows = got["rows"]
    assert [r["name"] for r in rows] == ["Consider", "Cart", "Checkout", "Purchase", "Entry to Purchase"]
    for r in rows:
        assert got["left"] <= r["median_x"] <= r["p90_x"] <= got["right"]
        assert r["median"] == duration(r["median_seconds"])
    medians = [r["median_seconds"] for r in rows[:-1]]
    xs = [r["median_x"] for r in rows[:-1]]
    assert sorted(range(len(xs)), key=xs.__getitem__) == sorted(range(len(medians)), key=medians.__getitem__)
    assert [t["label"] for t in got["ticks"]][0] == "1 min"


def test_paths_most_frequent_first(project):
    observed = measured_resolved(project[0]).observed
    got = charts.paths(observed)
    assert got[0]["w"] == 120 and [p["value"] for p in got] == sorted((p["value"] for p in got), reverse=True)
    assert got[0]["names"][0] == "Browses the catalogue"


def test_no_times_no_time_chart(project):
    from dataclasses import replace

    observed = measured_resolved(project[0]).observed
    bare = replace(observed, steps=tuple(replace(s, median_seconds=None, start_median_seconds=None)
                                         for s in observed.steps))
    assert charts.times(bare) is None


def test_without_a_snapshot_the_page_is_as_before(project):
    from cjm.model.resolve import resolve
    from cjm.render import RenderOptions, html

    plain = resolve(measured_model(project[0]), "maps/shop.yaml")
    page = html.render(plain, RenderOptions())
    assert 'id="measured"' not in page and "funnel-bar" not in page


# --- in Chromium ------------------------------------------------------------------
needs_chromium = pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing()))


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_measured_section_in_chromium(project, chromium, tmp_path, scheme):
    root, measured = project
    page_file = tmp_path / "shop.html"
    page_file.write_text(render_measured(root, "html"), encoding="utf-8")
    truth, steps = measured["truth"], measured["snapshot"]["results"]["steps"]
    with open_page(chromium, page_file, color_scheme=scheme) as p:
        assert p.errors == [] and p.console_errors() == [] and p.csp_violations() == []
        assert p.foreign_requests() == []
        section = p.page.locator("#measured")
        section.scroll_into_view_if_needed()
        assert section.is_visible()
        bars = p.page.locator("#funnel-chart .funnel-bar")
        boxes = [bars.nth(i).bounding_box() for i in range(bars.count())]
        assert len(boxes) == 5 and all(b is not None for b in boxes)
        # ordered top to bottom in funnel order, each as wide as its share of the first
        assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes)
        for box, reached in zip(boxes, truth["reached"]):
            assert box["width"] == pytest.approx(boxes[0]["width"] * reached / truth["users"], abs=1.0)
        rows = p.page.locator("#funnel-chart .funnel-row")
        assert [rows.nth(i).get_attribute("data-step") for i in range(rows.count())] == STAGE_IDS
        values = [rows.nth(i).locator(".chart-value").text_content() for i in range(rows.count())]
        assert values == [f"{number(s['reached'])} people \u00b7 {percent(s['conversion'])}" for s in steps]
        drops = p.page.locator("#funnel-chart .funnel-drop").all_text_contents()
        assert [d.split(" ")[1] for d in drops] == [number(s["dropoff"]) for s in steps[:-1]]
        # the funnel's bars have the colour of their stage; the text is readable
        fill = p.page.evaluate("getComputedStyle(document.querySelector('#funnel-chart .funnel-bar')).fill")
        assert fill != "none"
        label_color = p.page.evaluate("getComputedStyle(document.querySelector('#funnel-chart .chart-value')).fill")
        background = p.page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert label_color != background
        # the time chart and the paths are shown with the snapshot's numbers
        assert p.page.locator("#time-chart").is_visible()
        medians = p.page.locator("#time-chart .time-row").evaluate_all(
            "rows => rows.map(r => Number(r.getAttribute('data-median')))")
        assert medians[:4] == [s["time_from_previous"]["median_seconds"] for s in steps[1:]]
        counts = p.page.locator("#paths-chart .path-count").all_text_contents()
        assert counts == [number(x["count"]) for x in measured["snapshot"]["results"]["top_paths"]]
        table = p.page.locator("#measured-table tbody tr").all_text_contents()
        assert len(table) == 5 and number(truth["reached"][2]) in table[2]
        # the map's Measured lane is drawn in the page too, and a reach opens its step
        assert p.page.locator(".map-frame .cjm-measure").count() == 5
        if scheme == "light":
            p.screenshot(tmp_path / "measured.png", full_page=True)


@needs_chromium
def test_hostile_step_names_stay_text_in_the_charts(project, chromium, tmp_path):
    from cjm.render import RenderOptions, html

    model = measured_model(project[0])
    attack = '<img src=x onerror="window.__x=1">'
    stages = [s.model_copy(update={"name": attack}) if s.id == "cart" else s for s in model.stages]
    stages = [s.model_copy(update={"touchpoints": [tp.model_copy(update={"name": attack + tp.id})
                                                   for tp in s.touchpoints]}) for s in stages]
    page = html.render(measured_resolved(project[0], model.model_copy(update={"stages": stages})), RenderOptions())
    assert "<img" not in page.split('id="measured"', 1)[1].split("</section>", 1)[0]
    path = tmp_path / "hostile.html"
    path.write_text(page, encoding="utf-8")
    with open_page(chromium, path) as p:
        assert p.page.evaluate("window.__x") is None and p.errors == []
        names = p.page.locator("#funnel-chart .chart-label").all_text_contents()
        assert names[2].startswith("3. <img")
