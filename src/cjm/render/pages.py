"""Splitting a wide map into parts: pages of a PDF, posters of a split SVG or PNG.

A part is the same map with fewer steps: whole stages where they fit, a
stage cut into runs of steps where it does not. Every part repeats the title,
the legend and the lane labels, numbers its steps and pain points as the
whole map does, and says which part it is ("Page 2 of 6 · Purchase, steps
7-12"). Parts are laid out like any map, so a part is exactly what the map
would look like with only those steps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from cjm.present.escape import xml_text as clean

# Paper sizes in PostScript points (1/72 in), landscape: (width, height).
PAPERS: dict[str, tuple[float, float]] = {
    "a4": (841.89, 595.28),
    "a3": (1190.55, 841.89),
    "letter": (792.0, 612.0),
    "poster": (3370.39, 2383.94),  # A0
}
MARGIN = 24.0  # pt, around the map on each page
# The smallest scale a page may draw the map at: 12 px card text becomes
# 6.6 pt, about the size of a footnote; below that a page gets fewer steps.
MIN_SCALE = 0.55


@dataclass(frozen=True)
class Part:
    resolved: Any  # the map with only this part's steps
    label: str  # "Page 2 of 6 · Purchase, steps 7-12"
    first_step: int  # steps before this part (for numbering)
    suffix: str  # ".part2"


def columns_per_page(paper: str) -> int:
    """How many step columns fit the width of a page at the smallest readable scale."""
    return columns_for_width((PAPERS[paper][0] - 2 * MARGIN) / MIN_SCALE)


def columns_for_width(width: float) -> int:
    """How many step columns a map of at most ``width`` px has room for."""
    from cjm.render.svg.layout import COL_W, LABEL_W, PAD

    return max(1, int((width - 2 * PAD - LABEL_W) // COL_W))


def _groups(stages, per_part: int, by_stage: bool) -> list[list[tuple[int, int, int]]]:
    """Parts as lists of (stage index, first step, end step) runs."""
    parts: list[list[tuple[int, int, int]]] = []
    current: list[tuple[int, int, int]] = []
    used = 0
    for si, stage in enumerate(stages):
        n = max(1, len(stage.touchpoints))
        if by_stage and n <= per_part and used + n <= per_part:
            current.append((si, 0, len(stage.touchpoints)))
            used += n
            continue
        if by_stage and n <= per_part:
            if current:
                parts.append(current)
            current, used = [(si, 0, len(stage.touchpoints))], n
            continue
        # a stage wider than a part (or no stage grouping): runs of steps
        start = 0
        while start < n:
            room = per_part - used
            if room <= 0 or (by_stage and current):
                parts.append(current)
                current, used, room = [], 0, per_part
            end = min(n, start + room)
            current.append((si, start, min(end, len(stage.touchpoints))))
            used += end - start
            start = end
        if by_stage:  # the cut stage's last run keeps its part to itself too
            parts.append(current)
            current, used = [], 0
    if current:
        parts.append(current)
    return parts


def split(resolved, per_part: int, by_stage: bool = True, noun: str = "Part") -> list[Part]:
    """The map in parts of at most ``per_part`` steps; with ``by_stage``,
    stages are kept whole where they fit and never share a part with a piece of
    a cut stage."""
    stages = resolved.map.stages
    groups = _groups(stages, max(1, per_part), by_stage)
    before = []
    count = 0
    for s in stages:
        before.append(count)
        count += len(s.touchpoints)
    out = []
    for i, runs in enumerate(groups, 1):
        new_stages = []
        names = []
        for si, a, b in runs:
            stage = stages[si]
            kept = stage.touchpoints[a:b]
            new_stages.append(stage.model_copy(update={"touchpoints": kept}))
            if a == 0 and b >= len(stage.touchpoints):
                names.append(clean(stage.name))
            else:
                first_step, last_step = before[si] + a + 1, before[si] + b
                names.append(f"{clean(stage.name)}, step {first_step}" if first_step == last_step
                             else f"{clean(stage.name)}, steps {first_step}\u2013{last_step}")
        sub = replace(resolved, map=resolved.map.model_copy(update={"stages": new_stages}))
        first = before[runs[0][0]] + runs[0][1]
        label = f"{noun} {i} of {len(groups)} \u00b7 " + "; ".join(names)
        out.append(Part(sub, label, first, f".part{i}"))
    return out


def parts_for(resolved, options) -> list[Part] | None:
    """The posters ``--split`` asks for (None: the whole map in one picture)."""
    how = getattr(options, "split", None)
    if not how:
        return None
    if how == "stage":
        return _by_stage(resolved)
    return split(resolved, int(how), by_stage=False)


def _by_stage(resolved) -> list[Part]:
    """One part per stage."""
    stages = resolved.map.stages
    out = []
    first = 0
    for i, stage in enumerate(stages, 1):
        sub = replace(resolved, map=resolved.map.model_copy(update={"stages": [stage]}))
        out.append(Part(sub, f"Part {i} of {len(stages)} \u00b7 {clean(stage.name)}", first, f".part{i}"))
        first += len(stage.touchpoints)
    return out
