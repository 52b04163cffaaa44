"""The layout of the SVG journey map: where every card, curve and label goes.

Stages are columns across the top, each touchpoint a sub-column of its stage,
and lanes are rows with a label column on the left: actions, touchpoints,
thoughts, the emotion curve (one line per persona), pain points,
opportunities, KPIs and, for service blueprints, the frontstage, backstage,
support and policy lanes with the lines of interaction and visibility.

This module does the geometry: it wraps text (estimating glyph widths for the
font stack, because an SVG cannot wrap by itself), sizes every row to its
tallest cell and the canvas to the content, and hands plain values to the
``svg/map.svg.j2`` template, which writes the markup with autoescaping on. Map
text therefore reaches the output only through the template's escaping, and
links only through ``safe_url``. Numbers are formatted to one decimal, and
nothing depends on time or randomness: the same map gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup, escape

from cjm.model.resolve import BLUEPRINT_LANES, LANES
from cjm.present.escape import safe_url
from cjm.present.numbers import number, signed as signed_number
from cjm.present.words import EVERYONE, SEVERITY_ORDER, expectation, kpi_status, kpi_value, map_type, market
from cjm.render.svg.metrics import FONT_STACK, clean, text_width, wrap
from cjm.render.themes import STAGE_ACCENTS, THEMES, _mix

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

@lru_cache(maxsize=1 << 16)  # coordinates repeat across columns; a large map formats ~300k of them
def _f(v: float) -> str:
    """Fixed one-decimal formatting, without a useless '.0'."""
    s = f"{v:.1f}"
    if s[-2:] == ".0":
        s = s[:-2]
        if s == "-0":
            return "0"
    return s


def _signed(v: float, signed: bool) -> str:
    """A score as shown on its scale: signed on a scale around zero."""
    return signed_number(v) if signed else number(v)


# --- the scene handed to the template ----------------------------------------
@dataclass
class Text:
    """Lines of text; ``lines`` holds (y, line) pairs, already laid out."""

    x: str
    lines: list[tuple[str, str]]
    cls: str
    anchor: str = "start"


@dataclass
class Card:
    """A rounded box (or speech bubble) holding text."""

    x: str
    y: str
    w: str
    h: str
    cls: str
    texts: list[Text] = field(default_factory=list)
    title: str | None = None  # the full text, when a line had to be cut
    path: str | None = None  # a bubble outline instead of a rectangle
    marks: list[dict] = field(default_factory=list)  # small circles: channel mode, KPI status
    links: list[tuple[str | None, Text]] = field(default_factory=list)  # (safe href or None, text)
    tags: list[dict] = field(default_factory=list)  # small pills: severity, expectation
    attrs: str = ""  # data-touchpoint / data-personas, already escaped (``_Layout.step_attrs``)


@dataclass
class Block:
    """Text being laid out inside a card: lines accumulate from ``y``."""

    x: float
    width: float
    y: float
    texts: list[Text] = field(default_factory=list)
    cut: bool = False

    def add(self, text: object, size: float, cls: str, line_h: float, bold: bool = False,
            max_lines: int = 10, indent: float = 0.0, gap: float = 0.0) -> Text | None:
        lines, cut = wrap(text, self.width - indent, size, bold, max_lines)
        if not lines:
            return None
        self.cut |= cut
        self.y += gap
        placed = []
        for line in lines:
            placed.append((_f(self.y + size * 0.92), line))
            self.y += line_h
        t = Text(_f(self.x + indent), placed, cls)
        self.texts.append(t)
        return t


def _card(x: float, y: float, w: float, h: float, cls: str, block: Block | None = None, full: str | None = None,
          **kw) -> Card:
    card = Card(_f(x), _f(y), _f(w), _f(h), cls, **kw)
    if block is not None:
        card.texts = block.texts
        if block.cut and full:
            card.title = full
    return card


def _join(*parts: object) -> str:
    return "\n".join(clean(p) for p in parts if p)


# --- markup for the many small parts ------------------------------------------
# Cards and text blocks repeat thousands of times on a large map; writing them
# here with markupsafe.escape is ~10x faster than a sandboxed template macro
# per card. Every value that can come from the map goes through escape(); the
# template receives the result as Markup and adds the document around it.
def _text_svg(t: Text) -> str:
    x = t.x  # coordinates are numbers formatted by _f, never map text
    anchor = f' text-anchor="{escape(t.anchor)}"' if t.anchor != "start" else ""
    spans = "".join(f'<tspan x="{x}" y="{y}">{escape(line)}</tspan>' for y, line in t.lines)
    return f'<text class="{escape(t.cls)}" x="{x}"{anchor}>{spans}</text>'


def _texts_svg(texts: list[Text]) -> Markup:
    return Markup("".join(_text_svg(t) for t in texts))


def _card_svg(cd: Card) -> str:
    out = [f'<g class="{escape(cd.cls)}"{cd.attrs}>']
    if cd.title:
        out.append(f"<title>{escape(cd.title)}</title>")
    if cd.path:
        out.append(f'<path class="cjm-shape" d="{escape(cd.path)}"/>')
    else:
        out.append(f'<rect class="cjm-shape" x="{cd.x}" y="{cd.y}" width="{cd.w}" height="{cd.h}" rx="8"/>')
    for m in cd.marks:
        out.append(f'<circle class="{escape(m["cls"])}" cx="{m["cx"]}" cy="{m["cy"]}" r="{m["r"]}"/>')
        if m["label"]:
            out.append(f'<text class="cjm-step-label" x="{m["cx"]}" y="{m["cy"]}" dy="3.6" '
                       f'text-anchor="middle">{escape(m["label"])}</text>')
    for tag in cd.tags:
        out.append(f'<rect class="{escape(tag["cls"])}" x="{tag["x"]}" y="{tag["y"]}" width="{tag["w"]}" '
                   f'height="{tag["h"]}" rx="7.5"/><text class="cjm-tag-label" x="{tag["tx"]}" '
                   f'y="{tag["ty"]}">{escape(tag["label"])}</text>')
    out.extend(_text_svg(t) for t in cd.texts)
    for href, t in cd.links:
        if href:
            out.append(f'<a href="{escape(href)}" rel="noopener noreferrer">{_text_svg(t)}</a>')
        else:
            out.append(_text_svg(t))
    out.append("</g>")
    return "".join(out)


def _feeling_svg(f: dict) -> str:
    if f["pill"]:
        return (f'<g class="{escape(f["cls"])}"{f["attrs"]}><rect x="{f["px"]}" y="{f["py"]}" width="{f["pw"]}" height="15" '
                f'rx="7.5"/><text x="{f["x"]}" y="{f["y"]}" text-anchor="middle">{escape(f["label"])}</text></g>')
    return (f'<text class="{escape(f["cls"])}"{f["attrs"]} x="{f["x"]}" y="{f["y"]}" '
            f'text-anchor="middle">{escape(f["label"])}</text>')


def _cards_svg(cards: list[Card]) -> Markup:
    return Markup("\n".join(_card_svg(cd) for cd in cards))


# --- layout --------------------------------------------------------------------
@dataclass
class Column:
    index: int  # 0-based step number across the map
    stage: int
    tp: object | None  # None for the placeholder column of an empty stage
    x: float  # left edge

    @property
    def cx(self) -> float:
        return self.x + COL_W / 2


def _lanes(resolved, options) -> list[str]:
    lanes = resolved.lanes_with_content()
    if resolved.compare is not None and "emotions" not in lanes and any(
            v is not None for _pid, values in resolved.compare_series() for v in values):
        lanes = [lane for lane in LANES if lane in lanes or lane == "emotions"]  # the other map's curves
    if options.lanes is not None:
        wanted = set(options.lanes)
        lanes = [lane for lane in lanes if lane in wanted]
    return lanes


def _scale_ticks(lo: int, hi: int) -> list[int]:
    span = hi - lo
    if span <= 0:
        return [lo]
    step = 1 if span <= 8 else max(1, round(span / 4))
    ticks = list(range(lo, hi + 1, step))
    if ticks[-1] != hi:
        ticks.append(hi)
    return ticks


def _monotone_path(points: list[tuple[float, float]]) -> str:
    """A smooth curve through the points that never overshoots them
    (monotone cubic interpolation, as d3's curveMonotoneX), so the line stays
    inside the scale and a high or low is never exaggerated."""
    if len(points) == 1:
        return f"M{_f(points[0][0])},{_f(points[0][1])}"
    n = len(points)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    d = [(ys[i + 1] - ys[i]) / ((xs[i + 1] - xs[i]) or 1e-9) for i in range(n - 1)]
    m = [0.0] * n
    m[0], m[-1] = d[0], d[-1]
    for i in range(1, n - 1):
        if d[i - 1] * d[i] <= 0:
            m[i] = 0.0
        else:
            m[i] = 2 * d[i - 1] * d[i] / (d[i - 1] + d[i])  # harmonic mean (Fritsch-Carlson)
    out = [f"M{_f(xs[0])},{_f(ys[0])}"]
    for i in range(n - 1):
        h = (xs[i + 1] - xs[i]) / 3
        out.append(f"C{_f(xs[i] + h)},{_f(ys[i] + h * m[i])} {_f(xs[i + 1] - h)},{_f(ys[i + 1] - h * m[i + 1])} "
                   f"{_f(xs[i + 1])},{_f(ys[i + 1])}")
    return "".join(out)


def _bubble(x: float, y: float, w: float, h: float, r: float = 10, tail: float = 7) -> str:
    """A speech bubble: a rounded box with a small tail at its lower left."""
    x2, y2 = x + w, y + h
    t0 = x + 18
    return (f"M{_f(x + r)},{_f(y)}H{_f(x2 - r)}Q{_f(x2)},{_f(y)} {_f(x2)},{_f(y + r)}V{_f(y2 - r)}"
            f"Q{_f(x2)},{_f(y2)} {_f(x2 - r)},{_f(y2)}H{_f(t0 + 12)}L{_f(t0 - 2)},{_f(y2 + tail)}"
            f"L{_f(t0 + 1)},{_f(y2)}H{_f(x + r)}Q{_f(x)},{_f(y2)} {_f(x)},{_f(y2 - r)}V{_f(y + r)}"
            f"Q{_f(x)},{_f(y)} {_f(x + r)},{_f(y)}Z")


# What each lane holds, in a few words under its label.
LANE_HINTS = {
    "actions": "What the customer does",
    "touchpoints": "Where they meet us, and through which channel",
    "thoughts": "What they think and ask",
    "pain_points": "What gets in their way",
    "opportunities": "What we could do about it",
    "kpis": "How we know it works, per stage",
    "frontstage": "What staff do in view of the customer",
    "backstage": "What staff do out of view",
    "support": "Systems and processes behind the step",
    "policy": "Rules that shape the step",
}
COMPARE_HINT = "Solid: this map; dashed: the compared map"


class Layout:
    def __init__(self, resolved, options) -> None:
        self.r = resolved
        self.options = options
        self.theme_name = options.theme if options.theme in THEMES else "light"
        self.c = THEMES[self.theme_name]
        self.lanes = _lanes(resolved, options)
        self._compare_cache: dict | None = None
        self._step_attrs: dict[int, str] = {}
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

    def step_attrs(self, tp) -> str:
        """The attributes that tie a part of the picture to its step, escaped
        once per step: ``data-touchpoint`` (the HTML page opens the step's
        details from it) and ``data-personas``, the personas the step applies
        to (the page's persona filter hides the steps of the other personas)."""
        attrs = self._step_attrs.get(id(tp))
        if attrs is None:
            attrs = f' data-touchpoint="{escape(clean(tp.id))}"'
            if self.r.personas:
                attrs += f' data-personas="{escape(" ".join(clean(p.id) for p in self.r.personas_of(tp)))}"'
            self._step_attrs[id(tp)] = attrs
        return attrs

    # -- header -------------------------------------------------------------
    def header(self) -> tuple[list[Text], list[dict], float]:
        r, c = self.r, self.c
        width = self.right - PAD
        block = Block(PAD, width, PAD)
        title = r.title
        persona = r.persona(self.options.persona) if self.options.persona else None
        if persona is not None:
            title = f"{title} \u2014 {persona.name}"
        block.add(title, 24, "cjm-title", 30, bold=True, max_lines=3)
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
            goal = block.add("Goal: " + clean(m.goal), 14, "cjm-goal", 19, max_lines=4, gap=8)
            if goal is not None:
                goal.cls = "cjm-goal"
        if m.description:
            block.add(m.description, 12.5, "cjm-description", 17, max_lines=3, gap=4)
        if r.compare is not None:
            o = r.compare.map
            about = [map_type(o.type)] + ([f"reviewed {o.reviewed.isoformat()}"] if o.reviewed else [])
            block.add(f"Compared with: {clean(o.title)} ({', '.join(about)})", 13, "cjm-compared", 18,
                      bold=True, max_lines=2, gap=6)
        # Legend: one swatch per persona, then the channel markers.
        legend: list[dict] = []
        y = block.y + 14
        x = PAD
        items = [(pid, p.name, r.colors.get(pid, c["accent"])) for pid, p in ((p.id, p) for p in r.personas)]
        if not items and "emotions" in self.lanes:
            items = [(None, EVERYONE, c["accent"])]
        entries = [("persona", name, color) for _pid, name, color in items]
        if r.compare is not None and "emotions" in self.lanes:
            entries += [("compare-this", "This map", c["muted"]),
                        ("compare-other", r.compare.title, c["muted"]),
                        ("delta", "Change from the dashed map", c["muted"])]
        if "touchpoints" in self.lanes:
            modes = {self.r.mode(tp) for _s, tp in self.r.touchpoints()}
            entries += [(m, f"{m} channel", c[m]) for m in ("online", "offline") if m in modes]
        if "kpis" in self.lanes:
            entries += [("kpi-ok", "KPI on target", c["good"]), ("kpi-off", "KPI off target", c["bad"])]
        for kind, name, color in entries:
            label = wrap(name, 420 if kind == "compare-other" else 240, 12.5, max_lines=1)[0]
            label_text = label[0] if label else ""
            lead = 48 if kind == "delta" else 30  # the sample pill is wider than a swatch
            w = lead + text_width(label_text, 12.5) + 22
            if x + w > self.right and x > PAD:
                x = PAD
                y += 22
            legend.append({"kind": kind, "x": _f(x), "y": _f(y), "cx": _f(x + 12), "lx1": _f(x), "lx2": _f(x + 24),
                           "tx": _f(x + lead), "ty": _f(y + 4.5), "color": color, "label": label_text,
                           "full": clean(name)})
            x += w
        return block.texts, legend, y + 22

    # -- stage headers --------------------------------------------------------
    def stage_headers(self, top: float) -> tuple[list[dict], float]:
        heads = []
        height = 0.0
        for si, stage in enumerate(self.r.stages):
            x0, x1 = self.stage_spans[si]
            count = sum(1 for col in self.columns if col.stage == si and col.tp is not None)
            count_label = f"{count} touchpoint{'' if count == 1 else 's'}" if count else ""
            reserve = text_width(count_label, 10.5) + 12 if count_label else 0
            block = Block(x0 + GAP + 12, x1 - x0 - 2 * GAP - 24, top + 16)
            # the name keeps clear of the touchpoint count at the header's right
            name = block.add(stage.name, 15, "cjm-stage-name", 19, bold=True, max_lines=3)
            if name is not None and reserve:
                block.texts.remove(name)
                block.y -= 19 * len(name.lines)
                block.width -= reserve
                block.add(stage.name, 15, "cjm-stage-name", 19, bold=True, max_lines=3)
                block.width += reserve
            if stage.goal:
                block.add(stage.goal, 12, "cjm-stage-goal", 16, max_lines=4, gap=4)
            heads.append({"stage": stage, "block": block, "x0": x0, "x1": x1, "si": si, "count": count_label})
            height = max(height, block.y - top + 12)
        out = []
        for h in heads:
            accent = STAGE_ACCENTS[h["si"] % len(STAGE_ACCENTS)]
            fill = _mix(accent, self.c["bg"], 0.14 if self.theme_name == "light" else 0.3)
            out.append({
                "id": clean(h["stage"].id), "x": _f(h["x0"] + GAP / 2), "y": _f(top), "w": _f(h["x1"] - h["x0"] - GAP),
                "h": _f(height), "fill": fill, "accent": accent, "texts": _texts_svg(h["block"].texts),
                "title": _join(h["stage"].name, h["stage"].goal) if h["block"].cut else None,
                "count": h["count"], "count_x": _f(h["x1"] - GAP - 12), "count_y": _f(top + 16 + 13),
            })
        return out, height

    # -- lanes ------------------------------------------------------------------
    def cards_for(self, lane: str, col: Column, top: float) -> list[Card]:
        tp = col.tp
        x = col.x + GAP
        y = top + 10
        cards: list[Card] = []
        if tp is None:
            if lane == "touchpoints":
                block = Block(col.x + GAP, CARD_W, y + 6)
                block.add("No touchpoints yet", 12, "cjm-empty", 16)
                cards.append(_card(x, y, CARD_W, block.y - y + 6, "cjm-none", block))
            return cards
        if lane == "actions" and tp.action:
            block = Block(x + CARD_PAD, TEXT_W, y + 9)
            block.add(tp.action, 12, "cjm-text", 16, max_lines=12)
            cards.append(_card(x, y, CARD_W, block.y - y + 9, "cjm-card cjm-action", block, clean(tp.action)))
        elif lane == "touchpoints":
            block = Block(x + CARD_PAD, TEXT_W, y + 9)
            name = block.add(tp.name, 12.5, "cjm-tp-name", 17, bold=True, max_lines=4, indent=26)
            if name is None:
                block.y += 17
            badge = {"cx": _f(x + CARD_PAD + 9), "cy": _f(y + 9 + 8.5), "r": "9.5", "cls": "cjm-step",
                     "label": str(col.index + 1)}
            marks = [badge]
            channel = self.r.channel_name(tp)
            mode = self.r.mode(tp)
            if channel or mode:
                label = channel or ""
                if mode:
                    label = f"{label} \u00b7 {mode}" if label else mode
                cy = block.y + 4 + 7
                marks.append({"cx": _f(x + CARD_PAD + 4.5), "cy": _f(cy), "r": "4",
                              "cls": f"cjm-mode cjm-mode-{mode or 'unknown'}", "label": None})
                block.add(label, 11, "cjm-channel", 15, max_lines=3, indent=14, gap=4)
            links = []
            shown = tp.evidence[:3]
            for link in shown:
                t = block.add("\u2197 " + clean(link.title or link.url), 11, "cjm-link", 15, max_lines=1, gap=3)
                if t is not None:
                    block.texts.remove(t)
                    links.append((safe_url(link.url), t))
            if len(tp.evidence) > len(shown):
                block.add(f"+{len(tp.evidence) - len(shown)} more evidence", 11, "cjm-muted", 15, gap=2)
            full = _join(tp.name, tp.description, channel)
            card = _card(x, y, CARD_W, block.y - y + 9, "cjm-card cjm-touchpoint", block,
                         full if block.cut or tp.description else None, marks=marks, links=links)
            cards.append(card)
        elif lane == "thoughts":
            shown = tp.thoughts[:6]
            for thought in shown:
                block = Block(x + CARD_PAD + 2, TEXT_W - 4, y + 8)
                block.add(thought, 12, "cjm-thought-text", 16, max_lines=8)
                h = block.y - y + 8
                card = _card(x, y, CARD_W, h, "cjm-thought", block, clean(thought),
                             path=_bubble(x, y, CARD_W, h))
                cards.append(card)
                y += h + 16
            if len(tp.thoughts) > len(shown):
                block = Block(x + 4, TEXT_W, y)
                block.add(f"+{len(tp.thoughts) - len(shown)} more", 11, "cjm-muted", 15)
                cards.append(_card(x, y, CARD_W, 16, "cjm-more", block))
        elif lane == "pain_points":
            pains = sorted(tp.pain_points, key=lambda p: SEVERITY_ORDER.get(p.severity or "", 9))
            for pain in pains:
                cards.append(self._issue_card(x, y, pain, "pain"))
                y += float(cards[-1].h) + 8
        elif lane == "opportunities":
            for opp in tp.opportunities:
                cards.append(self._issue_card(x, y, opp, "opp"))
                y += float(cards[-1].h) + 8
        elif lane in BLUEPRINT_LANES:
            value = getattr(tp, lane)
            if value:
                block = Block(x + CARD_PAD, TEXT_W, y + 9)
                block.add(value, 12, "cjm-text", 16, max_lines=12)
                cards.append(_card(x, y, CARD_W, block.y - y + 9, f"cjm-card cjm-bp cjm-bp-{lane}", block,
                                   clean(value)))
        attrs = self.step_attrs(tp)
        for card in cards:
            card.attrs = attrs
        return cards

    def _issue_card(self, x: float, y: float, item, kind: str) -> Card:
        block = Block(x + CARD_PAD, TEXT_W, y + 9)
        tags = []
        severity = getattr(item, "severity", None)
        if severity:
            label = severity.upper()
            w = text_width(label, 9.5, bold=True) + 12
            tags.append({"x": _f(x + CARD_PAD), "y": _f(y + 8), "w": _f(w), "h": "15", "tx": _f(x + CARD_PAD + 6),
                         "ty": _f(y + 19), "label": label, "cls": f"cjm-sev cjm-sev-{severity}"})
            block.y += 20
        block.add(item.title, 12, f"cjm-{kind}-title", 16, bold=True, max_lines=8)
        if item.description:
            block.add(item.description, 11, f"cjm-{kind}-desc", 15, max_lines=6, gap=3)
        links = []
        for link in getattr(item, "evidence", [])[:2]:
            t = block.add("\u2197 " + clean(link.title or link.url), 11, "cjm-link", 15, max_lines=1, gap=3)
            if t is not None:
                block.texts.remove(t)
                links.append((safe_url(link.url), t))
        full = _join(item.title, item.description)
        return _card(x, y, CARD_W, block.y - y + 9, f"cjm-card cjm-{kind}", block, full, tags=tags, links=links)

    def kpi_cards(self, top: float) -> tuple[list[Card], float]:
        """KPIs per stage: the stage's own, then its touchpoints', each once,
        laid out over the stage's columns."""
        cards: list[Card] = []
        bottom = top
        for si, stage in enumerate(self.r.stages):
            ids = list(stage.kpis)
            for tp in stage.touchpoints:
                ids += [k for k in tp.kpis if k not in ids]
            kpis = [self.r.kpis[k] for k in dict.fromkeys(ids) if k in self.r.kpis]
            x0, _x1 = self.stage_spans[si]
            ncols = max(1, len(stage.touchpoints))
            y = top + 10
            row_cards: list[Card] = []
            for i, kpi in enumerate(kpis):
                col = i % ncols
                if col == 0 and row_cards:
                    y = max(float(cd.y) + float(cd.h) for cd in row_cards) + 8
                    row_cards = []
                card = self._kpi_card(x0 + col * COL_W + GAP, y, kpi)
                card.attrs = self._kpi_attrs(stage, kpi.id)
                row_cards.append(card)
                cards.append(card)
            if row_cards:
                bottom = max(bottom, max(float(cd.y) + float(cd.h) for cd in row_cards))
        return cards, bottom + 10

    def _kpi_attrs(self, stage, kid: str) -> str:
        """A KPI card belongs to a step when that step alone, and not the
        stage, lists the KPI; one shared by several steps keeps the personas
        of all of them (a stage's own KPI is everyone's: no attributes)."""
        if kid in stage.kpis:
            return ""
        steps = [tp for tp in stage.touchpoints if kid in tp.kpis]
        if len(steps) == 1:
            return self.step_attrs(steps[0])
        if not steps or not self.r.personas:
            return ""
        ids = {p.id for tp in steps for p in self.r.personas_of(tp)}
        return f' data-personas="{escape(" ".join(clean(p.id) for p in self.r.personas if p.id in ids))}"'

    def _kpi_card(self, x: float, y: float, kpi) -> Card:
        block = Block(x + CARD_PAD, TEXT_W, y + 9)
        block.add(kpi.name, 12, "cjm-kpi-name", 16, bold=True, max_lines=4, indent=14)
        unit = clean(kpi.unit or "")
        parts = []
        if kpi.actual is not None or kpi.target is not None:
            parts.append(f"Actual {kpi_value(kpi.actual, unit)}  \u00b7  target {kpi_value(kpi.target, unit)}")
        block.add("  ".join(parts), 11.5, "cjm-kpi-value", 16, max_lines=2, gap=2)
        if kpi.source:
            block.add(kpi.source, 11, "cjm-muted", 14, max_lines=2, gap=1)
        status = {"none": "unknown"}.get(kpi_status(kpi).state, kpi_status(kpi).state)
        marks = [{"cx": _f(x + CARD_PAD + 4.5), "cy": _f(y + 9 + 8), "r": "4.5", "cls": f"cjm-kpi-{status}",
                  "label": None}]
        full = _join(kpi.name, kpi.description, kpi.source)
        return _card(x, y, CARD_W, block.y - y + 9, "cjm-card cjm-kpi", block, full if block.cut else None,
                     marks=marks)

    def emotion_lane(self, top: float) -> tuple[dict, float]:
        r, c = self.r, self.c
        lo, hi = r.scale.min, r.scale.max
        signed = lo < 0
        steps = [col for col in self.columns if col.tp is not None]
        series = r.emotion_series()
        deltas, strip_h = self.delta_pills(steps, series, top + 12, signed) if r.compare is not None else ("", 0.0)
        plot_top = top + 40 + strip_h
        if r.compare is not None:  # keep the scale's top label clear of the lane hint (scene())
            hint_lines = len(wrap(COMPARE_HINT, LABEL_W - 28, 10.5, max_lines=4)[0])
            plot_top = max(plot_top, top + 12 + 14 + 3 + 14 * hint_lines + 12)
        plot_bottom = plot_top + EMO_PLOT_H
        span = (hi - lo) or 1

        def y_of(v: float) -> float:
            return plot_bottom - (v - lo) / span * EMO_PLOT_H

        neutral = 0 if lo < 0 < hi else (lo + hi) / 2
        x0, x1 = PAD + LABEL_W, self.grid_right
        ticks = [{"y": _f(y_of(t)), "label": _signed(t, signed), "neutral": t == neutral}
                 for t in _scale_ticks(lo, hi)]
        label_w = LABEL_W - 48
        hi_label = wrap(r.scale.high_label, label_w, 11, max_lines=2)[0] if r.scale.high_label else []
        lo_label = wrap(r.scale.low_label, label_w, 11, max_lines=2)[0] if r.scale.low_label else []
        labels = []
        for lines, anchor_y in ((hi_label, y_of(hi) + 4), (lo_label, y_of(lo) + 4 - 14 * (len(lo_label) - 1))):
            if lines:
                labels.append(Text(_f(PAD + 12), [(_f(anchor_y + 14 * i), ln) for i, ln in enumerate(lines)],
                                   "cjm-scale-label"))
        n = len(series)
        spread = min(4.0, 28.0 / max(n, 1))
        curves = []
        # " (feeling) at Step", escaped once per step rather than once per point
        step_notes = [escape((f" ({clean(col.tp.feeling)})" if col.tp.feeling else "") + f" at {clean(col.tp.name)}")
                      for col in steps]
        step_ids = [f' data-touchpoint="{escape(clean(col.tp.id))}"' for col in steps]
        for k, (pid, values) in enumerate(series):
            color = r.colors.get(pid, c["accent"]) if pid else c["accent"]
            name = r.persona(pid).name if pid else EVERYONE
            offset = (k - (n - 1) / 2) * spread
            runs: list[list[tuple[float, float]]] = []
            points = []
            prev = None
            who = escape(clean(name))
            fill = escape(color)
            for i, (col, v) in enumerate(zip(steps, values)):
                if v is None:
                    prev = None
                    continue
                pt = (col.cx + offset, y_of(max(lo, min(hi, v))))
                if prev is None or prev != i - 1:
                    runs.append([])
                runs[-1].append(pt)
                prev = i
                points.append(f'<circle cx="{_f(pt[0])}" cy="{_f(pt[1])}" r="4.5" fill="{fill}"{step_ids[i]}><title>{who}: '
                              f'{_signed(v, signed)}{step_notes[i]}</title></circle>')
            curves.append({"persona": clean(pid or ""), "name": clean(name), "color": color,
                           "paths": [_monotone_path(run) for run in runs if len(run) > 1],
                           "points": Markup("".join(points))})
        before = self.before_curves(steps, series, y_of, spread, signed) if r.compare is not None else []
        feelings = []
        for col in steps:
            tp = col.tp
            fy = plot_bottom + 24
            if tp.feeling:
                lines, _cut = wrap(tp.feeling, CARD_W, 11.5, max_lines=1)
                feelings.append({"x": _f(col.cx), "y": _f(fy), "label": lines[0], "cls": "cjm-feeling", "pill": False,
                                 "attrs": self.step_attrs(tp)})
            if tp.expectation:
                label = expectation(tp.expectation)
                w = text_width(label, 10) + 14
                feelings.append({"x": _f(col.cx), "y": _f(fy + 17), "label": label, "pill": True,
                                 "px": _f(col.cx - w / 2), "py": _f(fy + 6), "pw": _f(w),
                                 "cls": f"cjm-exp cjm-exp-{tp.expectation}", "attrs": self.step_attrs(tp)})
        height = plot_bottom - top + 56
        neutral_y = y_of(neutral)
        lane = {
            "x0": _f(x0), "x1": _f(x1), "w": _f(x1 - x0), "ticks": ticks,
            "labels": _texts_svg(labels), "curves": curves, "feelings": Markup("".join(map(_feeling_svg, feelings))),
            "before": before, "deltas": deltas,
            "tick_x": _f(PAD + LABEL_W - 14), "neutral_y": _f(neutral_y),
            "pos": {"y": _f(y_of(hi)), "h": _f(neutral_y - y_of(hi))},
            "neg": {"y": _f(neutral_y), "h": _f(y_of(lo) - neutral_y)},
        }
        return lane, height

    # -- comparison with another map (cjm render --compare) ---------------------
    def _who(self, pid: str | None) -> tuple[str, str]:
        """A curve's colour and the name it is shown with."""
        r, c = self.r, self.c
        if pid is None:
            return c["accent"], EVERYONE
        return r.colors.get(pid, c["accent"]), r.persona(pid).name

    def _compared(self) -> dict[str | None, list[float | None]]:
        """The other map's scores along this map's steps, per persona (once per layout)."""
        if self._compare_cache is None:
            self._compare_cache = dict(self.r.compare_series())
        return self._compare_cache

    def _step_names(self, steps: list[Column]) -> list[str]:
        """Each step's name, escaped once for the many tooltips."""
        return [escape(clean(col.tp.name)) for col in steps]

    def before_curves(self, steps: list[Column], series, y_of, spread: float, signed: bool) -> list[dict]:
        """The other map's curves, dashed and lighter, under this map's: same
        persona colours and offsets, a gap where it has no such touchpoint."""
        r = self.r
        lo, hi = r.scale.min, r.scale.max
        other = escape(clean(r.compare.title))
        compared = self._compared()
        names = self._step_names(steps)
        n = len(series)
        out = []
        for k, (pid, _values) in enumerate(series):
            values = compared.get(pid) or []
            color, name = self._who(pid)
            offset = (k - (n - 1) / 2) * spread
            runs: list[list[tuple[float, float]]] = []
            points = []
            prev = None
            head = f'" r="3.5" stroke="{escape(color)}"><title>{escape(clean(name))} in {other}: '
            for i, v in enumerate(values):
                if v is None:
                    continue
                pt = (steps[i].cx + offset, y_of(max(lo, min(hi, v))))
                if prev is None or prev != i - 1:
                    runs.append([])
                runs[-1].append(pt)
                prev = i
                points.append(f'<circle cx="{_f(pt[0])}" cy="{_f(pt[1])}{head}{_signed(round(v, 1), signed)} at '
                              f'{names[i]}</title></circle>')
            if not points:
                continue
            out.append({"persona": clean(pid or ""), "name": clean(name), "color": color,
                        "paths": [_monotone_path(run) for run in runs if len(run) > 1],
                        "points": Markup("".join(points))})
        return out

    def delta_pills(self, steps: list[Column], series, y: float, signed: bool) -> tuple[Markup, float]:
        """Above the chart, in each column: per persona, how much this map's
        score differs from the other map's (a dot in the persona's colour, then
        ▲ +2, ▼ −1 or ±0), wrapped to as many rows as the column needs. Returns
        the markup and the height the rows take (0 when nothing compares)."""
        other = escape(clean(self.r.compare.title))
        compared = self._compared()
        names = self._step_names(steps)
        per_col: list[list[tuple[str, str, float, float, float]]] = [[] for _ in steps]
        for pid, values in series:
            color, name = self._who(pid)
            # the parts of a pill that are the same at every step, escaped once
            dot = f'r="3.5" fill="{escape(color)}"/>'
            lead = f' data-persona="{escape(clean(pid or ""))}"><title>{escape(clean(name))} at '
            was_values = compared.get(pid) or [None] * len(values)
            for i, (v, was) in enumerate(zip(values, was_values)):
                if v is not None and was is not None:
                    per_col[i].append((lead, dot, v, was, round(v - was, 1)))
        sized: dict[str, tuple[float, str]] = {}  # label -> width, escaped label: a few labels repeat
        rows_needed = 0
        out = []
        for i, (col, pills) in enumerate(zip(steps, per_col)):
            if not pills:
                continue
            laid: list[list[tuple[tuple[str, str, str], float]]] = [[]]
            used = 0.0
            for lead, dot, v, was, d in pills:
                label = ("\u25b2 " if d > 0 else "\u25bc " if d < 0 else "") + (_signed(d, True) if d else "\u00b10")
                if label not in sized:
                    sized[label] = (14 + text_width(label, 10.5, bold=True) + 8, escape(label))
                w, shown = sized[label]
                if laid[-1] and used + 4 + w > CARD_W:
                    laid.append([])
                    used = 0.0
                used += (4 if laid[-1] else 0) + w
                kind = "up" if d > 0 else "down" if d < 0 else "same"
                # x is filled in once the row is complete and can be centred
                head = (f'<g class="cjm-delta cjm-delta-{kind}"{lead}{names[i]}: {_signed(round(v, 1), signed)} '
                        f'here, {_signed(round(was, 1), signed)} in {other}</title>')
                laid[-1].append(((head, dot, f'{shown}</text></g>'), w))
            rows_needed = max(rows_needed, len(laid))
            for row, items in enumerate(laid):
                x = col.cx - (sum(w for _p, w in items) + 4 * (len(items) - 1)) / 2
                py = y + row * 20
                for (head, dot, tail), w in items:
                    out.append(f'{head}<rect x="{_f(x)}" y="{_f(py)}" width="{_f(w)}" height="16" rx="8"/>'
                               f'<circle cx="{_f(x + 8.5)}" cy="{_f(py + 8)}" {dot}'
                               f'<text x="{_f(x + 15)}" y="{_f(py + 11.8)}">{tail}')
                    x += w + 4
        return Markup("".join(out)), (rows_needed * 20 + 4 if rows_needed else 0.0)

    # -- everything ---------------------------------------------------------------
    def scene(self) -> dict:
        r, c = self.r, self.c
        head_texts, legend, y = self.header()
        top = y + 12
        stages, stage_h = self.stage_headers(top)
        y = top + stage_h + 10
        lanes = []
        emotion = None
        for li, lane in enumerate(self.lanes):
            cards: list[Card] = []
            if lane == "emotions":
                emotion, h = self.emotion_lane(y)
            elif lane == "kpis":
                cards, bottom = self.kpi_cards(y)
                h = bottom - y
            else:
                bottom = y
                for col in self.columns:
                    got = self.cards_for(lane, col, y)
                    if got:
                        bottom = max(bottom, max(float(cd.y) + float(cd.h) for cd in got))
                    cards.extend(got)
                h = bottom - y + 10
            label_block = Block(PAD + 12, LABEL_W - 28, y + 12)
            # letter-spacing 0.04em on the uppercase label: measure it a little wider
            label_block.width -= 10
            label_block.add(LANES[lane].upper(), 11, "cjm-lane-label", 14, bold=True, max_lines=2)
            label_block.width += 10
            if lane in LANE_HINTS:
                label_block.add(LANE_HINTS[lane], 10.5, "cjm-lane-hint", 14, max_lines=3, gap=3)
            elif lane == "emotions" and r.compare is not None:
                label_block.add(COMPARE_HINT, 10.5, "cjm-lane-hint", 14, max_lines=4, gap=3)
            h = max(h, LANE_MIN_H, label_block.y - y + 10) if lane != "emotions" else h
            lanes.append({"key": lane, "y": _f(y), "h": _f(h), "yb": _f(y + h), "cards": _cards_svg(cards),
                          "label": _texts_svg(label_block.texts),
                          "band": li % 2 == 1, "emotion": emotion if lane == "emotions" else None, "_y": y})
            y += h
        bottom = y
        lines = self.blueprint_lines(lanes)
        height = bottom + PAD
        return {
            "width": _f(self.width), "height": _f(height), "font": FONT_STACK, "c": c, "theme": self.theme_name,
            "doc_title": self.doc_title(), "doc_desc": self.doc_desc(),
            "header": _texts_svg(head_texts), "legend": legend, "stages": stages,
            "stage_top": _f(top), "grid_top": _f(top + stage_h + 10), "grid_bottom": _f(bottom),
            "grid_left": _f(PAD), "label_x": _f(PAD), "label_w": _f(LABEL_W - GAP), "grid_x0": _f(PAD + LABEL_W),
            "grid_right": _f(self.grid_right), "grid_w": _f(self.grid_right - PAD - LABEL_W),
            "columns_h": _f(bottom - top),
            "columns": [{"x": _f(x0 + GAP / 2), "w": _f(x1 - x0 - GAP),
                         "tint": _mix(STAGE_ACCENTS[i % len(STAGE_ACCENTS)], c["bg"],
                                      0.035 if self.theme_name == "light" else 0.07)}
                        for i, (x0, x1) in enumerate(self.stage_spans)],
            "lanes": lanes, "lines": lines, "persona_view": self.options.persona is not None,
            "compare": r.compare is not None,
        }

    def blueprint_lines(self, lanes: list[dict]) -> list[dict]:
        """The line of interaction above the first blueprint lane, the line of
        visibility above the first lane the customer cannot see, and the line
        of internal interaction above the support lane."""
        keys = [lane["key"] for lane in lanes]
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
        out = []
        for index, names in sorted(found.items()):
            y = lanes[index]["_y"]
            label = " \u00b7 ".join(names)
            w = text_width(label.upper(), 10, bold=True) + 0.5 * len(label) + 16  # letter-spacing 0.05em
            cls = " ".join("cjm-line-" + n.split()[-1] for n in names)
            out.append({"y": _f(y), "label": label.upper(), "names": names, "cls": cls,
                        "x0": _f(PAD), "x1": _f(self.grid_right), "lx": _f(PAD + LABEL_W + 10),
                        "ly": _f(y - 9), "pw": _f(w), "px": _f(PAD + LABEL_W + 2), "py": _f(y - 8)})
        return out

    def doc_title(self) -> str:
        title = clean(self.r.title)
        if self.options.persona:
            persona = self.r.persona(self.options.persona)
            if persona is not None:
                title += f" \u2014 {clean(persona.name)}"
        if self.r.compare is not None:
            title += f", compared with {clean(self.r.compare.title)}"
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
        return " ".join(parts)
