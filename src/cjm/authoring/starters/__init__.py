"""Starter content for ``cjm init``: one YAML file of sample content per
industry, turned into each of the four map types.

A starter file holds a current-state journey whose touchpoints also carry the
service-blueprint lanes and a ``future:`` block, plus a ``day:`` section with
time-of-day stages. ``build_map`` keeps what each map type needs, so that the
four maps of one industry tell the same story and stay consistent.
"""

from __future__ import annotations

import datetime as _dt
from importlib import resources
from typing import Any

TEMPLATES = ("ecommerce", "retail", "travel", "banking", "b2b-saas")
LANES = ("frontstage", "backstage", "support", "policy")
TYPE_LABELS = {
    "current-state": "current state",
    "future-state": "future state",
    "day-in-the-life": "day in the life",
    "service-blueprint": "service blueprint",
}


def load_starter(template: str) -> dict[str, Any]:
    """The sample content of one industry (a plain dict)."""
    from cjm.loader import parse_text

    if template not in TEMPLATES:
        raise KeyError(template)
    text = resources.files(__package__).joinpath(f"{template}.yaml").read_text(encoding="utf-8")
    doc = parse_text(f"{template}.yaml", text)
    if doc.data is None:  # a packaging bug, not a user error
        raise RuntimeError(f"starter {template}.yaml cannot be loaded: {doc.findings}")
    return doc.data


def map_file_name(template: str, map_type: str) -> str:
    return f"{template}-{map_type}.yaml"


def _touchpoint(tp: dict, map_type: str, kept_pains: set[str] | None) -> dict:
    out = {k: v for k, v in tp.items() if k != "future" and (map_type == "service-blueprint" or k not in LANES)}
    if map_type == "future-state":
        future = tp.get("future", {})
        for key in ("description", "emotion", "feeling", "expectation"):
            if key in future:
                out[key] = future[key]
        assert kept_pains is not None
        pains = [p for p in tp.get("pain_points", []) if p["id"] in kept_pains]
        opportunities = []
        for o in tp.get("opportunities", []):
            addresses = [a for a in o.get("addresses", []) if a in kept_pains]
            if o.get("addresses") and not addresses:
                continue  # it was realised: the pain point is gone
            opportunities.append({**o, "addresses": addresses} if o.get("addresses") else o)
        for key, value in (("pain_points", pains), ("opportunities", opportunities)):
            if value:
                out[key] = value
            else:
                out.pop(key, None)
    return out


def build_map(template: str, map_type: str, reviewed: _dt.date) -> dict[str, Any]:
    """The map of one industry and type, as plain data."""
    spec = load_starter(template)
    label = TYPE_LABELS[map_type]
    day = map_type == "day-in-the-life"
    stages = spec["day"]["stages"] if day else spec["stages"]
    kept_pains: set[str] | None = None
    actions = [] if day else [dict(a) for a in spec.get("actions", [])]
    if map_type == "future-state":
        # Pain points that an action of the current map fixes are gone from the
        # future; the others stay, with the opportunities that address them.
        fixed = {pid for a in actions if a.get("status") != "dropped" for pid in a.get("addresses", [])}
        kept_pains = {p["id"] for s in stages for tp in s["touchpoints"] for p in tp.get("pain_points", [])} - fixed
        for a in actions:
            a["addresses"] = [pid for pid in a.get("addresses", []) if pid in kept_pains]
            if not a["addresses"]:
                del a["addresses"]
    out: dict[str, Any] = {
        "cjm": 1,
        "kind": "map",
        "id": f"{template}-{map_type}",
        "title": f"{spec['day']['title'] if day else spec['title']} ({label})",
        "goal": spec["day"]["goal"] if day else spec["goal"],
        "type": map_type,
        "description": spec.get("description"),
        "industry": spec.get("industry"),
        "market": spec.get("market"),
        "owner": spec.get("owner"),
        "reviewed": reviewed,
        "tags": [*spec.get("tags", []), map_type],
    }
    if map_type == "future-state":
        out["improves"] = map_file_name(template, "current-state")
    out["scale"] = spec.get("scale", {"min": -2, "max": 2})
    out["personas"] = spec["personas"]
    out["channels"] = spec.get("channels", [])
    if not day:
        out["kpis"] = spec.get("kpis", [])
    out["stages"] = [
        {**{k: v for k, v in stage.items() if k != "touchpoints" and not (day and k == "kpis")},
         "touchpoints": [_touchpoint(tp, map_type, kept_pains) for tp in stage["touchpoints"]]}
        for stage in stages
    ]
    if actions:
        out["actions"] = actions
    return {k: v for k, v in out.items() if v is not None and v != []}
