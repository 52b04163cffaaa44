"""cjm render MAP --compare OTHER: the other map's emotion curves drawn dashed
on this map's chart, with the change per persona and touchpoint (issue 4).

The expected scores are read from the example YAML here, never copied into
the test, so the test follows the examples when they change.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from cjm.model.journey import JourneyMap
from cjm.model.resolve import resolve
from cjm.render import RenderOptions, svg
from conftest import EXAMPLES

NS = "{http://www.w3.org/2000/svg}"
FUTURE = EXAMPLES / "ecommerce-future.yaml"
CURRENT = EXAMPLES / "ecommerce-current.yaml"
MINUS = "\u2212"


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def scores(data: dict) -> dict[tuple[str, str], float]:
    """(persona id, touchpoint id) -> score, as the YAML writes it."""
    persona_ids = [p["id"] for p in data["personas"]]
    out = {}
    for stage in data["stages"]:
        for tp in stage.get("touchpoints", []):
            emotion = tp.get("emotion")
            if isinstance(emotion, dict):
                out.update({(pid, tp["id"]): v for pid, v in emotion.items()})
            elif emotion is not None:
                for pid in tp.get("personas") or persona_ids:
                    out[(pid, tp["id"])] = emotion
    return out


def pill_label(delta: float) -> str:
    """How the map writes a change: '+2', '–1' (the en dash the bundled font
    has for a minus; ▲ and ▼ are drawn beside it), '±0'."""
    if delta == 0:
        return "\u00b10"
    s = f"{abs(delta):g}"
    return f"+{s}" if delta > 0 else f"\u2013{s}"


def pills(root: ET.Element) -> dict[str, str]:
    """Each change pill's tooltip ("Name at Step: …") -> its label."""
    out = {}
    for g in by_class(root, "cjm-delta"):
        title = g.find(f"{NS}title")
        if title is None:  # the legend's sample pill
            continue
        out[title.text] = g.find(f"{NS}text").text
    return out


def render_cli(cjm, *args: str) -> tuple[ET.Element, str]:
    proc = cjm("render", str(FUTURE), "--compare", str(CURRENT), "-f", "svg", "-o", "-", *args)
    assert proc.returncode == 0, proc.stderr
    return ET.fromstring(proc.stdout), proc.stdout


# --- through the command line --------------------------------------------------
def test_compare_draws_both_maps(cjm):
    root, _out = render_cli(cjm)
    future, current = load(FUTURE), load(CURRENT)
    personas = {p["id"]: p["name"] for p in future["personas"]}

    # one dashed curve per persona, in the persona's own colour, under the solid ones
    before = {g.get("data-persona"): g for g in by_class(root, "cjm-before")}
    assert set(before) == set(personas)
    solid = {g.get("data-persona"): g for g in by_class(root, "cjm-curve")}
    for pid, g in before.items():
        paths = g.findall(f"{NS}path")
        assert paths and all(p.get("class") == "cjm-before-line" for p in paths)  # dashed by its CSS class
        assert {p.get("stroke") for p in paths} == {p.get("stroke") for p in solid[pid].findall(f"{NS}path")}
        assert not any(p.get("stroke-dasharray") or "before" in p.get("class", "")
                       for p in solid[pid].findall(f"{NS}path"))
    chart = list(by_class(root, "cjm-emotion-chart")[0])
    assert max(chart.index(g) for g in before.values()) < min(chart.index(g) for g in solid.values())

    # the legend explains solid and dashed, naming the other map
    legend = {(g.get("class") or "").split()[-1]: g.find(f"{NS}text").text for g in by_class(root, "cjm-legend-item")}
    assert legend["cjm-legend-compare-other"] == current["title"]
    assert legend["cjm-legend-compare-this"] == "This map"
    dashed = by_class(root, "cjm-legend-compare-other")[0].find(f"{NS}line")
    assert dashed.get("stroke-dasharray")
    assert current["title"] in root.find(f"{NS}title").text

    # a change pill for every persona and touchpoint both maps score, with the right value
    now, was = scores(future), scores(current)
    names = {tp["id"]: tp["name"] for s in future["stages"] for tp in s.get("touchpoints", [])}
    expected = {}
    for (pid, tid), v in now.items():
        if (pid, tid) in was:
            expected[(personas[pid], names[tid])] = pill_label(v - was[(pid, tid)])
    got = {}
    for title, label in pills(root).items():
        who, rest = title.split(" at ", 1)
        got[(who, rest.split(":", 1)[0])] = label
    assert got == expected
    # each pill names its persona, so the HTML page's persona filter hides it with the curves
    for g in by_class(root, "cjm-delta"):
        title = g.find(f"{NS}title")
        if title is not None:
            assert title.text.startswith(personas[g.get("data-persona")] + " at ")
    # checkout, worked out by hand from the two files
    assert got[(personas["bargain-hunter"], names["checkout"])] == pill_label(
        now[("bargain-hunter", "checkout")] - was[("bargain-hunter", "checkout")])


def test_compare_with_one_persona(cjm):
    root, _out = render_cli(cjm, "--persona", "busy-professional")
    assert [g.get("data-persona") for g in by_class(root, "cjm-before")] == ["busy-professional"]
    assert [g.get("data-persona") for g in by_class(root, "cjm-curve")] == ["busy-professional"]
    name = next(p["name"] for p in load(FUTURE)["personas"] if p["id"] == "busy-professional")
    assert pills(root) and all(t.startswith(name + " at ") for t in pills(root))


def test_compare_writes_svg_and_html_beside_the_plain_render(cjm, tmp_path):
    proc = cjm("render", str(FUTURE), "--compare", str(CURRENT), "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["ecommerce-future.vs-ecommerce-current.html", "ecommerce-future.vs-ecommerce-current.svg"]
    page = (tmp_path / written[0]).read_text(encoding="utf-8")
    assert 'class="cjm-before"' in page and "cjm-delta-up" in page
    # same input, same bytes
    first = (tmp_path / written[1]).read_bytes()
    proc = cjm("render", str(FUTURE), "--compare", str(CURRENT), "-f", "svg", "-o", "-")
    assert proc.stdout.encode("utf-8") == first


def test_invalid_map_to_compare_with_exits_1_and_writes_nothing(cjm, tmp_path):
    text = CURRENT.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    line = next(i for i, ln in enumerate(lines) if "emotion: {bargain-hunter: -1, busy-professional: 0}" in ln)
    lines[line] = lines[line].replace("bargain-hunter: -1", "bargain-hunter: -9")
    bad = tmp_path / "bad.yaml"
    bad.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    proc = cjm("render", str(FUTURE), "--compare", str(bad), "-o", str(out))
    assert proc.returncode == 1
    col = lines[line].index("-9") + 1
    assert re.search(rf"bad\.yaml:{line + 1}:{col}: error CJM307", proc.stderr), proc.stderr
    assert proc.stdout == ""
    assert not out.exists()


def test_broken_yaml_to_compare_with_exits_1(cjm, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("cjm: 1\ntitle: [unclosed\n", encoding="utf-8")
    proc = cjm("render", str(FUTURE), "--compare", str(bad), "-f", "svg", "-o", "-")
    assert proc.returncode == 1
    assert re.search(r"broken\.yaml:\d+:\d+: error", proc.stderr), proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["--compare", "missing.yaml"], "no such file: missing.yaml"),
    (["--compare", str(CURRENT), "-f", "md"], "svg, html, png and pdf maps only"),
    (["--compare", str(CURRENT), str(CURRENT)], "exactly one map"),
    (["--compare", str(EXAMPLES / "b2b-saas.yaml"), "--persona", "bargain-hunter"], "no persona 'bargain-hunter'"),
    (["--compare", str(EXAMPLES / "project" / "shared" / "personas.yaml")], "is a catalogue, not a map"),
    (["--compare", str(EXAMPLES)], "not a folder"),
])
def test_usage_errors_exit_2_and_write_nothing(cjm, tmp_path, args, message):
    proc = cjm("render", str(FUTURE), *args, "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert not (tmp_path / "out").exists()


def test_without_compare_nothing_changes(cjm):
    proc = cjm("render", str(FUTURE), "-f", "svg", "-o", "-")
    assert proc.returncode == 0
    assert 'class="cjm-before' not in proc.stdout and 'class="cjm-pill cjm-delta' not in proc.stdout
    assert "Compared with" not in proc.stdout


# --- the model and the picture, in memory ------------------------------------------
def resolved(data: dict, source: str = "map.yaml"):
    return resolve(JourneyMap.model_validate(copy.deepcopy(data)), source)


def draw(this: dict, other: dict, **options) -> ET.Element:
    view = replace(resolved(this), compare=resolved(other, "other.yaml"))
    return ET.fromstring(svg.render(view, RenderOptions(**options)))


MAP = {
    "cjm": 1, "title": "After", "goal": "Buy",
    "personas": [{"id": "ann", "name": "Ann", "goals": ["Buy"]}],
    "stages": [{"id": "s", "name": "Shop", "touchpoints": [
        {"id": "a", "name": "Find", "emotion": 2},
        {"id": "b", "name": "Choose", "emotion": 1},
        {"id": "c", "name": "Pay", "emotion": 0},
        {"id": "d", "name": "Wait", "emotion": 1},
    ]}],
}


def test_other_scale_is_mapped_onto_this_one():
    other = copy.deepcopy(MAP)
    other["title"] = "Before"
    other["scale"] = {"min": 1, "max": 5}
    for tp, v in zip(other["stages"][0]["touchpoints"], (5, 1, 3, 4)):
        tp["emotion"] = v
    view = replace(resolved(MAP), compare=resolved(other))
    steps = [tp for _s, tp in view.touchpoints()]
    assert [view.compare_emotion(tp, "ann") for tp in steps] == [2, -2, 0, 1]
    root = draw(MAP, other)
    assert sorted(pills(root).values()) == sorted([pill_label(0), pill_label(3), pill_label(0), pill_label(0)])


def test_gap_where_the_other_map_has_no_such_step():
    other = copy.deepcopy(MAP)
    other["title"] = "Before"
    del other["stages"][0]["touchpoints"][1]  # no "Choose" before
    root = draw(MAP, other)
    before = by_class(root, "cjm-before")[0]
    assert len(before.findall(f"{NS}circle")) == 3
    assert len(before.findall(f"{NS}path")) == 1  # Find alone, then Pay-Wait: a single point draws no line
    assert not any("Choose" in t for t in pills(root))
    assert len(pills(root)) == 3


def test_persona_the_other_map_lacks_has_no_dashed_curve():
    this = copy.deepcopy(MAP)
    this["personas"].append({"id": "bob", "name": "Bob", "goals": ["Buy"]})
    root = draw(this, MAP)
    assert [g.get("data-persona") for g in by_class(root, "cjm-before")] == ["ann"]
    assert all(t.startswith("Ann at ") for t in pills(root))


def test_other_map_text_is_escaped():
    other = copy.deepcopy(MAP)
    other["title"] = '<script>alert(1)</script> & "quotes"'
    other["stages"][0]["touchpoints"][0]["name"] = "<b>x</b>"
    out = svg.render(replace(resolved(MAP), compare=resolved(other)), RenderOptions())
    assert "<script>" not in out and "<b>" not in out
    root = ET.fromstring(out)
    legend = by_class(root, "cjm-legend-compare-other")[0]
    assert legend.find(f"{NS}text").text == other["title"]


def test_only_the_other_map_has_scores():
    this = copy.deepcopy(MAP)
    for tp in this["stages"][0]["touchpoints"]:
        del tp["emotion"]
    root = draw(this, MAP)
    assert by_class(root, "cjm-lane-emotions")
    assert len(by_class(root, "cjm-before")) == 1
    assert not pills(root)


def test_dark_theme_and_deterministic():
    a = svg.render(replace(resolved(MAP), compare=resolved(MAP)), RenderOptions(theme="dark"))
    b = svg.render(replace(resolved(MAP), compare=resolved(MAP)), RenderOptions(theme="dark"))
    assert a == b
    assert set(pills(ET.fromstring(a)).values()) == {pill_label(0)}


def test_large_map_compared_with_itself():
    import time

    from render_inputs import large_map

    this = large_map()
    view = replace(this, compare=large_map())
    start = time.process_time()
    out = svg.render(view, RenderOptions())
    took = time.process_time() - start
    root = ET.fromstring(out)
    assert len(by_class(root, "cjm-before")) == 10
    scored = sum(v is not None for _pid, values in this.emotion_series() for v in values)
    assert len(pills(root)) == scored
    assert set(pills(root).values()) == {pill_label(0)}
    # ~2.5 s of CPU here (twice the points of the plain L map); the bound leaves room for a loaded machine
    assert took < 8.0, took
