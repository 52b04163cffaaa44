"""``-f png``: the journey map as a PNG picture, for slides and documents.

The SVG map (the same one ``-f svg`` writes, drawn once per run) is
rasterised by resvg (``resvg-py``: a small wheel, no browser, no system
libraries), with the bundled font files handed to it, so the PNG shows the
glyphs the layout measured. ``--scale 2`` doubles the pixels for sharp
slides. With ``--split`` every poster is a PNG of its own.
"""

from __future__ import annotations

from typing import Any

from cjm.diagnostics.errors import EnvironmentProblem


def rasterise(svg_text: str, scale: float = 1.0, background: str | None = None) -> bytes:
    try:
        import resvg_py
    except ImportError:  # pragma: no cover - a dependency of cjm
        raise EnvironmentProblem("-f png needs the resvg-py package: pip install resvg-py") from None
    from cjm.render import fonts

    # System fonts stay available for characters the bundled font lacks
    # (CJK, emoji): the bundled family is named first, so it wins for the rest.
    data = resvg_py.svg_to_bytes(svg_string=svg_text, font_files=fonts.font_files(), zoom=float(scale),
                                 background=background, skip_system_fonts=False)
    return bytes(data)


def render(resolved: Any, options: Any, shared: Any = None):
    from cjm.render import Piece
    from cjm.render import svg
    from cjm.render.pages import parts_for

    scale = getattr(options, "scale", 1.0) or 1.0
    parts = parts_for(resolved, options)
    if parts is None:
        if shared is not None and options in shared.svg:  # -f svg,png: the SVG is there already
            return rasterise(shared.svg[options], scale)
        # the font subset would only be parsed and ignored: resvg is handed the font files
        return rasterise(svg.document(svg.whole_scene(resolved, options, shared), options, embed=False), scale)
    scenes = svg.part_scenes(resolved, options, parts)
    return [Piece(p.suffix, rasterise(svg.document(sc, options, embed=False), scale)) for p, sc in zip(parts, scenes)]
