"""``-f svg``: the journey map as an SVG picture, drawn by cjm itself.

``metrics`` measures and wraps text with the bundled font, ``layout`` places
everything and returns a ``scene``, ``draw`` turns the scene into markup,
``style`` colours it by theme, and the template ``svg/map.svg.j2`` writes the
document, with a subset of the font embedded (``cjm.render.fonts``) unless
``--no-embed-font``. The picture drawn for one map in one run is kept in
``Shared`` so the HTML page (and the PNG) use the same SVG without drawing it
again. With ``--split`` the map is drawn as several posters
(``cjm.render.pages``), each a complete picture.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Any


@contextmanager
def _no_gc():
    """A scene is hundreds of thousands of small objects and no reference
    cycles: the cyclic collector's full passes over them would make a large
    map's rendering grow faster than its size (as in ``cjm.render.html``)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def lay_out(resolved: Any, options: Any, **kw: Any):
    """The laid-out map (``cjm.render.svg.scene.Scene``)."""
    from cjm.render.svg.layout import Layout

    with _no_gc():
        return Layout(resolved, options, **kw).scene()


def document(sc: Any, options: Any, embed: bool | None = None) -> str:
    """The SVG document of a scene (``embed``: the font subset, default from the options)."""
    from markupsafe import Markup

    from cjm.render import fonts
    from cjm.render.svg import draw, style
    from cjm.render.svg.layout import TEMPLATE
    from cjm.render.templating import render_template

    if embed is None:
        embed = getattr(options, "embed_font", True)
    faces = ""
    family = fonts.EMBEDDED_FAMILY
    if embed:
        used = {face: "".join(sorted(chars)) for face, chars in sc.faces().items()}
        family = fonts.embedded_family(used)
        faces = fonts.font_face_css(used, family)
    with _no_gc():
        body = draw.body(sc)
    return render_template(
        TEMPLATE, options.template_dir,
        width=draw.num(sc.width), height=draw.num(sc.height), font=fonts.font_stack(embed, family),
        font_faces=Markup(faces), css=Markup(style.css(sc.theme, measured=sc.measured)), theme=sc.theme,
        doc_title=sc.title, doc_desc=sc.desc, body=Markup(body), compare=sc.compare,
    )


def part_scenes(resolved: Any, options: Any, parts: list) -> list:
    """A scene per part of a split map, numbered as the whole map is."""
    from cjm.present.words import pain_numbers
    from cjm.render.svg.metrics import Metrics

    from cjm.render.svg.layout import lanes_of

    numbers = pain_numbers(resolved.map)
    metrics = Metrics(getattr(options, "embed_font", True))
    lanes = lanes_of(resolved, options)
    return [lay_out(p.resolved, options, part=p.label, numbers=numbers, first_step=p.first_step, metrics=metrics,
                    lanes=lanes) for p in parts]


def whole_scene(resolved: Any, options: Any, shared: Any = None):
    """The whole map laid out, once per map and options in a run."""
    if shared is not None and options in shared.scenes:
        return shared.scenes[options]
    sc = lay_out(resolved, options)
    if shared is not None:
        shared.scenes[options] = sc
    return sc


def whole(resolved: Any, options: Any, shared: Any = None) -> str:
    """The whole map as one SVG document (drawn once per map and options in a run)."""
    if shared is not None and options in shared.svg:
        return shared.svg[options]
    out = document(whole_scene(resolved, options, shared), options)
    if shared is not None:
        shared.svg[options] = out
    return out


def render(resolved: Any, options: Any, shared: Any = None):
    from cjm.render import Piece
    from cjm.render.pages import parts_for

    parts = parts_for(resolved, options)
    if parts is None:
        return whole(resolved, options, shared)
    return [Piece(p.suffix, document(sc, options)) for p, sc in zip(parts, part_scenes(resolved, options, parts))]
