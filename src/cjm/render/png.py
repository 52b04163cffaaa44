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


# The widest picture cjm writes as one PNG. Image viewers, slide tools and browsers stop at about
# this size (Chromium's canvas and many decoders at 32,767 px), and the pixels cost time and memory
# in proportion: a 2,000-step map would be 424,000 px wide, 86 s and 5 GB of memory for a file
# nothing opens. A wider map is written as several pictures, cut by stage, as -f pdf cuts pages.
MAX_SIDE = 32_767


def render(resolved: Any, options: Any, shared: Any = None):
    from cjm.render import Piece
    from cjm.render import svg
    from cjm.render.pages import parts_for

    scale = getattr(options, "scale", 1.0) or 1.0
    parts = parts_for(resolved, options)
    note = ""
    if parts is None:
        scene = svg.whole_scene(resolved, options, shared)
        if scene.width * scale <= MAX_SIDE:
            if shared is not None and options in shared.svg:  # -f svg,png: the SVG is there already
                return rasterise(shared.svg[options], scale)
            # the font subset would only be parsed and ignored: resvg is handed the font files
            return rasterise(svg.document(scene, options, embed=False), scale)
        parts, scenes = _fitting(resolved, options, scale)
        note = (f"the map is {round(scene.width * scale):,} px wide, more than the {MAX_SIDE:,} px image tools open: "
                f"written as {len(parts)} pictures cut by stage (--split stage or --split N picks the cut; "
                f"-f overview draws the whole journey in one)")
    else:
        scenes = svg.part_scenes(resolved, options, parts)
    return [Piece(p.suffix, rasterise(svg.document(sc, options, embed=False), scale), note if i == 0 else "")
            for i, (p, sc) in enumerate(zip(parts, scenes))]


def _fitting(resolved: Any, options: Any, scale: float) -> tuple[list, list]:
    """Parts by stage (stages cut into runs of steps where one is too wide), each at most
    MAX_SIDE px wide, with their scenes."""
    from cjm.render import svg
    from cjm.render.pages import columns_for_width, split

    per_part = columns_for_width(MAX_SIDE / scale)
    while True:
        parts = split(resolved, per_part, by_stage=True, noun="Part")
        scenes = svg.part_scenes(resolved, options, parts)
        if per_part == 1 or all(sc.width * scale <= MAX_SIDE for sc in scenes):
            return parts, scenes
        per_part = max(1, per_part - max(1, per_part // 10))
