"""The HTML page's charts of a metrics snapshot, as plain geometry and words.

``funnel``: a bar per funnel step, as long as its count against the largest,
with the drop-off before the next step; ``times``: per step, the median and
90th percentile time from the previous step (and from the entry to the last
step) on one logarithmic time axis; ``paths``: the most frequent paths with a
bar each. The template (``html/measured.html.j2``) draws them as inline SVG
and escapes every word; nothing here writes markup. Numbers and words come
from ``cjm.present`` as in every other format.
"""

from __future__ import annotations

import math
from typing import Any

from cjm.present.numbers import duration, number, percent
from cjm.present.words import MEASURED_LABELS, dropoff_words, units

WIDTH = 760
LABEL_W = 210  # the step names, left of the bars
VALUE_W = 150  # the numbers, right of the longest bar
ROW_H = 30
DROP_H = 20
BAR_H = 18


def _x(value: float) -> float:
    return round(value, 1)


def funnel(observed, colors: dict[str, str] | None = None) -> dict[str, Any]:
    """A row per step (``y``: top of its bar) and, between rows, the drop-off;
    ``colors``: a bar colour per step id (its stage's)."""
    colors = colors or {}
    largest = observed.largest or 1
    span = WIDTH - LABEL_W - VALUE_W
    rows, drops = [], []
    y = 4.0
    for i, st in enumerate(observed.steps):
        w = _x(max(2.0, span * st.reached / largest)) if st.reached else 0.0
        rows.append({"id": st.id, "kind": st.kind, "name": st.name, "number": st.number, "y": y, "w": w,
                     "x": LABEL_W, "value": number(st.reached), "rate": percent(st.conversion),
                     "label": f"{units(st.reached, observed.unit)} \u00b7 {percent(st.conversion)}",
                     "text_x": _x(LABEL_W + w + 8), "reached": st.reached, "color": colors.get(st.id, "#3451c6"),
                     "title": f"{st.name}: {units(st.reached, observed.unit)}, {percent(st.conversion)} of entrants"})
        y += BAR_H
        if i + 1 < len(observed.steps) and st.dropoff is not None:
            drops.append({"y": y + DROP_H / 2 + 4, "x": LABEL_W + 4, "text": dropoff_words(st, observed.unit)})
            y += DROP_H
        else:
            y += ROW_H - BAR_H
    return {"width": WIDTH, "height": _x(y + 4), "rows": rows, "drops": drops, "label_w": LABEL_W,
            "axis_x": LABEL_W, "bar_h": BAR_H}


# Ticks of the time axis, in seconds.
TICKS = ((60, "1 min"), (600, "10 min"), (3600, "1 h"), (6 * 3600, "6 h"), (86400, "1 d"), (7 * 86400, "7 d"),
         (30 * 86400, "30 d"))


def times(observed) -> dict[str, Any] | None:
    """Median and p90 time to convert, per step from the previous one, and from
    the entry to the last step; None when the snapshot has no times."""
    items = [(f"{st.name}", st.median_seconds, st.p90_seconds, "from the previous step") for st in observed.steps
             if st.median_seconds is not None]
    last = observed.steps[-1] if observed.steps else None
    if last is not None and last.start_median_seconds is not None and len(observed.steps) > 2:
        items.append((f"Entry to {last.name}", last.start_median_seconds, last.start_p90_seconds, "from the entry"))
    if not items:
        return None
    top = max(max(m or 0, p or 0) for _n, m, p, _w in items)
    lo = 60.0 if min(m for _n, m, _p, _w in items) >= 60 else 1.0
    hi = max(top, lo * 10)
    hi = next((s for s, _label in TICKS if s >= hi), hi)  # the axis ends on a tick
    span = WIDTH - LABEL_W - VALUE_W

    def x_of(seconds: float) -> float:
        s = min(max(seconds, lo), hi)
        return _x(LABEL_W + span * (math.log(s) - math.log(lo)) / (math.log(hi) - math.log(lo)))

    rows = []
    y = 24.0
    for name, median, p90, words in items:
        rows.append({"name": name, "y": y, "median_x": x_of(median), "p90_x": x_of(p90 if p90 is not None else median),
                     "median": duration(median), "p90": duration(p90),
                     "text": f"{MEASURED_LABELS['median']} {duration(median)} \u00b7 p90 {duration(p90)}",
                     "title": f"{name}: median {duration(median)}, 90th percentile {duration(p90)}, {words}",
                     "median_seconds": median, "p90_seconds": p90})
        y += ROW_H
    ticks = [{"x": x_of(s), "label": label} for s, label in TICKS if lo <= s <= hi]
    if lo < 60:
        ticks.insert(0, {"x": x_of(1), "label": "1 s"})
    return {"width": WIDTH, "height": _x(y), "rows": rows, "ticks": ticks, "left": LABEL_W,
            "right": WIDTH - VALUE_W, "text_x": WIDTH - VALUE_W + 12}


def paths(observed) -> list[dict[str, Any]]:
    """The top paths, most frequent first, each with a bar against the first."""
    top = max((p.count for p in observed.paths), default=0) or 1
    return [{"names": list(p.names), "count": number(p.count), "w": _x(max(1.0, 120 * p.count / top)),
             "value": p.count} for p in observed.paths]
