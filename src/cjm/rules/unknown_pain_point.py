"""CJM306 unknown-pain-point."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import opportunities, pain_points
from cjm.rules import RuleContext, Yielded, rule, suggest


@rule("CJM306")
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
    known = {p.id for _path, _tp, p in pain_points(m)}
    for_actions = known
    if m.improves:
        current = ctx.improved.model if ctx.improved else None  # None: improves-not-found (CJM321) says why
        if current is not None:
            for_actions = known | {p.id for _path, _tp, p in pain_points(current)}
    for i, action in enumerate(m.actions):
        for j, pid in enumerate(action.addresses):
            if pid not in for_actions:
                yield ("actions", i, "addresses", j), f"action '{action.id}' addresses unknown pain point '{pid}'", \
                    suggest(pid, for_actions)
    for path, _tp, opp in opportunities(m):
        for j, pid in enumerate(opp.addresses):
            if pid not in known:
                yield path + ("addresses", j), f"opportunity '{opp.id}' addresses unknown pain point '{pid}'", \
                    suggest(pid, known)
