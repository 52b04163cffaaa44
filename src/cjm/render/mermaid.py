"""``-f mermaid``: the map as a Mermaid ``journey`` diagram, alone.

The block itself is written by one function, ``cjm.interop.mermaid.
journey_block`` (``cjm export mermaid`` uses it too); this module hands it the
map as the render sees it:

* with ``--persona``, only that persona: the other personas' scores are left
  out as well as their steps;
* a touchpoint that holds one score for everybody names, as its actors, every
  persona it applies to (its ``personas:``, else all the map's personas), as
  the SVG's curves do; a touchpoint with a score per persona becomes one task
  line per distinct score, each naming the personas that feel that way;
* a touchpoint without a score is placed at 3, the middle of Mermaid's 1..5;
  scores are mapped linearly from the map's scale onto 1..5, halves rounded up.

Text is written with Mermaid's entity codes where its grammar needs it
(``cjm.render.text.mermaid_text``): ``Pay: card`` becomes ``Pay#58; card``,
which Mermaid shows as ``Pay: card``.
"""

from __future__ import annotations

# Mermaid refuses to draw a diagram longer than this (its ``maxTextSize``
# default) and shows "Maximum text size in diagram exceeded" instead.
MERMAID_MAX_TEXT = 50_000


def journey_view(resolved):
    """The map with every touchpoint's personas spelt out and per-persona
    scores limited to the personas being rendered."""
    keep = {p.id for p in resolved.personas}
    stages = []
    for stage in resolved.stages:
        touchpoints = []
        for tp in stage.touchpoints:
            update = {"personas": [p.id for p in resolved.personas_of(tp)]}
            if isinstance(tp.emotion, dict):
                update["emotion"] = {pid: v for pid, v in tp.emotion.items() if pid in keep}
            touchpoints.append(tp.model_copy(update=update))
        stages.append(stage.model_copy(update={"touchpoints": touchpoints}))
    personas = [p for p in resolved.map.personas if (p if isinstance(p, str) else p.id) in keep]
    return resolved.map.model_copy(update={"stages": stages, "personas": personas})


def journey_block(resolved) -> str:
    """The Mermaid ``journey`` text of a resolved map (no Markdown fence)."""
    from cjm.interop.mermaid import journey_block as block

    return block(journey_view(resolved), {p.id: p.name for p in resolved.personas})


def render(resolved, options) -> str:
    return journey_block(resolved)
