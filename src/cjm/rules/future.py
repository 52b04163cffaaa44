"""Rules for future-state maps: a map that ``improves:`` a current-state map.

The improved-on map is loaded here, relative to the future map's file, with
the same loader and schema check as ``cjm validate`` (``cjm.model.document``;
schema only: its own findings are reported when it is checked itself). Loaded
maps are cached per process by path, modification time and size.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cjm.diagnostics import Severity
from cjm.rules import RuleContext, Yielded, rule

_CACHE: dict[tuple[str, int, int], tuple[Any, str]] = {}


def _first_problem(findings) -> str:
    f = sorted(findings, key=lambda f: f.sort_key())[0]
    return f"{f.span}: {f.message}"


def improved_map(ctx: RuleContext) -> tuple[Any, str, str]:
    """(model or None, the path as shown, why it could not be used)."""
    target = ctx.model.improves
    base = Path(ctx.file).parent if not ctx.file.startswith("<") else Path(".")
    path = base / target
    shown = path.as_posix()
    try:
        st = os.stat(path)
    except OSError:
        return None, shown, f"`improves: {target}` names {shown}, which does not exist"
    if not path.is_file():
        return None, shown, f"`improves: {target}` names {shown}, which is not a file"
    key = (os.path.realpath(path), st.st_mtime_ns, st.st_size)
    if key not in _CACHE:
        _CACHE[key] = _load(path, shown)
    model, why = _CACHE[key]
    return model, shown, (f"`improves: {target}`: {why}" if why else "")


def _load(path: Path, shown: str) -> tuple[Any, str]:
    from cjm.loader import load_file
    from cjm.model.document import validate_document

    doc = load_file(str(path), shown)
    if doc.data is None or doc.findings:
        return None, f"{shown} cannot be loaded ({_first_problem(doc.findings)})"
    if doc.data.get("kind", "map") != "map":
        return None, f"{shown} is not a journey map (kind: {doc.data.get('kind')})"
    model, findings = validate_document(doc.data, doc.index)
    if model is None:
        return None, f"{shown} is not a valid map ({_first_problem(findings)})"
    return model, ""


def _pain_points(m) -> Iterator[tuple[Any, Any]]:
    for stage in m.stages:
        for tp in stage.touchpoints:
            for p in tp.pain_points:
                yield p, tp


@rule("CJM321", "improves-not-found", Severity.ERROR)
def improves_not_found(ctx: RuleContext) -> Iterator[Yielded]:
    """`improves:` names a map that does not exist, cannot be loaded or is not valid.

    `improves:` is the path of the current-state map this future-state map
    improves on, relative to this file. Without it nothing can be compared
    (`cjm diff --gap`) and dropped pain points cannot be checked.

    Bad:
        type: future-state
        improves: maps/checkout-today.yaml   # no such file next to this map

    Good:
        type: future-state
        improves: checkout-current.yaml      # beside this file
    """
    if not ctx.model.improves:
        return
    model, _shown, why = improved_map(ctx)
    if model is None:
        yield ("improves",), why, "give the path of the current-state map, relative to this file"


@rule("CJM320", "dropped-pain-point", Severity.WARNING)
def dropped_pain_point(ctx: RuleContext) -> Iterator[Yielded]:
    """A future-state map drops a pain point of the current map, and no action addresses it.

    When a pain point of the current-state map (matched by id) is gone from
    the future-state map, some action should say how it goes away: an action
    in either map with `addresses:` naming it (and not `status: dropped`).
    Otherwise the future map quietly forgets a problem instead of solving it.

    Bad:
        # checkout-current.yaml has pain point `surprise-shipping`
        type: future-state
        improves: checkout-current.yaml
        actions: []            # the pain point is gone, nobody fixes it

    Good:
        type: future-state
        improves: checkout-current.yaml
        actions:
          - id: show-shipping-early
            title: Show delivery costs on the product page
            addresses: [surprise-shipping]
    """
    m = ctx.model
    if not m.improves:
        return
    current, shown, _why = improved_map(ctx)
    if current is None:
        return  # CJM321 says why
    kept = {p.id for p, _tp in _pain_points(m)}
    addressed = {pid for mm in (m, current) for a in mm.actions if a.status != "dropped" for pid in a.addresses}
    seen: set[str] = set()
    for pain, tp in _pain_points(current):
        if pain.id in kept or pain.id in addressed or pain.id in seen:
            continue
        seen.add(pain.id)
        yield ("improves",), (f"pain point '{pain.id}' ({pain.title}) at '{tp.id}' in {shown} is gone from "
                              "this future map, and no action addresses it"), \
            f"add an action with `addresses: [{pain.id}]`, or keep the pain point"
