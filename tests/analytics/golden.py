"""Golden cases: tiny event lists with the numbers every engine must give.

Each file in cases/ holds one case: `doc` (what it shows, and where the example comes
from), optionally `map` (stages -> touchpoints -> events; default A, B, C in three stages),
`funnel` (the analytics.funnel YAML section, validated by the real model), `events`
([unit, time, name, properties?]; times "HH:MM[:SS]" on Monday 2026-01-05 UTC, "+Nd HH:MM"
N days later, or ISO-8601) and `expect`.

Cases with the same map and semantics run as one batch per engine (keyed by case number),
so Spark schedules a few jobs instead of one per case.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from cjm.analytics.reference import Event
from cjm.analytics.spec import JourneyShape, Semantics, parse_time, plan
from cjm.model.analytics import FunnelDefaults

CASES = Path(__file__).parent / "cases"
DAY0 = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)  # a Monday
DEFAULT_MAP = {"s1": {"a": ["A"]}, "s2": {"b": ["B"]}, "s3": {"c": ["C"]}}


def to_plain(value):
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


def case_time(text: str) -> str:
    """ISO-8601 with Z for a case's time notation."""
    text = str(text)
    if "T" in text:
        return text
    days = 0
    if text.startswith("+"):
        offset, text = text[1:].split(" ", 1)
        days = int(offset.rstrip("d"))
    parts = [int(p) for p in text.split(":")]
    moment = DAY0 + dt.timedelta(days=days, hours=parts[0], minutes=parts[1], seconds=parts[2] if len(parts) > 2 else 0)
    return moment.isoformat().replace("+00:00", "Z")


@dataclass
class Case:
    name: str
    doc: str
    map: dict
    funnel: dict
    events: list[dict]
    expect: dict

    @property
    def signature(self) -> str:
        return json.dumps([self.map, self.funnel], sort_keys=True)

    def journey(self) -> JourneyShape:
        stages = []
        for stage_id, tps in self.map.items():
            items = []
            for tp_id, spec in tps.items():
                if isinstance(spec, dict):
                    items.append((tp_id, spec.get("events", []), spec.get("next", [])))
                else:
                    items.append((tp_id, spec, []))
            stages.append((stage_id, items))
        return JourneyShape.build(stages, personas=("sam", "lee"))

    def defaults(self) -> FunnelDefaults:
        return FunnelDefaults.model_validate(self.funnel)

    def steps(self):
        steps = self.defaults().steps
        return tuple(steps) if isinstance(steps, list) else steps

    def semantics(self) -> Semantics:
        return Semantics.from_defaults(self.defaults())

    def plan(self):
        return plan(self.journey(), self.steps(), self.semantics(), self.defaults().top_paths)

    def reference_events(self) -> list[Event]:
        return [Event(e["user_id"], parse_time(e["timestamp"]), e["event"], e["props"], e["session_id"]) for e in self.events]


def load(path: Path) -> Case:
    data = to_plain(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    events = []
    for item in data["events"]:
        unit, when, name = item[0], item[1], item[2]
        props = dict(item[3]) if len(item) > 3 else {}
        session = props.pop("session_id", None)
        events.append({"user_id": unit, "session_id": session, "timestamp": case_time(when), "event": name, "props": props})
    return Case(path.stem, data["doc"], data.get("map", DEFAULT_MAP), data.get("funnel", {}), events, data["expect"])


def all_cases() -> list[Case]:
    return [load(p) for p in sorted(CASES.glob("*.yaml"))]


def groups(cases: list[Case]) -> list[list[Case]]:
    by_signature: dict[str, list[Case]] = {}
    for case in cases:
        by_signature.setdefault(case.signature, []).append(case)
    return list(by_signature.values())


def batch_rows(cases: list[Case]) -> tuple[list[str], list[dict]]:
    """One table for a batch: a __case column (the batch key) and one column per property."""
    keys = sorted({k for case in cases for e in case.events for k in e["props"]})
    rows = []
    for g, case in enumerate(cases):
        for e in case.events:
            row = {"__case": g, "user_id": e["user_id"], "session_id": e["session_id"], "timestamp": e["timestamp"], "event": e["event"]}
            for k in keys:
                value = e["props"].get(k)
                row[k] = None if value is None else ("true" if value is True else "false" if value is False else str(value))
            rows.append(row)
    return ["__case", "user_id", "session_id", "timestamp", "event"] + keys, rows


def comparable(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "engine"}


def check_expect(result: dict, expect: dict) -> None:
    """Compare the parts of a result that the case states."""
    steps = result["steps"]
    simple = {
        "reached": lambda: [s["reached"] for s in steps],
        "entered": lambda: [s["entered"] for s in steps],
        "censored": lambda: [s["censored"] for s in steps],
        "dropoff": lambda: [s["dropoff"] for s in steps],
        "step_conversion": lambda: [s["step_conversion"] for s in steps],
        "conversion": lambda: [s["conversion"] for s in steps],
        "median_from_previous": lambda: [s["time_from_previous"]["median_seconds"] for s in steps],
        "p90_from_previous": lambda: [s["time_from_previous"]["p90_seconds"] for s in steps],
        "median_from_start": lambda: [s["time_from_start"]["median_seconds"] for s in steps],
        "p90_from_start": lambda: [s["time_from_start"]["p90_seconds"] for s in steps],
        "step_ids": lambda: [s["id"] for s in steps],
        "counts": lambda: result["counts"],
        "top_paths": lambda: [[p["path"], p["count"]] for p in result["top_paths"]],
        "trend": lambda: [[w["week"], w["entered"], w["reached"]] for w in result["trend"]],
        "breakdown": lambda: [[s["segment"], s["reached"]] for s in result["breakdown"]["segments"]],
        "reach": lambda: result["touchpoints"],
        "unmatched_events": lambda: result["conformance"]["unmatched_events"],
        "unmatched_share": lambda: result["conformance"]["unmatched_share"],
        "top_unmatched": lambda: [[u["event"], u["count"]] for u in result["conformance"]["top_unmatched"]],
        "unreached_touchpoints": lambda: result["conformance"]["unreached_touchpoints"],
        "transitions": lambda: [[t["from"], t["to"], t["count"]] for t in result["transitions"]],
        "unexpected_transitions": lambda: [[t["from"], t["to"], t["count"]] for t in result["conformance"]["unexpected_transitions"]],
        "untaken_branches": lambda: [[t["from"], t["to"]] for t in result["conformance"]["untaken_branches"]],
        "overlaps": lambda: [[o["event"], o["assigned_to"], o["also_matches"], o["count"]] for o in result["overlaps"]],
        "units": lambda: result["totals"]["units"],
        "events_without_unit": lambda: result["totals"]["events_without_unit"],
        "time_range": lambda: [result["totals"]["time_range"]["from"], result["totals"]["time_range"]["to"]],
        "metrics": lambda: {k: result["metrics"].get(k) for k in expect["metrics"]},
    }
    unknown = set(expect) - set(simple)
    assert not unknown, f"unknown expect keys {unknown}"
    for key, want in expect.items():
        got = simple[key]()
        assert got == want, f"{key}: got {got!r}, expected {want!r}"
