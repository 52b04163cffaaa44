"""CJM316 unreachable-step."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import following, next_of, touchpoints
from cjm.rules import RuleContext, Yielded, rule


@rule("CJM316", key_position=True)
def unreachable_step(ctx: RuleContext) -> Iterator[Yielded]:
    """A touchpoint that no step leads to: every path through the map skips it.

    A step leads to the steps its `next:` names, or, without `next:`, to the
    step after it. When a branch jumps over a step, that step can no longer be
    reached from the start of the journey, which is almost always a slip: a
    missing `next:` entry, or a step that belongs elsewhere.

    Bad:
              - id: cart
                name: Cart
                next: [checkout]          # jumps over try-on
              - id: try-on
                name: Try on in the store
              - id: checkout
                name: Checkout

    Good:
              - id: cart
                name: Cart
                next: [checkout, try-on]  # both branches are taken by someone
              - id: try-on
                name: Try on in the store
                next: [checkout]
              - id: checkout
                name: Checkout
    """
    steps = list(touchpoints(ctx.model))
    if len(steps) < 2:
        return
    after = following(ctx.model)
    reached = {steps[0][2].id}
    todo = [steps[0][2]]
    by_id = {}
    for _path, _stage, tp in steps:
        by_id.setdefault(tp.id, tp)
    while todo:
        tp = todo.pop()
        for target in next_of(tp, after):
            if target in by_id and target not in reached:
                reached.add(target)
                todo.append(by_id[target])
    for path, _stage, tp in steps:
        if tp.id not in reached:
            yield path + ("id",), f"no step leads to '{tp.id}' ({tp.name}): it cannot be reached from the start", \
                "name it in the `next:` of the step before it, or remove the branch that jumps over it"
