"""Mermaid ``journey`` diagrams: import one as a map (writing one is
``cjm.render.mermaid``, used by ``cjm render -f mermaid``, the Markdown page
and ``cjm export mermaid``).

A Mermaid journey holds a title, sections, and tasks written
``Task name: score[: Actor, Actor]`` with a score from 1 to 5. That is all:
no personas, channels, pain points or KPIs.

Import (``parse_journey``): title, sections, tasks and actors; ``%%`` and
``#`` comments, entity codes (``#58;``, ``#quot;``) decoded as Mermaid shows
them, ``accTitle``/``accDescr`` (the description), YAML front matter with a
``title:``, and a ```` ```mermaid ```` fence around the block are understood.
Scores must lie in 1..5; the map gets ``scale: {min: 1, max: 5}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cjm.authoring.interop import IdMaker, ImportProblem, short_text
from cjm.model.scales import MERMAID_MAX, MERMAID_MIN

# Mermaid's encodeEntities runs before its lexer: `#58;` (or `#quot;`) is a
# character, not the start of a comment.
_ENTITY = re.compile(r"#(\w+);")


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
        stage_name = short_text(section.name, "Journey")
        touchpoints = []
        for task in section.tasks:
            tp: dict[str, Any] = {"id": touchpoint_ids.make(task.name, "step"),
                                  "name": short_text(task.name, "(unnamed)")}
            if task.actors:
                ids = list(dict.fromkeys(personas[a] for a in task.actors))
                tp["emotion"] = {pid: task.score for pid in ids}
                if len(ids) < len(personas):
                    tp["personas"] = ids
            else:
                tp["emotion"] = task.score
            touchpoints.append(tp)
        stages.append({"id": stage_ids.make(stage_name, "stage"), "name": stage_name, "touchpoints": touchpoints})
    data: dict[str, Any] = {"cjm": 1, "title": short_text(journey.title, fallback_title)}
    if journey.description:
        data["description"] = journey.description
    data["scale"] = {"min": MERMAID_MIN, "max": MERMAID_MAX}
    if personas:
        data["personas"] = [{"id": pid, "name": short_text(name, pid)} for name, pid in personas.items()]
    data["stages"] = stages
    return data
