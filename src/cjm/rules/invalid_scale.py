"""CJM308 invalid-scale."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.rules import RuleContext, Yielded, rule


@rule("CJM308")
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
