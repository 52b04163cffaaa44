"""CJM301 duplicate-id."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import opportunities, pain_points, touchpoints
from cjm.rules import RuleContext, Yielded, rule


@rule("CJM301", applies_to=("map", "catalog"))
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
        # ctx.project holds the catalogues checked before this one.
        for kind, key, items in (("persona", "personas", m.personas), ("channel", "channels", m.channels),
                                 ("kpi", "kpis", m.kpis)):
            seen_ids: set[str] = set()
            for i, item in enumerate(items):
                if item.id in seen_ids:
                    yield (key, i, "id"), f"'{item.id}' is defined twice in {key}", "give each one its own id"
                else:
                    other = ctx.project.get(kind, item.id)
                    if other is not None and other.file != ctx.file:
                        yield (key, i, "id"), f"{kind} '{item.id}' is also defined in {other.file}", \
                            "keep one definition"
                seen_ids.add(item.id)
        return
    groups = {
        "persona": [(("personas", i), p.id) for i, p in enumerate(m.personas) if not isinstance(p, str)],
        "channel": [(("channels", i), c.id) for i, c in enumerate(m.channels)],
        "KPI": [(("kpis", i), k.id) for i, k in enumerate(m.kpis)],
        "stage": [(("stages", i), s.id) for i, s in enumerate(m.stages)],
        "touchpoint": [(path, tp.id) for path, _s, tp in touchpoints(m)],
        "pain point": [(path, p.id) for path, _tp, p in pain_points(m)],
        "opportunity": [(path, o.id) for path, _tp, o in opportunities(m)],
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
