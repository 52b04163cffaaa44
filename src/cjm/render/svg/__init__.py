"""``-f svg``: the journey map as an SVG picture, drawn by cjm itself.

``metrics`` measures and wraps text, ``layout`` places everything, the
template ``svg/map.svg.j2`` writes the document. The picture drawn for one
map in one run is kept in ``Shared`` so the HTML page inlines the same SVG
without drawing it again.
"""

from __future__ import annotations

from typing import Any


def render(resolved: Any, options: Any, shared: Any = None) -> str:
    if shared is not None and options in shared.svg:
        return shared.svg[options]
    from cjm.render.svg.layout import TEMPLATE, Layout
    from cjm.render.templating import render_template

    out = render_template(TEMPLATE, options.template_dir, **Layout(resolved, options).scene())
    if shared is not None:
        shared.svg[options] = out
    return out
