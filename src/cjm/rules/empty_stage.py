"""CJM310 empty-stage."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.rules import RuleContext, Yielded, rule


@rule("CJM310")
def empty_stage(ctx: RuleContext) -> Iterator[Yielded]:
    """A stage has no touchpoints, so the map says nothing about it.

    Bad:
        stages:
          - id: retention
            name: Retention

    Good:
        stages:
          - id: retention
            name: Retention
            touchpoints:
              - id: welcome-email
                name: Welcome email
    """
    for i, stage in enumerate(ctx.model.stages):
        if not stage.touchpoints:
            yield ("stages", i), f"stage '{stage.id}' has no touchpoints", "add touchpoints or remove the stage"
