"""The built-in rules for journey maps and catalogues."""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Iterator

from cjm.diagnostics import Severity
from cjm.rules import RuleContext, Yielded, rule

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# --- helpers -----------------------------------------------------------------


def touchpoints(m) -> Iterator[tuple[tuple, object, object]]:
    """(path, stage, touchpoint) for every touchpoint, in order."""
    for si, stage in enumerate(m.stages):
        for ti, tp in enumerate(stage.touchpoints):
            yield ("stages", si, "touchpoints", ti), stage, tp


def pain_points(m) -> Iterator[tuple[tuple, object]]:
    for path, _stage, tp in touchpoints(m):
        for pi, pain in enumerate(tp.pain_points):
            yield path + ("pain_points", pi), pain


def opportunities(m) -> Iterator[tuple[tuple, object]]:
    for path, _stage, tp in touchpoints(m):
        for oi, opp in enumerate(tp.opportunities):
            yield path + ("opportunities", oi), opp


def map_persona_ids(m) -> list[str]:
    return [p if isinstance(p, str) else p.id for p in m.personas]


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _known(kind: str, ctx: RuleContext, local) -> set[str]:
    return {item.id for item in local} | set(ctx.project.entries[kind])


# --- identifiers -------------------------------------------------------------


@rule("CJM301", "duplicate-id", ERROR, applies_to=("map", "catalog"))
def duplicate_id(ctx: RuleContext) -> Iterator[Yielded]:
    """Two things of the same kind share an id, so references to it are ambiguous.

    Ids must be unique per kind within a map (personas, channels, KPIs, stages,
    touchpoints, pain points, opportunities, actions), and a map must not
    redefine a persona, channel or KPI that the project's catalogues define.

    Bad:
        stages:
          - id: purchase
            name: Purchase
          - id: purchase
            name: Checkout

    Good:
        stages:
          - id: purchase
            name: Purchase
          - id: checkout
            name: Checkout
    """
    m = ctx.model
    if m.kind == "catalog":
        for key, items in (("personas", m.personas), ("channels", m.channels), ("kpis", m.kpis)):
            seen_ids: set[str] = set()
            for i, item in enumerate(items):
                if item.id in seen_ids:
                    yield (key, i, "id"), f"'{item.id}' is defined twice in {key}", "give each one its own id"
                seen_ids.add(item.id)
        return
    groups = {
        "persona": [(("personas", i), p.id) for i, p in enumerate(m.personas) if not isinstance(p, str)],
        "channel": [(("channels", i), c.id) for i, c in enumerate(m.channels)],
        "KPI": [(("kpis", i), k.id) for i, k in enumerate(m.kpis)],
        "stage": [(("stages", i), s.id) for i, s in enumerate(m.stages)],
        "touchpoint": [(path, tp.id) for path, _s, tp in touchpoints(m)],
        "pain point": [(path, p.id) for path, p in pain_points(m)],
        "opportunity": [(path, o.id) for path, o in opportunities(m)],
        "action": [(("actions", i), a.id) for i, a in enumerate(m.actions)],
    }
    for kind, items in groups.items():
        seen: dict[str, tuple] = {}
        for path, id_ in items:
            if id_ in seen:
                first = ctx.index.span(seen[id_] + ("id",))
                yield path + ("id",), f"duplicate {kind} id '{id_}' (first used at line {first.line})", \
                    "give each one its own id"
            else:
                seen[id_] = path
    for kind, label, items in (("persona", "persona", groups["persona"]), ("channel", "channel", groups["channel"]),
                               ("kpi", "KPI", groups["KPI"])):
        for path, id_ in items:
            entry = ctx.project.get(kind, id_)
            if entry is not None:
                yield path + ("id",), f"{label} '{id_}' is already defined in the catalogue {entry.file}", \
                    "remove it here and refer to it by id, or rename it"


@rule("CJM302", "unknown-persona", ERROR, key_position=True)
def unknown_persona(ctx: RuleContext) -> Iterator[Yielded]:
    """A touchpoint or emotion names a persona that is not on the map.

    A map's personas are those it defines and the catalogue ids it lists under
    `personas:`. Touchpoints (`personas:`) and per-persona emotions must name one
    of them.

    Bad:
        personas:
          - id: sam
            name: Sam
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: cart
                name: Cart
                emotion: {samm: -1}

    Good:
        personas:
          - id: sam
            name: Sam
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: cart
                name: Cart
                emotion: {sam: -1}
    """
    m = ctx.model
    on_map = set()
    for i, p in enumerate(m.personas):
        if isinstance(p, str):
            if ctx.project.get("persona", p) is None:
                yield ("personas", i), f"persona '{p}' is not defined in any catalogue of the project", \
                    _suggest(p, ctx.project.entries["persona"]) or "define it here or in a catalogue file"
            else:
                on_map.add(p)
        else:
            on_map.add(p.id)

    def why(pid: str) -> str:
        if ctx.project.get("persona", pid) is not None:
            return f"add '{pid}' to the map's personas list"
        return _suggest(pid, on_map) or ("the map's personas are: " + ", ".join(sorted(on_map)) if on_map
                                         else "the map defines no personas")

    for path, _stage, tp in touchpoints(m):
        for j, pid in enumerate(tp.personas or ()):
            if pid not in on_map:
                yield path + ("personas", j), f"touchpoint '{tp.id}' names unknown persona '{pid}'", why(pid)
        if isinstance(tp.emotion, dict):
            for pid in tp.emotion:
                if pid not in on_map:
                    yield path + ("emotion", pid), f"emotion given for unknown persona '{pid}'", why(pid)


@rule("CJM303", "unknown-channel", ERROR)
def unknown_channel(ctx: RuleContext) -> Iterator[Yielded]:
    """A touchpoint names a channel that neither the map nor a catalogue defines.

    Bad:
        channels:
          - id: web
            name: Website
        ...
              - id: home
                name: Home page
                channel: website

    Good:
        ...
              - id: home
                name: Home page
                channel: web
    """
    known = _known("channel", ctx, ctx.model.channels)
    for path, _stage, tp in touchpoints(ctx.model):
        if tp.channel is not None and tp.channel not in known:
            yield path + ("channel",), f"touchpoint '{tp.id}' names unknown channel '{tp.channel}'", \
                _suggest(tp.channel, known) or "define it under `channels:` or in a catalogue"


@rule("CJM304", "unknown-kpi", ERROR)
def unknown_kpi(ctx: RuleContext) -> Iterator[Yielded]:
    """A stage, touchpoint or action refers to a KPI id that is not defined.

    Bad:
        kpis:
          - id: conversion
            name: Conversion rate
        stages:
          - id: buy
            name: Buy
            kpis: [convertion]

    Good:
        stages:
          - id: buy
            name: Buy
            kpis: [conversion]
    """
    m = ctx.model
    known = _known("kpi", ctx, m.kpis)
    refs = [(("stages", i, "kpis", j), k) for i, s in enumerate(m.stages) for j, k in enumerate(s.kpis)]
    refs += [(path + ("kpis", j), k) for path, _s, tp in touchpoints(m) for j, k in enumerate(tp.kpis)]
    refs += [(("actions", i, "kpis", j), k) for i, a in enumerate(m.actions) for j, k in enumerate(a.kpis)]
    for path, k in refs:
        if k not in known:
            yield path, f"unknown KPI '{k}'", _suggest(k, known) or "define it under `kpis:` or in a catalogue"


@rule("CJM305", "unknown-touchpoint", ERROR)
def unknown_touchpoint(ctx: RuleContext) -> Iterator[Yielded]:
    """A touchpoint's `next:` names a touchpoint that is not on the map.

    Bad:
              - id: cart
                name: Cart
                next: [chekout]

    Good:
              - id: cart
                name: Cart
                next: [checkout]
    """
    known = {tp.id for _p, _s, tp in touchpoints(ctx.model)}
    for path, _stage, tp in touchpoints(ctx.model):
        for j, target in enumerate(tp.next):
            if target not in known:
                yield path + ("next", j), f"'{tp.id}' leads to unknown touchpoint '{target}'", \
                    _suggest(target, known)


@rule("CJM306", "unknown-pain-point", ERROR)
def unknown_pain_point(ctx: RuleContext) -> Iterator[Yielded]:
    """An action or opportunity addresses a pain point id that is not on the map.

    A future-state map's actions may also address the pain points of the map
    it `improves:` (the ones it removes; see dropped-pain-point, CJM320).

    Bad:
        actions:
          - id: one-page-checkout
            title: One-page checkout
            addresses: [long-checkout-form]

    Good (the touchpoint defines `pain_points: [{id: long-checkout, ...}]`):
        actions:
          - id: one-page-checkout
            title: One-page checkout
            addresses: [long-checkout]
    """
    m = ctx.model
    known = {p.id for _path, p in pain_points(m)}
    for_actions = known
    if m.improves:
        from cjm.rules.future import improved_map

        current, _shown, _why = improved_map(ctx)  # None: improves-not-found (CJM321) says why
        if current is not None:
            for_actions = known | {p.id for _path, p in pain_points(current)}
    for i, action in enumerate(m.actions):
        for j, pid in enumerate(action.addresses):
            if pid not in for_actions:
                yield ("actions", i, "addresses", j), f"action '{action.id}' addresses unknown pain point '{pid}'", \
                    _suggest(pid, for_actions)
    for path, opp in opportunities(m):
        for j, pid in enumerate(opp.addresses):
            if pid not in known:
                yield path + ("addresses", j), f"opportunity '{opp.id}' addresses unknown pain point '{pid}'", \
                    _suggest(pid, known)


# --- emotions ----------------------------------------------------------------


@rule("CJM307", "emotion-out-of-scale", ERROR)
def emotion_out_of_scale(ctx: RuleContext) -> Iterator[Yielded]:
    """An emotion score lies outside the map's declared scale.

    The scale defaults to -2..+2; declare another with `scale: {min: 1, max: 5}`.

    Bad:
        scale: {min: -2, max: 2}
        ...
                emotion: 9

    Good:
        scale: {min: -2, max: 2}
        ...
                emotion: 2
    """
    lo, hi = ctx.model.scale.min, ctx.model.scale.max
    for path, _stage, tp in touchpoints(ctx.model):
        values = tp.emotion.items() if isinstance(tp.emotion, dict) else [(None, tp.emotion)]
        for pid, score in values:
            if score is None:
                continue
            if not (lo <= score <= hi):  # also catches NaN
                where = path + ("emotion",) + ((pid,) if pid is not None else ())
                yield where, f"emotion {score:g} is outside the map's scale {lo:+d}..{hi:+d}", \
                    f"use a score from {lo} to {hi}, or change `scale:`"


@rule("CJM308", "invalid-scale", ERROR)
def invalid_scale(ctx: RuleContext) -> Iterator[Yielded]:
    """The emotion scale is empty or too wide to draw.

    `min` must be below `max`, and the scale may span at most 10 points.

    Bad:
        scale: {min: 5, max: 1}

    Good:
        scale: {min: 1, max: 5}
    """
    s = ctx.model.scale
    if s.min >= s.max:
        yield ("scale",), f"scale min {s.min} must be below max {s.max}"
    elif s.max - s.min > 10:
        yield ("scale",), f"scale {s.min}..{s.max} spans more than 10 points", "use -2..2 or 1..5"


@rule("CJM309", "emotion-persona-not-on-step", WARNING, key_position=True)
def emotion_persona_not_on_step(ctx: RuleContext) -> Iterator[Yielded]:
    """An emotion is given for a persona that the touchpoint does not apply to.

    Bad:
              - id: demo
                name: Sales demo
                personas: [buyer]
                emotion: {buyer: 1, admin: -1}

    Good:
              - id: demo
                name: Sales demo
                personas: [buyer, admin]
                emotion: {buyer: 1, admin: -1}
    """
    for path, _stage, tp in touchpoints(ctx.model):
        if tp.personas is not None and isinstance(tp.emotion, dict):
            for pid in tp.emotion:
                if pid not in tp.personas:
                    yield path + ("emotion", pid), \
                        f"emotion given for '{pid}', but touchpoint '{tp.id}' applies only to " \
                        f"{', '.join(tp.personas) or 'no persona'}", f"add '{pid}' to its personas"


# --- structure ----------------------------------------------------------------


@rule("CJM310", "empty-stage", ERROR)
def empty_stage(ctx: RuleContext) -> Iterator[Yielded]:
    """A stage has no touchpoints, so the map says nothing about it.

    Bad:
        stages:
          - id: retention
            name: Retention

    Good:
        stages:
          - id: retention
            name: Retention
            touchpoints:
              - id: welcome-email
                name: Welcome email
    """
    for i, stage in enumerate(ctx.model.stages):
        if not stage.touchpoints:
            yield ("stages", i), f"stage '{stage.id}' has no touchpoints", "add touchpoints or remove the stage"


@rule("CJM311", "unaddressed-pain-point", WARNING)
def unaddressed_pain_point(ctx: RuleContext) -> Iterator[Yielded]:
    """A pain point has no opportunity or action addressing it.

    A map that names a pain but no response to it is a complaint, not a plan.

    Bad:
                pain_points:
                  - id: surprise-shipping
                    title: Shipping cost shown only at checkout

    Good:
                pain_points:
                  - id: surprise-shipping
                    title: Shipping cost shown only at checkout
                opportunities:
                  - id: shipping-estimate
                    title: Show shipping on the product page
                    addresses: [surprise-shipping]
    """
    m = ctx.model
    addressed = {pid for _p, o in opportunities(m) for pid in o.addresses}
    addressed |= {pid for a in m.actions for pid in a.addresses}
    for path, pain in pain_points(m):
        if pain.id not in addressed:
            yield path, f"pain point '{pain.id}' has no opportunity or action addressing it", \
                "add an opportunity or action with `addresses: [" + pain.id + "]`"


@rule("CJM312", "kpi-target-without-unit", ERROR, applies_to=("map", "catalog"))
def kpi_target_without_unit(ctx: RuleContext) -> Iterator[Yielded]:
    """A KPI has a target but no unit, so 3.5 could mean %, seconds or euros.

    Bad:
        kpis:
          - id: conversion
            name: Conversion rate
            target: 3.5

    Good:
        kpis:
          - id: conversion
            name: Conversion rate
            unit: "%"
            target: 3.5
    """
    for i, k in enumerate(ctx.model.kpis):
        if k.target is not None and not k.unit:
            yield ("kpis", i, "target"), f"KPI '{k.id}' has a target but no unit", "add `unit:` (%, s, EUR, points…)"


@rule("CJM313", "missing-goal", WARNING)
def missing_goal(ctx: RuleContext) -> Iterator[Yielded]:
    """The map has no goal; the goal fixes where the journey starts and ends.

    Bad:
        cjm: 1
        title: Online shop

    Good:
        cjm: 1
        title: Online shop
        goal: Turn first-time visitors into repeat buyers
    """
    if not (ctx.model.goal or "").strip():
        yield ("title",), "the map has no goal", "add `goal:`: the one outcome this journey is about"


@rule("CJM314", "persona-without-goals", WARNING, applies_to=("map", "catalog"))
def persona_without_goals(ctx: RuleContext) -> Iterator[Yielded]:
    """A persona has no goals; a persona is defined by what it wants.

    Bad:
        personas:
          - id: sam
            name: Sam

    Good:
        personas:
          - id: sam
            name: Sam
            goals: [Find running shoes that fit]
    """
    for i, p in enumerate(getattr(ctx.model, "personas", [])):
        if not isinstance(p, str) and not p.goals:
            yield ("personas", i), f"persona '{p.id}' has no goals", "add `goals:`"


@rule("CJM315", "stale-review", INFO)
def stale_review(ctx: RuleContext) -> Iterator[Yielded]:
    """The map was last reviewed more than 120 days ago; maps go stale.

    Practitioners review maps quarterly. Set `reviewed:` when you do.

    Bad:
        reviewed: 2020-01-15

    Good:
        reviewed: 2026-10-01
    """
    reviewed = ctx.model.reviewed
    today = ctx.options.get("today") or _dt.date.today()
    if reviewed is not None and (today - reviewed).days > 120:
        yield ("reviewed",), f"last reviewed {reviewed.isoformat()}, {(today - reviewed).days} days ago", \
            "review the map against current data and update `reviewed:`"
