"""CJM309 emotion-persona-not-on-step."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import touchpoints
from cjm.rules import RuleContext, Yielded, rule


@rule("CJM309", key_position=True)
def emotion_persona_not_on_step(ctx: RuleContext) -> Iterator[Yielded]:
    """An emotion is given for a persona that the touchpoint does not apply to.

    Bad:
              - id: demo
                name: Sales demo
                personas: [buyer]
                emotion: {buyer: 1, admin: -1}

    Good:
              - id: demo
                name: Sales demo
                personas: [buyer, admin]
                emotion: {buyer: 1, admin: -1}
    """
    for path, _stage, tp in touchpoints(ctx.model):
        if tp.personas is not None and isinstance(tp.emotion, dict):
            for pid in tp.emotion:
                if pid not in tp.personas:
                    yield path + ("emotion", pid), \
                        f"emotion given for '{pid}', but touchpoint '{tp.id}' applies only to " \
                        f"{', '.join(tp.personas) or 'no persona'}", f"add '{pid}' to its personas"
