"""``-f svg``: the journey map as an SVG picture, drawn by cjm itself.

``metrics`` measures and wraps text with the bundled font, ``layout`` places
everything and returns a ``scene``, ``draw`` turns the scene into markup,
``style`` colours it by theme, and the template ``svg/map.svg.j2`` writes the
document, with a subset of the font embedded (``cjm.render.fonts``) unless
``--no-embed-font``. The picture drawn for one map in one run is kept in
``Shared`` so the HTML page inlines the same SVG without drawing it again.
"""

from __future__ import annotations

from typing import Any


def scene(resolved: Any, options: Any, **kw: Any):
    """The laid-out map (``cjm.render.svg.scene.Scene``)."""
    from cjm.render.svg.layout import Layout

    return Layout(resolved, options, **kw).scene()


def document(sc: Any, options: Any) -> str:
    """The SVG document of a scene."""
    from markupsafe import Markup

    from cjm.render import fonts
    from cjm.render.svg import draw, style
    from cjm.render.svg.layout import TEMPLATE
    from cjm.render.templating import render_template

    embed = getattr(options, "embed_font", True)
    faces = ""
    if embed:
        faces = fonts.font_face_css({face: "".join(sorted(chars)) for face, chars in sc.faces().items()})
    return render_template(
        TEMPLATE, options.template_dir,
        width=draw.num(sc.width), height=draw.num(sc.height), font=fonts.font_stack(embed),
        font_faces=Markup(faces), css=Markup(style.css(sc.theme)), theme=sc.theme,
        doc_title=sc.title, doc_desc=sc.desc, body=Markup(draw.body(sc)), compare=sc.compare,
    )


def render(resolved: Any, options: Any, shared: Any = None) -> str:
    if shared is not None and options in shared.svg:
        return shared.svg[options]
    out = document(scene(resolved, options), options)
    if shared is not None:
        shared.svg[options] = out
    return out
