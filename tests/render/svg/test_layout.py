"""The SVG journey map (cjm render -f svg): structure, filters, escaping,
determinism, blueprint lines, text fitting, themes, and a large map."""

from __future__ import annotations

import copy
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cjm.model.journey import JourneyMap, Link
from cjm.model.resolve import LANES, resolve
from cjm.render import RenderOptions
from cjm.render import svg
from cjm.render.svg import layout, metrics
from cjm.render.svg.scene import Circle, Group, Line, Path, Text
from cjm.render.themes import THEMES
from conftest import EXAMPLES
from render_inputs import large_map

NS = "{http://www.w3.org/2000/svg}"

RICH = {
    "cjm": 1,
    "title": "Acme trial to paid",
    "goal": "Turn trial users into paying customers",
    "type": "service-blueprint",
    "description": "How teams try Acme and decide to buy.",
    "industry": "SaaS",
    "market": "b2b",
    "owner": "Jo Bloggs",
    "reviewed": "2026-09-01",
    "scale": {"min": -2, "max": 2, "low_label": "frustrated", "high_label": "delighted"},
    "personas": [
        {"id": "admin", "name": "Ana Admin", "goals": ["Set up fast"]},
        {"id": "buyer", "name": "Bo Buyer", "goals": ["Spend wisely"]},
        {"id": "user", "name": "Uli User", "goals": ["Get work done"]},
    ],
    "channels": [
        {"id": "web", "name": "Website", "mode": "online"},
        {"id": "phone", "name": "Sales call", "mode": "offline"},
    ],
    "kpis": [
        {"id": "conv", "name": "Trial conversion", "unit": "%", "target": 20, "actual": 12,
         "direction": "higher-is-better", "source": "CRM"},
        {"id": "ttv", "name": "Time to value", "unit": "days", "target": 3, "actual": 2,
         "direction": "lower-is-better"},
    ],
    "stages": [
        {"id": "try", "name": "Try", "goal": "See whether it fits", "kpis": ["ttv"], "touchpoints": [
            {"id": "signup", "name": "Sign-up form", "channel": "web", "action": "Creates a trial account",
             "thoughts": ["Do I need a credit card?", "How long is the trial?"],
             "emotion": {"admin": 1, "buyer": 0, "user": 1}, "feeling": "curious", "expectation": "met",
             "evidence": [{"url": "https://example.com/funnel", "title": "Sign-up funnel"}],
             "frontstage": "Welcome email from the CSM", "backstage": "Lead scored in the CRM",
             "support": "CRM, email platform", "policy": "Trials last 14 days"},
            {"id": "onboarding", "name": "Onboarding checklist", "channel": "web", "personas": ["admin", "user"],
             "action": "Invites the team and imports data",
             "emotion": {"admin": -2, "user": -1}, "feeling": "overwhelmed", "expectation": "failed",
             "pain_points": [{"id": "import-fails", "title": "CSV import fails without a reason",
                              "description": "Half the imports fail on date formats.", "severity": "high",
                              "evidence": [{"url": "https://example.com/tickets", "title": "Tickets"}]}],
             "opportunities": [{"id": "import-wizard", "title": "An import wizard that fixes dates",
                                "addresses": ["import-fails"]}],
             "kpis": ["ttv"], "backstage": "Import job runs overnight"},
        ]},
        {"id": "decide", "name": "Decide", "goal": "Agree on the purchase", "kpis": ["conv"], "touchpoints": [
            {"id": "sales-call", "name": "Call with sales", "channel": "phone", "personas": ["buyer"],
             "action": "Negotiates the price", "emotion": {"buyer": 1}, "feeling": "reassured",
             "expectation": "exceeded", "frontstage": "Account executive demo", "kpis": ["conv"]},
        ]},
        {"id": "later", "name": "Later", "goal": "Nothing here yet"},
    ],
}


def make(data: dict | None = None):
    return resolve(JourneyMap.model_validate(copy.deepcopy(data or RICH)), "rich.yaml")


def draw(resolved=None, **options) -> str:
    return svg.render(resolved if resolved is not None else make(), RenderOptions(**options))


def parse(out: str) -> ET.Element:
    return ET.fromstring(out)


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in (el.get("class") or "").split()]


def visible_texts(root: ET.Element) -> list[str]:
    """Every piece of text a person can read or hear: <text> elements (their
    wrapped lines joined), <title> tooltips and <desc>."""
    out = []
    for el in root.iter():
        if el.tag == NS + "text":
            spans = [t.text or "" for t in el if t.tag == NS + "tspan"]
            out.append(" ".join(spans) if spans else (el.text or ""))
        elif el.tag in (NS + "title", NS + "desc"):
            out.append(el.text or "")
    return out


# --- structure -----------------------------------------------------------------
def test_parses_and_is_accessible():
    root = parse(draw())
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "cjm-title cjm-desc"
    title = root.find(NS + "title")
    desc = root.find(NS + "desc")
    assert title is not None and "Acme trial to paid" in title.text
    assert desc is not None and "3 stages" in desc.text and "3 touchpoints" in desc.text
    assert "Ana Admin: highest at Sign-up form (1), lowest at Onboarding checklist (\u22122)" in desc.text
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"


def test_counts_stages_touchpoints_and_curves():
    root = parse(draw())
    stages = by_class(root, "cjm-stage")
    assert [s.get("data-stage") for s in stages] == ["try", "decide", "later"]
    assert len(by_class(root, "cjm-touchpoint")) == 3
    curves = by_class(root, "cjm-curve")
    assert [c.get("data-persona") for c in curves] == ["admin", "buyer", "user"]
    # every score is a point; each persona's line has a stroke of its colour
    points = {c.get("data-persona"): len(c.findall(NS + "circle")) for c in curves}
    assert points == {"admin": 2, "buyer": 2, "user": 2}
    resolved = make()
    for c in curves:
        for path in c.findall(NS + "path"):
            assert path.get("stroke") == resolved.colors[c.get("data-persona")]
    # the empty stage still gets a column saying so
    texts = visible_texts(root)
    assert "No touchpoints yet" in texts
    assert "Later" in texts and "Nothing here yet" in texts


def test_lanes_in_order_with_content():
    root = parse(draw())
    lanes = [g.get("data-lane") for g in by_class(root, "cjm-lane")]
    assert lanes == [lane for lane in LANES if lane in lanes]  # the canonical order
    assert lanes == ["actions", "touchpoints", "thoughts", "emotions", "pain_points", "opportunities", "kpis",
                     "frontstage", "backstage", "support", "policy"]
    labels = [t for t in visible_texts(root) if t.isupper()]
    assert {"ACTIONS", "TOUCHPOINTS", "EMOTIONS", "PAIN POINTS", "SUPPORT PROCESSES"} <= set(labels)


def test_lane_filter_keeps_the_map_order():
    root = parse(draw(lanes=("emotions", "actions", "backstage")))
    assert [g.get("data-lane") for g in by_class(root, "cjm-lane")] == ["actions", "emotions", "backstage"]
    assert by_class(root, "cjm-curve")
    assert not by_class(root, "cjm-pain") and not by_class(root, "cjm-touchpoint")


def test_lane_filter_drops_lanes_without_content():
    data = copy.deepcopy(RICH)
    for stage in data["stages"]:
        for tp in stage.get("touchpoints", []):
            tp.pop("thoughts", None)
    root = parse(draw(make(data), lanes=("thoughts", "actions")))
    assert [g.get("data-lane") for g in by_class(root, "cjm-lane")] == ["actions"]


def scene(resolved=None, **options):
    return svg.lay_out(resolved if resolved is not None else make(), RenderOptions(**options))


def lane_box(sc, key):
    return next(g.box for g in sc.groups("cjm-lane-label-cell") if g.attrs.get("data-lane") == key)


def test_lane_heights_grow_with_wrapped_text():
    data = copy.deepcopy(RICH)
    data["stages"][0]["touchpoints"][0]["action"] = "Creates a trial account " * 12
    short = lane_box(scene(lanes=("actions",)), "actions").h
    long = lane_box(scene(make(data), lanes=("actions",)), "actions").h
    assert long > short + 80


def test_canvas_width_follows_the_touchpoints():
    data = copy.deepcopy(RICH)
    extra = copy.deepcopy(data["stages"][0]["touchpoints"][0])
    for i in range(20):
        tp = copy.deepcopy(extra)
        tp["id"] = f"extra-{i}"
        data["stages"][0]["touchpoints"].append(tp)
    narrow = float(parse(draw()).get("width"))
    wide = float(parse(draw(make(data))).get("width"))
    assert wide == pytest.approx(narrow + 20 * layout.COL_W)


def texts_of(sc, cls):
    return [t for t in sc.texts() if t.cls == cls]


def test_emotion_axis_scale_labels_and_neutral_line():
    sc = scene()
    ticks = [t.lines[0] for t in texts_of(sc, "cjm-tick")]
    assert ticks == ["\u20132", "\u20131", "0", "+1", "+2"]  # drawn with the en dash Noto Sans has
    chart = sc.groups("cjm-emotion-chart")[0]
    assert sum(1 for p in chart.walk() if getattr(p, "cls", "") == "cjm-neutral") == 1
    assert [" ".join(t.lines) for t in texts_of(sc, "cjm-scale-label")] == ["delighted", "frustrated"]
    feelings = {" ".join(t.lines) for t in texts_of(sc, "cjm-feeling")}
    assert {"curious", "overwhelmed", "reassured"} <= feelings
    assert "failed expectations" in {t.lines[0] for t in texts_of(sc, "cjm-exp-failed")}
    # the scores of everyone who scores a step differently, under its feeling
    scores = [t.lines[0] for t in texts_of(sc, "cjm-score-label")]
    assert scores[:3] == ["Ana +1", "Bo 0", "Uli +1"]


def test_scale_one_to_five_has_midpoint_neutral():
    data = copy.deepcopy(RICH)
    data["scale"] = {"min": 1, "max": 5}
    for stage in data["stages"]:
        for tp in stage.get("touchpoints", []):
            tp["emotion"] = {k: v + 3 for k, v in tp["emotion"].items()}
    sc = scene(make(data))
    ticks = {t.lines[0]: t.ys[0] - 3.8 for t in texts_of(sc, "cjm-tick")}
    assert list(ticks) == ["1", "2", "3", "4", "5"]
    neutral = next(p for p in sc.walk() if getattr(p, "cls", "") == "cjm-neutral")
    assert neutral.y1 == pytest.approx(ticks["3"])


def curve(sc, pid):
    return next(g for g in sc.groups("cjm-curve") if g.attrs["data-persona"] == pid)


def test_gaps_where_a_persona_has_no_score():
    # buyer: 0 at sign-up, not on onboarding, 1 at the sales call -> its curve
    # runs dashed across onboarding: no lone dots
    sc = scene()
    buyer = curve(sc, "buyer")
    assert len([c for c in buyer.children if isinstance(c, Circle)]) == 2
    paths = [c for c in buyer.children if isinstance(c, Path)]
    assert [p.cls for p in paths] == ["cjm-curve-gap"]
    admin = curve(sc, "admin")
    assert [p.cls for p in admin.children if isinstance(p, Path)] == ["cjm-curve-line"]
    assert [letter for letter, _ in admin.children[0].commands] == ["M", "C"]


def test_points_that_coincide_are_set_side_by_side():
    sc = scene()
    # admin and user both score +1 at sign-up: same height, different x
    a = [c for c in curve(sc, "admin").children if isinstance(c, Circle)][0]
    u = [c for c in curve(sc, "user").children if isinstance(c, Circle)][0]
    assert a.cy == u.cy and abs(a.cx - u.cx) >= 2 * a.r


def test_curve_never_leaves_the_scale():
    # a monotone curve: control points stay between their end points' heights
    pts = [(0, 100.0), (50, 10.0), (100, 100.0), (150, 90.0), (200, 10.0)]
    ys = [v for seg in layout.monotone_segments(pts) for v in seg[1::2]]
    assert min(ys) >= 10.0 and max(ys) <= 100.0


def test_persona_view_title():
    resolved = make().only_persona("buyer")
    root = parse(draw(resolved, persona="buyer"))
    assert "Bo Buyer" in root.find(NS + "title").text
    assert any("Bo Buyer" in t and "Acme trial to paid" in t for t in visible_texts(root))
    assert any("Persona view: Bo Buyer" in t for t in visible_texts(root))
    assert [c.get("data-persona") for c in by_class(root, "cjm-curve")] == ["buyer"]
    assert len(by_class(root, "cjm-touchpoint")) == 2  # onboarding is not the buyer's


def test_map_without_personas_draws_one_curve():
    data = copy.deepcopy(RICH)
    data["personas"] = []
    for stage in data["stages"]:
        for i, tp in enumerate(stage.get("touchpoints", [])):
            tp.pop("personas", None)
            tp["emotion"] = i - 1
    root = parse(draw(make(data)))
    curves = by_class(root, "cjm-curve")
    assert len(curves) == 1 and curves[0].get("data-persona") == ""
    assert len(curves[0].findall(NS + "circle")) == 3


# --- steps as targets for the HTML page (data-touchpoint, data-personas) ----------------
def step_parts(root: ET.Element) -> dict[str, list[ET.Element]]:
    parts: dict[str, list[ET.Element]] = {}
    for el in root.iter():
        if el.get("data-touchpoint") is not None:
            parts.setdefault(el.get("data-touchpoint"), []).append(el)
    return parts


def kind(el: ET.Element) -> str:
    classes = (el.get("class") or "").split()
    return next((c for c in classes if c != "cjm-card"), el.tag.removeprefix(NS))


def step_parts(sc) -> dict[str, list]:
    parts: dict[str, list] = {}
    for p in sc.walk():
        attrs = getattr(p, "attrs", None)
        if attrs and "data-touchpoint" in attrs:
            parts.setdefault(attrs["data-touchpoint"], []).append(p)
    return parts


def kind(p) -> str:
    if isinstance(p, Circle):
        return "circle"
    return next(c for c in p.cls.split() if c != "cjm-card")


def test_every_part_of_a_step_names_the_step_and_its_personas():
    resolved = make()
    sc = scene(resolved)
    parts = step_parts(sc)
    assert sorted(parts) == sorted(["signup", "onboarding", "sales-call"])
    kinds = {tid: sorted({kind(el) for el in els}) for tid, els in parts.items()}
    assert kinds["signup"] == ["circle", "cjm-action", "cjm-bp", "cjm-feelings", "cjm-kpi", "cjm-thought",
                               "cjm-touchpoint"] or kinds["signup"] == ["circle", "cjm-action", "cjm-bp",
                                                                        "cjm-feelings", "cjm-thought",
                                                                        "cjm-touchpoint"]
    assert {"cjm-opp", "cjm-pain", "cjm-touchpoint", "cjm-feelings"} <= set(kinds["onboarding"])
    assert sum(kind(el) == "cjm-thought" for el in parts["signup"]) == 2  # each bubble
    assert sum(kind(el) == "cjm-bp" for el in parts["signup"]) == 4  # front, back, support, policy
    for _stage, tp in resolved.touchpoints():
        wanted = " ".join(p.id for p in resolved.personas_of(tp))
        for el in parts[tp.id]:
            if isinstance(el, Circle):  # an emotion point sits in its persona's curve
                assert "data-personas" not in el.attrs
            else:
                assert el.attrs.get("data-personas") == wanted, (tp.id, kind(el))
    for g in sc.groups("cjm-curve"):
        ids = [c.attrs["data-touchpoint"] for c in g.children if isinstance(c, Circle)]
        scored = [tp.id for _s, tp in resolved.touchpoints()
                  if isinstance(tp.emotion, dict) and g.attrs["data-persona"] in tp.emotion]
        assert ids == scored
    for g in sc.groups("cjm-none") + sc.groups("cjm-stage") + sc.groups("cjm-lane"):
        assert "data-touchpoint" not in g.attrs and "data-personas" not in g.attrs


def test_kpi_cards_sit_under_the_step_that_measures_them():
    data = copy.deepcopy(RICH)
    data["stages"][0]["kpis"] = []
    data["stages"][1]["kpis"] = ["conv"]
    data["stages"][0]["touchpoints"][0]["kpis"] = ["conv"]
    data["stages"][0]["touchpoints"][1]["kpis"] = ["ttv", "conv"]
    sc = scene(make(data))
    cards = sc.groups("cjm-kpi")
    by_step = {}
    for g in cards:
        name = next(t for t in g.children if isinstance(t, Text)).lines[0]
        by_step.setdefault(g.attrs.get("data-touchpoint") or g.attrs.get("data-stage"), []).append((name, g.box))
    cols = {g.attrs["data-touchpoint"]: g.box for g in sc.groups("cjm-touchpoint")}
    assert [n for n, _b in by_step["signup"]] == ["Trial conversion"]
    assert [n for n, _b in by_step["onboarding"]] == ["Time to value", "Trial conversion"]
    for step, items in by_step.items():
        if step in cols:  # a step's KPI card lines up with the step's column
            for _n, box in items:
                assert box.x == cols[step].x and box.w == cols[step].w
    # a stage's own KPI spans the stage
    (name, box), = by_step["decide"]
    stage = next(g.box for g in sc.groups("cjm-stage") if g.attrs["data-stage"] == "decide")
    assert name == "Trial conversion" and box.x >= stage.x and box.x + box.w <= stage.x + stage.w + 0.01
    assert "data-touchpoint" not in next(g for g in cards if g.attrs.get("data-stage") == "decide").attrs


def test_opportunities_and_actions_show_the_pain_points_they_address():
    data = copy.deepcopy(RICH)
    data["actions"] = [{"id": "fix-import", "title": "Fix date parsing", "addresses": ["import-fails"],
                        "status": "planned"}]
    sc = scene(make(data))
    pain = sc.groups("cjm-pain")[0]
    labels = [t.lines[0] for t in pain.walk() if isinstance(t, Text)]
    assert "P1" in labels
    for kind_ in ("cjm-opp", "cjm-act"):
        g = sc.groups(kind_)[0]
        refs = [t.lines[0] for r in g.walk() if isinstance(r, Group) and "cjm-refs" in r.cls.split()
                for t in r.walk() if isinstance(t, Text)]
        assert refs == ["P1"], kind_


def test_persona_view_and_map_without_personas():
    resolved = make()
    sc = scene(resolved.only_persona("buyer"), persona="buyer")
    parts = step_parts(sc)
    assert sorted(parts) == ["sales-call", "signup"]
    assert {el.attrs.get("data-personas") for els in parts.values() for el in els
            if not isinstance(el, Circle)} == {"buyer"}
    data = copy.deepcopy(RICH)
    data.pop("personas")
    for stage in data["stages"]:
        for tp in stage.get("touchpoints", []):
            tp.pop("personas", None)
            tp["emotion"] = 1
    parts = step_parts(scene(make(data)))
    assert sorted(parts) == ["onboarding", "sales-call", "signup"]
    assert all("data-personas" not in el.attrs for els in parts.values() for el in els)  # nothing to filter


def test_step_attributes_are_escaped():
    resolved = make()
    tp = resolved.stages[0].touchpoints[0]
    object.__setattr__(tp, "id", '"><script>alert(1)</script>')
    out = draw(resolved)
    assert "<script" not in out
    root = parse(out)
    found = [el for el in root.iter() if el.get("data-touchpoint") == '"><script>alert(1)</script>']
    assert found and found[0].get("data-personas") == "admin buyer user"


def test_every_link_is_noopener_noreferrer():
    links = list(parse(draw()).iter(NS + "a"))
    assert len(links) == 2
    assert all(a.get("rel") == "noopener noreferrer" for a in links)


# --- drawn once per map in one cjm render call (the Shared cache: tests/render/svg/test_svg.py) ---
@pytest.fixture
def scenes(monkeypatch) -> list[object]:
    """Counts the pictures really laid out."""
    from cjm.render.svg import layout

    calls: list[object] = []
    scene = layout.Layout.scene

    def counted(self):
        calls.append(self.r)
        return scene(self)

    monkeypatch.setattr(layout.Layout, "scene", counted)
    return calls


def test_one_render_call_draws_each_map_once(scenes, tmp_path):
    from cjm.pipeline.render import RenderRequest, render_maps

    maps = [str(EXAMPLES / "ecommerce-current.yaml"), str(EXAMPLES / "b2b-saas.yaml")]
    result = render_maps(RenderRequest(maps, formats=["html", "md", "svg"], out=str(tmp_path)))
    assert result.reports == []
    assert [o.fmt for o in result.outputs] == ["html", "md", "svg"] * 2
    assert len(scenes) == 2 and scenes[0] is not scenes[1]
    for page, picture in ((result.outputs[0], result.outputs[2]), (result.outputs[3], result.outputs[5])):
        assert picture.content.strip() in page.content
    result = render_maps(RenderRequest(maps[:1], formats=["svg", "html"], out=str(tmp_path), persona="busy-professional"))
    assert len(scenes) == 3
    assert 'data-touchpoint="refer-a-friend"' not in result.outputs[0].content  # Maya's step only
    assert result.outputs[0].content.strip() in result.outputs[1].content


# --- blueprint lines ---------------------------------------------------------------
def test_service_blueprint_lines():
    sc = scene()
    lines = sc.groups("cjm-bp-line")
    labels = [next(t for t in g.walk() if isinstance(t, Text)).lines[0] for g in lines]
    assert labels == ["LINE OF INTERACTION", "LINE OF VISIBILITY", "LINE OF INTERNAL INTERACTION"]
    ys = [next(p for p in g.children if isinstance(p, Line)).y1 for g in lines]
    assert ys == [lane_box(sc, "frontstage").y, lane_box(sc, "backstage").y, lane_box(sc, "support").y]
    for g in lines:
        rule = next(p for p in g.children if isinstance(p, Line))
        assert rule.x2 > rule.x1 + 500


def test_blueprint_lines_meet_when_frontstage_is_hidden():
    sc = scene(lanes=("actions", "backstage", "policy"))
    labels = [next(t for t in g.walk() if isinstance(t, Text)).lines[0] for g in sc.groups("cjm-bp-line")]
    assert labels == ["LINE OF INTERACTION \u00b7 LINE OF VISIBILITY"]


def test_no_blueprint_lines_on_a_plain_map():
    data = copy.deepcopy(RICH)
    data["type"] = "current-state"
    for stage in data["stages"]:
        for tp in stage.get("touchpoints", []):
            for lane in ("frontstage", "backstage", "support", "policy"):
                tp.pop(lane, None)
    root = parse(draw(make(data)))
    assert not by_class(root, "cjm-bp-line")
    assert "frontstage" not in [g.get("data-lane") for g in by_class(root, "cjm-lane")]


# --- escaping ----------------------------------------------------------------------
INJECTIONS = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "{{ 7*7 }}",
    "a | b",
    "first line\nsecond line",
    "Tom & Jerry's \"quote\" ]]> <!-- x -->",
]


def _poison(value: str) -> dict:
    """RICH with ``value`` in every text field the SVG shows (on one line in
    names and titles, where the format refuses line breaks)."""
    data = copy.deepcopy(RICH)
    one = value.replace("\n", " ")
    for key in ("goal", "description"):
        data[key] = value
    for key in ("title", "industry", "owner"):
        data[key] = one
    data["scale"].update(low_label=one, high_label=one)
    for p in data["personas"]:
        p["name"] = one + " " + p["id"]
    for c in data["channels"]:
        c["name"] = one
    for k in data["kpis"]:
        k.update(name=one, source=one)
    data["kpis"][0]["unit"] = one[:40]
    for stage in data["stages"]:
        stage.update(name=one, goal=value)
        for tp in stage.get("touchpoints", []):
            tp.update(name=one, action=value, thoughts=[value], feeling=one)
            for lane in ("frontstage", "backstage", "support", "policy"):
                tp[lane] = value
            for pain in tp.get("pain_points", []):
                pain.update(title=one, description=value)
            for opp in tp.get("opportunities", []):
                opp.update(title=one, description=value)
            for link in tp.get("evidence", []):
                link["title"] = one
    return data


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_comes_out_as_text(value):
    resolved = make(_poison(value))
    # links that validation would refuse, forced in past the model
    step = resolved.stages[0].touchpoints[0]
    step.evidence.append(Link.model_construct(url="javascript:alert(1)", title=value))
    step.evidence.append(Link.model_construct(url="https://ok.example/x\"onmouseover=alert(1)", title="q"))
    out = draw(resolved)
    root = parse(out)  # well-formed XML whatever the text
    for el in root.iter():
        tag = el.tag.replace(NS, "")
        assert tag in {"svg", "title", "desc", "style", "rect", "g", "text", "tspan", "line", "path", "circle",
                       "a"}, tag
        for name, attr in el.attrib.items():
            assert not name.lower().startswith("on"), (tag, name)
            assert "javascript:" not in attr.lower()
            assert '"onmouseover' not in attr
    hrefs = [a.get("href") for a in root.iter(NS + "a")]
    # the quote that would have ended the attribute is percent-encoded: the link stays, inert
    assert sorted(hrefs) == ["https://example.com/funnel", "https://example.com/tickets",
                             "https://ok.example/x%22onmouseover=alert(1)"]
    texts = [_squash(t) for t in visible_texts(root)]
    wanted = _squash(value)
    # the same visible text, in each place it was put (wrapping may break lines)
    assert sum(wanted in t for t in texts) >= 25, [t for t in texts if wanted[:4] in t]
    assert "49" not in "".join(texts)
    assert "<script" not in out and "onload=" not in out.replace("onload=alert", "")


def test_control_characters_keep_the_xml_valid():
    # The format refuses them; text that reached the renderer some other way
    # (set on the model after validation here) still makes well-formed XML.
    resolved = make()
    resolved.map.title = "Bell\x07 and null\x00 and \ufffe end"
    resolved.stages[0].touchpoints[0].action = "tab\tand\x1b escape"
    root = parse(draw(resolved))
    assert "Bell and null and  end" in root.find(NS + "title").text


def test_unsafe_link_is_shown_as_plain_text():
    resolved = make()
    step = resolved.stages[0].touchpoints[0]
    step.evidence[0] = Link.model_construct(url="javascript:alert(1)", title="Sign-up funnel")
    root = parse(draw(resolved))
    assert [a.get("href") for a in root.iter(NS + "a")] == ["https://example.com/tickets"]
    assert any("Sign-up funnel" in t for t in visible_texts(root))


# --- text fitting (widths and wrapping themselves: tests/render/svg/test_metrics.py) ------
def test_a_cut_thought_keeps_its_full_text_as_a_tooltip():
    data = copy.deepcopy(RICH)
    long = "Very long thought that goes on and on " * 20
    data["stages"][0]["touchpoints"][0]["thoughts"] = [long]
    root = parse(draw(make(data)))
    bubble = by_class(root, "cjm-thought")[0]
    assert bubble.find(NS + "title").text == long
    assert bubble.find(NS + "text")[-1].text.endswith("\u2026")


# class -> (font size, bold), as in the template's <style>
FONT_SIZES = {"cjm-tp-name": (12.5, True), "cjm-channel": (11, False), "cjm-link": (11, False),
              "cjm-muted": (11, False), "cjm-pain-desc": (11, False), "cjm-opp-desc": (11, False),
              "cjm-kpi-value": (11.5, False), "cjm-pain-title": (12, True), "cjm-opp-title": (12, True),
              "cjm-kpi-name": (12, True), "cjm-text": (12, False), "cjm-tag-label": (9.5, True),
              "cjm-step-label": (10, True)}


def test_cards_hold_their_text():
    """No line of text is wider than the card it sits in (by the estimate)."""
    root = parse(draw(make(_poison("Supercalifragilistic expialidocious " * 8))))
    for card in by_class(root, "cjm-card"):
        rect = card.find(NS + "rect")
        left, right = float(rect.get("x")), float(rect.get("x")) + float(rect.get("width"))
        for text in card.iter(NS + "text"):
            cls = text.get("class") or ""
            size, bold = FONT_SIZES.get(cls, (12, False))
            for span in text.iter(NS + "tspan"):
                x = float(span.get("x"))
                assert left < x and x + metrics.text_width(span.text, size, bold) <= right, span.text


# --- themes and output ------------------------------------------------------------------
def test_themes_differ_and_unknown_theme_falls_back():
    light, dark = draw(theme="light"), draw(theme="dark")
    assert THEMES["dark"]["bg"] in dark and THEMES["dark"]["bg"] not in light
    assert draw(theme="sepia") == light


def test_deterministic():
    first = draw()
    assert draw() == first
    assert draw(resolved=make()) == first
    # one decimal at most in any coordinate
    assert not re.search(r'="-?\d+\.\d{2,}"', first)


def test_self_contained():
    out = draw()
    assert "@import" not in out and "<image" not in out
    assert re.findall(r"url\((?!data:font/woff;base64,)", out) == []  # only the embedded font
    assert "font-family" in out and "@font-face" in out
    assert "@font-face" not in draw(embed_font=False)


def test_template_override(tmp_path):
    (tmp_path / "svg").mkdir()
    (tmp_path / "svg" / "map.svg.j2").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{{ width }}"><title>{{ doc_title }}</title></svg>\n')
    data = copy.deepcopy(RICH)
    data["title"] = "<b>bold</b>"
    out = svg.render(make(data), RenderOptions(template_dir=tmp_path))
    assert parse(out).find(NS + "title").text == "Customer journey map: <b>bold</b>"


# --- examples, the command line and a large map -----------------------------------------
def _example_maps() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("path", _example_maps(), ids=lambda p: p.name)
def test_examples_render(cjm, tmp_path, path):
    proc = cjm("render", str(path), "-f", "svg", "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    root = ET.parse(tmp_path / (path.stem + ".svg")).getroot()
    assert by_class(root, "cjm-stage") and by_class(root, "cjm-touchpoint")


def test_cli_persona_and_lanes(cjm, tmp_path):
    path = tmp_path / "rich.yaml"
    import json

    data = copy.deepcopy(RICH)
    data["stages"].pop()  # an empty stage is an error for validation
    path.write_text(json.dumps(data))  # JSON is YAML
    proc = cjm("render", str(path), "-f", "svg", "-o", "-", "--persona", "admin", "--lanes", "emotions,actions",
               "--theme", "dark")
    assert proc.returncode == 0, proc.stderr
    root = parse(proc.stdout)
    assert "Ana Admin" in root.find(NS + "title").text
    assert [g.get("data-lane") for g in by_class(root, "cjm-lane")] == ["actions", "emotions"]
    assert [c.get("data-persona") for c in by_class(root, "cjm-curve")] == ["admin"]




# The large-map tests run in a child process: a 2,000-step scene is millions of
# objects, and the memory they leave in the test worker would be counted
# against every process that worker forks later (tests/test_hostile.py caps
# the memory of `cjm validate` children).
_LARGE = """
import json, sys, time
sys.path[:0] = ["tests"]
from dataclasses import replace
from render_inputs import large_map
from cjm.render import RenderOptions, svg

big = large_map()
out = {}
start = time.process_time()
sc = svg.lay_out(big, RenderOptions())
doc = svg.document(sc, RenderOptions())
out["took"] = time.process_time() - start
out["touchpoints"] = len(sc.groups("cjm-touchpoint"))
out["curves"] = len(sc.groups("cjm-curve"))
out["stages"] = len(sc.groups("cjm-stage"))
out["drawn"] = doc.count('class="cjm-card cjm-touchpoint"')
small = replace(big, map=big.map.model_copy(update={"stages": [
    s.model_copy(update={"touchpoints": s.touchpoints[:20]}) for s in big.map.stages]}))

def cost(resolved):
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        svg.document(svg.lay_out(resolved, RenderOptions()), RenderOptions())
        best = min(best, time.process_time() - start)
    return best

cost(small)  # warm the caches (fonts, templates)
out["ratio"] = cost(big) / cost(small)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def large_run():
    import json
    import subprocess
    import sys

    from conftest import ROOT

    proc = subprocess.run([sys.executable, "-c", _LARGE], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_large_map(large_run):
    assert large_run["touchpoints"] == 2000 and large_run["drawn"] == 2000
    assert large_run["curves"] == 10 and large_run["stages"] == 10
    # ~2.5 s of CPU on the 2-core CI machine; the bound leaves room for a loaded one
    assert large_run["took"] < 12.0, large_run


def test_rendering_time_is_linear_in_the_touchpoints(large_run):
    """200 and 2,000 steps of the same map: 10x the steps takes at most 20x
    the time (linear, with room for noise), never the square (~100x)."""
    assert large_run["ratio"] < 20, large_run


@pytest.mark.parametrize("data", [
    {"cjm": 1, "title": "x" * 300, "stages": [{"id": "a", "name": "A"}]},
    {"cjm": 1, "title": "t", "scale": {"min": 0, "max": 0},
     "stages": [{"id": "a", "name": "A", "touchpoints": [{"id": "b", "name": "B", "emotion": 0}]}]},
    {"cjm": 1, "title": "t", "scale": {"min": -100, "max": 100},
     "stages": [{"id": "a", "name": "A", "touchpoints": [{"id": "b", "name": "B", "emotion": 50}]}]},
], ids=["bare", "zero-span-scale", "wide-scale"])
def test_edge_maps_render(data):
    root = parse(draw(make(data)))
    assert float(root.get("width")) >= layout.MIN_WIDTH
    assert by_class(root, "cjm-stage")
    assert root.find(NS + "title").text.startswith("Customer journey map: ")


def test_no_lanes_at_all():
    root = parse(draw(lanes=()))
    assert not by_class(root, "cjm-lane") and len(by_class(root, "cjm-stage")) == 3
