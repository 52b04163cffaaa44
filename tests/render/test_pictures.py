"""Pictures that travel (issue 10): the same text, boxes and pixels everywhere.

* Every example's SVG, opened in Debian's Chromium under two font setups (a
  fontconfig whose only fonts are cjm's bundled ones, and one whose only font
  is DejaVu Sans), keeps every text element inside its box, measured by the
  browser (``getBBox``). With the font embedded the map does not depend on
  the reader's fonts; with ``--no-embed-font`` the margin cjm leaves for
  wider fonts holds on DejaVu Sans too.
* The PNG cjm writes (resvg) differs from Chromium's screenshot of the same
  SVG in at most 1 % of the pixels.
* ``pdftotext`` recovers every word drawn on the map from the PDF, and a
  120-step map gives several pages, each with the title and the lane labels.

What PNG and PDF do on their own (sizes, pages, engines, determinism, a
missing engine): tests/render/test_png.py and tests/render/test_pdf.py.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import ARGS, CHROMIUM, chromium_missing
from render_inputs import EXAMPLE_MAPS, large_map_data

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# Texts inside these groups must stay inside the group's box (its first child).
BOXED = ("cjm-card", "cjm-pill", "cjm-stage", "cjm-thought", "cjm-lane-label-cell", "cjm-none")

_FITS = """
(boxed) => {
  const bad = [];
  const groups = document.querySelectorAll(boxed.map(c => 'g.' + c).join(','));
  for (const g of groups) {
    const box = g.firstElementChild;
    if (!box || !(box.tagName === 'rect' || box.tagName === 'path')) continue;
    const b = box.getBBox();
    const texts = g.querySelectorAll(':scope > text, :scope > a > text, :scope > g.cjm-refs > text');
    for (const t of texts) {
      const r = t.getBBox();
      if (!t.textContent.trim()) continue;
      if (r.x < b.x - 0.5 || r.x + r.width > b.x + b.width + 0.5 ||
          r.y < b.y - 0.5 || r.y + r.height > b.y + b.height + 0.5) {
        bad.push([g.getAttribute('class'), t.textContent.slice(0, 60),
                  [r.x, r.y, r.width, r.height].map(v => Math.round(v * 10) / 10),
                  [b.x, b.y, b.width, b.height].map(v => Math.round(v * 10) / 10)]);
      }
    }
  }
  return {bad, checked: groups.length};
}
"""


def wait_for_fonts(page) -> None:
    """Embedded fonts load when first used: load every face, then wait."""
    page.evaluate("Promise.all(Array.from(document.fonts).map(f => f.load())).then(() => document.fonts.ready)"
                  ".then(() => true)")
    page.wait_for_timeout(50)


def fontconfig(folder: Path, font_dir: Path) -> Path:
    """A fontconfig with the fonts of ``font_dir`` only, rendered as Debian
    renders by default (antialiased, slight hinting: Chromium then places
    glyphs at fractional positions). Without these lines fontconfig falls
    back to full hinting, where Chromium rounds every advance to whole pixels."""
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                    f"<dir>{font_dir}</dir>\n<cachedir>{folder / 'cache'}</cachedir>\n"
                    '<match target="font"><edit name="antialias" mode="assign"><bool>true</bool></edit>'
                    '<edit name="hinting" mode="assign"><bool>true</bool></edit>'
                    '<edit name="hintstyle" mode="assign"><const>hintslight</const></edit>'
                    '<edit name="rgba" mode="assign"><const>none</const></edit></match>\n'
                    "</fontconfig>\n", encoding="utf-8")
    return conf


@pytest.fixture(scope="module")
def font_setups(tmp_path_factory) -> dict[str, Path]:
    from cjm.render import fonts

    root = tmp_path_factory.mktemp("fontconfig")
    dejavu = root / "dejavu-only"
    dejavu.mkdir()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
        if (DEJAVU / name).exists():
            shutil.copy(DEJAVU / name, dejavu / name)
    if not (dejavu / "DejaVuSans.ttf").exists():
        pytest.skip("DejaVu Sans is not installed (apt-get install fonts-dejavu-core)")
    (root / "a").mkdir()
    (root / "b").mkdir()
    return {"bundled": fontconfig(root / "a", fonts.font_dir()), "dejavu": fontconfig(root / "b", dejavu)}


def render_to(folder: Path, path: Path, fmt: str, *extra: str) -> list[Path]:
    from cjm.pipeline.render import RenderRequest, render_maps, write_outputs

    request = RenderRequest([str(path)], [fmt], out=str(folder))
    for option in extra:
        if option == "--no-embed-font":
            request.embed_font = False
    result = render_maps(request)
    assert not result.failed
    write_outputs(result, check=False)
    return [o.path for o in result.outputs]


def launch(pw, conf: Path):
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    return pw.chromium.launch(executable_path=CHROMIUM, args=ARGS + ["--font-render-hinting=none"], headless=True,
                              env=env)


@pytest.fixture(scope="module")
def example_svgs(tmp_path_factory) -> dict[str, dict[str, Path]]:
    out: dict[str, dict[str, Path]] = {"embedded": {}, "loose": {}}
    for path in EXAMPLE_MAPS:
        (svg,) = render_to(tmp_path_factory.mktemp("svg"), path, "svg")
        (loose,) = render_to(tmp_path_factory.mktemp("svg"), path, "svg", "--no-embed-font")
        out["embedded"][path.stem] = svg
        out["loose"][path.stem] = loose
    return out


@pytest.mark.parametrize("setup, variant", [("bundled", "embedded"), ("dejavu", "embedded"), ("dejavu", "loose")])
def test_every_text_fits_its_box_in_chromium(font_setups, example_svgs, setup, variant):
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw, font_setups[setup])
        try:
            page = b.new_page()
            for name, svg in example_svgs[variant].items():
                page.goto(svg.resolve().as_uri(), wait_until="load")
                wait_for_fonts(page)
                result = page.evaluate(_FITS, list(BOXED))
                assert result["checked"] > 20, name
                assert result["bad"] == [], (setup, variant, name, result["bad"][:5])
        finally:
            b.close()


def _differing(a, b, threshold: int = 48) -> float:
    """The share of pixels whose colour differs by more than ``threshold`` in
    some channel (anti-aliasing moves edges by a fraction of a pixel: those
    differ by less)."""
    from PIL import Image, ImageChops

    a, b = a.convert("RGB"), b.convert("RGB")
    assert a.size == b.size, (a.size, b.size)
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > threshold else 0)
    mask = diff.convert("L").point(lambda v: 255 if v else 0)
    return mask.histogram()[255] / (a.size[0] * a.size[1])


def test_png_matches_chromium(tmp_path, font_setups):
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    pytest.importorskip("PIL")
    from PIL import Image
    from playwright.sync_api import sync_playwright

    report = {}
    with sync_playwright() as pw:
        b = launch(pw, font_setups["bundled"])
        try:
            for path in EXAMPLE_MAPS:
                folder = tmp_path / path.stem
                (svg,) = render_to(folder, path, "svg")
                (png,) = render_to(folder, path, "png")
                ours = Image.open(png)
                w, h = ours.size
                page = b.new_page(viewport={"width": w, "height": h}, device_scale_factor=1)
                page.goto(svg.resolve().as_uri(), wait_until="load")
                wait_for_fonts(page)
                shot = Image.open(io.BytesIO(page.screenshot(clip={"x": 0, "y": 0, "width": w, "height": h})))
                page.close()
                report[path.stem] = _differing(ours, shot)
        finally:
            b.close()
    print("share of pixels that differ, PNG vs Chromium:", {k: f"{v:.3%}" for k, v in report.items()})
    assert all(v <= 0.01 for v in report.values()), report


def _pdftotext(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.replace("\u2013", " ").replace("\u2026", " "))}


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing (poppler-utils)")


@needs_poppler
@pytest.mark.parametrize("path", EXAMPLE_MAPS, ids=lambda p: p.stem)
def test_pdf_holds_every_word_of_the_map(tmp_path, path):
    from cjm.pipeline.render import RenderRequest, render_maps
    from cjm.render import svg as svg_renderer
    from cjm.render.pages import columns_per_page, split

    (pdf,) = render_to(tmp_path, path, "pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = _pdftotext(pdf)
    # every word drawn on the pages (the map split as the PDF splits it)
    from render_inputs import resolved_map

    resolved = resolved_map(path)
    from cjm.render import RenderOptions

    options = RenderOptions()
    per = columns_per_page("a4")
    steps = sum(max(1, len(s.touchpoints)) for s in resolved.map.stages)
    parts = split(resolved, per, by_stage=True, noun="Page") if steps > per else None
    scenes = (svg_renderer.part_scenes(resolved, options, parts) if parts
              else [svg_renderer.lay_out(resolved, options)])
    drawn = set()
    for sc in scenes:
        for t in sc.texts():
            for line in t.lines:
                drawn |= _words(line)
    missing = drawn - _words(text)
    assert not missing, sorted(missing)[:20]
    assert RenderRequest and render_maps  # the pipeline made the file


@needs_poppler
def test_a_120_step_map_gives_pages_each_with_title_and_lane_labels(tmp_path):
    import json

    path = tmp_path / "m120.yaml"
    path.write_text(json.dumps(large_map_data(120, 6), indent=1), encoding="utf-8")
    (pdf,) = render_to(tmp_path, path, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 1
    assert re.search(r"Page size:\s+841.89 x 595.28 pts", info)  # A4 landscape
    for page in range(1, pages + 1):
        text = _pdftotext(pdf, page)
        assert "Large map" in text, page
        assert f"Page {page} of {pages}" in text
        for label in ("ACTIONS", "TOUCHPOINTS", "EMOTIONS", "PAIN POINTS"):
            assert label in text, (page, label)
