"""``-f dot`` / ``-f flow``: golden DOT for the examples, validated by the real
``dot``; hostile text stays text; a clear exit 3 without Graphviz; the L map.

Regenerate the golden files with ``CJM_UPDATE_GOLDEN=1 pytest tests/render/test_flow.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT
from render_inputs import EXAMPLE_MAPS, HOSTILE, large_map_data, render, resolved_map, write_hostile_map

GOLDEN = ROOT / "tests" / "golden" / "dot"
UPDATE = os.environ.get("CJM_UPDATE_GOLDEN") == "1"
DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT is None, reason="Graphviz 'dot' is not installed")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("path", EXAMPLE_MAPS, ids=lambda p: p.stem)
def test_golden(path):
    text = render(path, "dot")
    golden = GOLDEN / (path.stem + ".dot")
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with CJM_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


@needs_dot
@pytest.mark.parametrize("path", EXAMPLE_MAPS, ids=lambda p: p.stem)
def test_dot_accepts_it_and_the_svg_is_xml(path):
    svg = render(path, "flow")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    r = resolved_map(path)
    nodes = {g.findtext(f"{SVG}title") for g in root.iter(f"{SVG}g") if g.get("class") == "node"}
    assert nodes == {tp.id for _s, tp in r.touchpoints()}
    clusters = [g for g in root.iter(f"{SVG}g") if g.get("class") == "cluster"]
    assert len(clusters) == sum(1 for s in r.stages if s.touchpoints)


def test_edges_follow_sequence_and_branches():
    path = next(p for p in EXAMPLE_MAPS if p.name == "ecommerce-current.yaml")
    r = resolved_map(path)
    dot = render(path, "dot")
    branching = [tp for _s, tp in r.touchpoints() if tp.next]
    assert branching, "the example should show a branch"
    for _s, tp in r.touchpoints():
        for target in r.next_of(tp):
            edge = next(line for line in dot.splitlines() if _edge(line) == (tp.id, target))
            assert ("dashed" in edge) == bool(tp.next), edge
    painful = [tp for _s, tp in r.touchpoints() if tp.pain_points]
    for tp in painful:
        node = next(line for line in dot.splitlines() if line.strip().startswith((f'"{tp.id}" [', f"{tp.id} [")))
        assert '#b2182b' in node and "⚠" in node


def _edge(line: str):
    line = line.strip()
    if " -> " not in line:
        return None
    tail, head = line.split(" -> ", 1)
    return tail.strip('"'), head.split(" ", 1)[0].strip('"')


def test_fill_is_a_diverging_palette():
    from cjm.render.flow import NEGATIVE, NO_SCORE, POSITIVE, fill

    assert fill(-2, -2, 2) == "#%02x%02x%02x" % NEGATIVE
    assert fill(2, -2, 2) == "#%02x%02x%02x" % POSITIVE
    assert fill(0, -2, 2) == "#f7f7f7" == fill(3, 1, 5)
    assert fill(None, -2, 2) == NO_SCORE


@needs_dot
def test_hostile_text_stays_text(tmp_path):
    path = write_hostile_map(tmp_path)
    dot = render(path, "dot")
    proc = subprocess.run([DOT, "-Tsvg"], input=dot.encode(), capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    svg = render(path, "flow")
    root = ET.fromstring(svg)
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {"svg", "g", "title", "polygon", "path", "text", "ellipse", "a", "polyline"}, tags
    for el in root.iter():
        assert not any(name.startswith("on") for name in el.attrib), el.attrib
    shown = " ".join(" ".join(el.itertext()) for el in root.iter(f"{SVG}text"))
    words = " ".join(shown.split())
    for name in HOSTILE:
        for word in name.split():
            assert word in words, (word, name)
    assert "49" not in words


def test_dot_is_deterministic():
    for path in EXAMPLE_MAPS:
        assert render(path, "dot") == render(path, "dot")


def test_missing_dot_exits_3_and_leaves_files_untouched(tmp_path, cjm):
    out = tmp_path / "out"
    out.mkdir()
    example = next(p for p in EXAMPLE_MAPS if p.name == "ecommerce-current.yaml")
    old_svg = out / "ecommerce-current.flow.svg"
    old_md = out / "ecommerce-current.md"
    old_svg.write_text("old flow", encoding="utf-8")
    old_md.write_text("old md", encoding="utf-8")
    empty = tmp_path / "bin"
    empty.mkdir()  # a PATH without dot (python is run by its full path)
    proc = cjm("render", str(example), "-f", "md,flow", "-o", str(out), env={"PATH": str(empty)})
    assert proc.returncode == 3, proc.stderr
    assert "Graphviz 'dot' was not found" in proc.stderr
    assert "apt-get install graphviz" in proc.stderr and "https://graphviz.org/download/" in proc.stderr
    assert old_svg.read_text(encoding="utf-8") == "old flow"
    assert old_md.read_text(encoding="utf-8") == "old md"
    assert sorted(p.name for p in out.iterdir()) == ["ecommerce-current.flow.svg", "ecommerce-current.md"]
    # -f dot needs no Graphviz at all.
    proc = cjm("render", str(example), "-f", "dot", "-o", "-", env={"PATH": str(empty)})
    assert proc.returncode == 0 and proc.stdout.startswith("digraph journey {")


@needs_dot
def test_large_map_renders(tmp_path):
    path = tmp_path / "large.yaml"
    path.write_text(json.dumps(large_map_data(2000, 10), indent=1), encoding="utf-8")
    start = time.perf_counter()
    svg = render(path, "flow")
    elapsed = time.perf_counter() - start
    root = ET.fromstring(svg)
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    assert len(nodes) == 2000
    print(f"\nL map (2,000 touchpoints) -> flow SVG: {elapsed:.2f} s", file=sys.stderr)
    assert elapsed < 60


# --- with a metrics snapshot: reach on the steps, observed moves on the arrows ------
@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    from measured_inputs import measured_project

    root = tmp_path_factory.mktemp("measured")
    return root, measured_project(root)


def _edges(svg_text: str) -> dict[str, tuple[str, str]]:
    """'a->b' -> (its label, its line's style) from dot's SVG."""
    out = {}
    for g in ET.fromstring(svg_text).iter(f"{SVG}g"):
        if g.get("class") != "edge":
            continue
        title = g.find(f"{SVG}title").text.replace("&#45;", "-")
        text = g.find(f"{SVG}text")
        path = g.find(f"{SVG}path")
        out[title] = (text.text if text is not None else None, path.get("stroke-dasharray") or "")
    return out


@needs_dot
def test_observed_moves_are_written_on_the_arrows(measured):
    from measured_inputs import render_measured

    root, project = measured
    truth = project["truth"]["transitions"]
    edges = _edges(render_measured(root, "flow"))
    labelled = {k.replace("->", ">"): int(v[0].replace(",", "")) for k, v in edges.items() if v[0] is not None}
    # every planted move, on the map's arrows or as a dotted arrow the map does not have;
    # the map's arrows between touchpoints that send events say 0 where nobody moved
    assert {k: v for k, v in labelled.items() if v} == truth
    assert labelled["product>help"] == 0 and labelled["help>cart"] == 0
    assert edges["purchase->thanks"][0] is None  # the thank-you page sends no events: nothing was counted
    off_map = {k for k, (_label, dash) in edges.items() if dash}
    assert off_map == {"product->cart", "cart->product", "product->checkout"}
    dot = render_measured(root, "dot")
    assert "numbers on arrows: moves observed" in dot and "Reached by 300 people" in dot.replace(",", "")


@needs_dot
def test_a_snapshot_without_moves_labels_no_arrow(measured, tmp_path):
    import json as _json

    from measured_inputs import measured_resolved

    from cjm.model.metrics import Metrics
    from cjm.model.resolve import resolve
    from cjm.render import flow

    root, project = measured
    document = _json.loads(_json.dumps(project["snapshot"]))
    del document["results"]["transitions"]  # written before cjm counted every move
    resolved = measured_resolved(root)
    older = resolve(resolved.map, "maps/shop.yaml", None, Metrics("metrics/shop.json", document["metrics"], None,
                                                                    document))
    dot = flow.to_dot(older)
    assert "label=0" not in dot and "numbers on arrows" not in dot and "style=dotted" not in dot
    assert "Reached by" in dot  # reach still shows
    subprocess.run([DOT, "-Tsvg"], input=dot.encode(), check=True, capture_output=True)
