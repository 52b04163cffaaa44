"""``-f overview`` (cjm.render.overview): a big map at a glance on one screen:
the stages as wide as their share of the steps with their step counts, one
emotion curve per persona over the whole journey, counts of pain points,
opportunities and KPIs, and the worst pain points by severity, then journey
order. Hostile names stay text; the same map gives the same bytes."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

import pytest

from cjm.model.journey import JourneyMap
from cjm.model.resolve import resolve
from cjm.render import RENDERERS, RenderOptions, overview
from cjm.render.svg.scene import Circle, Group, Path, Text
from cjm.render.themes import THEMES
from render_inputs import hostile_map_data, write_hostile_map

NS = "{http://www.w3.org/2000/svg}"


def pain(pid: str, severity: str | None = None, title: str | None = None) -> dict:
    out = {"id": pid, "title": title or f"Pain {pid}"}
    if severity:
        out["severity"] = severity
    return out


GLANCE = {
    "cjm": 1, "title": "Shop at a glance", "goal": "Buy shoes", "type": "current-state",
    "personas": [{"id": "ann", "name": "Ann", "goals": ["g"]}, {"id": "bob", "name": "Bob", "goals": ["g"]}],
    "kpis": [{"id": "conv", "name": "Conversion", "unit": "%", "target": 3, "actual": 2},
             {"id": "nps", "name": "NPS", "target": 30, "actual": 41}],
    "stages": [
        {"id": "look", "name": "Look", "kpis": ["conv", "nps"], "touchpoints": [
            {"id": "home", "name": "Home", "emotion": {"ann": 1, "bob": 0}, "pain_points": [pain("p1", "low")]},
            {"id": "search", "name": "Search", "emotion": {"ann": -1, "bob": -2},
             "pain_points": [pain("p2"), pain("p3", "high")],
             "opportunities": [{"id": "o1", "title": "Better search", "addresses": ["p3"]}]},
            {"id": "page", "name": "Product page", "personas": ["ann"], "emotion": {"ann": 2},
             "pain_points": [pain("p4", "critical")]}]},
        {"id": "buy", "name": "Buy", "touchpoints": [
            {"id": "pay", "name": "Payment", "emotion": {"ann": -2, "bob": -1},
             "pain_points": [pain("p5", "medium"), pain("p6", "high"), pain("p7", "critical")]}]},
        {"id": "later", "name": "Later"},
        {"id": "after", "name": "After", "touchpoints": [
            {"id": "mail", "name": "Email", "emotion": {"ann": 0, "bob": 1},
             "pain_points": [pain("p8", "low"), pain("p9", "medium"), pain("p10", "high")]},
            {"id": "review", "name": "Review", "emotion": {"ann": 1, "bob": 2},
             "opportunities": [{"id": "o2", "title": "Ask later"}]}]},
    ],
}


def make(data: dict | None = None):
    return resolve(JourneyMap.model_validate(copy.deepcopy(data or GLANCE)), "glance.yaml")


@pytest.fixture(scope="module")
def scene():
    return overview.scene(make(), RenderOptions())


def texts(group) -> list[str]:
    return [" ".join(t.lines) for t in group.walk() if isinstance(t, Text)]


def by_cls(sc, cls: str) -> list[str]:
    return [" ".join(t.lines) for t in sc.texts() if t.cls == cls]


# --- stages -----------------------------------------------------------------------------
def test_stages_in_order_with_their_step_counts(scene):
    stages = scene.groups("cjm-stage")
    assert [g.attrs["data-stage"] for g in stages] == ["look", "buy", "later", "after"]
    assert [texts(g) for g in stages] == [["Look", "3 steps"], ["Buy", "1 step"], ["Later", "0 steps"],
                                          ["After", "2 steps"]]
    assert [g.title for g in stages] == ["Look: 3 steps", "Buy: 1 steps", "Later: 0 steps", "After: 2 steps"]


def test_stages_are_as_wide_as_their_share_of_the_steps(scene):
    boxes = [g.box for g in scene.groups("cjm-stage")]
    widths = [b.w + 2 for b in boxes]  # a 1 px gap on each side
    unit = widths[1]
    assert [w / unit for w in widths] == pytest.approx([3, 1, 1, 2])  # an empty stage still gets a column
    for a, b in zip(boxes, boxes[1:]):
        assert b.x == pytest.approx(a.x + a.w + 2)
    assert boxes[0].x == pytest.approx(overview.PAD + 60 + 1)
    assert boxes[-1].x + boxes[-1].w == pytest.approx(overview.W - overview.PAD - 1)


def test_facts_count_by_severity_in_severity_order(scene):
    (facts,) = by_cls(scene, "cjm-meta")
    assert facts == ("Current state (as-is) \u00b7 4 stages \u00b7 6 steps \u00b7 2 personas \u00b7 "
                     "10 pain points (2 critical, 3 high, 2 medium, 2 low, 1 unrated) \u00b7 2 opportunities "
                     "\u00b7 1 of 2 KPIs on target")  # (white space runs collapse when the line is wrapped)
    assert by_cls(scene, "cjm-goal") == ["Goal: Buy shoes"]
    assert by_cls(scene, "cjm-title") == ["Shop at a glance \u2014 at a glance"]
    assert scene.title == "Customer journey map at a glance: Shop at a glance"
    assert scene.desc == "Current state (as-is) map with 4 stages and 6 steps; 10 pain points."


# --- curves ---------------------------------------------------------------------------------------
def curve(sc, pid: str) -> Group:
    return next(g for g in sc.groups("cjm-curve") if g.attrs["data-persona"] == pid)


def test_one_curve_per_persona_through_the_steps_it_scores(scene):
    resolved = make()
    assert [g.attrs["data-persona"] for g in scene.groups("cjm-curve")] == ["ann", "bob"]
    assert [g.title for g in scene.groups("cjm-curve")] == ["Ann", "Bob"]
    ann, bob = curve(scene, "ann"), curve(scene, "bob")
    assert len([c for c in ann.children if isinstance(c, Circle)]) == 6
    assert len([c for c in bob.children if isinstance(c, Circle)]) == 5  # not on the product page
    for pid, g in (("ann", ann), ("bob", bob)):
        (line,) = [p for p in g.children if isinstance(p, Path)]
        assert line.stroke == resolved.colors[pid]
        assert all(c.fill == resolved.colors[pid] for c in g.children if isinstance(c, Circle))
        assert [x for x, _y in line.points()] == [c.cx for c in g.children if isinstance(c, Circle)]
    # higher scores are higher up; equal scores are level
    ys = {c.cy for c in ann.children if isinstance(c, Circle)}
    points = [c for c in ann.children if isinstance(c, Circle)]
    assert points[2].cy < points[0].cy < points[1].cy  # +2, +1, -1
    assert points[3].cy == max(ys)  # -2 at payment
    # the columns of the steps: the empty stage's column has no point
    xs = [c.cx for c in points]
    assert xs == sorted(xs)


def test_the_legend_names_every_persona(scene):
    labels = [" ".join(t.lines) for t in scene.texts() if t.cls == "cjm-legend-label"]
    assert labels == ["Ann", "Bob"]


def test_a_map_without_personas_has_one_curve_for_everyone():
    data = copy.deepcopy(GLANCE)
    data.pop("personas")
    for stage in data["stages"]:
        for tp in stage.get("touchpoints", []):
            tp.pop("personas", None)
            tp["emotion"] = 1
    sc = overview.scene(make(data), RenderOptions())
    (g,) = sc.groups("cjm-curve")
    assert g.attrs["data-persona"] == "" and g.title == "All customers"
    assert len([c for c in g.children if isinstance(c, Circle)]) == 6
    assert not [t for t in sc.texts() if t.cls == "cjm-legend-label"]


def test_a_long_journey_is_drawn_as_lines_without_dots():
    data = {"cjm": 1, "title": "Long", "personas": [{"id": "a", "name": "A", "goals": ["g"]}],
            "stages": [{"id": f"s{s}", "name": f"S{s}", "touchpoints": [
                {"id": f"t{s}-{i}", "name": "x", "emotion": (i % 5) - 2} for i in range(40)]} for s in range(4)]}
    g = curve(overview.scene(make(data), RenderOptions()), "a")
    assert not [c for c in g.children if isinstance(c, Circle)]
    (line,) = [p for p in g.children if isinstance(p, Path)]
    assert len(line.points()) == 160


# --- the worst pain points ----------------------------------------------------------------------------
def test_the_worst_pain_points_by_severity_then_journey_order(scene):
    cards = scene.groups("cjm-pain")
    titles = [next(t for t in c.walk() if isinstance(t, Text) and t.cls == "cjm-pain-title").lines[0]
              for c in cards]
    assert titles == ["Pain p4", "Pain p7", "Pain p3", "Pain p6", "Pain p10", "Pain p5", "Pain p9", "Pain p1"]
    assert len(cards) == overview.WORST == 8  # p8 (low, later) and p2 (unrated) are left out
    first = texts(cards[0])
    assert first[:2] == ["CRITICAL", "P4"]  # severity, then the pain point's number on the map
    assert "at Product page (Look)" in first
    assert [c.attrs["data-touchpoint"] for c in cards][:3] == ["page", "pay", "search"]


def test_unrated_pain_points_come_last():
    data = copy.deepcopy(GLANCE)
    for stage in data["stages"]:
        for tp in stage.get("touchpoints", []):
            tp["pain_points"] = [p for p in tp.get("pain_points", []) if p["id"] in ("p2", "p8")]
    cards = overview.scene(make(data), RenderOptions()).groups("cjm-pain")
    # p8 (low) first, then the unrated p2 (no severity tag), each with its number on the map
    assert [texts(c)[:2] for c in cards] == [["LOW", "P2"], ["P1", "Pain p2"]]


def test_a_pain_points_tooltip_has_its_whole_text():
    data = copy.deepcopy(GLANCE)
    data["stages"][0]["touchpoints"][0]["pain_points"] = [
        {"id": "p1", "title": "A very long pain point title" * 8, "description": "Why it hurts", "severity": "critical"}]
    card = overview.scene(make(data), RenderOptions()).groups("cjm-pain")[0]
    assert card.title == "A very long pain point title" * 8 + "\nWhy it hurts"
    (title,) = [t for t in card.walk() if isinstance(t, Text) and t.cls == "cjm-pain-title"]
    assert len(title.lines) == 1 and title.lines[0].endswith("\u2026")
    assert title.x + title.width <= card.box.x + card.box.w


def test_a_map_without_pain_points_says_so():
    data = copy.deepcopy(GLANCE)
    for stage in data["stages"]:
        for tp in stage.get("touchpoints", []):
            tp.pop("pain_points", None)
            tp.pop("opportunities", None)
    sc = overview.scene(make(data), RenderOptions())
    assert not sc.groups("cjm-pain")
    assert "No pain points on this map." in by_cls(sc, "cjm-muted")
    assert "\u00b7 0 pain points \u00b7 0 opportunities \u00b7" in by_cls(sc, "cjm-meta")[0]


# --- one screen ------------------------------------------------------------------------------------
def inside(sc) -> list[tuple[str, float, float]]:
    """Texts that stick out of the picture."""
    out = []
    for t in sc.texts():
        left, right = t.extent()
        if left < 0 or right > sc.width or t.top() < 0 or t.bottom() > sc.height:
            out.append((" ".join(t.lines)[:40], left, right))
    return out


def test_it_fits_one_screen(scene):
    assert scene.width == overview.W == 1600
    assert scene.height <= overview.H
    assert scene.root.children[0].h == scene.height  # the background covers it all
    assert inside(scene) == []


def test_long_texts_stay_on_the_screen():
    data = copy.deepcopy(GLANCE)
    data["title"] = "A title that goes on and on " * 6
    data["goal"] = "A goal that goes on and on " * 8
    for stage in data["stages"]:
        stage["name"] = "Supercalifragilisticexpialidocious " * 3
    sc = overview.scene(make(data), RenderOptions())
    assert sc.height <= overview.H
    assert inside(sc) == []


def test_a_legend_of_many_personas_stays_on_the_screen():
    data = copy.deepcopy(GLANCE)
    data["personas"] = [{"id": f"p{i}", "name": f"Persona {i}, the very thorough comparison shopper", "goals": ["g"]}
                        for i in range(6)]
    for stage in data["stages"]:
        for tp in stage.get("touchpoints", []):
            tp.pop("personas", None)
            tp["emotion"] = 1
    sc = overview.scene(make(data), RenderOptions())
    assert inside(sc) == []
    labels = [t for t in sc.texts() if t.cls == "cjm-legend-label"]
    assert len(labels) == 6 and len({t.ys[0] for t in labels}) > 1  # more than one row
    (heading,) = [t for t in sc.texts() if t.lines == ["Worst pain points"]]
    assert max(t.bottom() for t in labels) < heading.top()  # what follows moves down
    assert sc.root.children[0].h == sc.height > overview.scene(make(), RenderOptions()).height


# --- markup -------------------------------------------------------------------------------------------
def test_render_is_an_svg_document_and_deterministic():
    out = overview.render(make(), RenderOptions())
    root = ET.fromstring(out)
    assert root.tag == NS + "svg" and root.get("width") == "1600"
    assert root.find(NS + "title").text == "Customer journey map at a glance: Shop at a glance"
    assert "@font-face" in out and "@font-face" not in overview.render(make(), RenderOptions(embed_font=False))
    assert overview.render(make(), RenderOptions()) == out
    assert RENDERERS["overview"].extension == ".overview.svg"


def test_dark_theme():
    out = overview.render(make(), RenderOptions(theme="dark"))
    assert 'class="cjm-map cjm-theme-dark"' in out and THEMES["dark"]["bg"] in out
    assert overview.render(make(), RenderOptions(theme="sepia")) == overview.render(make(), RenderOptions())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from render_inputs import render

    path = write_hostile_map(tmp_path_factory.mktemp("hostile"))
    return render(path, "overview")


def test_hostile_names_stay_text(hostile):
    root = ET.fromstring(hostile)  # well-formed whatever the names
    tags = {el.tag.removeprefix(NS) for el in root.iter()}
    assert tags <= {"svg", "title", "desc", "style", "g", "rect", "text", "tspan", "line", "path", "circle"}, tags
    for el in root.iter():
        assert not [a for a in el.attrib if a.lower().startswith("on")]
    assert "<script" not in hostile and "<img" not in hostile
    shown = [el.text or "" for el in root.iter() if el.tag in (NS + "text", NS + "tspan", NS + "title", NS + "desc")]
    assert any("Hostile <script>alert(1)</script>" in s for s in shown)  # the title, as text
    stage_titles = [g.find(NS + "title").text for g in root.iter(NS + "g")
                    if "cjm-stage" in (g.get("class") or "").split()]
    stages = hostile_map_data()["stages"]
    assert stage_titles == [f"{s['name']}: {len(s['touchpoints'])} steps" for s in stages]  # exactly, as text
    assert "49" not in " ".join(shown)  # {{ 7*7 }} is not a template


def test_hostile_ids_stay_attributes():
    data = copy.deepcopy(GLANCE)
    resolved = make(data)
    stage = resolved.stages[0]
    object.__setattr__(stage, "id", '"><script>alert(1)</script>')
    object.__setattr__(stage.touchpoints[2], "id", "a\" onload=\"x")
    root = ET.fromstring(overview.render(resolved, RenderOptions()))
    assert [g.get("data-stage") for g in root.iter(NS + "g") if g.get("data-stage")][0] == '"><script>alert(1)</script>'
    assert "a\" onload=\"x" in [g.get("data-touchpoint") for g in root.iter(NS + "g")]
