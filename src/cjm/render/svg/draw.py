"""Drawing: a ``Scene`` becomes SVG markup.

Every piece of text (lines, tooltips, data attributes, links) is cleaned of
what XML cannot hold and escaped here, in one place; numbers are written with
at most one decimal. The template ``svg/map.svg.j2`` wraps the result in the
document (``<svg>``, title, description, style).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape as _escape

from cjm.present.escape import xml_text
from cjm.render.svg.scene import Circle, Group, Line, Path, Rect, Scene, Text


@lru_cache(maxsize=1 << 15)  # step ids, persona ids, colours and labels repeat thousands of times
def esc(value: str) -> str:
    return _escape(xml_text(value), quote=True)


@lru_cache(maxsize=1 << 16)  # coordinates repeat across columns; a large map formats ~300k of them
def num(v: float) -> str:
    """Fixed one-decimal formatting, without a useless '.0'."""
    s = f"{v:.1f}"
    if s[-2:] == ".0":
        s = s[:-2]
        if s == "-0":
            return "0"
    return s


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' {k}="{esc(v)}"' for k, v in attrs.items())


def _cls(cls: str) -> str:
    # classes are cjm's own words (never map text), as are attribute names
    return f' class="{cls}"' if cls else ""


def _paint(fill: str | None, stroke: str | None) -> str:
    out = ""
    if fill is not None:
        out += f' fill="{esc(fill)}"'
    if stroke is not None:
        out += f' stroke="{esc(stroke)}"'
    return out


def text(t: Text) -> str:
    x = num(t.x)
    font = f' font-size="{num(t.size)}"'
    if t.bold:
        font += ' font-weight="700"'
    if t.italic:
        font += ' font-style="italic"'
    if t.spacing:
        font += f' letter-spacing="{t.spacing:g}em"'
    anchor = f' text-anchor="{t.anchor}"' if t.anchor != "start" else ""
    if len(t.lines) == 1:
        return f'<text{_cls(t.cls)} x="{x}" y="{num(t.ys[0])}"{font}{anchor}>{esc(t.lines[0])}</text>'
    spans = "".join(f'<tspan x="{x}" y="{num(y)}">{esc(line)}</tspan>' for y, line in zip(t.ys, t.lines))
    return f'<text{_cls(t.cls)} x="{x}"{font}{anchor}>{spans}</text>'


def rect(r: Rect) -> str:
    rx = f' rx="{num(r.rx)}"' if r.rx else ""
    op = f' fill-opacity="{r.opacity:g}"' if r.opacity is not None else ""
    return (f'<rect{_cls(r.cls)} x="{num(r.x)}" y="{num(r.y)}" width="{num(r.w)}" height="{num(r.h)}"{rx}'
            f'{_paint(r.fill, r.stroke)}{op}/>')


def line(ln: Line) -> str:
    dash = ' stroke-dasharray="5 4"' if ln.dashed else ""
    return (f'<line{_cls(ln.cls)} x1="{num(ln.x1)}" y1="{num(ln.y1)}" x2="{num(ln.x2)}" y2="{num(ln.y2)}"'
            f'{_paint(None, ln.stroke)}{dash}/>')


def circle(c: Circle) -> str:
    head = (f'<circle{_cls(c.cls)} cx="{num(c.cx)}" cy="{num(c.cy)}" r="{num(c.r)}"{_paint(c.fill, c.stroke)}'
            f'{_attrs(c.attrs)}')
    if c.title:
        return f"{head}><title>{esc(c.title)}</title></circle>"
    return head + "/>"


def path_data(commands: list[tuple[str, tuple[float, ...]]]) -> str:
    out = []
    for letter, nums in commands:
        if letter in "CQ":
            pairs = [f"{num(nums[i])},{num(nums[i + 1])}" for i in range(0, len(nums), 2)]
            out.append(letter + " ".join(pairs))
        elif letter in "ML":
            out.append(f"{letter}{num(nums[0])},{num(nums[1])}")
        elif letter in "HV":
            out.append(f"{letter}{num(nums[0])}")
        else:
            out.append(letter)
    return "".join(out)


def path(p: Path) -> str:
    dash = ' stroke-dasharray="6 5"' if p.dashed else ""
    return f'<path{_cls(p.cls)} d="{path_data(p.commands)}"{_paint(p.fill, p.stroke)}{dash}/>'


def group(g: Group) -> str:
    head = "<a" if g.href else "<g"
    attrs = _cls(g.cls) + _attrs(g.attrs)
    if g.href:
        attrs += f' href="{esc(g.href)}" rel="noopener noreferrer"'
    if g.role:
        attrs += f' role="{esc(g.role)}"'
    if g.label:
        attrs += f' aria-label="{esc(g.label)}"'
    out = [f"{head}{attrs}>"]
    if g.title:
        out.append(f"<title>{esc(g.title)}</title>")
    out.extend(part(child) for child in g.children)
    out.append("</a>" if g.href else "</g>")
    return "".join(out)


_DRAW = {Text: text, Rect: rect, Line: line, Circle: circle, Path: path, Group: group}


def part(p) -> str:
    return _DRAW[type(p)](p)


def body(scene: Scene) -> str:
    """The scene's root group (its id and data attributes tie the HTML page's
    print pages and script to it), one top-level part per line."""
    root = scene.root
    head = f"<g{_cls(root.cls)}{_attrs(root.attrs)}>"
    return "\n".join([head, *(part(child) for child in root.children), "</g>"])
