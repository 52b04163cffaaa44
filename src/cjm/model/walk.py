"""Walking a validated map: every consumer (rules, diff, resolve, analytics)
asks the same questions, so they are answered here, once, with the document
path of each item (which the position index turns into file:line:column)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cjm.locations import DocPath


def touchpoints(m: Any) -> Iterator[tuple[DocPath, Any, Any]]:
    """(path, stage, touchpoint) for every touchpoint, in map order."""
    for si, stage in enumerate(m.stages):
        for ti, tp in enumerate(stage.touchpoints):
            yield ("stages", si, "touchpoints", ti), stage, tp


def pain_points(m: Any) -> Iterator[tuple[DocPath, Any, Any]]:
    """(path, touchpoint, pain point) for every pain point, in map order."""
    for path, _stage, tp in touchpoints(m):
        for pi, pain in enumerate(tp.pain_points):
            yield path + ("pain_points", pi), tp, pain


def opportunities(m: Any) -> Iterator[tuple[DocPath, Any, Any]]:
    """(path, touchpoint, opportunity) for every opportunity, in map order."""
    for path, _stage, tp in touchpoints(m):
        for oi, opp in enumerate(tp.opportunities):
            yield path + ("opportunities", oi), tp, opp


def persona_ids(m: Any) -> list[str]:
    """The ids of the map's personas: those it defines and the catalogue ids it lists."""
    return [p if isinstance(p, str) else p.id for p in m.personas]


def kpi_refs(m: Any) -> Iterator[tuple[DocPath, str]]:
    """(path, KPI id) of every reference to a KPI: stages, touchpoints, actions."""
    for i, stage in enumerate(m.stages):
        for j, kid in enumerate(stage.kpis):
            yield ("stages", i, "kpis", j), kid
    for path, _stage, tp in touchpoints(m):
        for j, kid in enumerate(tp.kpis):
            yield path + ("kpis", j), kid
    for i, action in enumerate(m.actions):
        for j, kid in enumerate(action.kpis):
            yield ("actions", i, "kpis", j), kid


def addressed(m: Any, include_dropped: bool = True) -> dict[str, list[Any]]:
    """Pain point id -> the opportunities and actions that address it, in map
    order (opportunities first, then actions)."""
    out: dict[str, list[Any]] = {}
    for _path, _tp, opp in opportunities(m):
        for pid in opp.addresses:
            out.setdefault(pid, []).append(opp)
    for action in m.actions:
        if include_dropped or action.status != "dropped":
            for pid in action.addresses:
                out.setdefault(pid, []).append(action)
    return out


def following(m: Any) -> dict[str, str]:
    """Touchpoint id -> the id of the touchpoint after it in map order."""
    order = [tp.id for _p, _s, tp in touchpoints(m)]
    return dict(zip(order, order[1:]))


def next_of(tp: Any, after: dict[str, str]) -> list[str]:
    """Where a step leads: its explicit branches (``next:``), else the following step."""
    if tp.next:
        return list(tp.next)
    return [after[tp.id]] if tp.id in after else []
