"""``-f png`` (cjm.render.png): the SVG map rasterised by resvg with the
bundled font files, at 1 or 2 pixels per point, one PNG per poster with
``--split``, the same bytes on every run, and exit 3 with how to install
resvg-py when it cannot be imported. (The PNG against Chromium's rendering of
the same SVG: tests/render/test_pictures.py.)"""

from __future__ import annotations

import copy
import io
import json
import math
import re
import struct
import sys

import pytest

from cjm.diagnostics.errors import EnvironmentProblem
from cjm.model.journey import JourneyMap
from cjm.model.resolve import resolve
from cjm.render import Piece, RenderOptions, Shared, png, render, svg
from cjm.render.themes import THEMES

SIGNATURE = b"\x89PNG\r\n\x1a\n"

SMALL = {
    "cjm": 1, "title": "Small shop", "goal": "Buy shoes",
    "personas": [{"id": "ann", "name": "Ann", "goals": ["Buy shoes"]}],
    "stages": [
        {"id": "look", "name": "Look", "touchpoints": [
            {"id": "home", "name": "Home page", "action": "Browses", "emotion": 1},
            {"id": "search", "name": "Search", "emotion": -1,
             "pain_points": [{"id": "no-results", "title": "No results for 'trail'", "severity": "high"}]}]},
        {"id": "buy", "name": "Buy", "touchpoints": [
            {"id": "cart", "name": "Cart", "emotion": 0},
            {"id": "pay", "name": "Payment", "emotion": 2}]},
        {"id": "after", "name": "After", "touchpoints": [{"id": "mail", "name": "Email", "emotion": 1}]},
    ],
}


def make(data: dict | None = None):
    return resolve(JourneyMap.model_validate(copy.deepcopy(data or SMALL)), "small.yaml")


def size_of(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    assert data[:8] == SIGNATURE, data[:16]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_size(doc: str) -> tuple[float, float]:
    match = re.search(r'<svg [^>]*width="([\d.]+)" height="([\d.]+)"', doc)
    return float(match.group(1)), float(match.group(2))


@pytest.fixture(scope="module")
def small():
    return make()


@pytest.fixture
def mapfile(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(json.dumps(SMALL), encoding="utf-8")  # JSON is YAML
    return path


@pytest.mark.parametrize("scale", [1.0, 2.0, 0.5])
def test_a_png_as_big_as_the_map_times_the_scale(small, scale):
    w, h = svg_size(svg.render(small, RenderOptions()))
    out = png.render(small, RenderOptions(scale=scale))
    assert isinstance(out, bytes)
    assert size_of(out) == (math.ceil(w * scale), math.ceil(h * scale))
    assert out.endswith(b"IEND\xaeB`\x82")  # a complete file


def test_twice_the_scale_twice_the_pixels(small):
    w1, h1 = size_of(png.render(small, RenderOptions()))
    w2, h2 = size_of(png.render(small, RenderOptions(scale=2.0)))
    assert (w2, h2) == (2 * w1, 2 * h1)


def test_a_scale_of_nothing_is_one(small):
    assert png.render(small, RenderOptions(scale=0)) == png.render(small, RenderOptions())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_background_is_the_themes(small, theme):
    from PIL import Image

    image = Image.open(io.BytesIO(png.render(small, RenderOptions(theme=theme)))).convert("RGB")
    bg = THEMES[theme]["bg"]
    assert image.getpixel((2, 2)) == tuple(int(bg[i:i + 2], 16) for i in (1, 3, 5))


def test_resvg_gets_the_bundled_fonts_and_no_embedded_subset(small, monkeypatch):
    """The SVG handed to resvg leaves the subset out (resvg is given the font
    files themselves); system fonts stay on for characters they lack."""
    import resvg_py

    from cjm.render import fonts

    calls = []
    monkeypatch.setattr(resvg_py, "svg_to_bytes", lambda **kw: calls.append(kw) or b"png")
    assert png.render(small, RenderOptions(scale=2)) == b"png"
    (call,) = calls
    assert call["font_files"] == fonts.font_files()
    assert call["zoom"] == 2.0 and isinstance(call["zoom"], float)
    assert call["skip_system_fonts"] is False
    assert "@font-face" not in call["svg_string"]
    assert call["svg_string"].startswith("<svg ")


def test_the_same_map_gives_the_same_bytes(small):
    first = png.render(small, RenderOptions())
    assert png.render(make(), RenderOptions()) == first
    # -f svg,png rasterises the SVG drawn for -f svg: the PNG is the same
    shared = Shared()
    svg.render(small, RenderOptions(), shared)
    assert RenderOptions() in shared.svg and "@font-face" in shared.svg[RenderOptions()]
    assert png.render(small, RenderOptions(), shared) == first


def test_split_by_stage_gives_a_png_per_stage(small):
    pieces = png.render(small, RenderOptions(split="stage"))
    assert [p.suffix for p in pieces] == [".part1", ".part2", ".part3"]
    assert all(isinstance(p, Piece) and isinstance(p.content, bytes) for p in pieces)
    whole_w, whole_h = size_of(png.render(small, RenderOptions()))
    for p in pieces:
        w, h = size_of(p.content)
        assert w >= 1000 and h > whole_h * 0.8  # each a complete map: title, legend, lanes
    scaled = png.render(small, RenderOptions(split="stage", scale=2))
    assert [size_of(p.content) for p in scaled] == [tuple(2 * v for v in size_of(p.content)) for p in pieces]


def test_split_by_steps(small):
    pieces = png.render(small, RenderOptions(split="2"))
    assert len(pieces) == 3  # 5 steps, 2 a poster
    (only,) = png.render(small, RenderOptions(split="9"))  # more steps a poster than the map has: one
    assert only.suffix == ".part1" and only.content[:8] == SIGNATURE


def wide():
    """3 stages of 8 steps: ~5,300 px wide."""
    stages = [{"id": f"s{i}", "name": f"Stage {i}", "touchpoints": [
        {"id": f"t{i}-{j}", "name": f"Step {i}.{j}", "emotion": (i + j) % 5 - 2} for j in range(8)]} for i in range(3)]
    return make({**SMALL, "stages": stages})


def test_a_map_too_wide_for_one_picture_is_cut_by_stage(monkeypatch):
    """Past MAX_SIDE (32,767 px: what image tools open) one PNG would be a file nothing shows,
    with time and memory in proportion; the map comes out as parts, like PDF pages."""
    resolved = wide()
    whole_w, _h = size_of(png.render(resolved, RenderOptions()))
    limit = whole_w * 2 // 3
    monkeypatch.setattr(png, "MAX_SIDE", limit)
    pieces = png.render(resolved, RenderOptions())
    assert len(pieces) > 1 and [p.suffix for p in pieces] == [f".part{i}" for i in range(1, len(pieces) + 1)]
    assert all(size_of(p.content)[0] <= limit for p in pieces)
    assert f"the map is {whole_w:,} px wide, more than the {limit:,} px image tools open" in pieces[0].note
    assert f"written as {len(pieces)} pictures cut by stage" in pieces[0].note
    assert not any(p.note for p in pieces[1:])
    # the limit is on the picture: --scale 2 cuts a map that fits at 1x
    monkeypatch.setattr(png, "MAX_SIDE", whole_w + 1)
    assert isinstance(png.render(resolved, RenderOptions()), bytes)
    doubled = png.render(resolved, RenderOptions(scale=2))
    assert isinstance(doubled, list) and len(doubled) > 1
    assert all(size_of(p.content)[0] <= whole_w + 1 for p in doubled)


def test_an_asked_for_split_says_nothing(small):
    assert not any(p.note for p in png.render(small, RenderOptions(split="stage")))


def test_a_cut_map_says_why_on_the_command_line(cjm, mapfile, tmp_path, monkeypatch):
    monkeypatch.setattr(png, "MAX_SIDE", 1000)
    out = tmp_path / "out"
    ran = cjm("render", str(mapfile), "-f", "png", "-o", str(out))
    assert ran.returncode == 0, ran.stderr
    names = sorted(p.name for p in out.iterdir())
    assert len(names) > 1 and all(re.fullmatch(r"small\.part\d+\.png", n) for n in names)
    said = ran.stdout + ran.stderr
    assert "px wide, more than the 1,000 px image tools open" in said and "--split" in said
    assert said.index("image tools open") < said.index("wrote")
    ran = cjm("render", str(mapfile), "-f", "png", "-o", "-")
    assert ran.returncode == 2
    assert "too wide for one PNG and is written as" in ran.stderr and "-o" in ran.stderr


def test_split_writes_numbered_files(cjm, mapfile, tmp_path):
    out = tmp_path / "out"
    ran = cjm("render", str(mapfile), "-f", "png", "--split", "stage", "-o", str(out))
    assert ran.returncode == 0, ran.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["small.part1.png", "small.part2.png", "small.part3.png"]
    assert all((out / n).read_bytes()[:8] == SIGNATURE for n in names)


def test_scale_two_through_the_command_line(cjm, mapfile, tmp_path):
    ran = cjm("render", str(mapfile), "-f", "png", "--scale", "2", "-o", str(tmp_path / "x2"))
    assert ran.returncode == 0, ran.stderr
    ran = cjm("render", str(mapfile), "-f", "png", "-o", str(tmp_path / "x1"))
    assert ran.returncode == 0, ran.stderr
    w1, h1 = size_of((tmp_path / "x1" / "small.png").read_bytes())
    assert size_of((tmp_path / "x2" / "small.png").read_bytes()) == (2 * w1, 2 * h1)


# --- without resvg-py ------------------------------------------------------------------
def test_without_resvg_py_is_an_environment_problem(small, monkeypatch):
    monkeypatch.setitem(sys.modules, "resvg_py", None)  # `import resvg_py` now raises ImportError
    with pytest.raises(EnvironmentProblem, match="pip install resvg-py"):
        png.rasterise("<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>")
    with pytest.raises(EnvironmentProblem):
        render("png", small, RenderOptions())


def test_without_resvg_py_exit_3_and_files_untouched(cjm, mapfile, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "small.png").write_bytes(b"old picture")
    (out / "small.svg").write_text("old svg", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "resvg_py", None)
    ran = cjm("render", str(mapfile), "-f", "svg,png", "-o", str(out))
    assert ran.returncode == 3, ran
    assert "-f png needs the resvg-py package" in ran.stderr and "pip install resvg-py" in ran.stderr
    assert (out / "small.png").read_bytes() == b"old picture"
    assert (out / "small.svg").read_text(encoding="utf-8") == "old svg"
    assert sorted(p.name for p in out.iterdir()) == ["small.png", "small.svg"]
