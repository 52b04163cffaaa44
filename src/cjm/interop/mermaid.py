"""Mermaid ``journey`` diagrams: export a map as one, import one as a map.

A Mermaid journey holds a title, sections, and tasks written
``Task name: score[: Actor, Actor]`` with a score from 1 to 5. That is all:
no personas, channels, pain points or KPIs.

Export (``journey_block``), the one place that writes the block (``cjm render
-f mermaid`` and the Markdown renderer reuse it):

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
  ``:`` is written ``#58;``; see ``cjm.render.text.mermaid_text`` (checked
  against Mermaid's own parser by tests/test_render_mermaid.py).
* Lines are indented by at least four spaces, so that a line of the block
  can never close the Markdown code fence it sits in.

Import (``parse_journey``): title, sections, tasks and actors; ``%%`` and
``#`` comments, entity codes (``#58;``, ``#quot;``) decoded as Mermaid shows
them, ``accTitle``/``accDescr`` (the description), YAML front matter with a
``title:``, and a ```` ```mermaid ```` fence around the block are understood.
Scores must lie in 1..5; the map gets ``scale: {min: 1, max: 5}``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from cjm.interop import IdMaker, ImportProblem

MERMAID_MIN, MERMAID_MAX = 1, 5

# Mermaid's encodeEntities runs before its lexer: `#58;` (or `#quot;`) is a
# character, not the start of a comment.
_ENTITY = re.compile(r"#(\w+);")


def escape_task(text: str) -> str:
    """A task or section name Mermaid's lexer reads back as the same text
    (entity codes, see ``cjm.render.text.mermaid_text``)."""
    from cjm.render.text import mermaid_text

    return mermaid_text(text) or "(unnamed)"


def escape_actor(text: str) -> str:
    """An actor name: like a task name, and commas coded (they separate actors)."""
    from cjm.render.text import mermaid_text

    return mermaid_text(text, actor=True) or "(unnamed)"


def escape_title(text: str) -> str:
    from cjm.render.text import mermaid_text

    return mermaid_text(text)


def to_mermaid_score(value: float, low: float, high: float) -> int:
    """Map ``value`` on the scale low..high linearly onto 1..5, rounding halves up."""
    if high <= low:
        return 3
    x = MERMAID_MIN + (value - low) * (MERMAID_MAX - MERMAID_MIN) / (high - low)
    return max(MERMAID_MIN, min(MERMAID_MAX, math.floor(x + 0.5)))


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


def journey_block(model, persona_names: Mapping[str, str] | None = None, indent: str = "    ") -> str:
    """The Mermaid ``journey`` diagram of a map (a ``JourneyMap``), ending in a
    newline, without a Markdown fence. Deterministic: same map, same text.

    ``persona_names`` maps persona ids to display names for personas the map
    only names by id (catalogue personas)."""
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
            for score, actors in _task_scores(tp, labels, order, low, high):
                actor_text = ", ".join(escape_actor(labels.get(a, a)) for a in actors)
                lines.append(f"{indent}  {name}: {score}" + (f": {actor_text}" if actor_text else ""))
    return "\n".join(lines) + "\n"


def _task_scores(tp, labels, order, low, high) -> list[tuple[int, list[str]]]:
    emotion = tp.emotion
    if isinstance(emotion, dict):
        groups: dict[int, list[str]] = {}
        for pid in sorted(emotion, key=lambda p: (order.get(p, len(order)), p)):
            groups.setdefault(to_mermaid_score(emotion[pid], low, high), []).append(pid)
        if groups:
            # One line per distinct score, in the order of each group's first persona.
            return list(groups.items())
        emotion = None
    actors = sorted(tp.personas or [], key=lambda p: (order.get(p, len(order)), p))
    score = 3 if emotion is None else to_mermaid_score(emotion, low, high)
    return [(score, actors)]


# --- import --------------------------------------------------------------------


@dataclass
class Task:
    name: str
    score: int | float
    actors: list[str]
    line: int


@dataclass
class Section:
    name: str
    line: int
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Journey:
    title: str | None = None
    description: str | None = None
    sections: list[Section] = field(default_factory=list)


_FENCE = re.compile(r"^\s*(```|~~~)\s*mermaid\s*$", re.I)


def _number(text: str) -> int | float | None:
    text = text.strip()
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text):
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def _decode(text: str, codes: list[str]) -> str:
    """Placeholders back to the characters their entity codes stand for."""
    import html

    def one(m: re.Match) -> str:
        code = codes[int(m.group(1))]
        if code.isdigit():
            n = int(code)
            return chr(n) if 0 < n <= 0x10FFFF else f"#{code};"
        decoded = html.unescape(f"&{code};")
        return decoded if decoded != f"&{code};" else f"#{code};"

    return re.sub("\ue000(\\d+)\ue001", one, text)


def parse_journey(text: str, file: str = "<mermaid>") -> Journey:
    """Read a Mermaid journey diagram; raises ``ImportProblem`` at a line."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    for i, line in enumerate(lines):  # a Markdown file: the first ```mermaid fence
        if _FENCE.match(line):
            start = i + 1
            close = next((j for j in range(start, len(lines)) if lines[j].strip() in ("```", "~~~")), None)
            end = close if close is not None else len(lines)
            break
    journey = Journey()
    i = start
    # YAML front matter: --- title: … ---
    while i < end and not lines[i].strip():
        i += 1
    if i < end and lines[i].strip() == "---":
        j = i + 1
        while j < end and lines[j].strip() != "---":
            m = re.match(r"\s*title\s*:\s*(.*?)\s*$", lines[j])
            if m and m.group(1):
                journey.title = m.group(1).strip("'\"")
            j += 1
        i = j + 1
    seen_header = False
    current: Section | None = None
    in_descr = False
    descr: list[str] = []
    while i < end:
        number, raw = i + 1, lines[i]
        i += 1
        if in_descr:
            if "}" in raw:
                descr.append(raw.split("}", 1)[0])
                journey.description = "\n".join(x.strip() for x in descr).strip() or None
                in_descr = False
            else:
                descr.append(raw)
            continue
        codes: list[str] = []
        stripped = _ENTITY.sub(lambda m: codes.append(m.group(1)) or f"\ue000{len(codes) - 1}\ue001", raw).strip()
        if not stripped or stripped.startswith("%%"):
            continue
        if "#" in stripped:  # a comment runs to the end of the line
            stripped = stripped.split("#", 1)[0].strip()
            if not stripped:
                continue
        column = len(raw) - len(raw.lstrip()) + 1
        lower = stripped.lower()
        if not seen_header:
            if lower != "journey":
                raise ImportProblem(file, number, column,
                                    f"expected `journey` (a Mermaid journey diagram), found {stripped[:40]!r}")
            seen_header = True
            continue
        if ";" in stripped:
            raise ImportProblem(file, number, column + stripped.index(";"),
                                "Mermaid does not allow ';' in a journey diagram")
        if re.match(r"title\s", lower):
            journey.title = _decode(stripped[6:].strip(), codes)
        elif re.match(r"acctitle\s*:", lower):
            if journey.title is None:
                journey.title = _decode(stripped.split(":", 1)[1].strip(), codes)
        elif re.match(r"accdescr\s*:", lower):
            journey.description = _decode(stripped.split(":", 1)[1].strip(), codes) or None
        elif re.match(r"accdescr\s*\{", lower):
            rest = stripped.split("{", 1)[1]
            if "}" in rest:
                journey.description = rest.split("}", 1)[0].strip() or None
            else:
                descr, in_descr = [rest], True
        elif re.match(r"section\s", lower):
            name = stripped[8:].strip()
            if ":" in name:
                raise ImportProblem(file, number, column + 8 + stripped[8:].index(":"),
                                    "a section name cannot hold ':'")
            current = Section(_decode(name, codes), number)
            journey.sections.append(current)
        elif ":" in stripped:
            name, data = stripped.split(":", 1)
            pieces = data.split(":")
            score = _number(pieces[0])
            if score is None:
                raise ImportProblem(file, number, column + len(name) + 1,
                                    f"the score of task {name.strip()!r} is not a number: {pieces[0].strip()!r}")
            if not MERMAID_MIN <= score <= MERMAID_MAX:
                raise ImportProblem(file, number, column + len(name) + 1,
                                    f"the score of task {name.strip()!r} is {score}; Mermaid scores run from "
                                    f"{MERMAID_MIN} to {MERMAID_MAX}")
            actors = [_decode(a.strip(), codes) for a in pieces[1].split(",") if a.strip()] if len(pieces) > 1 else []
            if current is None:  # tasks before any section: Mermaid's unnamed section
                current = Section("", number)
                journey.sections.append(current)
            current.tasks.append(Task(_decode(name.strip(), codes), score, actors, number))
        else:
            raise ImportProblem(file, number, column,
                                f"expected a task (`Task name: score: Actor, …`), a section or a title; "
                                f"found {stripped[:40]!r}")
    if not seen_header:
        raise ImportProblem(file, 1, 1, "no `journey` diagram found")
    if not journey.sections:
        raise ImportProblem(file, end or 1, 1, "the journey has no sections and no tasks")
    return journey


def journey_to_map(journey: Journey, fallback_title: str = "Imported journey",
                   taken_persona_ids: set[str] | None = None) -> dict[str, Any]:
    """A Mermaid journey as a map: plain dicts in the model's key order, on a
    1..5 scale. Persona ids avoid ``taken_persona_ids`` (the project's catalogue)."""
    persona_ids = IdMaker(taken_persona_ids)
    personas: dict[str, str] = {}  # actor name -> id, in order of first appearance
    for section in journey.sections:
        for task in section.tasks:
            for actor in task.actors:
                if actor not in personas:
                    personas[actor] = persona_ids.make(actor, "persona")
    stage_ids, touchpoint_ids = IdMaker(), IdMaker()
    stages = []
    for section in journey.sections:
        stage_name = section.name or "Journey"
        touchpoints = []
        for task in section.tasks:
            tp: dict[str, Any] = {"id": touchpoint_ids.make(task.name, "step"), "name": task.name or "(unnamed)"}
            if task.actors:
                ids = list(dict.fromkeys(personas[a] for a in task.actors))
                tp["emotion"] = {pid: task.score for pid in ids}
                if len(ids) < len(personas):
                    tp["personas"] = ids
            else:
                tp["emotion"] = task.score
            touchpoints.append(tp)
        stages.append({"id": stage_ids.make(stage_name, "stage"), "name": stage_name, "touchpoints": touchpoints})
    data: dict[str, Any] = {"cjm": 1, "title": journey.title or fallback_title}
    if journey.description:
        data["description"] = journey.description
    data["scale"] = {"min": MERMAID_MIN, "max": MERMAID_MAX}
    if personas:
        data["personas"] = [{"id": pid, "name": name} for name, pid in personas.items()]
    data["stages"] = stages
    return data
