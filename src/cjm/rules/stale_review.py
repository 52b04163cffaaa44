"""CJM315 stale-review."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator

from cjm.rules import Option, RuleContext, Yielded, rule


@rule("CJM315", options={
    "max_age_days": Option(int, 120, "days after `reviewed:` before the map counts as stale", minimum=1)})
def stale_review(ctx: RuleContext) -> Iterator[Yielded]:
    """The map was last reviewed too long ago (by default more than 120 days); maps go stale.

    Practitioners review maps quarterly. Set `reviewed:` when you do. The
    age is an option (in cjm.yaml):

        rules:
          stale-review: {level: warning, max_age_days: 90}

    Bad:
        reviewed: 2020-01-15

    Good:
        reviewed: 2026-10-01
    """
    reviewed = ctx.model.reviewed
    today = ctx.today or _dt.date.today()
    if reviewed is not None and (today - reviewed).days > ctx.options["max_age_days"]:
        yield ("reviewed",), f"last reviewed {reviewed.isoformat()}, {(today - reviewed).days} days ago", \
            "review the map against current data and update `reviewed:`"
