"""CJM307 emotion-out-of-scale."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import touchpoints
from cjm.rules import RuleContext, Yielded, rule


@rule("CJM307")
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
