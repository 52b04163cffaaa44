"""CJM302 unknown-persona."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import touchpoints
from cjm.rules import RuleContext, Yielded, rule, suggest


@rule("CJM302", key_position=True)
def unknown_persona(ctx: RuleContext) -> Iterator[Yielded]:
    """A touchpoint or emotion names a persona that is not on the map.

    A map's personas are those it defines and the catalogue ids it lists under
    `personas:`. Touchpoints (`personas:`) and per-persona emotions must name one
    of them.

    Bad:
        personas:
          - id: sam
            name: Sam
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: cart
                name: Cart
                emotion: {samm: -1}

    Good:
        personas:
          - id: sam
            name: Sam
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: cart
                name: Cart
                emotion: {sam: -1}
    """
    m = ctx.model
    on_map = set()
    for i, p in enumerate(m.personas):
        if isinstance(p, str):
            if ctx.project.get("persona", p) is None:
                yield ("personas", i), f"persona '{p}' is not defined in any catalogue of the project", \
                    suggest(p, ctx.project.entries["persona"]) or "define it here or in a catalogue file"
            else:
                on_map.add(p)
        else:
            on_map.add(p.id)

    def why(pid: str) -> str:
        if ctx.project.get("persona", pid) is not None:
            return f"add '{pid}' to the map's personas list"
        return suggest(pid, on_map) or ("the map's personas are: " + ", ".join(sorted(on_map)) if on_map
                                         else "the map defines no personas")

    for path, _stage, tp in touchpoints(m):
        for j, pid in enumerate(tp.personas or ()):
            if pid not in on_map:
                yield path + ("personas", j), f"touchpoint '{tp.id}' names unknown persona '{pid}'", why(pid)
        if isinstance(tp.emotion, dict):
            for pid in tp.emotion:
                if pid not in on_map:
                    yield path + ("emotion", pid), f"emotion given for unknown persona '{pid}'", why(pid)
