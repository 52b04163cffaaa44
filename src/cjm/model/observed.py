"""What a metrics snapshot observed, matched to the map: plain numbers that
every renderer draws the same way.

``cjm analyze -o`` writes a snapshot (``cjm.analytics.snapshot``); the render
stage reads it (``cjm.pipeline.metrics``) and ``resolve`` turns it into an
``Observed``: the funnel steps that are on this map (a stage or touchpoint the
map no longer has is left out and named in ``missing``), the reach of each
touchpoint of the map, the moves between touchpoints, the top paths and the
time to convert. A snapshot is a file a person can edit or an older cjm can
write: anything that is not the expected shape is skipped, never trusted and
never fatal.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Step:
    """One funnel step on the map. Rates are 0..1; times are seconds."""

    number: int  # its place in the funnel, from 1
    kind: str  # stage | touchpoint
    id: str
    name: str
    reached: int
    conversion: float | None  # the share of those who entered the funnel
    step_conversion: float | None  # the share of those who reached the previous step
    dropoff: int | None  # reached this step and did not go on to the next
    dropoff_rate: float | None
    median_seconds: float | None  # from the previous step
    p90_seconds: float | None
    start_median_seconds: float | None  # from the entry
    start_p90_seconds: float | None
    next_id: str | None = None  # the next step, when it is on the map (the drop-off leads there)
    next_name: str | None = None


@dataclass(frozen=True)
class Path:
    ids: tuple[str, ...]
    names: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class Observed:
    shown: str  # the snapshot's path, as shown to the user
    unit: str  # person | session
    counts: str  # units | attempts
    data_start: _dt.date | None
    data_end: _dt.date | None
    entered: int | None
    converted: int | None
    conversion: float | None
    steps: tuple[Step, ...] = ()
    reach: dict[str, int] = field(default_factory=dict)  # touchpoint id -> units that hit it
    transitions: dict[tuple[str, str], int] = field(default_factory=dict)  # (from, to) -> moves
    paths: tuple[Path, ...] = ()
    missing: tuple[str, ...] = ()  # funnel steps of the snapshot that the map does not have
    window_seconds: int | None = None

    def stage_step(self, stage_id: str) -> Step | None:
        return next((s for s in self.steps if s.kind == "stage" and s.id == stage_id), None)

    def touchpoint_step(self, tp_id: str) -> Step | None:
        return next((s for s in self.steps if s.kind == "touchpoint" and s.id == tp_id), None)

    @property
    def largest(self) -> int:
        """The largest count of a step (the funnel's bars are drawn against it)."""
        return max([s.reached for s in self.steps] + [self.entered or 0], default=0)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _real(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        return None
    return float(value)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _date(value: Any) -> _dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def observe(document: Any, model: Any, shown: str = "") -> Observed | None:
    """The numbers of a snapshot ``document`` (the parsed JSON) that fit the map
    ``model`` (a ``JourneyMap``); None when the document holds no funnel."""
    doc = _dict(document)
    results = _dict(doc.get("results"))
    raw_steps = _list(results.get("steps"))
    if not raw_steps:
        return None
    stages = {s.id: s for s in model.stages}
    touchpoints = {tp.id: tp for s in model.stages for tp in s.touchpoints}
    found: list[Step] = []
    missing: list[str] = []
    for position, item in enumerate(raw_steps, 1):
        item = _dict(item)
        kind, sid = item.get("kind"), item.get("id")
        reached = _count(item.get("reached"))
        if not isinstance(sid, str):
            continue
        on_map = (kind == "stage" and sid in stages) or (kind == "touchpoint" and sid in touchpoints)
        if not on_map or reached is None:
            missing.append(sid)
            continue
        previous, start = _dict(item.get("time_from_previous")), _dict(item.get("time_from_start"))
        number = _count(item.get("step"))
        name = stages[sid].name if kind == "stage" else touchpoints[sid].name  # a stage and a step may share an id
        found.append(Step(number or position, kind, sid, name, reached, _real(item.get("conversion")),
                          _real(item.get("step_conversion")), _count(item.get("dropoff")),
                          _real(item.get("dropoff_rate")), _real(previous.get("median_seconds")),
                          _real(previous.get("p90_seconds")), _real(start.get("median_seconds")),
                          _real(start.get("p90_seconds"))))
    steps = []
    for i, st in enumerate(found):
        nxt = found[i + 1] if i + 1 < len(found) and found[i + 1].number == st.number + 1 else None
        if nxt is not None:
            st = _with_next(st, nxt)
        steps.append(st)
    reach = {}
    for tp_id, count in _dict(results.get("touchpoints")).items():
        if tp_id in touchpoints and _count(count) is not None:
            reach[tp_id] = count
    transitions: dict[tuple[str, str], int] = {}
    for item in _list(results.get("transitions")):
        item = _dict(item)
        a, b, count = item.get("from"), item.get("to"), _count(item.get("count"))
        if a in touchpoints and b in touchpoints and count is not None:
            transitions[(a, b)] = count
    paths = []
    for item in _list(results.get("top_paths")):
        item = _dict(item)
        ids, count = _list(item.get("path")), _count(item.get("count"))
        if ids and count is not None and all(isinstance(t, str) and t in touchpoints for t in ids):
            paths.append(Path(tuple(ids), tuple(touchpoints[t].name for t in ids), count))
    funnel = _dict(results.get("funnel"))
    semantics = _dict(doc.get("semantics"))
    span = _dict(_dict(doc.get("provenance")).get("time_range"))
    unit = semantics.get("unit") if semantics.get("unit") in ("person", "session") else "person"
    counts = results.get("counts") if results.get("counts") in ("units", "attempts") else "units"
    return Observed(shown, unit, counts, _date(span.get("from")), _date(span.get("to")),
                    _count(funnel.get("entered")), _count(funnel.get("converted")), _real(funnel.get("conversion")),
                    tuple(steps), reach, transitions, tuple(paths), tuple(missing),
                    _count(semantics.get("window_seconds")))


def _with_next(step: Step, nxt: Step) -> Step:
    from dataclasses import replace

    return replace(step, next_id=nxt.id, next_name=nxt.name)


def to_json(observed: Observed) -> dict[str, Any]:
    """The numbers as plain data (``cjm render -f json`` puts them under ``observed``)."""
    from dataclasses import asdict

    data = asdict(observed)
    data["data_start"] = observed.data_start.isoformat() if observed.data_start else None
    data["data_end"] = observed.data_end.isoformat() if observed.data_end else None
    data["transitions"] = [{"from": a, "to": b, "count": c} for (a, b), c in observed.transitions.items()]
    data["paths"] = [{"path": list(p.ids), "count": p.count} for p in observed.paths]
    data["steps"] = [{k: v for k, v in asdict(s).items() if k not in ("name", "next_name")} for s in observed.steps]
    data["missing"] = list(observed.missing)
    return data
