"""CJM311 unaddressed-pain-point."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import opportunities, pain_points
from cjm.rules import RuleContext, Yielded, rule


@rule("CJM311")
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
    addressed = {pid for _p, _tp, o in opportunities(m) for pid in o.addresses}
    addressed |= {pid for a in m.actions for pid in a.addresses}
    for path, _tp, pain in pain_points(m):
        if pain.id not in addressed:
            yield path, f"pain point '{pain.id}' has no opportunity or action addressing it", \
                "add an opportunity or action with `addresses: [" + pain.id + "]`"
