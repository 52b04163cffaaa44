"""CJM305 unknown-touchpoint."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import touchpoints
from cjm.rules import RuleContext, Yielded, rule, suggest


@rule("CJM305")
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
                    suggest(target, known)
