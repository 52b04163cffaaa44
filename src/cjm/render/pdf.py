"""``-f pdf``: the journey map on landscape pages, with real text and vector shapes.

A map wider than a page at a readable size (``pages.MIN_SCALE``) is split
into pages by stage, stages cut into runs of steps where one is wider than a
page; every page repeats the title, the legend and the lane labels
(``cjm.render.pages``). ``--paper a4|a3|letter|poster`` picks the size.

Two engines, both without a browser, both drawing with the bundled font:

- librsvg's ``rsvg-convert`` (Debian ``librsvg2-bin``, Homebrew ``librsvg``)
  when it is installed: ~5x faster, and the same input gives the same bytes
  (``SOURCE_DATE_EPOCH`` fixes the date);
- otherwise ``vl-convert-python`` (svg2pdf, a pip wheel), whose PDFs hold the
  same pages but list their resources in a different order on every run.

``CJM_PDF_ENGINE=rsvg|vl-convert`` forces one. ``cjm doctor`` says which is used.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from typing import Any

from cjm.diagnostics.errors import EnvironmentProblem

_ROOT_SIZE = re.compile(r'width="([\d.]+)" height="([\d.]+)" viewBox="0 0 ([\d.]+) ([\d.]+)"')


def engine() -> str:
    """'rsvg' or 'vl-convert': the one ``-f pdf`` uses here."""
    forced = os.environ.get("CJM_PDF_ENGINE", "").strip().lower()
    if forced in ("rsvg", "vl-convert"):
        return forced
    return "rsvg" if shutil.which("rsvg-convert") else "vl-convert"


def page_svg(svg_text: str, paper: tuple[float, float], unit: str) -> str:
    """The map's SVG as one page: the paper's size, the map scaled to fit
    inside the margins and centred (a viewBox with the page's proportions)."""
    from cjm.render.pages import MARGIN

    match = _ROOT_SIZE.search(svg_text)
    if match is None:  # a template override without the usual root: leave it as it is
        return svg_text
    w, h = float(match.group(3)), float(match.group(4))
    pw, ph = paper
    scale = min((pw - 2 * MARGIN) / w, (ph - 2 * MARGIN) / h)
    vw, vh = pw / scale, ph / scale
    x0, y0 = -(vw - w) / 2, -(vh - h) / 2
    root = f'width="{pw:.2f}{unit}" height="{ph:.2f}{unit}" viewBox="{x0:.2f} {y0:.2f} {vw:.2f} {vh:.2f}"'
    return svg_text[:match.start()] + root + svg_text[match.end():]


def _fontconfig(folder: str) -> str:
    """A fontconfig file that adds the bundled fonts to the system's."""
    from cjm.render import fonts

    path = os.path.join(folder, "fonts.conf")
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                 f"<dir>{fonts.font_dir()}</dir>\n"
                 f'<include ignore_missing="yes">{system}</include>\n'
                 f"<cachedir>{os.path.join(folder, 'fontcache')}</cachedir>\n</fontconfig>\n")
    return path


def _rsvg(pages: list[str]) -> bytes:
    exe = shutil.which("rsvg-convert")
    if exe is None:
        raise EnvironmentProblem("CJM_PDF_ENGINE=rsvg but rsvg-convert is not installed "
                                 "(apt-get install librsvg2-bin, brew install librsvg)")
    with tempfile.TemporaryDirectory(prefix="cjm-pdf-") as tmp:
        names = []
        for i, page in enumerate(pages, 1):
            name = os.path.join(tmp, f"page{i:04d}.svg")
            with open(name, "w", encoding="utf-8") as fh:
                fh.write(page)
            names.append(name)
        out = os.path.join(tmp, "map.pdf")
        env = {**os.environ, "FONTCONFIG_FILE": _fontconfig(tmp),
               "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0")}
        proc = subprocess.run([exe, "-f", "pdf", "-o", out, *names], capture_output=True, env=env, timeout=600)
        if proc.returncode != 0 or not os.path.exists(out):
            tail = proc.stderr.decode("utf-8", "replace").strip()[-500:]
            raise EnvironmentProblem(f"rsvg-convert failed to write the PDF: {tail}")
        with open(out, "rb") as fh:
            return fh.read()


def _vl_convert(pages: list[str]) -> bytes:
    try:
        import vl_convert
    except ImportError:
        raise EnvironmentProblem("-f pdf needs rsvg-convert (apt-get install librsvg2-bin) or the "
                                 "vl-convert-python package (pip install vl-convert-python)") from None
    import io

    from cjm.render import fonts

    vl_convert.register_font_directory(str(fonts.font_dir()))  # idempotent; the library keeps a font list
    docs = [vl_convert.svg_to_pdf(page) for page in pages]
    if len(docs) == 1:
        return bytes(docs[0])
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for doc in docs:
        writer.append(PdfReader(io.BytesIO(doc)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render(resolved: Any, options: Any, shared: Any = None) -> bytes:
    from cjm.render import svg
    from cjm.render.pages import PAPERS, columns_per_page, split

    paper = PAPERS.get(getattr(options, "paper", "a4"), PAPERS["a4"])
    per_page = columns_per_page(getattr(options, "paper", "a4"))
    steps = sum(max(1, len(s.touchpoints)) for s in resolved.map.stages)
    use = engine()
    unit = "pt" if use == "rsvg" else ""  # svg2pdf maps one SVG unit to one point; librsvg reads units
    if steps <= per_page:
        scenes = [svg.whole_scene(resolved, options, shared)]
    else:
        parts = split(resolved, per_page, by_stage=True, noun="Page")
        scenes = svg.part_scenes(resolved, options, parts)
    pages = [page_svg(svg.document(sc, options, embed=False), paper, unit) for sc in scenes]
    return _rsvg(pages) if use == "rsvg" else _vl_convert(pages)
