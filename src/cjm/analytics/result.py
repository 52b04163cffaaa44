"""What every engine hands back, and how it becomes a FunnelResult.

Engines (SQL and the reference) compute the same few aggregates (`Raw`): attempts counted
by (entry step, furthest step, censored, entry day, breakdown value), time percentiles per
step, paths, reach, transitions (moves from one touchpoint to another), unmatched names. `assemble` turns them into the result with
plain arithmetic, so the rates, trends and breakdowns are defined once, here.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from dataclasses import dataclass, field

from cjm.analytics.spec import Plan, Source, iso_time

DAY_US = 86_400_000_000
EPOCH = _dt.date(1970, 1, 1)
NONE_BUCKET = "(none)"
OTHER_BUCKET = "(other)"
TOP_UNMATCHED = 20


@dataclass
class Raw:
    """The aggregates an engine computes; tp are 0-based touchpoint indices (map order)."""

    events: int = 0
    events_without_unit: int = 0
    events_in_range: int = 0
    unmatched_in_range: int = 0
    units: int = 0
    ts_min: int | None = None
    ts_max: int | None = None
    attempts: Counter = field(default_factory=Counter)
    """(entry step, furthest step, censored, entry day number, breakdown value) -> count."""
    durations: dict = field(default_factory=dict)
    """step k (2..n) -> (median from previous, p90 from previous, median from start, p90 from
    start), in microseconds, None where no attempt reached k."""
    paths: Counter = field(default_factory=Counter)
    """tuple of tp indices -> attempts."""
    reach: dict = field(default_factory=dict)
    """tp -> units that hit it in the range."""
    transitions: Counter = field(default_factory=Counter)
    """(tp, next tp) -> count."""
    unmatched: Counter = field(default_factory=Counter)
    """event name -> count, the most frequent TOP_UNMATCHED."""
    overlaps: Counter = field(default_factory=Counter)
    """(event name, assigned tp, other tps as a tuple) -> events."""
    time_check: tuple = (0, 0, 0)
    """Events whose time is missing or unparseable; with a UTC offset; without one (text times)."""


def percentile(values: list[int], p: float) -> float | None:
    """Exact percentile with linear interpolation between closest ranks (the definition of
    DuckDB's quantile_cont and Spark's percentile_cont): position p*(n-1) in sorted order."""
    if not values:
        return None
    ordered = sorted(values)
    pos = p * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 6) if den else None


def _seconds(us: float | None) -> float | None:
    return None if us is None else round(us / 1_000_000, 3)


def _day(day: int) -> _dt.date:
    return EPOCH + _dt.timedelta(days=day)


def _segment(value: str | None, personas: dict[str, str]) -> str:
    if value is None:
        return NONE_BUCKET
    if personas:
        return personas.get(value, OTHER_BUCKET)
    return value


def _step_counts(attempts: Counter, n: int) -> tuple[list[int], list[int]]:
    reached, entered = [0] * (n + 1), [0] * (n + 1)
    for (es, rs, *_rest), count in attempts.items():
        entered[es] += count
        for k in range(es, rs + 1):
            reached[k] += count
    return reached, entered


@dataclass
class FunnelResult:
    """The outcome of one funnel request; `to_json` and `snapshot` give stable bytes."""

    data: dict
    source: Source
    engine: dict

    def to_dict(self) -> dict:
        return self.data

    def to_json(self) -> str:
        return json.dumps(self.data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    @property
    def metrics(self) -> dict[str, float | int | None]:
        return self.data["metrics"]

    def snapshot(self) -> dict:
        """The metrics snapshot document (format cjm-metrics, version 1)."""
        from cjm.analytics.snapshot import build_snapshot

        return build_snapshot(self)

    def snapshot_json(self) -> str:
        return json.dumps(self.snapshot(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def assemble(plan: Plan, raw: Raw, source: Source, engine: dict) -> dict:
    """The result document (without provenance) from an engine's aggregates."""
    sem = plan.semantics
    n = plan.n
    tps = plan.journey.touchpoints
    reached, entered = _step_counts(raw.attempts, n)
    total = sum(entered)
    censored = [0] * (n + 1)
    for (es, rs, cens, _day_n, _b), count in raw.attempts.items():
        if cens:
            censored[rs] += count
    steps = []
    for k, step in enumerate(plan.steps, start=1):
        continued = reached[k] - entered[k] if k > 1 else None
        nxt_continued = reached[k + 1] - entered[k + 1] if k < n else None
        dur = raw.durations.get(k, (None, None, None, None))
        steps.append({
            "step": k,
            "id": step.id,
            "kind": step.kind,
            "touchpoints": list(step.touchpoints),
            "reached": reached[k],
            "entered": entered[k],
            "conversion": _rate(reached[k], total),
            "step_conversion": _rate(continued, reached[k - 1]) if k > 1 else None,
            "dropoff": reached[k] - nxt_continued if k < n else None,
            "dropoff_rate": _rate(reached[k] - nxt_continued, reached[k]) if k < n else None,
            "censored": censored[k],
            "time_from_previous": {"median_seconds": _seconds(dur[0]), "p90_seconds": _seconds(dur[1])},
            "time_from_start": {"median_seconds": _seconds(dur[2]), "p90_seconds": _seconds(dur[3])},
        })

    weeks: dict[_dt.date, Counter] = {}
    for (es, rs, _c, day_n, _b), count in raw.attempts.items():
        monday = _day(day_n - (day_n + 3) % 7)  # 1970-01-01 was a Thursday
        weeks.setdefault(monday, Counter())[(es, rs)] += count
    trend = []
    for monday in sorted(weeks):
        w_reached, w_entered = _step_counts(Counter({(es, rs, 0, 0, None): c for (es, rs), c in weeks[monday].items()}), n)
        iso = monday.isocalendar()
        trend.append({
            "week": f"{iso[0]}-W{iso[1]:02d}",
            "week_start": monday.isoformat(),
            "entered": sum(w_entered),
            "reached": w_reached[1:],
            "conversion": _rate(w_reached[n], sum(w_entered)),
        })

    breakdown = None
    if sem.breakdown:
        personas = dict(sem.personas)
        segments: dict[str, Counter] = {}
        for (es, rs, cens, day_n, b), count in raw.attempts.items():
            segments.setdefault(_segment(b, personas), Counter())[(es, rs, cens, day_n, None)] += count
        rows = []
        for label in sorted(segments):
            s_reached, s_entered = _step_counts(segments[label], n)
            rows.append({
                "segment": label,
                "entered": sum(s_entered),
                "reached": s_reached[1:],
                "conversion": _rate(s_reached[n], sum(s_entered)),
            })
        breakdown = {"by": sem.breakdown, "attribution": "entry event", "personas": personas, "segments": rows}

    top_paths = sorted(raw.paths.items(), key=lambda kv: (-kv[1], [tps[i].id for i in kv[0]]))[: plan.top_paths]
    ids = [tp.id for tp in tps]
    mapped = [i for i, tp in enumerate(tps) if tp.matchers]
    reach = {ids[i]: raw.reach.get(i, 0) for i in mapped}
    observed = {(ids[a], ids[b]): c for (a, b), c in raw.transitions.items()}
    unexpected = sorted(
        ({"from": a, "to": b, "count": c} for (a, b), c in observed.items() if (a, b) not in plan.journey.edges),
        key=lambda r: (-r["count"], r["from"], r["to"]),
    )
    untaken = [{"from": a, "to": b} for a, b in sorted(plan.journey.branches) if (a, b) not in observed]
    transitions = sorted(({"from": a, "to": b, "count": c} for (a, b), c in observed.items()),
                         key=lambda r: (-r["count"], r["from"], r["to"]))
    unmatched_top = sorted(raw.unmatched.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_UNMATCHED]
    warnings = []
    overlaps = []
    for (name, tp, others), count in sorted(raw.overlaps.items(), key=lambda kv: (-kv[1], kv[0][0] or "", kv[0][1], kv[0][2])):
        overlaps.append({
            "event": name,
            "assigned_to": ids[tp],
            "also_matches": [ids[i] for i in others],
            "count": count,
        })
        warnings.append(
            f"{count} {name!r} event(s) match touchpoints {', '.join([ids[tp]] + [ids[i] for i in others])}: "
            f"each counts for the first in map order, {ids[tp]}"
        )
    unreached = [ids[i] for i in mapped if raw.reach.get(i, 0) == 0]

    metrics: dict[str, float | int | None] = {}
    for st in steps:
        prefix = f"{st['kind']}.{st['id']}"
        metrics[f"{prefix}.reach"] = st["reached"]
        metrics[f"{prefix}.conversion"] = st["conversion"]
        metrics[f"{prefix}.step_conversion"] = st["step_conversion"]
        metrics[f"{prefix}.dropoff"] = st["dropoff_rate"]
        metrics[f"{prefix}.median_seconds"] = st["time_from_previous"]["median_seconds"]
        metrics[f"{prefix}.p90_seconds"] = st["time_from_previous"]["p90_seconds"]
    for tp_id, count in reach.items():
        metrics.setdefault(f"touchpoint.{tp_id}.reach", count)
        metrics[f"touchpoint.{tp_id}.units"] = count
    metrics["funnel.entered"] = total
    metrics["funnel.converted"] = reached[n]
    metrics["funnel.conversion"] = _rate(reached[n], total)
    metrics["conformance.unmatched_share"] = _rate(raw.unmatched_in_range, raw.events_in_range)

    return {
        "semantics": sem.to_dict(),
        "counts": "attempts" if sem.attempt == "reentry" else "units",
        "steps_mode": "stages" if all(s.kind == "stage" for s in plan.steps) else "touchpoints",
        "steps": steps,
        "funnel": {"entered": total, "converted": reached[n], "conversion": _rate(reached[n], total)},
        "trend": trend,
        "breakdown": breakdown,
        "top_paths": [{"path": [ids[i] for i in path], "count": count} for path, count in top_paths],
        "touchpoints": reach,
        "transitions": transitions,
        "conformance": {
            "events_in_range": raw.events_in_range,
            "unmatched_events": raw.unmatched_in_range,
            "unmatched_share": _rate(raw.unmatched_in_range, raw.events_in_range),
            "top_unmatched": [{"event": k, "count": v} for k, v in unmatched_top],
            "unreached_touchpoints": unreached,
            "unexpected_transitions": unexpected,
            "untaken_branches": untaken,
            "transitions": sum(raw.transitions.values()),
        },
        "overlaps": overlaps,
        "totals": {
            "events_read": raw.events,
            "events_without_unit": raw.events_without_unit,
            "units": raw.units,
            "time_range": {"from": iso_time(raw.ts_min), "to": iso_time(raw.ts_max)},
        },
        "warnings": warnings,
        "engine": engine,
        "metrics": metrics,
    }
