"""``-f svg`` (cjm.render.svg): ``render`` draws the whole map, or one poster
per part with ``--split``; ``document`` writes a scene through the template
with the subset of the font it draws (or none); the ``Shared`` cache of one
map's rendering lays out and draws the map once for svg, html and png; the
garbage collector is kept out of the way while a scene is built."""

from __future__ import annotations

import base64
import copy
import gc
import io
import re
import xml.etree.ElementTree as ET

import pytest

from cjm.model.journey import JourneyMap
from cjm.model.resolve import resolve
from cjm.render import Piece, RenderOptions, Shared, fonts
from cjm.render import svg
from cjm.render.svg.scene import Group, Rect, Scene, Text

NS = "{http://www.w3.org/2000/svg}"

MAP = {
    "cjm": 1, "title": "Two stages", "goal": "Get through",
    "personas": [{"id": "ann", "name": "Ann", "goals": ["g"]}, {"id": "bob", "name": "Bob", "goals": ["g"]}],
    "stages": [
        {"id": "one", "name": "One", "touchpoints": [
            {"id": "a", "name": "Arrive", "action": "Walks in", "emotion": {"ann": 1, "bob": -1},
             "pain_points": [{"id": "p1", "title": "Queue", "severity": "high"}]},
            {"id": "b", "name": "Browse", "emotion": {"ann": 2, "bob": 0}}]},
        {"id": "two", "name": "Two", "touchpoints": [
            {"id": "c", "name": "Checkout", "emotion": {"ann": -1, "bob": 1},
             "pain_points": [{"id": "p2", "title": "Card refused", "severity": "critical"}]}]},
    ],
}


def make(data: dict | None = None):
    return resolve(JourneyMap.model_validate(copy.deepcopy(data or MAP)), "two.yaml")


@pytest.fixture
def layouts(monkeypatch) -> list[object]:
    """Counts the maps really laid out."""
    from cjm.render.svg import layout

    calls: list[object] = []
    scene = layout.Layout.scene

    def counted(self):
        calls.append(self.r)
        return scene(self)

    monkeypatch.setattr(layout.Layout, "scene", counted)
    return calls


def faces_css(doc: str) -> dict[str, bytes]:
    """The embedded subsets by CSS weight/style."""
    out = {}
    for weight, style_, data in re.findall(r'font-weight: (\d+); font-style: (\w+); src: url\(data:font/woff;base64,'
                                           r'([A-Za-z0-9+/=]+)\)', doc):
        out[f"{weight}/{style_}"] = base64.b64decode(data)
    return out


# --- render --------------------------------------------------------------------------------------
def test_render_draws_the_whole_map():
    out = svg.render(make(), RenderOptions())
    assert isinstance(out, str) and out.startswith("<svg ") and out.endswith("</svg>\n")
    root = ET.fromstring(out)
    assert root.get("class") == "cjm-map cjm-theme-light"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert [g.get("data-stage") for g in root.iter(NS + "g") if "cjm-stage" in (g.get("class") or "").split()] == \
        ["one", "two"]


def test_render_with_split_draws_a_poster_per_part():
    pieces = svg.render(make(), RenderOptions(split="stage"))
    assert [p.suffix for p in pieces] == [".part1", ".part2"]
    assert all(isinstance(p, Piece) and isinstance(p.content, str) for p in pieces)
    for n, piece in enumerate(pieces, 1):
        root = ET.fromstring(piece.content)
        assert f"Part {n} of 2" in root.find(NS + "title").text
        assert "@font-face" in piece.content
    # each poster embeds the glyphs it draws, under a name of its own
    families = {re.search(r'font-family: "(cjm-noto-sans-[0-9a-f]+)"', p.content).group(1) for p in pieces}
    assert len(families) == 2
    # posters of N steps: here they happen to be the stages
    assert svg.render(make(), RenderOptions(split="2")) == pieces
    assert [p.suffix for p in svg.render(make(), RenderOptions(split="1"))] == [".part1", ".part2", ".part3"]


def test_the_same_map_gives_the_same_bytes():
    assert svg.render(make(), RenderOptions()) == svg.render(make(), RenderOptions())
    assert svg.render(make(), RenderOptions(split="stage")) == svg.render(make(), RenderOptions(split="stage"))


# --- Shared: drawn once per map and options in a run --------------------------------------------------
def test_the_same_map_and_options_are_laid_out_and_drawn_once_per_run(layouts):
    from cjm.render import html

    resolved = make()
    shared = Shared()
    picture = svg.render(resolved, RenderOptions(), shared)
    assert shared.svg == {RenderOptions(): picture} and list(shared.scenes) == [RenderOptions()]
    page = html.render(resolved, RenderOptions(), shared)
    assert picture.strip() in page  # the page inlines the very same picture
    assert svg.render(resolved, RenderOptions(), shared) is picture
    assert len(layouts) == 1
    assert svg.render(resolved, RenderOptions(theme="dark"), shared) != picture  # other options: drawn again
    assert len(layouts) == 2 and len(shared.svg) == 2
    assert svg.render(resolved, RenderOptions(), Shared()) == picture  # another run: drawn anew, same bytes
    assert len(layouts) == 3
    assert svg.render(resolved, RenderOptions()) == picture  # no sharing at all
    assert len(layouts) == 4


def test_whole_scene_is_kept_for_the_other_formats(layouts):
    resolved, shared = make(), Shared()
    sc = svg.whole_scene(resolved, RenderOptions(), shared)
    assert svg.whole_scene(resolved, RenderOptions(), shared) is sc
    assert svg.whole_scene(resolved, RenderOptions()) is not sc  # without a Shared: laid out again
    assert len(layouts) == 2
    assert shared.svg == {}  # laid out, not drawn
    assert svg.whole(resolved, RenderOptions(), shared) == svg.document(sc, RenderOptions())
    assert len(layouts) == 2


def test_posters_are_not_kept(layouts):
    shared = Shared()
    svg.render(make(), RenderOptions(split="stage"), shared)
    assert shared.svg == {} and shared.scenes == {}


# --- document -------------------------------------------------------------------------------------
def test_the_embedded_subset_holds_exactly_the_characters_drawn():
    from fontTools.ttLib import TTFont

    sc = svg.lay_out(make(), RenderOptions())
    doc = svg.document(sc, RenderOptions())
    subsets = faces_css(doc)
    drawn = sc.faces()
    assert set(subsets) == {"400/normal", "700/normal"} and set(drawn) == {"regular", "bold"}
    for key, face in (("400/normal", "regular"), ("700/normal", "bold")):
        cmap = TTFont(io.BytesIO(subsets[key])).getBestCmap()
        assert set(cmap) == {ord(c) for c in drawn[face] if fonts.has_glyph(face, c)}, face
    family = fonts.embedded_family({f: "".join(sorted(c)) for f, c in drawn.items()})
    assert f'font-family="&#34;{family}&#34;, ' in doc or f'font-family="&quot;{family}&quot;, ' in doc


@pytest.mark.parametrize("option, embed, expected", [
    (True, None, True), (False, None, False), (True, False, False), (False, True, True),
])
def test_embed_follows_the_options_unless_told(option, embed, expected):
    sc = svg.lay_out(make(), RenderOptions(embed_font=option))
    doc = svg.document(sc, RenderOptions(embed_font=option), embed=embed)
    assert ("@font-face" in doc) is expected
    assert ("cjm-noto-sans-" in doc) is expected
    assert fonts.FALLBACK_STACK.replace('"', "&#34;") in doc or fonts.FALLBACK_STACK.replace('"', "&quot;") in doc


def test_two_maps_embed_under_two_names():
    data = copy.deepcopy(MAP)
    data["title"] = "Quixotic jazz"
    a = svg.render(make(), RenderOptions())
    b = svg.render(make(data), RenderOptions())
    name = re.compile(r'font-family: "(cjm-noto-sans-[0-9a-f]{12})"')
    assert name.search(a).group(1) != name.search(b).group(1)


def scene_of(title: str, desc: str, *texts: str) -> Scene:
    return Scene(120.25, 80, title, desc, "dark", Group("cjm-map-body", [
        Rect(0, 0, 120.25, 80, "cjm-bg"), *(Text(5, [20], [t], "cjm-text", 12) for t in texts)]))


def test_the_document_escapes_its_title_and_description():
    doc = svg.document(scene_of('<script>alert("t")</script>', "a & b </desc><x/>", "{{ 7*7 }} <b>"),
                       RenderOptions(embed_font=False))
    root = ET.fromstring(doc)
    assert root.find(NS + "title").text == '<script>alert("t")</script>'
    assert root.find(NS + "desc").text == "a & b </desc><x/>"
    assert [t.text for t in root.iter(NS + "text")] == ["{{ 7*7 }} <b>"]
    assert root.get("width") == "120.2" and root.get("height") == "80"
    assert root.get("class") == "cjm-map cjm-theme-dark"
    assert "<script" not in doc


def test_the_document_uses_an_override_template(tmp_path):
    (tmp_path / "svg").mkdir()
    (tmp_path / "svg" / "map.svg.j2").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" data-w="{{ width }}"><title>{{ doc_title }}</title>{{ body }}</svg>\n')
    doc = svg.document(scene_of("<T>", "d", "x"), RenderOptions(template_dir=tmp_path, embed_font=False))
    root = ET.fromstring(doc)
    assert root.get("data-w") == "120.2" and root.find(NS + "title").text == "<T>"
    assert [t.text for t in root.iter(NS + "text")] == ["x"]


# --- the garbage collector ------------------------------------------------------------------------------
def test_the_collector_is_off_while_laying_out_and_back_on_after(monkeypatch):
    from cjm.render.svg import layout

    seen = []
    original = layout.Layout.scene

    def spy(self):
        seen.append(gc.isenabled())
        return original(self)

    monkeypatch.setattr(layout.Layout, "scene", spy)
    assert gc.isenabled()
    svg.lay_out(make(), RenderOptions())
    assert seen == [False] and gc.isenabled()


def test_the_collector_stays_as_it_was():
    gc.disable()
    try:
        svg.lay_out(make(), RenderOptions())
        assert not gc.isenabled()  # not switched on behind the caller's back
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_error(monkeypatch):
    from cjm.render.svg import layout

    def boom(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(layout.Layout, "scene", boom)
    with pytest.raises(RuntimeError):
        svg.lay_out(make(), RenderOptions())
    assert gc.isenabled()
