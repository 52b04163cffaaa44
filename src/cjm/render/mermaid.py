"""``-f mermaid``: the map as a Mermaid ``journey`` diagram, alone.

The block (``journey_block``) is written here, the one place for it (the
Markdown page and ``cjm export mermaid`` use it too):

* stages become sections, touchpoints become tasks, persona names the actors;
* emotions are mapped linearly from the map's scale onto 1..5 and rounded
  (halves up); a touchpoint without an emotion is placed at 3, the middle;
* a touchpoint whose personas feel differently becomes one task line per
  distinct score, each naming the personas that feel that way (Mermaid has one
  score per task); a single score for everyone names the touchpoint's
  ``personas:`` when it lists them, else no actor;
* text is made safe for Mermaid's grammar (its lexer, journey.jison, ends a
  name at ``:``, ``;``, ``#`` or a line break, treats ``%`` as a comment and
  a task that starts with ``journey``, ``title``, ``section``, ``accTitle`` or
  ``accDescr`` as that keyword) with Mermaid's decimal entity codes, which it
  decodes before parsing (``encodeEntities``) and shows as the character:
  ``:`` is written ``#58;``; see ``cjm.present.escape.mermaid_text`` (checked
  against Mermaid's own parser by the Mermaid parser tests).
* Lines are indented by at least four spaces, so that a line of the block
  can never close the Markdown code fence it sits in.

``render`` hands it the map as the render sees it:

* with ``--persona``, only that persona: the other personas' scores are left
  out as well as their steps;
* a touchpoint that holds one score for everybody names, as its actors, every
  persona it applies to (its ``personas:``, else all the map's personas), as
  the SVG's curves do; a touchpoint with a score per persona becomes one task
  line per distinct score, each naming the personas that feel that way;
* a touchpoint without a score is placed at 3, the middle of Mermaid's 1..5;
  scores are mapped linearly from the map's scale onto 1..5, halves rounded up.

Text is written with Mermaid's entity codes where its grammar needs it
(``cjm.present.escape.mermaid_text``): ``Pay: card`` becomes ``Pay#58; card``,
which Mermaid shows as ``Pay: card``.
"""

from __future__ import annotations

from collections.abc import Mapping

from cjm.model.scales import to_five
from cjm.present.escape import mermaid_text

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


def resolved_block(resolved) -> str:
    """The Mermaid ``journey`` text of a resolved map (no Markdown fence): one
    task per step, as the map has them (``journey_block(one_per_step=True)``)."""
    return journey_block(journey_view(resolved), {p.id: p.name for p in resolved.personas}, one_per_step=True)


def render(resolved, options, shared=None) -> str:
    return resolved_block(resolved)


def escape_task(text: str) -> str:
    """A task or section name Mermaid's lexer reads back as the same text
    (entity codes, see ``cjm.present.escape.mermaid_text``)."""
    return mermaid_text(text) or "(unnamed)"


def escape_actor(text: str) -> str:
    """An actor name: like a task name, and commas coded (they separate actors)."""
    return mermaid_text(text, actor=True) or "(unnamed)"


def escape_title(text: str) -> str:
    return mermaid_text(text)


def persona_labels(model, persona_names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Persona id -> actor name, in the map's order. Names come from
    ``persona_names`` (e.g. resolved from catalogues), then from the map's own
    persona definitions, then the id; two personas with the same name are
    told apart by their id."""
    names = dict(persona_names or {})
    ordered: dict[str, str] = {}
    for p in model.personas:
        pid = p if isinstance(p, str) else p.id
        ordered[pid] = names.get(pid) or (pid if isinstance(p, str) else p.name)
    counts: dict[str, int] = {}
    for name in ordered.values():
        key = escape_actor(name).casefold()
        counts[key] = counts.get(key, 0) + 1
    return {pid: (f"{name} ({pid})" if counts[escape_actor(name).casefold()] > 1 else name)
            for pid, name in ordered.items()}


def journey_block(model, persona_names: Mapping[str, str] | None = None, indent: str = "    ",
                  one_per_step: bool = False) -> str:
    """The Mermaid ``journey`` diagram of a map (a ``JourneyMap``), ending in a
    newline, without a Markdown fence. Deterministic: same map, same text.

    ``persona_names`` maps persona ids to display names for personas the map
    only names by id (catalogue personas).

    ``one_per_step`` (what ``cjm render`` draws): a step whose personas score
    differently is still one task, so GitHub's chart shows one step, not two
    with the same name: its score is the personas' mean (halves up), its
    actors are all of them, and its name ends with each persona's own score
    ("Checkout (Maya Okafor 1, Daniel Weber 4)"). Without it (``cjm export
    mermaid``) such a step is one task line per distinct score, which
    ``cjm import mermaid`` reads back to the same scores."""
    if len(indent.strip(" ")) or len(indent) < 4:
        raise ValueError("indent must be at least four spaces (keeps Markdown fences closed)")
    labels = persona_labels(model, persona_names)
    order = {pid: i for i, pid in enumerate(labels)}
    low, high = model.scale.min, model.scale.max
    lines = ["journey"]
    title = escape_title(model.title)
    if title:
        lines.append(f"{indent}title {title}")
    for stage in model.stages:
        lines.append(f"{indent}section {escape_task(stage.name)}")
        for tp in stage.touchpoints:
            name = escape_task(tp.name)
            tasks = _task_scores(tp, labels, order, low, high)
            if one_per_step and len(tasks) > 1:
                tasks, name = _one_task(tp, tasks, labels, order, low, high)
            for score, actors in tasks:
                actor_text = ", ".join(escape_actor(labels.get(a, a)) for a in actors)
                lines.append(f"{indent}  {name}: {score}" + (f": {actor_text}" if actor_text else ""))
    return "\n".join(lines) + "\n"


def one_task_name(name: str, scores: list[tuple[str, int]]) -> str:
    """A step's name with each persona's own score, for a step they feel differently about."""
    return f"{name} (" + ", ".join(f"{who} {score}" for who, score in scores) + ")"


def _one_task(tp, tasks, labels, order, low, high) -> tuple[list[tuple[int, list[str]]], str]:
    scored = sorted(((pid, to_five(v, low, high)) for pid, v in tp.emotion.items()),
                    key=lambda ps: (order.get(ps[0], len(order)), ps[0]))
    mean = sum(v for _p, v in scored) / len(scored)
    score = max(1, min(5, int(mean + 0.5)))
    name = escape_task(one_task_name(tp.name, [(labels.get(p, p), v) for p, v in scored]))
    return [(score, [p for p, _v in scored])], name


def _task_scores(tp, labels, order, low, high) -> list[tuple[int, list[str]]]:
    emotion = tp.emotion
    if isinstance(emotion, dict):
        groups: dict[int, list[str]] = {}
        for pid in sorted(emotion, key=lambda p: (order.get(p, len(order)), p)):
            groups.setdefault(to_five(emotion[pid], low, high), []).append(pid)
        if groups:
            # One line per distinct score, in the order of each group's first persona.
            return list(groups.items())
        emotion = None
    actors = sorted(tp.personas or [], key=lambda p: (order.get(p, len(order)), p))
    score = 3 if emotion is None else to_five(emotion, low, high)
    return [(score, actors)]

