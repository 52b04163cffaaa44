"""The numbers of a metrics snapshot on the SVG map (``ResolvedMap.observed``).

A "Measured" lane runs under the stage headers: one badge per funnel step,
under its stage (a funnel by stages) or its touchpoint (a funnel by
touchpoints), with the people who reached it, their share of those who
entered, a bar of that share in the stage's colour, the share of the previous
step and the median time from it; a red chip on the left edge of a step says
how many of the previous step's did not get there. Touchpoints that name events show their reach on
their card (``reach_line``). Everything is laid out here as scene objects;
the words and numbers come from ``cjm.present`` like every other format's.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjm.present.escape import xml_text as clean
from cjm.present.numbers import duration, percent
from cjm.present.numbers import number
from cjm.present.words import (MEASURED, MEASURED_LABELS, dropoff_words, measured_source, reach_words, reached_words,
                               units)
from cjm.render.svg.scene import Circle, Group, Path, Rect, Text

BADGE_H = 58  # with one line of notes
BAR_H = 6
CHIP_H = 18
HINT = "Who reached each step, the share of all who entered, and who dropped off before the next"


@dataclass
class Span:
    step: object  # cjm.model.observed.Step
    x0: float
    x1: float
    accent: int  # the stage's colour number
    attrs: dict


def _drawn(text: str) -> str:
    # as the map draws numbers (layout._drawn): the font has no U+2212
    return text.replace("\u2212", "\u2013")


def spans(layout) -> list[Span]:
    """Where each funnel step on this picture goes, in funnel order (steps the
    picture leaves out, by --persona or --split, are not drawn)."""
    from cjm.render.svg.layout import COL_W
    from cjm.render.themes import STAGE_ACCENTS

    observed = layout.r.observed
    out = []
    stage_index = {s.id: i for i, s in enumerate(layout.r.stages)}
    columns = {col.tp.id: col for col in layout.columns if col.tp is not None}
    for step in observed.steps:
        if step.kind == "stage" and step.id in stage_index:
            si = stage_index[step.id]
            x0, x1 = layout.stage_spans[si]
            out.append(Span(step, x0, x1, si % len(STAGE_ACCENTS), {"data-stage": clean(step.id)}))
        elif step.kind == "touchpoint" and step.id in columns:
            col = columns[step.id]
            out.append(Span(step, col.x, col.x + COL_W, col.stage % len(STAGE_ACCENTS), dict(layout.step_attrs(col.tp))))
    return out


def drawn(layout) -> bool:
    observed = layout.r.observed
    return observed is not None and bool(spans(layout))


def label_texts(layout, block) -> None:
    """The lane's label: its name, what it shows, and the data's dates."""
    observed = layout.r.observed
    block.add(MEASURED.upper(), 11, "cjm-lane-label", 14, bold=True, max_lines=2, spacing=0.04)
    block.add(HINT, 10.5, "cjm-lane-hint", 14, max_lines=5, gap=3)
    if observed.data_end:
        when = (f"Data {observed.data_start.isoformat()} to {observed.data_end.isoformat()}" if observed.data_start
                else f"Data to {observed.data_end.isoformat()}")
        block.add(when, 10.5, "cjm-lane-hint", 14, max_lines=2, gap=3)


def _chip(layout, step, cx: float, cy: float) -> Group:
    """The drop-off between a step and the next: a down arrow and the share who left."""
    label = _drawn(percent(step.dropoff_rate))
    size = 10
    tw = layout.m.width(label, size, True)
    w = 7 + 8 + 4 + tw + 8
    x, y = cx - w / 2, cy - CHIP_H / 2
    box = Rect(x, y, w, CHIP_H, "cjm-drop-shape", rx=CHIP_H / 2)
    tx = x + 7
    arrow = Path([("M", (tx, cy - 3)), ("L", (tx + 8, cy - 3)), ("L", (tx + 4, cy + 3.5)), ("Z", ())], "cjm-drop-label")
    text = Text(tx + 12, [cy + size * 0.36], [label], "cjm-drop-label", size, bold=True, widths=[tw])
    unit = layout.r.observed.unit
    return Group("cjm-drop", [box, arrow, text], attrs={"data-step": clean(step.id)},
                 title=clean(dropoff_words(step, unit)), box=box)


def _chip_width(layout, step) -> float:
    return 7 + 8 + 4 + layout.m.width(_drawn(percent(step.dropoff_rate)), 10, True) + 8


def _notes(layout, step, width: float) -> list[str]:
    """Under the bar: the share of the previous step and the median time from
    it, on one line when they fit, else on two."""
    notes = [f"{percent(step.step_conversion)} from previous"] if step.step_conversion is not None else \
        ["Funnel entry" if step.number == 1 else f"Step {step.number}"]
    if step.median_seconds is not None:
        notes.append(f"median {duration(step.median_seconds)}")
    notes = [_drawn(n) for n in notes]
    one = "  \u00b7  ".join(notes)
    if layout.m.width(one, 10.5) <= width:
        return [one]
    return [n if layout.m.width(n, 10.5) <= width else layout.m.ellipsize(n, width, 10.5) for n in notes]


def lane(layout, top: float, min_h: float = 0.0) -> tuple[Group, float]:
    """The Measured lane from ``top``, at least ``min_h`` high (its label's
    height): (its content, its height). The badges are centred in it."""
    from cjm.render.svg.layout import GAP

    observed = layout.r.observed
    placed = spans(layout)
    layout.measured = True
    out = Group("cjm-measured")
    # The drop-off of step i sits on the left edge of step i + 1 (those who did
    # not get there), when that step is drawn to its right; the badges keep clear.
    chips: dict[int, float] = {}
    for i, span in enumerate(placed[:-1]):
        nxt = placed[i + 1]
        if span.step.next_id == nxt.step.id and nxt.x0 >= span.x1 - 0.5 and span.step.dropoff is not None:
            chips[i] = _chip_width(layout, span.step)
    boxes = []
    for i, span in enumerate(placed):
        left = span.x0 + GAP + max(0.0, chips[i - 1] / 2 + 4 - GAP if i - 1 in chips else 0.0)
        touching = i in chips and abs(placed[i + 1].x0 - span.x1) < 0.5
        right = span.x1 - GAP - max(0.0, chips[i] / 2 + 4 - GAP if touching else 0.0)
        boxes.append((left, right, _notes(layout, span.step, right - left - 20)))
    badge_h = BADGE_H + 14 * (max(len(notes) for _l, _r, notes in boxes) - 1)
    height = max(10 + badge_h + 10, min_h)
    y = top + (height - badge_h) / 2
    largest = observed.largest or 1
    m = layout.m
    for span, (left, right, notes) in zip(placed, boxes):
        step = span.step
        w = right - left
        inner = w - 20
        parts: list = []
        box = Rect(left, y, w, badge_h, "cjm-measure-shape", rx=8)
        value = number(step.reached)
        rate = _drawn(percent(step.conversion))
        vw, rw = m.width(value, 15, True), m.width(rate, 12, True)
        base = y + 21
        parts.append(Text(left + 10, [base], [value], "cjm-measure-value", 15, bold=True, widths=[vw]))
        noun = units(step.reached, observed.unit).split(" ", 1)[1]
        nw = m.width(noun, 10.5)
        if vw + 5 + nw + 8 + rw <= inner:
            parts.append(Text(left + 10 + vw + 5, [base], [noun], "cjm-measure-unit", 10.5, widths=[nw]))
        if vw + 8 + rw <= inner:
            parts.append(Text(right - 10, [base], [rate], "cjm-measure-rate", 12, bold=True, anchor="end",
                              widths=[rw]))
        bar_y = y + 29
        parts.append(Rect(left + 10, bar_y, inner, BAR_H, "cjm-measure-track", rx=BAR_H / 2))
        if step.reached:
            parts.append(Rect(left + 10, bar_y, max(BAR_H, inner * step.reached / largest), BAR_H,
                              f"cjm-measure-bar cjm-accent-{span.accent}", rx=BAR_H / 2))
        parts.append(Text(left + 10, [y + 50 + 14 * k for k in range(len(notes))], notes, "cjm-measure-note", 10.5,
                          widths=[m.width(n, 10.5) for n in notes]))
        tip = [reached_words(step, observed.unit)]
        if step.step_conversion is not None:
            tip.append(f"{percent(step.step_conversion)} of those who reached the previous step")
        if step.median_seconds is not None:
            tip.append(f"{MEASURED_LABELS['median']} from the previous step {duration(step.median_seconds)}, "
                       f"p90 {duration(step.p90_seconds)}")
        if step.dropoff is not None:
            tip.append(dropoff_words(step, observed.unit))
        tip.append(measured_source(observed))
        out.add(Group("cjm-measure", [box, *parts], attrs={**span.attrs, "data-step": clean(step.id)},
                      title="\n".join(clean(t) for t in tip), box=box))
    for i in sorted(chips):
        out.add(_chip(layout, placed[i].step, placed[i + 1].x0, y + 29 + BAR_H / 2))
    return out, height


def reach_line(layout, block, tp, x: float) -> Group | None:
    """On a touchpoint card: how many reached the touchpoint (those that name events)."""
    observed = layout.r.observed
    if observed is None or tp.id not in observed.reach:
        return None
    count = observed.reach[tp.id]
    text = block.add(reach_words(count, observed.unit), 11, "cjm-reach-label", 15,
                     max_lines=1, indent=14, gap=4)
    if text is None:
        return None
    block.texts.remove(text)
    layout.measured = True
    cx, cy = x + 4.5, text.ys[0] - 4
    head = Circle(cx, cy - 2.6, 2.3, "cjm-reach-icon")
    body = Path([("M", (cx - 4, cy + 4.6)), ("Q", (cx, cy - 3.2, cx + 4, cy + 4.6)), ("Z", ())], "cjm-reach-icon")
    return Group("cjm-reach", [head, body, text], attrs={"data-touchpoint": clean(tp.id)},
                 title=clean(f"{units(count, observed.unit)} reached {tp.name} ({measured_source(observed)})"))


def description(observed) -> str:
    """A sentence for the picture's description."""
    parts = [f"Measured ({clean(measured_source(observed))}):"]
    if observed.entered is not None:
        parts.append(f"{units(observed.entered, observed.unit)} entered the funnel,")
        parts.append(f"{number(observed.converted or 0)} ({percent(observed.conversion)}) reached its last step.")
    for step in observed.steps:
        parts.append(f"{clean(step.name)}: {number(step.reached)} ({percent(step.conversion)}).")
    return " ".join(parts)
