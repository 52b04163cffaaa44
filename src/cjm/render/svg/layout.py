"""The layout of the SVG journey map: where every card, curve and label goes.

Stages are columns across the top, each touchpoint a sub-column of its stage,
and lanes are rows with a label column on the left: actions, touchpoints,
thoughts, the emotion curve (one line per persona), pain points,
opportunities (with the actions that address the step's pain points), KPIs
and, for service blueprints, the frontstage, backstage, support and policy
lanes with the lines of interaction and visibility.

This module does the geometry only: it measures and wraps text with the
bundled font's metrics (``metrics.Metrics``), sizes every row to its tallest
cell and the canvas to the content, and returns a ``scene.Scene`` of plain
objects. ``draw`` turns the scene into markup; nothing here writes markup or
escapes. Nothing depends on time, randomness or state outside the layout:
the same map gives the same scene.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cjm.model.resolve import BLUEPRINT_LANES, LANES
from cjm.present.escape import safe_url
from cjm.present.escape import xml_text as clean
from cjm.present.numbers import number, signed as signed_number
from cjm.present.words import (EVERYONE, SEVERITY_ORDER, expectation, kpi_status, kpi_value, map_type, market,
                               pain_numbers, short_name, status)
from cjm.render.svg.metrics import Metrics
from cjm.render.svg.scene import Circle, Group, Line, Path, Rect, Scene, Text
from cjm.render.themes import STAGE_ACCENTS, THEMES

TEMPLATE = "svg/map.svg.j2"

# --- geometry (px) -----------------------------------------------------------
PAD = 32  # canvas margin
LABEL_W = 164  # the lane label column
COL_W = 212  # one touchpoint column
GAP = 8  # between a column's edge and its cards
CARD_PAD = 10  # inside a card
CARD_W = COL_W - 2 * GAP
TEXT_W = CARD_W - 2 * CARD_PAD
MIN_WIDTH = 1040
LANE_MIN_H = 56
EMO_PLOT_H = 168
POINT_R = 4.5
DODGE = 2 * POINT_R + 1  # how far apart points that coincide are drawn


def _signed(v: float, signed: bool) -> str:
    """A score as shown on its scale: signed on a scale around zero."""
    return signed_number(v) if signed else number(v)


def _drawn(label: str) -> str:
    """A number cjm writes, as drawn: Noto Sans has no U+2212 minus sign, so
    the picture uses the en dash typesetters use for it (tooltips and the
    description keep U+2212)."""
    return label.replace("\u2212", "\u2013")


def _join(*parts: object) -> str:
    return "\n".join(clean(p) for p in parts if p)


@dataclass
class Block:
    """Text being laid out in a box: lines accumulate downwards from ``y``."""

    metrics: Metrics
    x: float
    width: float
    y: float
    texts: list[Text] = field(default_factory=list)
    cut: bool = False

    def add(self, text: object, size: float, cls: str, line_h: float, bold: bool = False, italic: bool = False,
            max_lines: int = 10, indent: float = 0.0, gap: float = 0.0, spacing: float = 0.0) -> Text | None:
        m = self.metrics
        lines, cut = m.wrap(text, self.width - indent, size, bold, max_lines, italic, spacing)
        if not lines:
            return None
        self.cut |= cut
        self.y += gap
        ys = []
        for _line in lines:
            ys.append(self.y + size * 0.92)
            self.y += line_h
        widths = [m.width(line, size, bold, italic, spacing) for line in lines]
        t = Text(self.x + indent, ys, lines, cls, size, bold, italic, widths=widths, spacing=spacing)
        self.texts.append(t)
        return t


def card(x: float, y: float, w: float, h: float, cls: str, shape: str, parts: list, title: str | None = None,
         attrs: dict[str, str] | None = None, rx: float = 8, path: Path | None = None) -> Group:
    """A card: a box (a rounded rectangle, or ``path``) and what it holds."""
    box = Rect(x, y, w, h, shape, rx=rx)
    outline = path if path is not None else box
    return Group(cls, [outline, *parts], attrs=dict(attrs or {}), title=title, box=box)


def pill(metrics: Metrics, x: float, y: float, label: str, size: float, cls: str, text_cls: str,
         bold: bool = True, pad: float = 6, h: float = 15, spacing: float = 0.0, centre: bool = False,
         max_w: float | None = None) -> Group:
    """A small rounded label sized to its text (``x`` is its left edge, or its
    centre with ``centre``); cut with an ellipsis to ``max_w``."""
    if max_w is not None and metrics.width(label, size, bold, spacing=spacing) + 2 * pad > max_w:
        label = metrics.ellipsize(label, max_w - 2 * pad - spacing * size * 2, size, bold)
    w = metrics.width(label, size, bold, spacing=spacing) + 2 * pad
    if centre:
        x -= w / 2
    text = Text(x + pad, [y + h / 2 + size * 0.36], [label], text_cls, size, bold, widths=[w - 2 * pad],
                spacing=spacing)
    return card(x, y, w, h, "cjm-pill", cls, [text], rx=h / 2)


# --- layout --------------------------------------------------------------------
@dataclass
class Column:
    index: int  # 0-based step number across the map (-1: an empty stage's placeholder)
    stage: int
    tp: object | None  # None for the placeholder column of an empty stage
    x: float  # left edge

    @property
    def cx(self) -> float:
        return self.x + COL_W / 2


def lanes_of(resolved, options) -> list[str]:
    lanes = resolved.lanes_with_content()
    if resolved.compare is not None and "emotions" not in lanes and any(
            v is not None for _pid, values in resolved.compare_series() for v in values):
        lanes = [lane for lane in LANES if lane in lanes or lane == "emotions"]  # the other map's curves
    if options.lanes is not None:
        wanted = set(options.lanes)
        lanes = [lane for lane in lanes if lane in wanted]
    return lanes


def scale_ticks(lo: int, hi: int) -> list[int]:
    span = hi - lo
    if span <= 0:
        return [lo]
    step = 1 if span <= 8 else max(1, round(span / 4))
    ticks = list(range(lo, hi + 1, step))
    if ticks[-1] != hi:
        ticks.append(hi)
    return ticks


def monotone_segments(points: list[tuple[float, float]]) -> list[tuple[float, ...]]:
    """Cubic segments (x1, y1, x2, y2, x, y) of a smooth curve through the
    points that never overshoots them (monotone cubic interpolation, as d3's
    curveMonotoneX), so the line stays inside the scale and a high or low is
    never exaggerated. Segment i runs from point i to point i + 1."""
    n = len(points)
    if n < 2:
        return []
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    d = [(ys[i + 1] - ys[i]) / ((xs[i + 1] - xs[i]) or 1e-9) for i in range(n - 1)]
    m = [0.0] * n
    m[0], m[-1] = d[0], d[-1]
    for i in range(1, n - 1):
        if d[i - 1] * d[i] <= 0:
            m[i] = 0.0
        else:
            m[i] = 2 * d[i - 1] * d[i] / (d[i - 1] + d[i])  # harmonic mean (Fritsch-Carlson)
    out = []
    for i in range(n - 1):
        h = (xs[i + 1] - xs[i]) / 3
        out.append((xs[i] + h, ys[i] + h * m[i], xs[i + 1] - h, ys[i + 1] - h * m[i + 1], xs[i + 1], ys[i + 1]))
    return out


def curve_paths(points: list[tuple[float, float]], joined: list[bool], cls: str, gap_cls: str,
                color: str) -> list[Path]:
    """The curve through ``points``: solid where ``joined[i]`` (point i and
    i + 1 are neighbouring steps), dashed across the steps in between where it
    is not, so a persona's curve never breaks into lone dots."""
    segments = monotone_segments(points)
    out: list[Path] = []
    run: list[tuple[str, tuple[float, ...]]] = []
    for i, seg in enumerate(segments):
        if joined[i]:
            if not run:
                run.append(("M", points[i]))
            run.append(("C", seg))
            continue
        if run:
            out.append(Path(run, cls, stroke=color))
            run = []
        out.append(Path([("M", points[i]), ("L", points[i + 1])], gap_cls, stroke=color))
    if run:
        out.append(Path(run, cls, stroke=color))
    return out


def bubble(x: float, y: float, w: float, h: float, r: float = 10, tail: float = 7) -> list:
    """A speech bubble: a rounded box with a small tail at its lower left."""
    x2, y2 = x + w, y + h
    t0 = x + 18
    return [("M", (x + r, y)), ("H", (x2 - r,)), ("Q", (x2, y, x2, y + r)), ("V", (y2 - r,)),
            ("Q", (x2, y2, x2 - r, y2)), ("H", (t0 + 12,)), ("L", (t0 - 2, y2 + tail)), ("L", (t0 + 1, y2)),
            ("H", (x + r,)), ("Q", (x, y2, x, y2 - r)), ("V", (y + r,)), ("Q", (x, y, x + r, y)), ("Z", ())]


# What each lane holds, in a few words under its label.
LANE_HINTS = {
    "actions": "What the customer does",
    "touchpoints": "Where they meet us, and through which channel",
    "thoughts": "What they think and ask",
    "pain_points": "What gets in their way",
    "opportunities": "What we could do about it, and the pain points (P1…) it addresses",
    "kpis": "How we know it works: under the step that measures it",
    "frontstage": "What staff do in view of the customer",
    "backstage": "What staff do out of view",
    "support": "Systems and processes behind the step",
    "policy": "Rules that shape the step",
}
COMPARE_HINT = "Solid: this map; dashed: the compared map"


class Layout:
    def __init__(self, resolved, options, metrics: Metrics | None = None, part: str | None = None,
                 numbers: dict[str, str] | None = None, first_step: int = 0,
                 lanes: list[str] | None = None) -> None:
        self.r = resolved
        self.options = options
        self.m = metrics or Metrics(getattr(options, "embed_font", True))
        self.part = part  # "Part 2 of 5: Purchase – Retention" on a page or poster of a split map
        self.numbers = numbers if numbers is not None else pain_numbers(resolved.map)
        self.theme_name = options.theme if options.theme in THEMES else "light"
        self.c = THEMES[self.theme_name]
        # a part of a split map draws the whole map's lanes, so every page has the same rows
        self.lanes = list(lanes) if lanes is not None else lanes_of(resolved, options)
        self._compare_cache: dict | None = None
        self.measured = False  # a metrics snapshot's numbers are drawn (cjm.render.svg.measured)
        self._step_attrs: dict[int, dict[str, str]] = {}
        self.columns: list[Column] = []
        self.stage_spans: list[tuple[float, float]] = []
        x = PAD + LABEL_W
        step = 0
        for si, stage in enumerate(resolved.stages):
            start = x
            if stage.touchpoints:
                for tp in stage.touchpoints:
                    self.columns.append(Column(step, si, tp, x))
                    step += 1
                    x += COL_W
            else:
                self.columns.append(Column(-1, si, None, x))
                x += COL_W
            self.stage_spans.append((start, x))
        self.grid_right = x
        self.width = max(MIN_WIDTH, x + PAD)
        self.right = self.width - PAD
        self.step_numbers = {id(col.tp): col.index + 1 + first_step
                             for col in self.columns if col.tp is not None}

    def block(self, x: float, width: float, y: float) -> Block:
        return Block(self.m, x, width, y)

    def step_attrs(self, tp) -> dict[str, str]:
        """The attributes that tie a part of the picture to its step:
        ``data-touchpoint`` (the HTML page opens the step's details from it)
        and ``data-personas``, the personas the step applies to (the page's
        persona filter hides the steps of the other personas)."""
        attrs = self._step_attrs.get(id(tp))
        if attrs is None:
            attrs = {"data-touchpoint": clean(tp.id)}
            if self.r.personas:
                attrs["data-personas"] = " ".join(clean(p.id) for p in self.r.personas_of(tp))
            self._step_attrs[id(tp)] = attrs
        return attrs

    # -- header -------------------------------------------------------------
    def header(self) -> tuple[Group, float]:
        r, c = self.r, self.c
        width = self.right - PAD
        block = self.block(PAD, width, PAD)
        title = r.title
        persona = r.persona(self.options.persona) if self.options.persona else None
        if persona is not None:
            title = f"{title} \u2014 {persona.name}"
        block.add(title, 24, "cjm-title", 30, bold=True, max_lines=3)
        if self.part:
            block.add(self.part, 13, "cjm-part", 18, bold=True, max_lines=2, gap=2)
        m = r.map
        meta = [map_type(m.type)]
        if persona is not None:
            meta.append(f"Persona view: {persona.name}")
        meta += [x for x in (m.industry, market(m.market)) if x]
        if m.owner:
            meta.append(f"Owner: {m.owner}")
        if m.reviewed:
            meta.append(f"Reviewed {m.reviewed.isoformat()}")
        block.add("  \u00b7  ".join(clean(x) for x in meta), 13, "cjm-meta", 18, max_lines=3, gap=4)
        if m.goal:
            block.add("Goal: " + clean(m.goal), 14, "cjm-goal", 19, max_lines=4, gap=8)
        if m.description:
            block.add(m.description, 12.5, "cjm-description", 17, max_lines=3, gap=4)
        if r.compare is not None:
            o = r.compare.map
            about = [map_type(o.type)] + ([f"reviewed {o.reviewed.isoformat()}"] if o.reviewed else [])
            block.add(f"Compared with: {clean(o.title)} ({', '.join(about)})", 13, "cjm-compared", 18,
                      bold=True, max_lines=2, gap=6)
        head = Group("cjm-header", list(block.texts))
        legend = Group("cjm-legend")
        head.add(legend)
        # Legend: one swatch per persona, then the channel markers.
        y = block.y + 14
        x = PAD
        items = [(p.name, r.colors.get(p.id, c["accent"])) for p in r.personas]
        if not items and "emotions" in self.lanes:
            items = [(EVERYONE, c["accent"])]
        entries = [("persona", name, color) for name, color in items]
        if r.compare is not None and "emotions" in self.lanes:
            entries += [("compare-this", "This map", c["muted"]),
                        ("compare-other", r.compare.title, c["muted"]),
                        ("delta", "Change from the dashed map", c["muted"])]
        if "emotions" in self.lanes and any(len(self.r.personas_of(tp)) < len(self.r.personas)
                                            for col in self.columns if (tp := col.tp) is not None):
            entries.append(("gap", "Dotted: across steps a persona skips", c["muted"]))
        if "touchpoints" in self.lanes:
            modes = {self.r.mode(tp) for _s, tp in self.r.touchpoints()}
            entries += [(md, f"{md} channel", c[md]) for md in ("online", "offline") if md in modes]
        if "kpis" in self.lanes:
            entries += [("kpi-ok", "KPI on target", c["good"]), ("kpi-off", "KPI off target", c["bad"])]
        for kind, name, color in entries:
            lines, _cut = self.m.wrap(name, 420 if kind == "compare-other" else 260, 12.5, max_lines=1)
            label = lines[0] if lines else ""
            lead = 48 if kind == "delta" else 30  # the sample pill is wider than a swatch
            tw = self.m.width(label, 12.5)
            w = lead + tw + 22
            if x + w > self.right and x > PAD:
                x = PAD
                y += 22
            item = Group(f"cjm-legend-item cjm-legend-{kind}", title=clean(name))
            if kind in ("persona", "compare-this", "compare-other", "gap"):
                line = Line(x, y, x + 24, y, "cjm-legend-line", stroke=color, dashed=kind in ("compare-other", "gap"))
                item.add(line)
                if kind == "persona":
                    item.add(Circle(x + 12, y, POINT_R, "cjm-point", fill=color))
            elif kind == "delta":
                item.add(pill(self.m, x, y - 8, "+1", 10.5, "cjm-delta-up", "cjm-delta-up-label", h=16, pad=8))
            elif kind.startswith("kpi"):
                item.add(Circle(x + 12, y, POINT_R, f"cjm-{kind}"))
            else:
                item.add(Circle(x + 12, y, POINT_R, f"cjm-mode-{kind}"))
            if label:
                item.add(Text(x + lead, [y + 4.5], [label], "cjm-legend-label", 12.5, widths=[tw]))
            legend.add(item)
            x += w
        return head, y + 22

    # -- stage headers --------------------------------------------------------
    def stage_headers(self, top: float) -> tuple[Group, float]:
        heads = []
        height = 0.0
        for si, stage in enumerate(self.r.stages):
            x0, x1 = self.stage_spans[si]
            count = sum(1 for col in self.columns if col.stage == si and col.tp is not None)
            count_label = f"{count} touchpoint{'' if count == 1 else 's'}" if count else ""
            reserve = self.m.width(count_label, 10.5) + 12 if count_label else 0
            block = self.block(x0 + GAP + 12, x1 - x0 - 2 * GAP - 24, top + 16)
            # the name keeps clear of the touchpoint count at the header's right
            block.width -= reserve
            name = block.add(stage.name, 15, "cjm-stage-name", 19, bold=True, max_lines=3)
            block.width += reserve
            if name is None:
                block.y += 19
            if stage.goal:
                block.add(stage.goal, 12, "cjm-stage-goal", 16, max_lines=4, gap=4)
            heads.append((stage, block, x0, x1, si, count_label))
            height = max(height, block.y - top + 12)
        out = Group("cjm-stages")
        for stage, block, x0, x1, si, count_label in heads:
            k = si % len(STAGE_ACCENTS)
            parts: list = [Rect(x0 + GAP / 2, top, x1 - x0 - GAP, 5, f"cjm-accent-{k}", rx=2.5)]
            if count_label:
                w = self.m.width(count_label, 10.5)
                parts.append(Text(x1 - GAP - 12, [top + 29], [count_label], "cjm-stage-count", 10.5, anchor="end",
                                  widths=[w]))
            parts += block.texts
            g = card(x0 + GAP / 2, top, x1 - x0 - GAP, height, "cjm-stage", f"cjm-stage-head cjm-head-{k}", parts,
                     title=_join(stage.name, stage.goal) if block.cut else None,
                     attrs={"data-stage": clean(stage.id),
                            "data-steps": " ".join(clean(tp.id) for tp in stage.touchpoints)}, rx=10)
            out.add(g)
        return out, height

    # -- lanes ------------------------------------------------------------------
    def cards_for(self, lane: str, col: Column, top: float) -> list[Group]:
        tp = col.tp
        x = col.x + GAP
        y = top + 10
        cards: list[Group] = []
        if tp is None:
            if lane == "touchpoints":
                block = self.block(x + CARD_PAD, TEXT_W, y + 10)
                block.add("No touchpoints yet", 12, "cjm-empty", 16, italic=True)
                cards.append(card(x, y, CARD_W, block.y - y + 8, "cjm-none", "cjm-none-shape", block.texts))
            return cards
        attrs = self.step_attrs(tp)
        if lane == "actions" and tp.action:
            block = self.block(x + CARD_PAD, TEXT_W, y + 9)
            block.add(tp.action, 12, "cjm-text", 16, max_lines=12)
            cards.append(card(x, y, CARD_W, block.y - y + 9, "cjm-card cjm-action", "cjm-action-shape", block.texts,
                              clean(tp.action) if block.cut else None, attrs))
        elif lane == "touchpoints":
            cards.append(self.touchpoint_card(col, x, y, attrs))
        elif lane == "thoughts":
            shown = tp.thoughts[:6]
            for thought in shown:
                block = self.block(x + CARD_PAD + 2, TEXT_W - 4, y + 8)
                if block.add(thought, 12, "cjm-thought-text", 16, italic=True, max_lines=8) is None:
                    continue
                h = block.y - y + 8
                cards.append(card(x, y, CARD_W, h, "cjm-thought", "cjm-thought-shape", block.texts,
                                  clean(thought) if block.cut else None, attrs,
                                  path=Path(bubble(x, y, CARD_W, h), "cjm-thought-shape")))
                y += h + 16
            if len(tp.thoughts) > len(shown):
                block = self.block(x + 4, TEXT_W, y)
                block.add(f"+{len(tp.thoughts) - len(shown)} more", 11, "cjm-muted", 15)
                cards.append(Group("cjm-more", block.texts, attrs=dict(attrs)))
        elif lane == "pain_points":
            pains = sorted(tp.pain_points, key=lambda p: SEVERITY_ORDER.get(p.severity or "", 9))
            for pain in pains:
                cards.append(self.issue_card(x, y, pain, "pain", attrs))
                y += cards[-1].box.h + 8
        elif lane == "opportunities":
            for opp in tp.opportunities:
                cards.append(self.issue_card(x, y, opp, "opp", attrs))
                y += cards[-1].box.h + 8
            for action in self.actions_at(tp):
                cards.append(self.issue_card(x, y, action, "act", attrs))
                y += cards[-1].box.h + 8
        elif lane in BLUEPRINT_LANES:
            value = getattr(tp, lane)
            if value:
                block = self.block(x + CARD_PAD, TEXT_W, y + 9)
                block.add(value, 12, "cjm-text", 16, max_lines=12)
                cards.append(card(x, y, CARD_W, block.y - y + 9, f"cjm-card cjm-bp", f"cjm-bp-{lane}", block.texts,
                                  clean(value) if block.cut else None, attrs))
        return cards

    def actions_at(self, tp) -> list:
        """The map's actions drawn at this step: those that address one of its
        pain points, each at the first such step of the map."""
        at = self.__dict__.get("_actions_at")
        if at is None:
            where: dict[str, object] = {}
            for col in self.columns:
                if col.tp is not None:
                    for pain in col.tp.pain_points:
                        where.setdefault(pain.id, col.tp)
            at = {}
            for action in self.r.map.actions:
                if action.status == "dropped":
                    continue
                first = next((where[p] for p in action.addresses if p in where), None)
                if first is not None:
                    at.setdefault(id(first), []).append(action)
            self.__dict__["_actions_at"] = at
        return at.get(id(tp), [])

    def touchpoint_card(self, col: Column, x: float, y: float, attrs: dict[str, str]) -> Group:
        tp = col.tp
        block = self.block(x + CARD_PAD, TEXT_W, y + 9)
        name = block.add(tp.name, 12.5, "cjm-tp-name", 17, bold=True, max_lines=4, indent=26)
        if name is None:
            block.y += 17
        number_label = str(self.step_numbers[id(tp)])
        nw = self.m.width(number_label, 10, bold=True)
        badge_r = max(9.5, nw / 2 + 3)
        parts: list = [Circle(x + CARD_PAD + 9, y + 9 + 8.5, badge_r, "cjm-step"),
                       Text(x + CARD_PAD + 9, [y + 9 + 8.5 + 3.6], [number_label], "cjm-step-label", 10, bold=True,
                            anchor="middle", widths=[nw])]
        channel = self.r.channel_name(tp)
        mode = self.r.mode(tp)
        if channel or mode:
            label = channel or ""
            if mode:
                label = f"{label} \u00b7 {mode}" if label else mode
            cy = block.y + 4 + 7
            parts.append(Circle(x + CARD_PAD + 4.5, cy, 4, f"cjm-mode cjm-mode-{mode or 'unknown'}"))
            block.add(label, 11, "cjm-channel", 15, max_lines=3, indent=14, gap=4)
        links = []
        shown = tp.evidence[:3]
        for link in shown:
            t = block.add(clean(link.title or link.url), 11, "cjm-link", 15, max_lines=1, gap=3)
            if t is not None:
                block.texts.remove(t)
                links.append(Group("cjm-evidence", [t], href=safe_url(link.url)) if safe_url(link.url) else t)
        if len(tp.evidence) > len(shown):
            block.add(f"+{len(tp.evidence) - len(shown)} more evidence", 11, "cjm-muted", 15, gap=2)
        if self.r.observed is not None:
            from cjm.render.svg import measured

            reach = measured.reach_line(self, block, tp, x + CARD_PAD)
            if reach is not None:
                links.append(reach)
        full = _join(tp.name, tp.description, channel)
        g = card(x, y, CARD_W, block.y - y + 9, "cjm-card cjm-touchpoint", "cjm-touchpoint-shape",
                 parts + block.texts + links, full if block.cut or tp.description else None, attrs)
        return g

    def issue_card(self, x: float, y: float, item, kind: str, attrs: dict[str, str]) -> Group:
        """A pain point (severity and its number), an opportunity or an action
        (the numbers of the pain points it addresses)."""
        block = self.block(x + CARD_PAD, TEXT_W, y + 9)
        tags: list = []
        row_y = y + 8
        tag_x = x + CARD_PAD
        severity = getattr(item, "severity", None) if kind == "pain" else None
        if severity:
            tags.append(pill(self.m, tag_x, row_y, severity.upper(), 9.5, f"cjm-sev-{severity}", "cjm-tag-label",
                             spacing=0.05))
            tag_x += tags[-1].box.w + 4
        if kind == "act":
            label = "ACTION" + (f" \u00b7 {status(item.status).upper()}" if item.status else "")
            tags.append(pill(self.m, tag_x, row_y, label, 9.5, "cjm-sev-low", "cjm-tag-label", spacing=0.05,
                             max_w=x + CARD_W - CARD_PAD - tag_x))
            tag_x += tags[-1].box.w + 4
        refs: list[str] = []
        if kind == "pain":
            number_label = self.numbers.get(item.id)
            if number_label:
                badge = pill(self.m, 0, row_y, number_label, 9.5, "cjm-ref-pain", "cjm-ref-label")
                self._move(badge, x + CARD_W - CARD_PAD - badge.box.w)
                tags.append(badge)
        else:
            refs = [self.numbers[p] for p in item.addresses if p in self.numbers]
        if refs:
            right = x + CARD_W - CARD_PAD
            # an arrow (drawn: the font has no arrow glyphs) pointing at the pain points' numbers
            ay = row_y + 7.5
            lead = Path([("M", (tag_x, ay)), ("L", (tag_x + 9, ay)), ("M", (tag_x + 5.5, ay - 3.5)),
                         ("L", (tag_x + 9, ay)), ("L", (tag_x + 5.5, ay + 3.5))], "cjm-ref-arrow")
            lead_w = 10.0
            chips = []
            cx = tag_x + lead_w + 4
            row = row_y
            for ref in refs:
                chip = pill(self.m, cx, row, ref, 9.5, "cjm-ref-pain", "cjm-ref-label")
                if chip.box.x + chip.box.w > right and cx > tag_x + lead_w + 4:
                    row += 19
                    cx = tag_x + lead_w + 4
                    chip = pill(self.m, cx, row, ref, 9.5, "cjm-ref-pain", "cjm-ref-label")
                chips.append(chip)
                cx += chip.box.w + 4
            tags.append(Group("cjm-refs", [lead, *chips], title="Addresses " + ", ".join(refs)))
            row_y = row
        if tags:
            block.y = row_y + 20
        block.add(item.title, 12, f"cjm-{kind}-title", 16, bold=True, max_lines=8)
        if item.description:
            block.add(item.description, 11, f"cjm-{kind}-desc", 15, max_lines=6, gap=3)
        if kind == "act" and item.owner:
            block.add(f"Owner: {clean(item.owner)}", 11, "cjm-muted", 15, max_lines=2, gap=3)
        links = []
        for link in getattr(item, "evidence", [])[:2]:
            t = block.add(clean(link.title or link.url), 11, "cjm-link", 15, max_lines=1, gap=3)
            if t is not None:
                block.texts.remove(t)
                href = safe_url(link.url)
                links.append(Group("cjm-evidence", [t], href=href) if href else t)
        full = _join(item.title, item.description)
        return card(x, y, CARD_W, block.y - y + 9, f"cjm-card cjm-{kind}", f"cjm-{kind}-shape",
                    tags + block.texts + links, full, attrs)

    @staticmethod
    def _move(g: Group, x: float) -> None:
        """Move a pill (box and text) so its box starts at ``x``."""
        dx = x - g.box.x
        g.box.x += dx
        for child in g.children:
            if isinstance(child, Text):
                child.x += dx

    # -- KPIs -------------------------------------------------------------------
    def kpi_cards(self, top: float) -> tuple[list[Group], float]:
        """A stage's own KPIs span the stage; a step's KPIs sit under the step
        that measures them."""
        cards: list[Group] = []
        bottom = top
        for si, stage in enumerate(self.r.stages):
            x0, x1 = self.stage_spans[si]
            y = top + 10
            for kid in dict.fromkeys(stage.kpis):
                kpi = self.r.kpis.get(kid)
                if kpi is None:
                    continue
                g = self.kpi_card(x0 + GAP, y, x1 - x0 - 2 * GAP, kpi, {})
                g.attrs["data-stage"] = clean(stage.id)
                cards.append(g)
                y += g.box.h + 8
            for col in self.columns:
                if col.stage != si or col.tp is None:
                    continue
                cy = y
                for kid in dict.fromkeys(col.tp.kpis):
                    kpi = self.r.kpis.get(kid)
                    if kpi is None or kid in stage.kpis:
                        continue
                    g = self.kpi_card(col.x + GAP, cy, CARD_W, kpi, self.step_attrs(col.tp))
                    cards.append(g)
                    cy += g.box.h + 8
                bottom = max(bottom, cy - 8)
            bottom = max(bottom, y - 8)
        return cards, bottom + 10

    def kpi_card(self, x: float, y: float, w: float, kpi, attrs: dict[str, str]) -> Group:
        block = self.block(x + CARD_PAD, w - 2 * CARD_PAD, y + 9)
        block.add(kpi.name, 12, "cjm-kpi-name", 16, bold=True, max_lines=4, indent=14)
        unit = clean(kpi.unit or "")
        if kpi.actual is not None or kpi.target is not None:
            block.add(f"Actual {kpi_value(kpi.actual, unit)}  \u00b7  target {kpi_value(kpi.target, unit)}", 11.5,
                      "cjm-kpi-value", 16, max_lines=2, gap=2)
        if kpi.source:
            block.add(kpi.source, 11, "cjm-muted", 14, max_lines=2, gap=1)
        state = kpi_status(kpi).state
        mark = Circle(x + CARD_PAD + 4.5, y + 9 + 8, 4.5, f"cjm-kpi-{'unknown' if state == 'none' else state}")
        full = _join(kpi.name, kpi.description, kpi.source)
        return card(x, y, w, block.y - y + 9, "cjm-card cjm-kpi", "cjm-kpi-shape", [mark, *block.texts],
                    full if block.cut or kpi.description else None, {**attrs, "data-kpi": clean(kpi.id)})

    # -- emotions ---------------------------------------------------------------
    def _who(self, pid: str | None) -> tuple[str, str]:
        """A curve's colour and the name it is shown with."""
        who = self.__dict__.setdefault("_who_cache", {})
        got = who.get(pid)
        if got is None:
            r, c = self.r, self.c
            if pid is None:
                got = c["accent"], EVERYONE
            else:
                got = r.colors.get(pid, c["accent"]), r.persona(pid).name
            who[pid] = got
        return got

    def _compared(self) -> dict[str | None, list[float | None]]:
        """The other map's scores along this map's steps, per persona (once per layout)."""
        if self._compare_cache is None:
            self._compare_cache = dict(self.r.compare_series())
        return self._compare_cache

    @staticmethod
    def dodge(series: list[tuple[str | None, list[float | None]]]) -> list[list[float]]:
        """Horizontal offsets per persona and step: personas with the same
        score at a step are set side by side, so no point hides another."""
        n_steps = len(series[0][1]) if series else 0
        offsets = [[0.0] * n_steps for _ in series]
        for i in range(n_steps):
            groups: dict[float, list[int]] = {}
            for k, (_pid, values) in enumerate(series):
                v = values[i]
                if v is not None:
                    groups.setdefault(round(v, 3), []).append(k)
            for ks in groups.values():
                if len(ks) > 1:
                    for j, k in enumerate(ks):
                        offsets[k][i] = (j - (len(ks) - 1) / 2) * DODGE
        return offsets

    def emotion_lane(self, top: float) -> tuple[Group, float]:
        r = self.r
        lo, hi = r.scale.min, r.scale.max
        signed = lo < 0
        steps = [col for col in self.columns if col.tp is not None]
        series = r.emotion_series()
        chart = Group("cjm-emotion-chart")
        strip_h = 0.0
        deltas = None
        if r.compare is not None:
            deltas, strip_h = self.delta_pills(steps, series, top + 12, signed)
        plot_top = top + 40 + strip_h
        if r.compare is not None:  # keep the scale's top label clear of the lane hint
            hint_lines = len(self.m.wrap(COMPARE_HINT, LABEL_W - 28, 10.5, max_lines=4)[0])
            plot_top = max(plot_top, top + 12 + 14 + 3 + 14 * hint_lines + 12)
        plot_bottom = plot_top + EMO_PLOT_H
        span = (hi - lo) or 1

        def y_of(v: float) -> float:
            return plot_bottom - (max(lo, min(hi, v)) - lo) / span * EMO_PLOT_H

        neutral = 0 if lo < 0 < hi else (lo + hi) / 2
        x0, x1 = PAD + LABEL_W, self.grid_right
        neutral_y = y_of(neutral)
        chart.add(Rect(x0, y_of(hi), x1 - x0, neutral_y - y_of(hi), "cjm-pos"),
                  Rect(x0, neutral_y, x1 - x0, y_of(lo) - neutral_y, "cjm-neg"))
        for t in scale_ticks(lo, hi):
            ty = y_of(t)
            label = _drawn(_signed(t, signed))
            chart.add(Line(x0, ty, x1, ty, "cjm-neutral" if t == neutral else "cjm-grid"),
                      Text(PAD + LABEL_W - 14, [ty + 3.8], [label], "cjm-tick", 11, anchor="end",
                           widths=[self.m.width(label, 11)]))
        label_w = LABEL_W - 48
        for text, anchor_y, below in ((r.scale.high_label, y_of(hi) + 4, True), (r.scale.low_label, y_of(lo) + 4, False)):
            if not text:
                continue
            lines, _cut = self.m.wrap(text, label_w, 11, max_lines=2, italic=True)
            if not lines:
                continue
            first = anchor_y if below else anchor_y - 14 * (len(lines) - 1)
            chart.add(Text(PAD + 12, [first + 14 * i for i in range(len(lines))], lines, "cjm-scale-label", 11,
                           italic=True, widths=[self.m.width(ln, 11, italic=True) for ln in lines]))
        offsets = self.dodge(series)
        if r.compare is not None:
            chart.children.extend(self.before_curves(steps, series, y_of, offsets, signed))
            if deltas is not None:
                chart.add(deltas)
        for k, (pid, values) in enumerate(series):
            color, name = self._who(pid)
            pts: list[tuple[float, float]] = []
            idx: list[int] = []
            circles = []
            for i, (col, v) in enumerate(zip(steps, values)):
                if v is None:
                    continue
                pt = (col.cx + offsets[k][i], y_of(v))
                pts.append(pt)
                idx.append(i)
                note = f" ({clean(col.tp.feeling)})" if col.tp.feeling and clean(col.tp.feeling).strip() else ""
                circles.append(Circle(pt[0], pt[1], POINT_R, "cjm-point", fill=color,
                                      title=f"{clean(name)}: {_signed(v, signed)}{note} at {clean(col.tp.name)}",
                                      attrs={"data-touchpoint": clean(col.tp.id)}))
            joined = [idx[j + 1] == idx[j] + 1 for j in range(len(idx) - 1)]
            g = Group("cjm-curve", attrs={"data-persona": clean(pid or "")}, title=clean(name))
            g.children.extend(curve_paths(pts, joined, "cjm-curve-line", "cjm-curve-gap", color))
            if pid is not None and len(pts) > 1 and len(self.r.personas) > 1:
                # The same curve with the steps of other personas taken out: the
                # HTML page's persona filter closes their columns and shows this one.
                skipped = 0
                shift = []
                for col in steps:
                    shift.append(skipped)
                    if all(p.id != pid for p in self.r.personas_of(col.tp)):
                        skipped += 1
                if skipped:
                    compact = [(x - shift[i] * COL_W, y) for (x, y), i in zip(pts, idx)]
                    cidx = [i - shift[i] for i in idx]
                    cj = [cidx[j + 1] == cidx[j] + 1 for j in range(len(cidx) - 1)]
                    g.add(Group("cjm-compact", curve_paths(compact, cj, "cjm-curve-line", "cjm-curve-gap", color)))
            g.children.extend(circles)
            chart.add(g)
        bottom = plot_bottom + 10
        for i, col in enumerate(steps):
            bottom = max(bottom, self.step_feelings(chart, col, plot_bottom + 10, [
                (pid, values[i]) for pid, values in series], signed))
        height = bottom - top + 12
        return chart, height

    def step_feelings(self, chart: Group, col: Column, y: float, scores: list[tuple[str | None, float | None]],
                      signed: bool) -> float:
        """Under the chart, at one step: the feeling word, the expectation, and
        when the personas' scores differ, each persona's score (the format
        has one feeling word per step: the scores show who feels what)."""
        tp = col.tp
        attrs = self.step_attrs(tp)
        g = Group("cjm-feelings", attrs=dict(attrs))
        if tp.feeling:
            lines, cut = self.m.wrap(tp.feeling, CARD_W, 11.5, max_lines=2, italic=True)
            if lines:
                ys = [y + 11 + 15 * i for i in range(len(lines))]
                g.add(Text(col.cx, ys, lines, "cjm-feeling", 11.5, italic=True, anchor="middle",
                           widths=[self.m.width(ln, 11.5, italic=True) for ln in lines]))
                if cut:
                    g.title = clean(tp.feeling)
                y += 15 * len(lines) + 2
        if tp.expectation:
            p = pill(self.m, col.cx, y + 2, expectation(tp.expectation), 10, f"cjm-pill-{tp.expectation}",
                     f"cjm-exp-{tp.expectation}", centre=True, pad=7, max_w=CARD_W)
            p.cls = f"cjm-exp cjm-exp-{tp.expectation}"
            g.add(p)
            y += 21
        scored = [(pid, v) for pid, v in scores if v is not None and pid is not None]
        if len(scored) > 1 and len({round(v, 3) for _pid, v in scored}) > 1:
            chips = []
            for pid, v in scored:
                color, name = self._who(pid)
                label = f"{short_name(clean(name))} {_drawn(_signed(v, signed))}"
                w = self.m.width(label, 10)
                if w > CARD_W - 28:
                    label = self.m.ellipsize(label, CARD_W - 28, 10)
                    w = self.m.width(label, 10)
                chips.append((pid, v, color, name, label, w + 22))
            rows: list[list[tuple]] = [[]]
            used = 0.0
            for chip in chips:
                if rows[-1] and used + 4 + chip[-1] > CARD_W:
                    rows.append([])
                    used = 0.0
                used += (4 if rows[-1] else 0) + chip[-1]
                rows[-1].append(chip)
            for row in rows:
                cx = col.cx - (sum(c[-1] for c in row) + 4 * (len(row) - 1)) / 2
                top = y + 2
                for pid, v, color, name, label, w in row:
                    box = Rect(cx, top, w, 16, "cjm-score-pill", rx=8)
                    g.add(Group("cjm-pill cjm-score", [
                        box, Circle(cx + 9, top + 8, 3.5, "cjm-score-dot", fill=color),
                        Text(cx + 16, [top + 11.6], [label], "cjm-score-label", 10, widths=[w - 22])],
                        attrs={"data-persona": clean(pid)}, title=f"{clean(name)}: {_signed(v, signed)}", box=box))
                    cx += w + 4
                y += 20
        if g.children:
            chart.add(g)
        return y

    @staticmethod
    def _place(g: Group, x: float, y: float) -> None:
        """Move a pill laid out at (box.x, 0) to (x, y)."""
        dx, dy = x - g.box.x, y - g.box.y
        g.box.x += dx
        g.box.y += dy
        for child in g.children:
            if isinstance(child, Text):
                child.x += dx
                child.ys = [v + dy for v in child.ys]
            elif isinstance(child, Circle):
                child.cx += dx
                child.cy += dy
            elif isinstance(child, Path):
                child.commands = [(letter, tuple(v + (dy if i % 2 else dx) for i, v in enumerate(nums)))
                                  for letter, nums in child.commands]

    # -- comparison with another map (cjm render --compare) ---------------------
    def before_curves(self, steps: list[Column], series, y_of, offsets, signed: bool) -> list[Group]:
        """The other map's curves, dashed and lighter, under this map's: same
        persona colours and offsets, a gap where it has no such touchpoint."""
        r = self.r
        other = clean(r.compare.title)
        compared = self._compared()
        out = []
        for k, (pid, _values) in enumerate(series):
            values = compared.get(pid) or []
            color, name = self._who(pid)
            runs: list[list[tuple[float, float]]] = []
            circles = []
            prev = None
            for i, v in enumerate(values):
                if v is None:
                    continue
                pt = (steps[i].cx + offsets[k][i], y_of(v))
                if prev is None or prev != i - 1:
                    runs.append([])
                runs[-1].append(pt)
                prev = i
                circles.append(Circle(pt[0], pt[1], 3.5, "cjm-before-point", stroke=color,
                                      title=f"{clean(name)} in {other}: {_signed(round(v, 1), signed)} at "
                                            f"{clean(steps[i].tp.name)}"))
            if not circles:
                continue
            g = Group("cjm-before", attrs={"data-persona": clean(pid or "")},
                      title=f"{clean(name)} (dashed: the compared map)")
            for run in runs:
                if len(run) > 1:
                    segs = monotone_segments(run)
                    g.add(Path([("M", run[0])] + [("C", s) for s in segs], "cjm-before-line", stroke=color))
            g.children.extend(circles)
            out.append(g)
        return out

    def delta_pills(self, steps: list[Column], series, y: float, signed: bool) -> tuple[Group, float]:
        """Above the chart, in each column: per persona, how much this map's
        score differs from the other map's (a dot in the persona's colour, then
        ▲ +2, ▼ −1 or ±0), wrapped to as many rows as the column needs."""
        other = clean(self.r.compare.title)
        compared = self._compared()
        per_col: list[list[tuple[str, str, str, float, float, float]]] = [[] for _ in steps]
        for pid, values in series:
            color, name = self._who(pid)
            was_values = compared.get(pid) or [None] * len(values)
            for i, (v, was) in enumerate(zip(values, was_values)):
                if v is not None and was is not None:
                    per_col[i].append((pid or "", clean(name), color, v, was, round(v - was, 1)))
        out = Group("cjm-deltas")
        rows_needed = 0
        for i, (col, pills) in enumerate(zip(steps, per_col)):
            if not pills:
                continue
            laid: list[list[Group]] = [[]]
            used = 0.0
            for pid, name, color, v, was, d in pills:
                label = _drawn(_signed(d, True)) if d else "\u00b10"
                kind = "up" if d > 0 else "down" if d < 0 else "same"
                chip = pill(self.m, 0, 0, label, 10.5, f"cjm-delta-{kind}", f"cjm-delta-{kind}-label", h=16, pad=7)
                extra = 8 + (9 if d else 0)
                for child in chip.children:
                    if isinstance(child, Text):
                        child.x += extra
                chip.box.w += extra
                chip.children.insert(1, Circle(chip.box.x + 8.5, 8, 3.5, "cjm-delta-dot", fill=color))
                if d:  # ▲ or ▼, drawn
                    tx = chip.box.x + 15
                    tri = [("M", (tx, 11.5)), ("L", (tx + 7, 11.5)), ("L", (tx + 3.5, 4.5)), ("Z", ())] if d > 0 else \
                        [("M", (tx, 4.5)), ("L", (tx + 7, 4.5)), ("L", (tx + 3.5, 11.5)), ("Z", ())]
                    chip.children.insert(2, Path(tri, f"cjm-delta-{kind}-label"))
                chip.cls = f"cjm-pill cjm-delta cjm-delta-is-{kind}"
                chip.attrs["data-persona"] = clean(pid)
                chip.title = (f"{name} at {clean(col.tp.name)}: {_signed(round(v, 1), signed)} here, "
                              f"{_signed(round(was, 1), signed)} in {other}")
                w = chip.box.w
                if laid[-1] and used + 4 + w > CARD_W:
                    laid.append([])
                    used = 0.0
                used += (4 if laid[-1] else 0) + w
                laid[-1].append(chip)
            rows_needed = max(rows_needed, len(laid))
            for row, items in enumerate(laid):
                x = col.cx - (sum(c.box.w for c in items) + 4 * (len(items) - 1)) / 2
                for chip in items:
                    self._place(chip, x, y + row * 20)
                    out.add(chip)
                    x += chip.box.w + 4
        return out, (rows_needed * 20 + 4 if rows_needed else 0.0)

    # -- everything ---------------------------------------------------------------
    def scene(self) -> Scene:
        header, y = self.header()
        top = y + 12
        stages, stage_h = self.stage_headers(top)
        grid_top = top + stage_h + 10
        y = grid_top
        lanes: list[tuple[str, float, float, Group]] = []
        if self.r.observed is not None:
            from cjm.render.svg import measured

            if measured.drawn(self):  # the snapshot's funnel, first under the stage headers
                label = self.block(PAD + 12, LABEL_W - 28, y + 12)
                measured.label_texts(self, label)
                content_g, h = measured.lane(self, y, label.y - y + 10)
                lanes.append(("measured", y, h, Group("cjm-lane-content", [content_g]), label))
                y += h
        for lane in self.lanes:
            content: list = []
            if lane == "emotions":
                chart, h = self.emotion_lane(y)
                content.append(chart)
            elif lane == "kpis":
                content, bottom = self.kpi_cards(y)
                h = bottom - y
            else:
                bottom = y
                for col in self.columns:
                    got = self.cards_for(lane, col, y)
                    for g in got:
                        if g.box is not None:
                            bottom = max(bottom, g.box.y + g.box.h)
                        else:
                            bottom = max(bottom, max(t.bottom() for t in g.children if isinstance(t, Text)))
                    content.extend(got)
                h = bottom - y + 10
            label = self.block(PAD + 12, LABEL_W - 28, y + 12)
            label.add(LANES[lane].upper(), 11, "cjm-lane-label", 14, bold=True, max_lines=2, spacing=0.04)
            if lane in LANE_HINTS:
                label.add(LANE_HINTS[lane], 10.5, "cjm-lane-hint", 14, max_lines=4, gap=3)
            elif lane == "emotions" and self.r.compare is not None:
                label.add(COMPARE_HINT, 10.5, "cjm-lane-hint", 14, max_lines=4, gap=3)
            if lane != "emotions":
                h = max(h, LANE_MIN_H, label.y - y + 10)
            else:
                h = max(h, label.y - y + 10)
            lanes.append((lane, y, h, Group("cjm-lane-content", content), label))
            y += h
        bottom = y
        root = Group("cjm-map-body", attrs={"id": "cjm-map-body", "data-col-w": str(COL_W)})
        root.add(Rect(0, 0, self.width, bottom + PAD, "cjm-bg"))
        root.add(header)
        columns = Group("cjm-columns")
        for i, (x0, x1) in enumerate(self.stage_spans):
            columns.add(Group("cjm-tint", [Rect(x0 + GAP / 2, top, x1 - x0 - GAP, bottom - top,
                                                f"cjm-tint-{i % len(STAGE_ACCENTS)}", rx=10)],
                              attrs={"data-stage": clean(self.r.stages[i].id)}))
        root.add(columns)
        lane_groups = Group("cjm-lanes")
        labels = Group("cjm-lane-labels")
        for li, (key, ly, h, content, label) in enumerate(lanes):
            g = Group(f"cjm-lane cjm-lane-{key}", attrs={"data-lane": key})
            if li % 2 == 1:
                g.add(Rect(PAD + LABEL_W, ly, self.grid_right - PAD - LABEL_W, h, "cjm-band"))
            g.add(Line(PAD, ly, self.grid_right, ly, "cjm-lane-rule"))
            g.add(content)
            lane_groups.add(g)
            extra = []
            if key == "emotions":
                # the scale's ticks and words sit in the label column: they travel with the labels
                chart = content.children[0]
                extra = [p for p in chart.children if isinstance(p, Text) and p.cls in ("cjm-tick", "cjm-scale-label")]
                chart.children = [p for p in chart.children if not (isinstance(p, Text) and p in extra)]
            labels.add(card(PAD, ly, LABEL_W - GAP, h, "cjm-lane-label-cell", "cjm-label-cell", label.texts + extra,
                            rx=0, attrs={"data-lane": key}))
        lane_groups.add(Line(PAD, bottom, self.grid_right, bottom, "cjm-lane-rule"))
        root.add(lane_groups)
        lines = self.blueprint_lines(lanes)
        if lines.children:
            root.add(lines)
        # drawn last: the HTML page keeps the stage headers and lane labels in
        # view while the map scrolls, over the lanes
        root.add(stages, labels)
        return Scene(self.width, bottom + PAD, self.doc_title(), self.doc_desc(), self.theme_name, root,
                     compare=self.r.compare is not None, measured=self.measured)

    def blueprint_lines(self, lanes) -> Group:
        """The line of interaction above the first blueprint lane, the line of
        visibility above the first lane the customer cannot see, and the line
        of internal interaction above the support lane."""
        keys = [lane[0] for lane in lanes]
        found: dict[int, list[str]] = {}

        def above(index: int, name: str) -> None:
            if index > 0:
                found.setdefault(index, []).append(name)

        first_bp = next((i for i, k in enumerate(keys) if k in BLUEPRINT_LANES), None)
        if first_bp is not None:
            above(first_bp, "Line of interaction")
            hidden = next((i for i, k in enumerate(keys) if k in ("backstage", "support", "policy")), None)
            if hidden is not None:
                above(hidden, "Line of visibility")
            if "support" in keys and "backstage" in keys:
                above(keys.index("support"), "Line of internal interaction")
        out = Group("cjm-blueprint-lines")
        for index, names in sorted(found.items()):
            y = lanes[index][1]
            label = " \u00b7 ".join(names).upper()
            cls = " ".join("cjm-line-" + n.split()[-1] for n in names)
            g = Group(f"cjm-bp-line {cls}", attrs={"data-lines": ",".join(names)})
            g.add(Line(PAD, y, self.grid_right, y, "cjm-bp-rule"))
            p = pill(self.m, PAD + LABEL_W + 2, y - 8, label, 10, "cjm-bp-pill", "cjm-bp-label", h=16, pad=8,
                     spacing=0.05)
            g.add(p)
            out.add(g)
        return out

    def doc_title(self) -> str:
        title = clean(self.r.title)
        if self.options.persona:
            persona = self.r.persona(self.options.persona)
            if persona is not None:
                title += f" \u2014 {clean(persona.name)}"
        if self.r.compare is not None:
            title += f", compared with {clean(self.r.compare.title)}"
        if self.part:
            title += f" ({clean(self.part)})"
        return f"Customer journey map: {title}"

    def doc_desc(self) -> str:
        r = self.r
        m = r.map
        steps = [tp for _s, tp in r.touchpoints()]
        parts = [f"{map_type(m.type)} map with {len(r.stages)} stages "
                 f"({', '.join(clean(s.name) for s in r.stages[:20])}{', …' if len(r.stages) > 20 else ''}) "
                 f"and {len(steps)} touchpoints."]
        if m.goal:
            parts.append(f"Goal: {clean(m.goal)}.")
        if r.personas:
            parts.append("Personas: " + ", ".join(clean(p.name) for p in r.personas) + ".")
        if "emotions" in self.lanes:
            for pid, values in r.emotion_series():
                scored = [(v, tp) for v, tp in zip(values, steps) if v is not None]
                if not scored:
                    continue
                low = min(scored, key=lambda vt: vt[0])
                high = max(scored, key=lambda vt: vt[0])
                who = clean(r.persona(pid).name) if pid else "Customers"
                parts.append(f"{who}: highest at {clean(high[1].name)} ({number(high[0])}), "
                             f"lowest at {clean(low[1].name)} ({number(low[0])}).")
        if r.compare is not None and "emotions" in self.lanes:
            parts.append(f"Dashed curves: {clean(r.compare.title)}.")
            compared = self._compared()
            for pid, values in r.emotion_series():
                pairs = [(v, w) for v, w in zip(values, compared.get(pid, [])) if v is not None and w is not None]
                if pairs:
                    who = clean(r.persona(pid).name) if pid else "Customers"
                    up = sum(1 for v, w in pairs if round(v - w, 1) > 0)
                    down = sum(1 for v, w in pairs if round(v - w, 1) < 0)
                    parts.append(f"{who}: higher here at {up}, lower at {down}, "
                                 f"the same at {len(pairs) - up - down} of {len(pairs)} touchpoints both score.")
        pains = sum(len(tp.pain_points) for tp in steps)
        opps = sum(len(tp.opportunities) for tp in steps)
        parts.append(f"{pains} pain points and {opps} opportunities.")
        if r.observed is not None and r.observed.steps:
            from cjm.render.svg import measured

            parts.append(measured.description(r.observed))
        return " ".join(parts)
