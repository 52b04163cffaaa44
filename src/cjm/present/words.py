"""The words cjm uses for the format's choices, in one place for every output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cjm.present.numbers import number, percent, signed, with_unit

MAP_TYPES = {
    "current-state": "Current state (as-is)",
    "future-state": "Future state (to-be)",
    "day-in-the-life": "Day in the life",
    "service-blueprint": "Service blueprint",
}
MARKETS = {"b2b": "B2B", "b2c": "B2C", "b2b2c": "B2B2C"}
EXPECTATIONS = {"exceeded": "exceeded expectations", "met": "met expectations", "failed": "failed expectations"}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
STATUSES = {"idea": "idea", "planned": "planned", "in-progress": "in progress", "done": "done",
            "dropped": "dropped"}
STATUS_ICONS = {"idea": "💡", "planned": "🗓️", "in-progress": "🚧", "done": "✅", "dropped": "⛔"}
EVERYONE = "All customers"


def map_type(value: str) -> str:
    return MAP_TYPES.get(value, value)


def market(value: str | None) -> str:
    return MARKETS.get(value or "", value or "")


def expectation(value: str | None) -> str:
    return EXPECTATIONS.get(value or "", value or "")


def status(value: str) -> str:
    return STATUSES.get(value, value)


@dataclass(frozen=True)
class KpiStatus:
    state: str  # ok | off | none
    words: str  # "On target", "Off target (−0.4)", "No data"


def kpi_status(kpi: Any) -> KpiStatus:
    """A KPI's actual against its target; without a direction, higher is better."""
    if kpi.target is None or kpi.actual is None:
        return KpiStatus("none", "No data")
    gap = round(kpi.actual - kpi.target, 6)
    lower = kpi.direction == "lower-is-better"
    if (gap <= 0) if lower else (gap >= 0):
        return KpiStatus("ok", "On target")
    return KpiStatus("off", f"Off target ({signed(gap)})")


def kpi_value(value: float | int | None, unit: str | None) -> str:
    return with_unit(value, unit)


def addressed_by(m: Any) -> dict[str, list[str]]:
    """Pain point id -> titles of what addresses it: opportunities first, then
    actions, each in map order (every output lists them in this order)."""
    from cjm.model.walk import addressed

    return {pid: [item.title for item in items] for pid, items in addressed(m).items()}


def pain_numbers(m: Any) -> dict[str, str]:
    """Pain point id -> its number on the map (``P1``, ``P2``… in map order).
    The SVG map badges pain points with it and shows it on the opportunities
    and actions that address them; the HTML tables use the same numbers."""
    from cjm.model.walk import pain_points

    out: dict[str, str] = {}
    for _path, _tp, pain in pain_points(m):
        out.setdefault(pain.id, f"P{len(out) + 1}")
    return out


def short_name(name: str) -> str:
    """A persona's name as a chip shows it: up to the first comma or space."""
    head = name.strip().split(",")[0].strip()
    return head.split()[0] if head.split() else head


# --- the numbers of a metrics snapshot, drawn on the map (every format) --------
MEASURED = "Measured"
MEASURED_LABELS = {
    "step": "Step",
    "reached": "Reached",
    "conversion": "Of entrants",
    "step_conversion": "From previous",
    "dropoff": "Dropped off",
    "median": "Median time",
    "p90": "p90 time",
    "reach": "Reach",
    "moves": "Moves",
    "path": "Path",
    "count": "Count",
}
_UNITS = {"person": ("person", "people"), "session": ("session", "sessions")}


def units(count: int | None, unit: str) -> str:
    """``300 people``, ``1 person``, ``12 sessions`` (a snapshot counts people or sessions)."""
    one, many = _UNITS.get(unit, _UNITS["person"])
    return f"{number(count or 0)} {one if count == 1 else many}"


def reach_words(count: int | None, unit: str) -> str:
    """A touchpoint's reach: ``Reached by 198 people``."""
    return f"Reached by {units(count, unit)}"


def reached_words(step: Any, unit: str) -> str:
    """``198 people reached Consider, 66 % of entrants``."""
    return f"{units(step.reached, unit)} reached {step.name}, {percent(step.conversion)} of entrants"


def dropoff_words(step: Any, unit: str) -> str:
    """``102 people (34 %) did not go on to Consider`` (to the next step, when it is not on the map)."""
    where = step.next_name or "the next step"
    return f"{units(step.dropoff, unit)} ({percent(step.dropoff_rate)}) did not go on to {where}"


def measured_source(observed: Any) -> str:
    """Where the numbers come from: ``metrics/shop.json, data 2026-11-02 to 2026-11-23``."""
    start, end = observed.data_start, observed.data_end
    if start and end:
        return f"{observed.shown}, data {start.isoformat()} to {end.isoformat()}"
    return f"{observed.shown}, data to {end.isoformat()}" if end else observed.shown
