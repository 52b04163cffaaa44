"""What changed for the customer between two versions of a map, and the gap
between a current-state map and the future-state map that improves on it.

Everything is matched by id (stages, touchpoints, personas, pain points,
opportunities, actions, KPIs), never by position or name, so a rename is a
rename and not a removal plus an addition. ``diff_maps`` and ``gap`` return
plain, JSON-ready dicts (the documented ``json`` output); ``format_text`` and
``format_markdown`` present them. Nothing here reads files or prints.

Emotions: a touchpoint's score for everyone is compared as persona ``*``
("everyone"); when one side has per-persona scores, the other side's single
score counts for each persona the step applies to. When the scale changed, old
scores are first mapped linearly onto the new scale.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from cjm.model.scales import between
from cjm.model.walk import persona_ids
from cjm.present.escape import md_cell

EVERYONE = "*"
DIFF_FORMAT = "cjm-diff"
GAP_FORMAT = "cjm-gap"
VERSION = 1


# --- helpers -------------------------------------------------------------------


def num(x: float | int | None) -> float | int | None:
    """Numbers as JSON shows them: 2 dp, and whole numbers without a fraction."""
    if x is None:
        return None
    x = round(float(x), 2)
    return int(x) if x.is_integer() else x


def persona_names(m) -> dict[str, str]:
    return {(p if isinstance(p, str) else p.id): (p if isinstance(p, str) else p.name) for p in m.personas}


def touchpoint_index(m) -> dict[str, tuple[int, Any, int, Any]]:
    """Touchpoint id -> (stage position, stage, position in stage, touchpoint); first wins."""
    out: dict[str, tuple[int, Any, int, Any]] = {}
    for si, stage in enumerate(m.stages):
        for ti, tp in enumerate(stage.touchpoints):
            out.setdefault(tp.id, (si, stage, ti, tp))
    return out


def _raw_emotions(tp) -> dict[str, float]:
    if tp is None or tp.emotion is None:
        return {}
    if isinstance(tp.emotion, dict):
        return dict(tp.emotion)
    return {EVERYONE: tp.emotion}


def _expand(emotions: dict[str, float], tp, m) -> dict[str, float]:
    """A single score counts for each persona the step applies to (everyone
    when the map has no personas)."""
    if set(emotions) != {EVERYONE}:
        return emotions
    who = tp.personas if tp.personas is not None else persona_ids(m)
    if not who:
        return emotions
    return {p: emotions[EVERYONE] for p in who}


def _direction(delta: float) -> str:
    return "better" if delta > 0 else "worse" if delta < 0 else "same"


# --- the diff ------------------------------------------------------------------


def diff_maps(old, new, old_file: str = "old", new_file: str = "new") -> dict[str, Any]:
    """The changes from ``old`` to ``new`` (``JourneyMap`` models). Either may be
    None: a map that did not exist (everything added) or no longer exists."""
    from cjm.model.journey import JourneyMap

    # A map with nothing on it, built without validation (no validator to build
    # for a constant): the side of a map that does not exist.
    empty = JourneyMap.model_construct(cjm=1, title="", stages=[])
    o = old if old is not None else empty
    n = new if new is not None else empty
    result: dict[str, Any] = {
        "format": DIFF_FORMAT,
        "version": VERSION,
        "old": {"file": old_file, "title": old.title if old is not None else None, "exists": old is not None},
        "new": {"file": new_file, "title": new.title if new is not None else None, "exists": new is not None},
        "map": _map_facts(o, n) if old is not None and new is not None else [],
        "personas": _personas(o, n),
        "stages": _stages(o, n),
        "touchpoints": _touchpoints(o, n),
        "emotions": _emotions(o, n),
        "pain_points": _pain_points(o, n),
        "opportunities": _opportunities(o, n),
        "actions": _actions(o, n),
        "kpis": _kpis(o, n),
    }
    result["summary"] = summarize(result)
    result["_names"] = {**persona_names(o), **persona_names(n)}  # for the text formats; not in JSON
    return result


def _map_facts(o, n) -> list[dict]:
    out = []
    for field in ("title", "goal", "type", "improves", "owner"):
        a, b = getattr(o, field), getattr(n, field)
        if a != b:
            out.append({"field": field, "old": a, "new": b})
    if (o.scale.min, o.scale.max) != (n.scale.min, n.scale.max):
        out.append({"field": "scale", "old": f"{o.scale.min}..{o.scale.max}", "new": f"{n.scale.min}..{n.scale.max}"})
    return out


def _personas(o, n) -> dict[str, list]:
    a, b = persona_names(o), persona_names(n)
    return {
        "added": [{"id": p, "name": b[p]} for p in persona_ids(n) if p not in a],
        "removed": [{"id": p, "name": a[p]} for p in persona_ids(o) if p not in b],
        "renamed": [{"id": p, "old": a[p], "new": b[p]} for p in persona_ids(n) if p in a and a[p] != b[p]],
    }


def _stages(o, n) -> dict[str, Any]:
    a = {s.id: s for s in o.stages}
    b = {s.id: s for s in n.stages}
    common_old = [s.id for s in o.stages if s.id in b]
    common_new = [s.id for s in n.stages if s.id in a]
    return {
        "added": [{"id": s.id, "name": s.name, "position": i + 1} for i, s in enumerate(n.stages) if s.id not in a],
        "removed": [{"id": s.id, "name": s.name, "position": i + 1} for i, s in enumerate(o.stages) if s.id not in b],
        "renamed": [{"id": s.id, "old": a[s.id].name, "new": s.name} for s in n.stages
                    if s.id in a and a[s.id].name != s.name],
        "reordered": {"old": common_old, "new": common_new} if common_old != common_new else None,
    }


_TOUCHPOINT_FIELDS = ("channel", "mode", "action", "feeling", "expectation")


def _touchpoints(o, n) -> dict[str, list]:
    a, b = touchpoint_index(o), touchpoint_index(n)
    added, removed, renamed, moved, changed = [], [], [], [], []
    for tid, (_si, stage, _ti, tp) in b.items():
        if tid not in a:
            added.append({"id": tid, "name": tp.name, "stage": stage.id})
            continue
        _osi, ostage, _oti, otp = a[tid]
        if otp.name != tp.name:
            renamed.append({"id": tid, "old": otp.name, "new": tp.name, "stage": stage.id})
        if ostage.id != stage.id:
            moved.append({"id": tid, "name": tp.name, "from": ostage.id, "to": stage.id})
        for field in _TOUCHPOINT_FIELDS:
            x, y = getattr(otp, field), getattr(tp, field)
            if x != y:
                changed.append({"id": tid, "name": tp.name, "field": field, "old": x, "new": y})
    for tid, (_si, stage, _ti, tp) in a.items():
        if tid not in b:
            removed.append({"id": tid, "name": tp.name, "stage": stage.id})
    return {"added": added, "removed": removed, "renamed": renamed, "moved": moved, "changed": changed}


def _emotions(o, n) -> list[dict]:
    a, b = touchpoint_index(o), touchpoint_index(n)
    out = []
    for tid, (_si, _stage, _ti, tp) in b.items():
        otp = a[tid][3] if tid in a else None  # a new touchpoint: its scores are all added
        old = {k: between(v, o.scale, n.scale) for k, v in _raw_emotions(otp).items()}
        new = _raw_emotions(tp)
        if otp is not None and set(old) != set(new) and (EVERYONE in old or EVERYONE in new):
            old, new = _expand(old, otp, o), _expand(new, tp, n)
        # The new map's order first; a persona only on the old map after those.
        order = {p: i for i, p in enumerate(dict.fromkeys([EVERYONE] + persona_ids(n) + persona_ids(o)))}
        for persona in sorted(set(old) | set(new), key=lambda p: (order.get(p, len(order)), p)):
            x, y = old.get(persona), new.get(persona)
            if x is not None and y is not None and abs(x - y) < 1e-9:
                continue
            if x is None and y is None:
                continue
            record = {"touchpoint": tid, "name": tp.name, "persona": persona, "old": num(x), "new": num(y)}
            if x is None:
                record.update(delta=None, direction="added")
            elif y is None:
                record.update(delta=None, direction="removed")
            else:
                record.update(delta=num(y - x), direction=_direction(y - x))
            out.append(record)
    return out


def _all_pain_points(m) -> dict[str, tuple[Any, Any, Any]]:
    out: dict[str, tuple[Any, Any, Any]] = {}
    for stage in m.stages:
        for tp in stage.touchpoints:
            for p in tp.pain_points:
                out.setdefault(p.id, (p, tp, stage))
    return out


def _all_opportunities(m) -> dict[str, tuple[Any, Any]]:
    out: dict[str, tuple[Any, Any]] = {}
    for stage in m.stages:
        for tp in stage.touchpoints:
            for x in tp.opportunities:
                out.setdefault(x.id, (x, tp))
    return out


def _pain_points(o, n) -> dict[str, list]:
    a, b = _all_pain_points(o), _all_pain_points(n)
    opened = [{"id": pid, "title": p.title, "severity": p.severity, "touchpoint": tp.id, "stage": st.id}
              for pid, (p, tp, st) in b.items() if pid not in a]
    # A pain point whose touchpoint is gone was not fixed: it went with its step.
    steps = touchpoint_index(n)
    gone = [{"id": pid, "title": p.title, "severity": p.severity, "touchpoint": tp.id, "stage": st.id}
            for pid, (p, tp, st) in a.items() if pid not in b]
    closed = [x for x in gone if x["touchpoint"] in steps]
    removed = [x for x in gone if x["touchpoint"] not in steps]
    changed = []
    for pid, (p, tp, _st) in b.items():
        if pid not in a:
            continue
        q, otp, _ost = a[pid]
        for field, x, y in (("title", q.title, p.title), ("severity", q.severity, p.severity),
                            ("touchpoint", otp.id, tp.id)):
            if x != y:
                changed.append({"id": pid, "title": p.title, "field": field, "old": x, "new": y})
    return {"opened": opened, "closed": closed, "removed": removed, "changed": changed}


def _opportunities(o, n) -> dict[str, list]:
    a, b = _all_opportunities(o), _all_opportunities(n)
    return {
        "added": [{"id": k, "title": x.title, "touchpoint": tp.id} for k, (x, tp) in b.items() if k not in a],
        "removed": [{"id": k, "title": x.title, "touchpoint": tp.id} for k, (x, tp) in a.items() if k not in b],
    }


def _actions(o, n) -> dict[str, list]:
    a = {x.id: x for x in o.actions}
    b = {x.id: x for x in n.actions}
    return {
        "added": [{"id": x.id, "title": x.title, "status": x.status, "owner": x.owner} for x in n.actions
                  if x.id not in a],
        "removed": [{"id": x.id, "title": x.title, "status": x.status, "owner": x.owner} for x in o.actions
                    if x.id not in b],
        "status_changed": [{"id": x.id, "title": x.title, "old": a[x.id].status, "new": x.status}
                           for x in n.actions if x.id in a and a[x.id].status != x.status],
    }


def _kpis(o, n) -> dict[str, list]:
    a = {k.id: k for k in o.kpis}
    b = {k.id: k for k in n.kpis}
    changed = []
    for k in n.kpis:
        if k.id not in a:
            continue
        ok = a[k.id]
        for field in ("target", "actual", "unit"):
            x, y = getattr(ok, field), getattr(k, field)
            if x == y:
                continue
            record = {"id": k.id, "name": k.name, "field": field, "old": x, "new": y, "unit": k.unit}
            if field != "unit" and x is not None and y is not None:
                record["delta"] = num(y - x)
                if field == "actual" and k.direction:
                    up = y > x
                    record["direction"] = "better" if up == (k.direction == "higher-is-better") else "worse"
            changed.append(record)
    return {
        "added": [{"id": k.id, "name": k.name, "target": k.target, "actual": k.actual, "unit": k.unit}
                  for k in n.kpis if k.id not in a],
        "removed": [{"id": k.id, "name": k.name} for k in o.kpis if k.id not in b],
        "changed": changed,
    }


def summarize(d: dict[str, Any]) -> dict[str, int]:
    """Counts per kind of change; ``changes`` is their total."""
    s = {
        "map": len(d["map"]),
        "personas_added": len(d["personas"]["added"]),
        "personas_removed": len(d["personas"]["removed"]),
        "personas_renamed": len(d["personas"]["renamed"]),
        "stages_added": len(d["stages"]["added"]),
        "stages_removed": len(d["stages"]["removed"]),
        "stages_renamed": len(d["stages"]["renamed"]),
        "stages_reordered": 1 if d["stages"]["reordered"] else 0,
        "touchpoints_added": len(d["touchpoints"]["added"]),
        "touchpoints_removed": len(d["touchpoints"]["removed"]),
        "touchpoints_renamed": len(d["touchpoints"]["renamed"]),
        "touchpoints_moved": len(d["touchpoints"]["moved"]),
        "touchpoints_changed": len(d["touchpoints"]["changed"]),
        "emotions_better": sum(1 for e in d["emotions"] if e["direction"] == "better"),
        "emotions_worse": sum(1 for e in d["emotions"] if e["direction"] == "worse"),
        "emotions_added": sum(1 for e in d["emotions"] if e["direction"] == "added"),
        "emotions_removed": sum(1 for e in d["emotions"] if e["direction"] == "removed"),
        "pain_points_opened": len(d["pain_points"]["opened"]),
        "pain_points_closed": len(d["pain_points"]["closed"]),
        "pain_points_removed": len(d["pain_points"]["removed"]),
        "pain_points_changed": len(d["pain_points"]["changed"]),
        "opportunities_added": len(d["opportunities"]["added"]),
        "opportunities_removed": len(d["opportunities"]["removed"]),
        "actions_added": len(d["actions"]["added"]),
        "actions_removed": len(d["actions"]["removed"]),
        "actions_status_changed": len(d["actions"]["status_changed"]),
        "kpis_added": len(d["kpis"]["added"]),
        "kpis_removed": len(d["kpis"]["removed"]),
        "kpis_changed": len(d["kpis"]["changed"]),
    }
    s["changes"] = sum(s.values())
    return s


def has_changes(d: dict[str, Any]) -> bool:
    return d["summary"]["changes"] > 0 or d["old"]["exists"] != d["new"]["exists"]


_SUMMARY_WORDS = (
    ("touchpoints_added", "touchpoint added", "touchpoints added"),
    ("touchpoints_removed", "touchpoint removed", "touchpoints removed"),
    ("touchpoints_moved", "touchpoint moved", "touchpoints moved"),
    ("touchpoints_renamed", "touchpoint renamed", "touchpoints renamed"),
    ("touchpoints_changed", "touchpoint detail changed", "touchpoint details changed"),
    ("emotions_better", "emotion better", "emotions better"),
    ("emotions_worse", "emotion worse", "emotions worse"),
    ("emotions_added", "emotion added", "emotions added"),
    ("emotions_removed", "emotion removed", "emotions removed"),
    ("pain_points_opened", "pain point opened", "pain points opened"),
    ("pain_points_closed", "pain point closed", "pain points closed"),
    ("pain_points_removed", "pain point removed with its touchpoint", "pain points removed with their touchpoints"),
    ("pain_points_changed", "pain point changed", "pain points changed"),
    ("opportunities_added", "opportunity added", "opportunities added"),
    ("opportunities_removed", "opportunity removed", "opportunities removed"),
    ("actions_added", "action added", "actions added"),
    ("actions_removed", "action removed", "actions removed"),
    ("actions_status_changed", "action status changed", "action statuses changed"),
    ("kpis_changed", "KPI value changed", "KPI values changed"),
    ("kpis_added", "KPI added", "KPIs added"),
    ("kpis_removed", "KPI removed", "KPIs removed"),
    ("stages_reordered", "stage order changed", "stage orders changed"),
    ("stages_renamed", "stage renamed", "stages renamed"),
    ("stages_added", "stage added", "stages added"),
    ("stages_removed", "stage removed", "stages removed"),
    ("personas_added", "persona added", "personas added"),
    ("personas_removed", "persona removed", "personas removed"),
    ("personas_renamed", "persona renamed", "personas renamed"),
    ("map", "map fact changed", "map facts changed"),
)


def summary_line(d: dict[str, Any]) -> str:
    s = d["summary"]
    if not d["old"]["exists"]:
        return "new map"
    if not d["new"]["exists"]:
        return "map removed"
    if not s["changes"]:
        return "no changes for the customer"
    parts = [f"{s[k]} {one if s[k] == 1 else many}" for k, one, many in _SUMMARY_WORDS if s[k]]
    rest = s["changes"] - sum(s[k] for k, _one, _many in _SUMMARY_WORDS)
    if rest:
        parts.append(f"{rest} other change{'s' if rest != 1 else ''}")
    total = s["changes"]
    return f"{total} change{'s' if total != 1 else ''}: " + ", ".join(parts)


# --- current vs future ---------------------------------------------------------


def _stage_emotions(stage, m, scale_from=None, scale_to=None) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for tp in stage.touchpoints:
        for persona, value in _expand(_raw_emotions(tp), tp, m).items():
            if scale_from is not None:
                value = between(value, scale_from, scale_to)
            out.setdefault(persona, []).append(value)
    return out


def _avg(values: list[float] | None) -> float | None:
    return num(sum(values) / len(values)) if values else None


def gap(current, future, current_file: str = "current", future_file: str = "future") -> dict[str, Any]:
    """Stage by stage: average emotion per persona before and after (current
    scores mapped onto the future map's scale), and the current map's pain
    points resolved (gone from the future map) or remaining, plus new ones."""
    cur_pains, fut_pains = _all_pain_points(current), _all_pain_points(future)
    addressed: dict[str, list[str]] = {}
    for m in (future, current):
        for a in m.actions:
            if a.status == "dropped":
                continue
            for pid in a.addresses:
                if a.id not in addressed.setdefault(pid, []):
                    addressed[pid].append(a.id)
    cur_stages = {s.id: s for s in current.stages}
    fut_stages = {s.id: s for s in future.stages}
    order = [s.id for s in future.stages] + [s.id for s in current.stages if s.id not in fut_stages]
    personas = list(dict.fromkeys([EVERYONE] + persona_ids(future) + persona_ids(current)))
    stages = []
    totals = {"resolved": 0, "remaining": 0, "new": 0}
    for sid in order:
        cs, fs = cur_stages.get(sid), fut_stages.get(sid)
        before = _stage_emotions(cs, current, current.scale, future.scale) if cs else {}
        after = _stage_emotions(fs, future) if fs else {}
        rows = []
        for p in personas:
            if p not in before and p not in after:
                continue
            b, a = _avg(before.get(p)), _avg(after.get(p))
            rows.append({"persona": p, "current": b, "future": a,
                         "delta": num(a - b) if a is not None and b is not None else None})
        resolved, remaining, new = [], [], []
        for pid, (pain, tp, st) in cur_pains.items():
            if st.id != sid:
                continue
            entry = {"id": pid, "title": pain.title, "severity": pain.severity, "touchpoint": tp.id,
                     "actions": addressed.get(pid, [])}
            (remaining if pid in fut_pains else resolved).append(entry)
        for pid, (pain, tp, st) in fut_pains.items():
            if st.id == sid and pid not in cur_pains:
                new.append({"id": pid, "title": pain.title, "severity": pain.severity, "touchpoint": tp.id,
                            "actions": addressed.get(pid, [])})
        totals["resolved"] += len(resolved)
        totals["remaining"] += len(remaining)
        totals["new"] += len(new)
        stages.append({
            "id": sid,
            "name": (fs or cs).name,
            "in": "both" if cs and fs else "current" if cs else "future",
            "emotion": rows,
            "pain_points": {"resolved": resolved, "remaining": remaining, "new": new},
        })
    names = {**persona_names(current), **persona_names(future), EVERYONE: "everyone"}
    return {
        "format": GAP_FORMAT,
        "version": VERSION,
        "current": {"file": current_file, "title": current.title, "scale": [current.scale.min, current.scale.max]},
        "future": {"file": future_file, "title": future.title, "scale": [future.scale.min, future.scale.max]},
        "personas": [{"id": p, "name": names.get(p, p)} for p in personas
                     if any(r["persona"] == p for s in stages for r in s["emotion"])],
        "stages": stages,
        "totals": totals,
    }


# --- text ----------------------------------------------------------------------


def _fmt(x) -> str:
    if x is None:
        return "none"
    if isinstance(x, float):
        return str(num(x))
    return str(x)


def _signed(x) -> str:
    return "n/a" if x is None else (f"+{x}" if x > 0 else str(x))


def _who(p: str, names: dict[str, str]) -> str:
    return "everyone" if p == EVERYONE else names.get(p, p)


def _one_line(text) -> str:
    return " ".join(str(text).split()) if text is not None else "none"


def changes(d: dict[str, Any]) -> list[tuple[str, str, str, str | None, str]]:
    """Every change of one diff as (section, kind, id, persona, line), in the
    order of the text output: the one wording for text and for notes."""
    q = _one_line
    names = d.get("_names", {})
    out: list[tuple[str, str, str, str | None, str]] = []

    def add(section: str, kind: str, ident: str, line: str, persona: str | None = None) -> None:
        out.append((section, kind, ident, persona, line))

    for c in d["map"]:
        add("Map", "map", c["field"], f"~ {c['field']}: {q(c['old'])} -> {q(c['new'])}")
    p = d["personas"]
    for x in p["added"]:
        add("Personas", "persona", x["id"], f"+ {x['id']} ({q(x['name'])})")
    for x in p["removed"]:
        add("Personas", "persona", x["id"], f"- {x['id']} ({q(x['name'])})")
    for x in p["renamed"]:
        add("Personas", "persona", x["id"], f"~ {x['id']} renamed: {q(x['old'])} -> {q(x['new'])}")
    s = d["stages"]
    for x in s["added"]:
        add("Stages", "stage", x["id"], f"+ {x['id']} ({q(x['name'])}) at position {x['position']}")
    for x in s["removed"]:
        add("Stages", "stage", x["id"], f"- {x['id']} ({q(x['name'])})")
    for x in s["renamed"]:
        add("Stages", "stage", x["id"], f"~ {x['id']} renamed: {q(x['old'])} -> {q(x['new'])}")
    if s["reordered"]:
        add("Stages", "map", "stages",
            f"> order: {', '.join(s['reordered']['old'])} -> {', '.join(s['reordered']['new'])}")
    t = d["touchpoints"]
    for x in t["added"]:
        add("Touchpoints", "touchpoint", x["id"], f"+ {x['id']} ({q(x['name'])}) in {x['stage']}")
    for x in t["removed"]:
        add("Touchpoints", "stage", x["stage"], f"- {x['id']} ({q(x['name'])}) from {x['stage']}")
    for x in t["renamed"]:
        add("Touchpoints", "touchpoint", x["id"], f"~ {x['id']} renamed: {q(x['old'])} -> {q(x['new'])}")
    for x in t["moved"]:
        add("Touchpoints", "touchpoint", x["id"], f"> {x['id']} ({q(x['name'])}) moved: {x['from']} -> {x['to']}")
    for x in t["changed"]:
        add("Touchpoints", "touchpoint", x["id"], f"~ {x['id']} {x['field']}: {q(x['old'])} -> {q(x['new'])}")
    for e in d["emotions"]:
        mark = "+" if e["direction"] in ("better", "added") else "-" if e["direction"] in ("worse", "removed") else "~"
        how = f" ({_signed(e['delta'])}, {e['direction']})" if e["delta"] is not None else f" ({e['direction']})"
        add("Emotions", "emotion", e["touchpoint"],
            f"{mark} {e['touchpoint']} ({q(e['name'])}), {q(_who(e['persona'], names))}: "
            f"{_fmt(e['old'])} -> {_fmt(e['new'])}{how}", e["persona"])
    pp = d["pain_points"]
    for x in pp["opened"]:
        add("Pain points", "pain_point", x["id"], f"+ opened {x['id']} ({q(x['title'])}) at {x['touchpoint']}")
    for x in pp["closed"]:
        add("Pain points", "touchpoint", x["touchpoint"], f"- closed {x['id']} ({q(x['title'])}) at {x['touchpoint']}")
    for x in pp["removed"]:
        add("Pain points", "stage", x["stage"],
            f"- removed with its touchpoint {x['touchpoint']}: {x['id']} ({q(x['title'])})")
    for x in pp["changed"]:
        add("Pain points", "pain_point", x["id"], f"~ {x['id']} {x['field']}: {q(x['old'])} -> {q(x['new'])}")
    op = d["opportunities"]
    for x in op["added"]:
        add("Opportunities", "opportunity", x["id"], f"+ {x['id']} ({q(x['title'])}) at {x['touchpoint']}")
    for x in op["removed"]:
        add("Opportunities", "touchpoint", x["touchpoint"], f"- {x['id']} ({q(x['title'])}) at {x['touchpoint']}")
    ac = d["actions"]
    for x in ac["added"]:
        add("Actions", "action", x["id"], f"+ {x['id']} ({q(x['title'])}) [{x['status']}]")
    for x in ac["removed"]:
        add("Actions", "map", "actions", f"- {x['id']} ({q(x['title'])}) [{x['status']}]")
    for x in ac["status_changed"]:
        add("Actions", "action", x["id"], f"~ {x['id']} ({q(x['title'])}) status: {x['old']} -> {x['new']}")
    k = d["kpis"]
    for x in k["added"]:
        add("KPIs", "kpi", x["id"], f"+ {x['id']} ({q(x['name'])})")
    for x in k["removed"]:
        add("KPIs", "map", "kpis", f"- {x['id']} ({q(x['name'])})")
    for x in k["changed"]:
        add("KPIs", "kpi", x["id"], f"~ {x['id']} {x['field']}: {_fmt(x['old'])} -> {_fmt(x['new'])}"
            + (f" {x['unit']}" if x["unit"] and x["field"] != "unit" else "")
            + (f" ({x['direction']})" if x.get("direction") else ""))
    return out


def _text_lines(d: dict[str, Any]) -> list[str]:
    """The body lines (without the header) of one diff, for text output."""
    lines: list[str] = []
    current = None
    for section, _kind, _ident, _persona, line in changes(d):
        if section != current:
            lines.append(f"{section}:")
            current = section
        lines.append(f"  {line}")
    return lines


def change_notes(diffs: list[dict[str, Any]], locate) -> list[Any]:
    """Each change as an info finding (CJM501) at its place in the new file:
    ``locate(new_file, kind, id, persona)`` gives the span. Removed things sit
    at what held them (their stage, the map)."""
    from cjm.diagnostics.codes import MAP_CHANGE

    out = []
    for d in diffs:
        new_file = d["new"]["file"]
        if not d["old"]["exists"]:
            out.append(MAP_CHANGE.finding("new map", locate(new_file, "map", "title", None)))
            continue
        for section, kind, ident, persona, line in changes(d):
            out.append(MAP_CHANGE.finding(f"{section}: {line}", locate(new_file, kind, ident, persona)))
    return out


def format_text(diffs: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for d in diffs:
        out.append(f"{d['old']['file']} -> {d['new']['file']}: {summary_line(d)}")
        out.extend(_text_lines(d))
    return "\n".join(out) + "\n"


def format_gap_text(g: dict[str, Any]) -> str:
    names = {p["id"]: p["name"] for p in g["personas"]}
    out = [f"{g['current']['file']} (current) -> {g['future']['file']} (future): "
           f"{g['totals']['resolved']} pain points resolved, {g['totals']['remaining']} remaining, "
           f"{g['totals']['new']} new"]
    for s in g["stages"]:
        where = "" if s["in"] == "both" else f" (only in the {s['in']} map)"
        out.append(f"{s['id']} ({_one_line(s['name'])}){where}:")
        for r in s["emotion"]:
            out.append(f"  emotion {_who(r['persona'], names)}: {_fmt(r['current'])} -> {_fmt(r['future'])}"
                       + (f" ({_signed(r['delta'])})" if r["delta"] is not None else ""))
        for kind, mark in (("resolved", "-"), ("remaining", "!"), ("new", "+")):
            for x in s["pain_points"][kind]:
                acts = f" [actions: {', '.join(x['actions'])}]" if x["actions"] else ""
                out.append(f"  {mark} {kind} {x['id']} ({_one_line(x['title'])}){acts}")
    return "\n".join(out) + "\n"


# --- Markdown ------------------------------------------------------------------

def md(text) -> str:
    """User text for a Markdown table cell: the one Markdown escaper
    (``cjm.present.escape.md_cell``), so a diff comment pings nobody either."""
    return md_cell(text)


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    rows = list(rows)
    if not rows:
        return []
    return (["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
            + ["| " + " | ".join(r) + " |" for r in rows] + [""])


def _code(text: str) -> str:
    """An id in a code span: ids hold only [a-z0-9_-], so no escaping is needed,
    but anything else is escaped as text rather than trusted."""
    return f"`{text}`" if re.fullmatch(r"[a-z0-9_*-]+", str(text)) else md(text)


def _markdown_body(d: dict[str, Any]) -> list[str]:
    out: list[str] = []
    names = d.get("_names", {})

    def block(title: str, header: list[str], rows: list[list[str]]) -> None:
        table = _table(header, rows)
        if table:
            out.extend([f"#### {title}", ""] + table)

    block("Map", ["Field", "Before", "After"], [[c["field"], md(c["old"]), md(c["new"])] for c in d["map"]])
    p = d["personas"]
    block("Personas", ["Change", "Persona", "Name"],
          [["added", _code(x["id"]), md(x["name"])] for x in p["added"]]
          + [["removed", _code(x["id"]), md(x["name"])] for x in p["removed"]]
          + [["renamed", _code(x["id"]), f"{md(x['old'])} → {md(x['new'])}"] for x in p["renamed"]])
    s = d["stages"]
    rows = ([["added", _code(x["id"]), md(x["name"])] for x in s["added"]]
            + [["removed", _code(x["id"]), md(x["name"])] for x in s["removed"]]
            + [["renamed", _code(x["id"]), f"{md(x['old'])} → {md(x['new'])}"] for x in s["renamed"]])
    if s["reordered"]:
        rows.append(["reordered", "", ", ".join(_code(i) for i in s["reordered"]["old"]) + " → "
                     + ", ".join(_code(i) for i in s["reordered"]["new"])])
    block("Stages", ["Change", "Stage", "Details"], rows)
    t = d["touchpoints"]
    block("Touchpoints", ["Change", "Touchpoint", "Details"],
          [["added", _code(x["id"]), f"{md(x['name'])} in {_code(x['stage'])}"] for x in t["added"]]
          + [["removed", _code(x["id"]), f"{md(x['name'])} from {_code(x['stage'])}"] for x in t["removed"]]
          + [["renamed", _code(x["id"]), f"{md(x['old'])} → {md(x['new'])}"] for x in t["renamed"]]
          + [["moved", _code(x["id"]), f"{md(x['name'])}: {_code(x['from'])} → {_code(x['to'])}"]
             for x in t["moved"]]
          + [[f"{x['field']} changed", _code(x["id"]), f"{md(x['old'])} → {md(x['new'])}"] for x in t["changed"]])
    arrows = {"better": "▲ better", "worse": "▼ worse", "added": "added", "removed": "removed", "same": "same"}
    block("Emotions", ["Touchpoint", "Persona", "Before", "After", "Change"],
          [[f"{md(e['name'])} ({_code(e['touchpoint'])})", md(_who(e["persona"], names)), md(_fmt(e["old"])),
            md(_fmt(e["new"])), (f"{md(_signed(e['delta']))} " if e["delta"] is not None else "")
            + arrows[e["direction"]]] for e in d["emotions"]])
    pp = d["pain_points"]
    block("Pain points", ["Change", "Pain point", "Touchpoint", "Details"],
          [["opened", _code(x["id"]), _code(x["touchpoint"]), md(x["title"])
            + (f" ({md(x['severity'])})" if x["severity"] else "")] for x in pp["opened"]]
          + [["closed", _code(x["id"]), _code(x["touchpoint"]), md(x["title"])] for x in pp["closed"]]
          + [["removed with its touchpoint", _code(x["id"]), _code(x["touchpoint"]), md(x["title"])]
             for x in pp["removed"]]
          + [[f"{x['field']} changed", _code(x["id"]), "", f"{md(x['old'])} → {md(x['new'])}"]
             for x in pp["changed"]])
    op = d["opportunities"]
    block("Opportunities", ["Change", "Opportunity", "Touchpoint", "Title"],
          [["added", _code(x["id"]), _code(x["touchpoint"]), md(x["title"])] for x in op["added"]]
          + [["removed", _code(x["id"]), _code(x["touchpoint"]), md(x["title"])] for x in op["removed"]])
    ac = d["actions"]
    block("Actions", ["Change", "Action", "Title", "Status"],
          [["added", _code(x["id"]), md(x["title"]), md(x["status"])] for x in ac["added"]]
          + [["removed", _code(x["id"]), md(x["title"]), md(x["status"])] for x in ac["removed"]]
          + [["status changed", _code(x["id"]), md(x["title"]), f"{md(x['old'])} → {md(x['new'])}"]
             for x in ac["status_changed"]])
    k = d["kpis"]
    block("KPIs", ["Change", "KPI", "Details"],
          [["added", _code(x["id"]), md(x["name"])] for x in k["added"]]
          + [["removed", _code(x["id"]), md(x["name"])] for x in k["removed"]]
          + [[f"{x['field']} changed", _code(x["id"]),
              f"{md(x['name'])}: {md(_fmt(x['old']))} → {md(_fmt(x['new']))}"
              + (f" {md(x['unit'])}" if x["unit"] and x["field"] != "unit" else "")
              + (f" ({x['direction']})" if x.get("direction") else "")] for x in k["changed"]])
    return out


def format_markdown(diffs: list[dict[str, Any]]) -> str:
    total = sum(d["summary"]["changes"] for d in diffs)
    changed = sum(1 for d in diffs if has_changes(d))
    out = ["### Journey map changes", ""]
    if len(diffs) != 1:
        out += [f"**{total} change{'s' if total != 1 else ''}** in {changed} of {len(diffs)} maps", ""]
    for d in diffs:
        if len(diffs) != 1:
            out += [f"#### {md(d['new']['file'] if d['new']['exists'] else d['old']['file'])}", ""]
        out += [f"**{md(summary_line(d))}** ({md(d['old']['file'])} → {md(d['new']['file'])})", ""]
        out += _markdown_body(d)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --- the pull-request comment ---------------------------------------------------------------------

COMMENT_MARKER = "<!-- cjm-review:{key} -->"
GITHUB_LIMIT = 65_536  # characters in an issue or pull-request comment
_HEADLINE = (  # what the counts line shows first, in this order
    ("emotions_better", "▲", "emotion better", "emotions better"),
    ("emotions_worse", "▼", "emotion worse", "emotions worse"),
    ("pain_points_opened", "⚠️", "pain point opened", "pain points opened"),
    ("pain_points_closed", "✅", "pain point closed", "pain points closed"),
    ("touchpoints_added", "➕", "touchpoint added", "touchpoints added"),
    ("touchpoints_removed", "➖", "touchpoint removed", "touchpoints removed"),
)


def comment_length(text: str) -> int:
    """The length GitHub counts, never less: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def comment_marker(key: str = "cjm") -> str:
    """The hidden first line that finds this comment again on the next push."""
    safe = re.sub(r"[^A-Za-z0-9_./-]", "-", key or "cjm")[:100]
    return COMMENT_MARKER.format(key=safe)


def _file_of(d: dict[str, Any]) -> str:
    return d["new"]["file"] if d["new"]["exists"] else d["old"]["file"]


def _counts_line(diffs: list[dict[str, Any]]) -> str:
    total = {key: sum(d["summary"][key] for d in diffs) for key, _i, _o, _m in _HEADLINE}
    parts = [f"{icon} {total[key]} {one if total[key] == 1 else many}" for key, icon, one, many in _HEADLINE
             if total[key]]
    return " · ".join(parts)


def format_comment(diffs: list[dict[str, Any]], *, key: str = "cjm", max_chars: int = GITHUB_LIMIT,
                   summary_url: str | None = None, pictures_url: str | None = None,
                   pictures: list[str] | None = None, revision: str | None = None) -> str:
    """The pull-request comment: a hidden marker, the counts first, then one collapsed
    ``<details>`` block per changed map (its Markdown diff), pictures, and a footer.

    Always at most ``max_chars`` long (as ``comment_length`` counts): maps that do not
    fit are left out, and a map whose details alone do not fit is cut at a line, both
    with a note that links ``summary_url`` (the job summary, which holds the whole
    diff). Map text is escaped as in ``format_markdown``: no HTML (so it can never
    close the ``<details>``), no @mentions or #references."""
    changed = [d for d in diffs if has_changes(d)]
    marker = comment_marker(key)
    head = [marker, "### 🗺️ Journey map changes", ""]
    if not changed:
        head.append("No changes for the customer in "
                    + (f"{len(diffs)} map{'s' if len(diffs) != 1 else ''}" if diffs else "the maps")
                    + " (edits that change no meaning, such as `cjm fmt`, are not shown).")
        return "\n".join(head) + "\n"
    total = sum(d["summary"]["changes"] for d in changed)
    head.append(f"**{total} change{'s' if total != 1 else ''} for the customer in {len(changed)} "
                f"map{'s' if len(changed) != 1 else ''}**" + (f" · {_counts_line(changed)}" if _counts_line(changed)
                                                              else ""))
    head.append("")
    table = ["| Map | Changes | Summary |", "|---|---:|---|"]
    table += [f"| {md(_file_of(d))} | {d['summary']['changes']} | {md(summary_line(d))} |" for d in changed]
    link = f"[job summary](<{summary_url}>)" if summary_url and _safe_link(summary_url) else "job summary"
    footer = []
    if pictures_url and _safe_link(pictures_url):
        shown = ", ".join(md(p) for p in (pictures or [])[:20])
        footer += ["", f"🖼️ **Before and after pictures** of the changed maps: [download them](<{pictures_url}>)"
                   + (f" ({shown}{', …' if len(pictures or []) > 20 else ''})" if shown else "")]
    footer += ["", "<sub>Made by <code>cjm diff -f comment</code>"
               + (f" for {md(revision)}" if revision else "")
               + (f"; the whole diff is in the {link}" if summary_url else "") + ".</sub>"]

    def cut_note(left: int) -> list[str]:
        return ["", f"⚠️ This comment is cut to stay under GitHub's {max_chars:,}-character limit: {left} more "
                f"map{'s' if left != 1 else ''} (or the rest of one) {'are' if left != 1 else 'is'} in the {link}."]

    def size(lines: list[str]) -> int:
        return comment_length("\n".join(lines) + "\n")

    out = head[:]
    # The table is part of "counts first"; with thousands of maps even it is cut.
    kept_rows = table[:2]
    for row in table[2:]:
        if size(out + kept_rows + [row] + cut_note(len(changed)) + footer) > max_chars:
            break
        kept_rows.append(row)
    out += kept_rows
    dropped_rows = len(table) - len(kept_rows)
    if dropped_rows:
        out += ["", f"…and {dropped_rows} more map{'s' if dropped_rows != 1 else ''} in the {link}."]
    left = len(changed)
    for d in changed:
        body = _markdown_body(d)
        while body and body[-1] == "":
            body.pop()
        block = ["", f"<details><summary>{md(_file_of(d))}: {md(summary_line(d))}</summary>", ""] \
            + body + ["", "</details>"]
        if size(out + block + cut_note(left - 1) + footer) <= max_chars:
            out += block
            left -= 1
            continue
        # Not the whole block: as many of its lines as fit, closed properly, and then stop.
        room = block[:4]
        for line in block[4:-2]:
            if size(out + room + [line, "", "</details>"] + cut_note(left) + footer) > max_chars:
                break
            room.append(line)
        if len(room) > 4:
            out += room + ["", "</details>"]
        break
    if left:
        out += cut_note(left)
    out += footer
    return "\n".join(out) + "\n"


def _safe_link(url: str) -> bool:
    from cjm.present.escape import safe_url

    return safe_url(url) == url and url.startswith(("https://", "http://"))


def format_gap_markdown(g: dict[str, Any]) -> str:
    names = {p["id"]: p["name"] for p in g["personas"]}
    t = g["totals"]
    out = [f"### Current vs future: {md(g['future']['title'])}", "",
           f"**{t['resolved']} pain points resolved, {t['remaining']} remaining, {t['new']} new** "
           f"({md(g['current']['file'])} → {md(g['future']['file'])})", ""]
    rows = []
    for s in g["stages"]:
        for r in s["emotion"]:
            rows.append([md(s["name"]) + ("" if s["in"] == "both" else f" (only {s['in']})"),
                         md(_who(r["persona"], names)), md(_fmt(r["current"])), md(_fmt(r["future"])),
                         md(_signed(r["delta"])) if r["delta"] is not None else ""])
    table = _table(["Stage", "Persona", "Current", "Future", "Change"], rows)
    if table:
        out += ["#### Average emotion per stage", ""] + table
    pains = []
    for s in g["stages"]:
        for kind in ("resolved", "remaining", "new"):
            for x in s["pain_points"][kind]:
                pains.append([md(s["name"]), kind, _code(x["id"]), md(x["title"]),
                              ", ".join(_code(a) for a in x["actions"])])
    table = _table(["Stage", "Status", "Pain point", "Title", "Actions"], pains)
    if table:
        out += ["#### Pain points", ""] + table
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def to_json(obj: Any) -> str:
    import json

    def clean(x):
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items() if not k.startswith("_")}
        if isinstance(x, list):
            return [clean(v) for v in x]
        return x

    return json.dumps(clean(obj), indent=2, ensure_ascii=False, default=str) + "\n"
