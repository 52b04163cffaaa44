"""A funnel result as tables for people: the semantics it was computed with,
the funnel per step, reach per touchpoint, conformance, the trend by entry
week and the top paths. The command line draws them as terminal tables
(rich), Markdown or CSV; JSON is the result document itself.

Every table repeats nothing the result does not hold, and every output
starts with the semantics, because funnel numbers mean nothing without them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from cjm.present.escape import md_cell
from cjm.present.numbers import duration as _duration
from cjm.present.numbers import number
from cjm.present.numbers import percent as _pct


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


def semantics_line(data: dict[str, Any]) -> str:
    s = data["semantics"]
    parts = [f"unit {s['unit']}", f"entry {s['entry']}", f"order {s['order']}",
             f"window {_duration(s['window_seconds'])} from {s['window_start']} ({s['bounds']})",
             f"attempt {s['attempt']}", f"ties {s['ties']}", f"counting {s['counts']}"]
    if s.get("since") or s.get("until"):
        parts.append(f"entry between {s.get('since') or 'the start'} and {s.get('until') or 'the end'}")
    if s.get("exclusions"):
        parts.append(f"{len(s['exclusions'])} exclusion(s)")
    if s.get("limits"):
        parts.append("step limits on " + ", ".join(x["step"] for x in s["limits"]))
    if s.get("breakdown"):
        parts.append(f"breakdown by {s['breakdown']}")
    return "; ".join(parts)


def _step_name(names: dict[str, str], step: dict[str, Any]) -> str:
    # A stage and a touchpoint may share an id: a stage's name may be keyed "stage:<id>".
    return names.get(f"{step['kind']}:{step['id']}") or names.get(step["id"], step["id"])


def tables(data: dict[str, Any], names: dict[str, str] | None = None) -> list[Table]:
    """The result as tables; ``names`` maps touchpoint ids (and stage ids, or "stage:<id>" where
    a stage shares its id with a touchpoint) to their names."""
    names = names or {}
    out: list[Table] = []
    totals = data["totals"]
    span = totals["time_range"]
    funnel = Table(
        f"Funnel by {'stage' if data['steps_mode'] == 'stages' else 'touchpoint'} ({data['counts']})",
        ["#", "step", "reached", "from start", "from previous", "drop-off", "median time", "p90 time", "censored"],
        note=f"{number(totals['events_read'])} events, {number(totals['units'])} units, "
             f"{span['from'] or '–'} to {span['to'] or '–'}",
    )
    for st in data["steps"]:
        funnel.rows.append([str(st["step"]), _step_name(names, st), number(st["reached"]),
                            _pct(st["conversion"]), _pct(st["step_conversion"]),
                            "–" if st["dropoff"] is None else f"{number(st['dropoff'])} ({_pct(st['dropoff_rate'])})",
                            _duration(st["time_from_previous"]["median_seconds"]),
                            _duration(st["time_from_previous"]["p90_seconds"]), number(st["censored"])])
    out.append(funnel)
    reach = Table("Reach per touchpoint", ["touchpoint", "units"])
    for tp, count in data["touchpoints"].items():
        reach.rows.append([names.get(tp, tp), number(count)])
    out.append(reach)
    c = data["conformance"]
    conformance = Table("Conformance: where customers leave the map", ["what", "detail"])
    conformance.rows.append(["events on no touchpoint",
                             f"{number(c['unmatched_events'])} of {number(c['events_in_range'])} "
                             f"({_pct(c['unmatched_share'])})"])
    for item in c["top_unmatched"]:
        conformance.rows.append(["  unmapped event", f"{item['event']}: {number(item['count'])}"])
    for tp in c["unreached_touchpoints"]:
        conformance.rows.append(["mapped, nobody reaches it", names.get(tp, tp)])
    for t in c["unexpected_transitions"]:
        conformance.rows.append(["a move the map does not have",
                                 f"{names.get(t['from'], t['from'])} → {names.get(t['to'], t['to'])}: "
                                 f"{number(t['count'])}"])
    for t in c["untaken_branches"]:
        conformance.rows.append(["a branch nobody takes",
                                 f"{names.get(t['from'], t['from'])} → {names.get(t['to'], t['to'])}"])
    out.append(conformance)
    if data.get("breakdown"):
        b = data["breakdown"]
        table = Table(f"Breakdown by {b['by']} (at the {b['attribution']})",
                      ["segment", "entered", *[_step_name(names, s) for s in data["steps"]], "conversion"])
        for row in b["segments"]:
            table.rows.append([row["segment"], number(row["entered"]), *[number(r) for r in row["reached"]],
                               _pct(row["conversion"])])
        out.append(table)
    trend = Table("Trend by entry week", ["week", "entered", *[_step_name(names, s) for s in data["steps"]],
                                          "conversion"])
    for row in data["trend"]:
        trend.rows.append([row["week"], number(row["entered"]), *[number(r) for r in row["reached"]],
                           _pct(row["conversion"])])
    out.append(trend)
    paths = Table("Top paths", ["count", "path"])
    for p in data["top_paths"]:
        paths.rows.append([number(p["count"]), " → ".join(names.get(t, t) for t in p["path"])])
    out.append(paths)
    return out


def to_markdown(data: dict[str, Any], title: str, names: dict[str, str] | None = None) -> str:
    lines = [f"## Journey analytics: {md_cell(title)}", "", f"*{md_cell(semantics_line(data))}*", ""]
    for warning in data.get("warnings", []):
        lines += [f"> ⚠ {md_cell(warning)}", ""]
    for table in tables(data, names):
        lines += [f"### {md_cell(table.title)}", ""]
        if table.note:
            lines += [md_cell(table.note), ""]
        if not table.rows:
            lines += ["(none)", ""]
            continue
        lines.append("| " + " | ".join(md_cell(h) for h in table.headers) + " |")
        lines.append("|" + "|".join("---" for _ in table.headers) + "|")
        lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in table.rows]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_csv(data: dict[str, Any]) -> str:
    """One row per funnel step, with the semantics in the first columns (a
    spreadsheet keeps them next to the numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    s = data["semantics"]
    fixed = ["unit", "entry", "order", "window_seconds", "attempt", "ties", "counts"]
    writer.writerow([*fixed, "step", "kind", "id", "reached", "entered", "conversion", "step_conversion",
                     "dropoff", "dropoff_rate", "censored", "median_seconds_from_previous",
                     "p90_seconds_from_previous", "median_seconds_from_start", "p90_seconds_from_start"])
    for st in data["steps"]:
        writer.writerow([*(s[k] for k in fixed), st["step"], st["kind"], st["id"], st["reached"], st["entered"],
                         _raw(st["conversion"]), _raw(st["step_conversion"]), _raw(st["dropoff"]),
                         _raw(st["dropoff_rate"]), st["censored"],
                         _raw(st["time_from_previous"]["median_seconds"]), _raw(st["time_from_previous"]["p90_seconds"]),
                         _raw(st["time_from_start"]["median_seconds"]), _raw(st["time_from_start"]["p90_seconds"])])
    return buffer.getvalue()


def _raw(value: Any) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)
