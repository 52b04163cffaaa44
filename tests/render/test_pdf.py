"""``-f pdf`` (cjm.render.pdf): landscape pages of the chosen paper, as many
as the map needs at a readable size, with real text, from either engine
(librsvg's rsvg-convert or vl-convert, picked by ``CJM_PDF_ENGINE``), and
exit 3 with how to install one when the engine is missing. (Every word of the
examples read back with pdftotext: tests/render/test_pictures.py.)"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import sys

import pytest

from cjm.diagnostics.errors import EnvironmentProblem
from cjm.model.journey import JourneyMap
from cjm.model.resolve import resolve
from cjm.render import RenderOptions, pdf
from cjm.render.pages import MARGIN, PAPERS, columns_per_page

ENGINES = ["vl-convert", pytest.param("rsvg", marks=pytest.mark.skipif(
    shutil.which("rsvg-convert") is None, reason="rsvg-convert missing (apt-get install librsvg2-bin)"))]


def map_data(stages: int, steps: int = 4, title: str = "Paged map") -> dict:
    return {"cjm": 1, "title": title, "stages": [
        {"id": f"s{i}", "name": f"Stage {i}", "touchpoints": [
            {"id": f"t{i}-{j}", "name": f"Step {i}.{j}", "action": "Does it", "emotion": (i + j) % 3 - 1}
            for j in range(steps)]} for i in range(stages)]}


def make(stages: int, steps: int = 4, **kw):
    return resolve(JourneyMap.model_validate(map_data(stages, steps, **kw)), "paged.yaml")


def read(data: bytes):
    from pypdf import PdfReader

    assert data[:5] == b"%PDF-" and data.rstrip().endswith(b"%%EOF")
    return PdfReader(io.BytesIO(data))


@pytest.fixture(params=ENGINES)
def engine(request, monkeypatch) -> str:
    monkeypatch.setenv("CJM_PDF_ENGINE", request.param)
    return request.param


# --- pages ---------------------------------------------------------------------------------
@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_every_paper_size_landscape(engine, paper):
    pages = read(pdf.render(make(1), RenderOptions(paper=paper))).pages
    assert len(pages) == 1
    box = pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(PAPERS[paper], abs=0.01)
    assert float(box.width) > float(box.height)  # always landscape


@pytest.mark.parametrize("stages, paper, count", [
    (1, "a4", 1), (2, "a4", 2), (3, "a4", 3),  # 4 steps a stage, 5 fit an A4 page: a page per stage
    (3, "a3", 2),  # 8 fit A3: two stages, then one
    (3, "poster", 1),
])
def test_pages_grow_with_the_stages(engine, stages, paper, count):
    assert len(read(pdf.render(make(stages), RenderOptions(paper=paper))).pages) == count


def test_a_map_just_too_wide_for_a_page_takes_two(engine):
    per = columns_per_page("a4")
    assert len(read(pdf.render(make(1, per), RenderOptions())).pages) == 1
    reader = read(pdf.render(make(1, per + 1), RenderOptions()))
    assert len(reader.pages) == 2
    assert f"Stage 0, steps 1\u2013{per}" in reader.pages[0].extract_text()


def test_text_is_real_and_every_page_says_which_it_is(engine):
    reader = read(pdf.render(make(3), RenderOptions()))
    for n, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert "Paged map" in text
        assert f"Page {n} of 3 \u00b7 Stage {n - 1}" in text
        assert "ACTIONS" in text and "TOUCHPOINTS" in text and "EMOTIONS" in text
        assert f"Step {n - 1}.3" in text
    # steps are numbered as on the whole map: page 2 starts at step 5
    assert re.search(r"\b5 Step 1\.0\b", reader.pages[1].extract_text())


def test_unicode_and_markup_come_through_as_text(engine):
    title = "Café <Grün> & \"Ünïcödé\""
    text = read(pdf.render(make(1, title=title), RenderOptions())).pages[0].extract_text()
    assert title in text


def test_dark_theme_renders(engine):
    assert len(read(pdf.render(make(2), RenderOptions(theme="dark"))).pages) == 2


# --- the engines ---------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("rsvg", "rsvg"), ("vl-convert", "vl-convert"), (" RSVG ", "rsvg"), ("VL-Convert", "vl-convert"),
])
def test_cjm_pdf_engine_picks_one(monkeypatch, value, expected):
    monkeypatch.setenv("CJM_PDF_ENGINE", value)
    assert pdf.engine() == expected


@pytest.mark.parametrize("value", ["", "cairo", "auto"])
def test_without_a_choice_rsvg_when_installed(monkeypatch, tmp_path, value):
    monkeypatch.setenv("CJM_PDF_ENGINE", value)
    fake = tmp_path / "rsvg-convert"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf.engine() == "rsvg"
    fake.unlink()
    assert pdf.engine() == "vl-convert"


def test_the_engine_is_what_draws(monkeypatch):
    """CJM_PDF_ENGINE reaches the renderer: librsvg's PDFs say cairo made them, vl-convert's svg2pdf."""
    if shutil.which("rsvg-convert") is None:
        pytest.skip("needs rsvg-convert")
    producers = {}
    for name in ("rsvg", "vl-convert"):
        monkeypatch.setenv("CJM_PDF_ENGINE", name)
        producers[name] = read(pdf.render(make(1), RenderOptions())).metadata.get("/Producer", "")
    assert "cairo" in producers["rsvg"]
    assert producers["vl-convert"] == "svg2pdf"


def test_rsvg_pdfs_are_reproducible_and_dated_by_source_date_epoch(monkeypatch):
    if shutil.which("rsvg-convert") is None:
        pytest.skip("needs rsvg-convert")
    monkeypatch.setenv("CJM_PDF_ENGINE", "rsvg")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = pdf.render(make(2), RenderOptions())
    assert pdf.render(make(2), RenderOptions()) == first
    assert read(first).metadata["/CreationDate"].startswith("1970")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")  # 2001-09-09
    assert read(pdf.render(make(2), RenderOptions())).metadata["/CreationDate"].startswith("2001")


def test_the_engines_agree_on_pages_and_words(monkeypatch, tmp_path):
    """vl-convert (the pip fallback) and librsvg give the same pages and words."""
    if shutil.which("rsvg-convert") is None or shutil.which("pdftotext") is None:
        pytest.skip("needs rsvg-convert and pdftotext")
    import subprocess

    from render_inputs import EXAMPLE_MAPS, resolved_map

    example = resolved_map(next(p for p in EXAMPLE_MAPS if p.stem == "b2b-saas"))
    got = {}
    for name in ("rsvg", "vl-convert"):
        monkeypatch.setenv("CJM_PDF_ENGINE", name)
        data = pdf.render(example, RenderOptions())
        (tmp_path / f"{name}.pdf").write_bytes(data)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / f"{name}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout  # pypdf is slow on svg2pdf's PDFs
        got[name] = (len(read(data).pages), set(re.findall(r"\w+", text)))
    assert got["rsvg"][0] > 1
    assert got["rsvg"] == got["vl-convert"]


def test_vl_convert_pages_are_the_same_pages_every_run(monkeypatch):
    """vl-convert lists its resources in another order on every run (README);
    the pages, their size and their text do not change."""
    monkeypatch.setenv("CJM_PDF_ENGINE", "vl-convert")
    runs = [read(pdf.render(make(2), RenderOptions())) for _ in range(2)]
    texts = [[p.extract_text() for p in r.pages] for r in runs]
    boxes = [[tuple(p.mediabox) for p in r.pages] for r in runs]
    assert len(texts[0]) == 2 and texts[0] == texts[1]
    assert boxes[0] == boxes[1]


# --- a missing or failing engine ---------------------------------------------------------------
def test_rsvg_asked_for_but_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("CJM_PDF_ENGINE", "rsvg")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EnvironmentProblem, match=r"apt-get install librsvg2-bin, brew install librsvg"):
        pdf.render(make(1), RenderOptions())


def test_vl_convert_missing(monkeypatch):
    monkeypatch.setenv("CJM_PDF_ENGINE", "vl-convert")
    monkeypatch.setitem(sys.modules, "vl_convert", None)
    with pytest.raises(EnvironmentProblem, match=r"pip install vl-convert-python"):
        pdf.render(make(1), RenderOptions())


def test_rsvg_failing_says_why(monkeypatch, tmp_path):
    fake = tmp_path / "rsvg-convert"
    fake.write_text("#!/bin/sh\necho 'cannot load the font: boom' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("CJM_PDF_ENGINE", "rsvg")
    with pytest.raises(EnvironmentProblem, match="rsvg-convert failed to write the PDF: cannot load the font: boom"):
        pdf.render(make(1), RenderOptions())


@pytest.fixture
def mapfile(tmp_path):
    path = tmp_path / "paged.yaml"
    path.write_text(json.dumps(map_data(2)), encoding="utf-8")
    return path


def test_missing_engine_is_exit_3_with_a_hint_and_nothing_written(cjm, mapfile, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "paged.pdf").write_bytes(b"old pdf")
    empty = tmp_path / "bin"
    empty.mkdir()
    ran = cjm("render", str(mapfile), "-f", "md,pdf", "-o", str(out),
              env={"CJM_PDF_ENGINE": "rsvg", "PATH": str(empty)})
    assert ran.returncode == 3, ran
    assert "rsvg-convert is not installed" in ran.stderr and "apt-get install librsvg2-bin" in ran.stderr
    monkeypatch.setitem(sys.modules, "vl_convert", None)
    ran = cjm("render", str(mapfile), "-f", "md,pdf", "-o", str(out), env={"CJM_PDF_ENGINE": "vl-convert"})
    assert ran.returncode == 3, ran
    assert "pip install vl-convert-python" in ran.stderr
    assert sorted(p.name for p in out.iterdir()) == ["paged.pdf"]
    assert (out / "paged.pdf").read_bytes() == b"old pdf"


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_paper_through_the_command_line(cjm, mapfile, tmp_path, paper):
    ran = cjm("render", str(mapfile), "-f", "pdf", "--paper", paper, "-o", str(tmp_path / paper))
    assert ran.returncode == 0, ran.stderr
    box = read((tmp_path / paper / "paged.pdf").read_bytes()).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(PAPERS[paper], abs=0.01)


def test_an_unknown_paper_is_a_usage_error(cjm, mapfile, tmp_path):
    ran = cjm("render", str(mapfile), "-f", "pdf", "--paper", "a5", "-o", str(tmp_path))
    assert ran.returncode == 2 and "a5" in ran.stderr


# --- one SVG a page ---------------------------------------------------------------------------
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="500" viewBox="0 0 1000 500" role="img">'
       "<rect/></svg>")


@pytest.mark.parametrize("paper", sorted(PAPERS))
@pytest.mark.parametrize("unit", ["pt", ""])
def test_page_svg_fits_the_map_inside_the_margins_and_centres_it(paper, unit):
    pw, ph = PAPERS[paper]
    out = pdf.page_svg(SVG, PAPERS[paper], unit)
    m = re.search(r'width="([\d.]+)(\w*)" height="([\d.]+)(\w*)" viewBox="(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+)"', out)
    assert m, out
    assert (float(m.group(1)), float(m.group(3))) == pytest.approx((pw, ph), abs=0.01)
    assert m.group(2) == m.group(4) == unit
    x0, y0, vw, vh = (float(m.group(i)) for i in (5, 6, 7, 8))
    assert vw / vh == pytest.approx(pw / ph, rel=1e-3)  # the page's proportions: nothing is stretched
    scale = pw / vw
    # the map (0..1000 x 0..500) is centred, with at least the margin around it
    assert -x0 == pytest.approx(x0 + vw - 1000, abs=0.02) and -y0 == pytest.approx(y0 + vh - 500, abs=0.02)
    assert min(-x0, -y0) * scale >= MARGIN - 0.05
    assert min(-x0, -y0) * scale == pytest.approx(MARGIN, abs=0.05)  # as large as fits
    assert out.endswith('role="img"><rect/></svg>')


def test_page_svg_leaves_an_unusual_root_alone():
    odd = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect/></svg>'
    assert pdf.page_svg(odd, PAPERS["a4"], "pt") == odd


def test_the_fontconfig_adds_the_bundled_fonts_to_the_systems(tmp_path, monkeypatch):
    from cjm.render import fonts

    monkeypatch.setenv("FONTCONFIG_FILE", "/some/where/fonts.conf")
    conf = pdf._fontconfig(str(tmp_path))
    text = open(conf, encoding="utf-8").read()
    assert f"<dir>{fonts.font_dir()}</dir>" in text
    assert '<include ignore_missing="yes">/some/where/fonts.conf</include>' in text
    assert f"<cachedir>{tmp_path / 'fontcache'}</cachedir>" in text
    import xml.etree.ElementTree as ET

    assert ET.fromstring(text.split("\n", 2)[2]).tag == "fontconfig"
