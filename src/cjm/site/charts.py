"""Small charts as plain geometry (points, lines, labels); the templates draw them.

Kept apart from the drawing so tests can check positions without parsing SVG.
"""

from __future__ import annotations

from typing import Any


def emotion_curve(values: list[float | None], scale_min: float, scale_max: float, stage_sizes: list[int],
                  width: int = 300, height: int = 96, pad: int = 8) -> dict[str, Any]:
    """One persona's emotion along one map: a point per touchpoint that has a
    score, lines between neighbouring points (a gap where a step has none),
    the neutral line, and a thin line between stages."""
    n = len(values)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    span = (scale_max - scale_min) or 1

    def x_of(i: int) -> float:
        return round(pad + (inner_w / 2 if n == 1 else i * inner_w / (n - 1)), 1)

    def y_of(v: float) -> float:
        return round(pad + (scale_max - v) / span * inner_h, 1)

    points = [(x_of(i), y_of(v), v) for i, v in enumerate(values) if v is not None]
    segments: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for i, v in enumerate(values):
        if v is None:
            if len(current) > 1:
                segments.append(current)
            current = []
            continue
        current.append((x_of(i), y_of(v)))
    if len(current) > 1:
        segments.append(current)
    breaks, at = [], 0
    for size in stage_sizes[:-1]:
        at += size
        if 0 < at < n:
            breaks.append(round((x_of(at - 1) + x_of(at)) / 2, 1))
    neutral = (scale_min + scale_max) / 2
    scored = [v for v in values if v is not None]
    return {
        "width": width, "height": height, "points": points,
        "lines": [" ".join(f"{x},{y}" for x, y in seg) for seg in segments],
        "neutral": y_of(neutral), "breaks": breaks, "left": pad, "right": width - pad,
        "top": pad, "bottom": height - pad,
        "average": None if not scored else sum(scored) / len(scored),
        "low": None if not scored else min(scored), "high": None if not scored else max(scored),
    }


def normalised(value: float | None, scale_min: float, scale_max: float) -> float | None:
    """A score moved linearly onto -1..1 (to compare maps with different scales)."""
    if value is None:
        return None
    span = (scale_max - scale_min) or 1
    return round(-1 + 2 * (value - scale_min) / span, 4)


def history(points: list[tuple[str, float]], target: float | None = None, width: int = 560, height: int = 160,
            pad: int = 28) -> dict[str, Any]:
    """A KPI's values over time (oldest first, one per snapshot), with the target as a line."""
    values = [v for _label, v in points] + ([target] if target is not None else [])
    if not points:
        return {"width": width, "height": height, "points": [], "line": "", "target": None}
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    margin = (hi - lo) * 0.1
    lo, hi = lo - margin, hi + margin
    n = len(points)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def x_of(i: int) -> float:
        return round(pad + (inner_w / 2 if n == 1 else i * inner_w / (n - 1)), 1)

    def y_of(v: float) -> float:
        return round(pad + (hi - v) / (hi - lo) * inner_h, 1)

    placed = [(x_of(i), y_of(v), label, v) for i, (label, v) in enumerate(points)]
    return {"width": width, "height": height, "points": placed,
            "line": " ".join(f"{x},{y}" for x, y, _l, _v in placed),
            "target": None if target is None else y_of(target), "left": pad, "right": width - pad,
            "bottom": height - pad, "top": pad}
