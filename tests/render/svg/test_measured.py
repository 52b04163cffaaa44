"""The metrics snapshot on the SVG map (cjm.render.svg.measured): the Measured
lane's badges and drop-off chips, reach on touchpoint cards. The snapshot is
written by the real analyze stage on generated events with planted truth."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from measured_inputs import STAGE_IDS, TOUCHPOINT_IDS, measured_model, measured_project, measured_resolved, \
    render_measured

from cjm.present.numbers import number, percent
from cjm.render import RenderOptions, svg
from cjm.render.svg.scene import Rect, Text

OPTIONS = RenderOptions()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("measured")
    return root, measured_project(root)


@pytest.fixture(scope="module")
def scene(project):
    return svg.lay_out(measured_resolved(project[0]), OPTIONS)


def _texts(group) -> list[str]:
    return [line for p in group.walk() if isinstance(p, Text) for line in p.lines]


def test_one_badge_per_stage_with_reach_and_share(project, scene):
    truth = project[1]["truth"]
    badges = scene.groups("cjm-measure")
    assert [b.attrs["data-stage"] for b in badges] == STAGE_IDS
    for badge, reached in zip(badges, truth["reached"]):
        texts = _texts(badge)
        assert texts[0] == number(reached)
        assert percent(reached / truth["users"]).replace(" %", "") in texts[2]
    # the bars: in the stage's colour, as long as the share of the largest step
    bars = [next(p for p in b.walk() if isinstance(p, Rect) and "cjm-measure-bar" in p.cls) for b in badges]
    tracks = [next(p for p in b.walk() if isinstance(p, Rect) and p.cls == "cjm-measure-track") for b in badges]
    for bar, track, reached in zip(bars, tracks, truth["reached"]):
        assert bar.w == pytest.approx(max(6, track.w * reached / truth["users"]))
    assert [bar.cls.split()[-1] for bar in bars] == [f"cjm-accent-{i}" for i in range(5)]


def test_drop_off_chips_sit_between_the_stages(project, scene):
    snapshot = project[1]["snapshot"]["results"]["steps"]
    chips = scene.groups("cjm-drop")
    assert [c.attrs["data-step"] for c in chips] == STAGE_IDS[:-1]
    assert [_texts(c)[0] for c in chips] == [percent(s["dropoff_rate"]) for s in snapshot[:-1]]
    stages = {g.attrs["data-stage"]: g.box for g in scene.groups("cjm-stage")}
    for chip, nxt in zip(chips, STAGE_IDS[1:]):
        boundary = stages[nxt].x - 4  # a stage header is inset by half the gap
        assert chip.box.x + chip.box.w / 2 == pytest.approx(boundary)
        assert f"{number(snapshot[STAGE_IDS.index(chip.attrs['data-step'])]['dropoff'])} people" in chip.title
    # the badges keep clear of the chips
    badges = [b.box for b in scene.groups("cjm-measure")]
    for chip in chips:
        assert all(chip.box.x + chip.box.w <= b.x or chip.box.x >= b.x + b.w for b in badges)


def test_text_stays_inside_the_badges(scene):
    for group in scene.groups("cjm-measure") + scene.groups("cjm-drop"):
        box = group.box
        for t in (p for p in group.walk() if isinstance(p, Text)):
            left, right = t.extent()
            assert box.x <= left and right <= box.x + box.w + 0.01, (t.lines, box)
            assert box.y <= t.top() and t.bottom() <= box.y + box.h


def test_reach_on_the_touchpoints_that_name_events(project, scene):
    reach = project[1]["snapshot"]["results"]["touchpoints"]
    lines = {g.attrs["data-touchpoint"]: _texts(g)[0] for g in scene.groups("cjm-reach")}
    assert lines == {tp: f"Reached by {number(n)} {'person' if n == 1 else 'people'}" for tp, n in reach.items()}
    assert "thanks" not in lines and lines["help"] == "Reached by 0 people"
    cards = {g.attrs["data-touchpoint"]: g for g in scene.groups("cjm-touchpoint")}
    for tp in lines:  # inside its card
        (group,) = [g for g in cards[tp].children if getattr(g, "cls", "") == "cjm-reach"]
        assert cards[tp].box.y < group.children[-1].ys[0] < cards[tp].box.y + cards[tp].box.h


def test_the_lane_label_and_the_description(project, scene):
    labels = [t for t in scene.texts() if t.cls == "cjm-lane-label"]
    assert labels[0].lines == ["MEASURED"]
    truth = project[1]["truth"]
    assert f"{number(truth['users'])} people entered the funnel" in scene.desc
    assert f"{number(truth['reached'][-1])} ({percent(truth['reached'][-1] / truth['users'])})" in scene.desc


def test_a_funnel_of_touchpoints_puts_its_badges_under_them(tmp_path):
    measured_project(tmp_path, users=150, steps="touchpoints")
    sc = svg.lay_out(measured_resolved(tmp_path), OPTIONS)
    badges = sc.groups("cjm-measure")
    assert [b.attrs["data-touchpoint"] for b in badges] == TOUCHPOINT_IDS
    columns = {g.attrs["data-touchpoint"]: g.box for g in sc.groups("cjm-touchpoint")}
    for badge in badges:
        card = columns[badge.attrs["data-touchpoint"]]
        assert card.x - 30 < badge.box.x and badge.box.x + badge.box.w < card.x + card.w + 30
    # product -> cart skips the help column: the chip sits on the left edge of the cart's column
    chips = {c.attrs["data-step"]: c.box for c in sc.groups("cjm-drop")}
    assert set(chips) == set(TOUCHPOINT_IDS[:-1])
    assert chips["product"].x + chips["product"].w / 2 == pytest.approx(columns["cart"].x - 8)


def test_a_stale_snapshot_draws_what_still_fits(project):
    model = measured_model(project[0])
    stages = [s for s in model.stages if s.id != "cart"]
    stages[0] = stages[0].model_copy(update={"name": 'Disc<over> & "more"'})
    sc = svg.lay_out(measured_resolved(project[0], model.model_copy(update={"stages": stages})), OPTIONS)
    assert [b.attrs["data-stage"] for b in sc.groups("cjm-measure")] == ["discover", "consider", "checkout", "purchase"]
    # no chip leads to a step that is gone; Consider's drop-off stays in its tooltip
    assert [c.attrs["data-step"] for c in sc.groups("cjm-drop")] == ["discover", "checkout"]
    (consider,) = [b for b in sc.groups("cjm-measure") if b.attrs["data-stage"] == "consider"]
    assert "did not go on to the next step" in consider.title
    text = svg.document(sc, OPTIONS)
    root = ET.fromstring(text)  # names are escaped in titles and text
    assert 'Disc&lt;over&gt; &amp; "more"' in text or "Disc&lt;over&gt; &amp; &quot;more&quot;" in text
    assert root is not None


def test_a_snapshot_that_fits_nothing_draws_no_lane(project):
    model = measured_model(project[0])
    renamed = [s.model_copy(update={"id": s.id + "-x", "touchpoints": [
        tp.model_copy(update={"id": tp.id + "-x"}) for tp in s.touchpoints]}) for s in model.stages]
    unbound = [k.model_copy(update={"metric": None}) for k in model.kpis]  # the KPI's number is tested below
    other = model.model_copy(update={"stages": renamed, "kpis": unbound})
    resolved = measured_resolved(project[0], other)
    assert resolved.observed is not None and resolved.observed.steps == ()
    from cjm.model.resolve import resolve

    plain = resolve(other, "maps/shop.yaml")
    assert svg.render(resolved, OPTIONS) == svg.render(plain, OPTIONS)


def test_the_whole_render_is_deterministic_and_themed(project):
    root = project[0]
    first = render_measured(root, "svg")
    assert first == render_measured(root, "svg")
    assert 'class="cjm-measured"' in first and "cjm-drop-shape" in first
    dark = render_measured(root, "svg", theme="dark")
    assert ".cjm-drop-label { fill: #ff7b72; }" in dark


def test_posters_of_a_split_map_each_draw_their_stages(project):
    pieces = svg.render(measured_resolved(project[0]), RenderOptions(split="stage"))
    assert len(pieces) == 5
    for piece, stage in zip(pieces, STAGE_IDS):
        root = ET.fromstring(piece.content)
        groups = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "cjm-measure"]
        assert [g.get("data-stage") for g in groups] == [stage]
        assert not [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "cjm-drop"]


def test_a_bound_kpi_shows_the_snapshots_value_and_date_in_every_format(project):
    from cjm.present.numbers import number as num

    root, measured = project
    snapshot = measured["snapshot"]
    value = num(round(snapshot["metrics"]["funnel.conversion"] * 100, 2))
    day = snapshot["provenance"]["time_range"]["to"][:10]
    source = f"data to {day}"
    svg_text = render_measured(root, "svg")
    assert f"Actual {value}%" in svg_text, (value, svg_text[svg_text.find("Actual"):][:80])
    assert day in svg_text  # the source may wrap onto two lines in the card
    md = render_measured(root, "md")
    (row,) = [line for line in md.splitlines() if line.startswith("| **Visit-to-order conversion**")]
    assert f"| {value} |" in row and source in row
    page = render_measured(root, "html")
    kpis = page.split('id="kpis"', 1)[1].split("</section>", 1)[0]
    assert f'<td class="num">{value}</td>' in kpis and source in kpis
    assert '"conversion"' in render_measured(root, "json") and source in render_measured(root, "json")
