"""CJM313 missing-goal."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.rules import RuleContext, Yielded, rule


@rule("CJM313")
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
