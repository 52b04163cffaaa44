"""A validated map with its references resolved: what every renderer reads.

A map may name catalogue personas by id and use catalogue channels and KPIs;
``ResolvedMap`` puts the full objects in place, and answers the questions a
renderer asks (which personas a step applies to, a persona's emotion at a step,
what comes next) in one place, so that the SVG, HTML, Markdown, Mermaid and
flow outputs always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from cjm.model.journey import Channel, JourneyMap, Kpi, Persona, Stage, Touchpoint
from cjm.model.scales import between

# The lanes of a journey map, top to bottom, and their labels.
LANES: dict[str, str] = {
    "actions": "Actions",
    "touchpoints": "Touchpoints",
    "thoughts": "Thoughts",
    "emotions": "Emotions",
    "pain_points": "Pain points",
    "opportunities": "Opportunities",
    "kpis": "KPIs",
    "frontstage": "Frontstage",
    "backstage": "Backstage",
    "support": "Support processes",
    "policy": "Policies",
}
BLUEPRINT_LANES = ("frontstage", "backstage", "support", "policy")

# A palette that stays readable on white and on dark backgrounds, and for the
# common colour-vision deficiencies (Okabe-Ito).
PERSONA_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7A5195", "#444444",
                  "#B8860B", "#8C564B")


@dataclass
class ResolvedMap:
    map: JourneyMap
    source: str
    personas: list[Persona]
    channels: dict[str, Channel]
    kpis: dict[str, Kpi]
    colors: dict[str, str] = field(default_factory=dict)
    # Another map drawn on this one for comparison (cjm render --compare).
    compare: ResolvedMap | None = None
    # The map's metrics snapshot (cjm analyze -o), when there is one: renderers draw its numbers.
    metrics: Any = None
    # Its numbers matched to this map (cjm.model.observed.Observed): None without a snapshot.
    observed: Any = None

    # --- shortcuts ---------------------------------------------------------
    @property
    def title(self) -> str:
        return self.map.title

    @property
    def stages(self) -> list[Stage]:
        return self.map.stages

    @property
    def scale(self):
        return self.map.scale

    def touchpoints(self) -> list[tuple[Stage, Touchpoint]]:
        return [(s, tp) for s in self.map.stages for tp in s.touchpoints]

    def persona(self, pid: str) -> Persona | None:
        return next((p for p in self.personas if p.id == pid), None)

    def personas_of(self, tp: Touchpoint) -> list[Persona]:
        if tp.personas is None:
            return list(self.personas)
        return [p for p in self.personas if p.id in tp.personas]

    def emotion(self, tp: Touchpoint, pid: str | None = None) -> float | None:
        """The score of persona ``pid`` at ``tp`` (one number applies to all)."""
        if tp.emotion is None:
            return None
        if isinstance(tp.emotion, dict):
            if pid is None:
                values = list(tp.emotion.values())
                return sum(values) / len(values) if values else None
            return tp.emotion.get(pid)
        if pid is not None and tp.personas is not None and pid not in tp.personas:
            return None
        return tp.emotion

    def emotion_series(self) -> list[tuple[str | None, list[float | None]]]:
        """One curve per persona (or a single unnamed curve for a map without
        personas): the score at each touchpoint, None where it has none."""
        steps = [tp for _s, tp in self.touchpoints()]
        if not self.personas:
            return [(None, [self.emotion(tp) for tp in steps])]
        return [(p.id, [self.emotion(tp, p.id) for tp in steps]) for p in self.personas]

    def compare_emotion(self, tp: Touchpoint, pid: str | None = None) -> float | None:
        """The score of persona ``pid`` at the touchpoint of the compared map
        with ``tp``'s id, moved linearly onto this map's scale; None where
        there is no compared map, no such touchpoint or no score."""
        other = self.compare
        if other is None:
            return None
        by_id = other.__dict__.get("_by_id")
        if by_id is None:  # computed once: renderers ask for every step
            by_id = {t.id: t for _s, t in other.touchpoints()}
            other.__dict__["_by_id"] = by_id
        match = by_id.get(tp.id)
        if match is None:
            return None
        if pid is not None and other.personas and other.persona(pid) is None:
            return None  # a persona the other map does not have (one without personas speaks for all)
        value = other.emotion(match, pid)
        if value is None:
            return None
        return between(value, other.scale, self.scale)

    def compare_series(self) -> list[tuple[str | None, list[float | None]]]:
        """``emotion_series`` of the compared map, step by step along this
        map's touchpoints (empty without a compared map)."""
        if self.compare is None:
            return []
        steps = [tp for _s, tp in self.touchpoints()]
        return [(pid, [self.compare_emotion(tp, pid) for tp in steps]) for pid, _values in self.emotion_series()]

    def channel_name(self, tp: Touchpoint) -> str | None:
        if tp.channel is None:
            return None
        channel = self.channels.get(tp.channel)
        return channel.name if channel else tp.channel

    def mode(self, tp: Touchpoint) -> str | None:
        if tp.mode:
            return tp.mode
        channel = self.channels.get(tp.channel or "")
        return channel.mode if channel else None

    def next_of(self, tp: Touchpoint) -> list[str]:
        """Explicit branches, else the following touchpoint (none after the last)."""
        if tp.next:
            return list(tp.next)
        following = self.__dict__.get("_following")
        if following is None:  # computed once: renderers ask for every step
            order = [t.id for _s, t in self.touchpoints()]
            following = {a: b for a, b in zip(order, order[1:])}
            self.__dict__["_following"] = following
        return [following[tp.id]] if tp.id in following else []

    def pain_points(self):
        return [(s, tp, p) for s, tp in self.touchpoints() for p in tp.pain_points]

    def opportunities(self):
        return [(s, tp, o) for s, tp in self.touchpoints() for o in tp.opportunities]

    def lanes_with_content(self) -> list[str]:
        """The lanes worth drawing for this map, in order."""
        steps = [tp for _s, tp in self.touchpoints()]
        has = {
            "actions": any(tp.action for tp in steps),
            "touchpoints": True,
            "thoughts": any(tp.thoughts for tp in steps),
            "emotions": any(tp.emotion is not None for tp in steps),
            "pain_points": any(tp.pain_points for tp in steps),
            "opportunities": any(tp.opportunities for tp in steps),
            "kpis": any(tp.kpis for tp in steps) or any(s.kpis for s in self.stages),
        }
        for lane in BLUEPRINT_LANES:
            has[lane] = any(getattr(tp, lane) for tp in steps)
        return [lane for lane in LANES if has.get(lane)]

    # --- filters -----------------------------------------------------------
    def only_persona(self, pid: str) -> "ResolvedMap":
        """The map as one persona lives it: other personas and the steps that
        do not apply to this one are left out."""
        stages = []
        for s in self.map.stages:
            kept = [tp for tp in s.touchpoints if tp.personas is None or pid in tp.personas]
            stages.append(s.model_copy(update={"touchpoints": kept}))
        new_map = self.map.model_copy(update={"stages": stages})
        return replace(self, map=new_map, personas=[p for p in self.personas if p.id == pid])

    def to_json(self) -> dict[str, Any]:
        """The resolved model as plain data (``cjm render -f json``)."""
        data = self.map.model_dump(mode="json", exclude_none=True)
        data["personas"] = [p.model_dump(mode="json", exclude_none=True) for p in self.personas]
        data["channels"] = [c.model_dump(mode="json", exclude_none=True) for c in self.channels.values()]
        data["kpis"] = [k.model_dump(mode="json", exclude_none=True) for k in self.kpis.values()]
        if self.observed is not None:
            from cjm.model.observed import to_json

            data["observed"] = to_json(self.observed)
        return data


def resolve(model: JourneyMap, source: str, catalog: Any = None, metrics: Any = None) -> ResolvedMap:
    """``catalog`` is a ``cjm.rules.ProjectIndex`` (or None): ids -> entries.

    ``metrics`` (a ``cjm.model.metrics.Metrics``): a KPI that binds a metric
    shows the snapshot's value as its actual, with the snapshot and the data's
    last day as its source; the snapshot's funnel, reach, moves and paths that
    fit this map become ``observed`` (``cjm.model.observed``)."""
    entries = catalog.entries if catalog is not None else {"persona": {}, "channel": {}, "kpi": {}}
    personas: list[Persona] = []
    for p in model.personas:
        if isinstance(p, str):
            entry = entries["persona"].get(p)
            if entry is not None:
                personas.append(entry.value)
        else:
            personas.append(p)
    channels = {cid: e.value for cid, e in sorted(entries["channel"].items())}
    channels.update({c.id: c for c in model.channels})
    used_kpis = {k for s in model.stages for k in s.kpis} | {k for s in model.stages for tp in s.touchpoints
                                                             for k in tp.kpis} | {k for a in model.actions
                                                                                  for k in a.kpis}
    kpis = {kid: e.value for kid, e in sorted(entries["kpi"].items()) if kid in used_kpis}
    kpis.update({k.id: k for k in model.kpis})
    if metrics is not None and getattr(metrics, "present", False):
        from cjm.model.metrics import metric_value

        for kid, kpi in list(kpis.items()):
            value = metric_value(kpi, metrics)
            if value is not None:
                when = f", data to {metrics.data_end.isoformat()}" if metrics.data_end else ""
                kpis[kid] = kpi.model_copy(update={"actual": value, "source": f"{metrics.shown}{when}"})
    used_channels = {tp.channel for s in model.stages for tp in s.touchpoints if tp.channel}
    channels = {cid: c for cid, c in channels.items() if cid in used_channels or cid in {c.id for c in model.channels}}
    colors = {}
    for i, p in enumerate(personas):
        colors[p.id] = p.color or PERSONA_COLORS[i % len(PERSONA_COLORS)]
    observed = None
    present = metrics is not None and getattr(metrics, "present", False)
    if present:
        from cjm.model.observed import observe

        observed = observe(metrics.document, model, metrics.shown)
    return ResolvedMap(model, source, personas, channels, kpis, colors, metrics=metrics if present else None,
                       observed=observed)
