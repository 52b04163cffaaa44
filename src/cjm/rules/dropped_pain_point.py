"""CJM320 dropped-pain-point."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import pain_points
from cjm.rules import RuleContext, Yielded, rule


@rule("CJM320")
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
    current = ctx.improved.model if m.improves and ctx.improved is not None else None
    if current is None:
        return  # no improves:, or improves-not-found (CJM321) says why
    kept = {p.id for _path, _tp, p in pain_points(m)}
    by_actions = {pid for mm in (m, current) for a in mm.actions if a.status != "dropped" for pid in a.addresses}
    seen: set[str] = set()
    for _path, tp, pain in pain_points(current):
        if pain.id in kept or pain.id in by_actions or pain.id in seen:
            continue
        seen.add(pain.id)
        yield ("improves",), (f"pain point '{pain.id}' ({pain.title}) at '{tp.id}' in {ctx.improved.shown} is gone "
                              "from this future map, and no action addresses it"), \
            f"add an action with `addresses: [{pain.id}]`, or keep the pain point"


