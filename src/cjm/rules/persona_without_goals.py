"""CJM314 persona-without-goals."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.rules import RuleContext, Yielded, rule


@rule("CJM314", applies_to=("map", "catalog"))
def persona_without_goals(ctx: RuleContext) -> Iterator[Yielded]:
    """A persona has no goals; a persona is defined by what it wants.

    Bad:
        personas:
          - id: sam
            name: Sam

    Good:
        personas:
          - id: sam
            name: Sam
            goals: [Find running shoes that fit]
    """
    for i, p in enumerate(getattr(ctx.model, "personas", [])):
        if not isinstance(p, str) and not p.goals:
            yield ("personas", i), f"persona '{p.id}' has no goals", "add `goals:`"
