"""CJM321 improves-not-found."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.rules import RuleContext, Yielded, rule


@rule("CJM321")
def improves_not_found(ctx: RuleContext) -> Iterator[Yielded]:
    """`improves:` names a map that does not exist, cannot be loaded or is not valid.

    `improves:` is the path of the current-state map this future-state map
    improves on, relative to this file. Without it nothing can be compared
    (`cjm diff --gap`) and dropped pain points cannot be checked.

    Bad:
        type: future-state
        improves: maps/checkout-today.yaml   # no such file next to this map

    Good:
        type: future-state
        improves: checkout-current.yaml      # beside this file
    """
    if ctx.model.improves and ctx.improved is not None and ctx.improved.model is None:
        yield ("improves",), ctx.improved.why, "give the path of the current-state map, relative to this file"
