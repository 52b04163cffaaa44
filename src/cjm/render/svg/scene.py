"""The scene: what the layout decides, as plain objects with numbers.

``cjm.render.svg.layout`` builds a ``Scene``; ``cjm.render.svg.draw`` turns
it into SVG markup. Geometry is in px, as floats; text is the text shown
(never markup); classes name the CSS rules of ``svg/map.svg.j2``. Tests
assert on a scene without parsing SVG: every ``Text`` knows its measured
width and font, every card its box.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(slots=True)
class Text:
    """One text element: lines at baselines ``ys`` starting (or centred, or
    ending, by ``anchor``) at ``x``. ``widths`` are the measured widths of the
    lines."""

    x: float
    ys: list[float]
    lines: list[str]
    cls: str
    size: float
    bold: bool = False
    italic: bool = False
    anchor: str = "start"  # start | middle | end
    widths: list[float] = field(default_factory=list)
    spacing: float = 0.0  # letter-spacing in em (drawn by the CSS class)

    @property
    def width(self) -> float:
        return max(self.widths, default=0.0)

    def extent(self) -> tuple[float, float]:
        """Left and right edge of the widest line."""
        w = self.width
        if self.anchor == "middle":
            return self.x - w / 2, self.x + w / 2
        if self.anchor == "end":
            return self.x - w, self.x
        return self.x, self.x + w

    def top(self) -> float:
        return self.ys[0] - self.size * 0.92 if self.ys else 0.0

    def bottom(self) -> float:
        return self.ys[-1] + self.size * 0.25 if self.ys else 0.0


@dataclass(slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    cls: str = ""
    rx: float = 0.0
    fill: str | None = None
    stroke: str | None = None
    opacity: float | None = None


@dataclass(slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    cls: str = ""
    stroke: str | None = None
    dashed: bool = False


@dataclass(slots=True)
class Circle:
    cx: float
    cy: float
    r: float
    cls: str = ""
    fill: str | None = None
    stroke: str | None = None
    title: str | None = None  # a tooltip
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Path:
    """``commands``: (letter, numbers) pairs, as in SVG path data (M, L, C, Q, H, V, Z)."""

    commands: list[tuple[str, tuple[float, ...]]]
    cls: str = ""
    stroke: str | None = None
    fill: str | None = None
    dashed: bool = False

    def points(self) -> list[tuple[float, float]]:
        """The end point of every command (for tests)."""
        out = []
        for letter, nums in self.commands:
            if letter in "MLCQ" and len(nums) >= 2:
                out.append((nums[-2], nums[-1]))
        return out


@dataclass(slots=True)
class Group:
    """A group of parts: ``attrs`` are data-* attributes (plain text), ``title``
    a tooltip, ``href`` a safe link (the group becomes ``<a>``)."""

    cls: str = ""
    children: list = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    href: str | None = None
    box: Rect | None = None  # the card's outline, when the group is a card (text must stay inside)
    role: str | None = None
    label: str | None = None  # aria-label

    def add(self, *parts) -> "Group":
        self.children.extend(p for p in parts if p is not None)
        return self

    def walk(self) -> Iterator:
        """Every part below this group, depth first, in drawing order."""
        stack = [iter(self.children)]
        while stack:
            for child in stack[-1]:
                yield child
                if type(child) is Group:
                    stack.append(iter(child.children))
                    break
            else:
                stack.pop()


@dataclass(slots=True)
class Scene:
    width: float
    height: float
    title: str  # the document's <title>
    desc: str  # its <desc>
    theme: str
    root: Group
    compare: bool = False
    measured: bool = False  # draws a metrics snapshot's numbers (their CSS rules are added)

    def walk(self) -> Iterator:
        yield self.root
        yield from self.root.walk()

    def texts(self) -> list[Text]:
        return [p for p in self.walk() if isinstance(p, Text)]

    def groups(self, cls: str) -> list[Group]:
        return [g for g in self.walk() if isinstance(g, Group) and cls in g.cls.split()]

    def cards(self) -> list[Group]:
        """Every group with a box: cards, pills, bubbles, headers."""
        return [g for g in self.walk() if isinstance(g, Group) and g.box is not None]

    def faces(self) -> dict[str, set[str]]:
        """The characters drawn in each face of the font (for the embedded subset)."""
        from cjm.render.fonts import face_of

        used: dict[str, set[str]] = {}
        for t in self.texts():
            chars = used.setdefault(face_of(t.bold, t.italic), set())
            for line in t.lines:
                chars.update(line)
        return used
