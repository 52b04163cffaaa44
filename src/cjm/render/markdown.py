"""``-f md``: the map as a Markdown document for GitHub and GitLab readers.

The page (template ``markdown/map.md.j2``): title, goal and facts, the
Mermaid ``journey`` (GitHub and GitLab draw it), with a metrics snapshot
the measured funnel and reach (small tables), persona summaries, one
section per stage with a table of its touchpoints, then the pain points,
opportunities, actions and KPIs.

Markdown templates are not autoescaped: every map string goes through
``md_text`` (prose, headings, list items) or ``md_cell`` (table cells), links
through ``md_link`` (http, https and mailto only). The Mermaid block is
escaped for Mermaid's grammar and sits in a code fence, where Markdown leaves
it alone. This module prepares plain values; the template does the escaping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cjm.model.scales import to_five
from cjm.present.numbers import duration, number, percent
from cjm.present.numbers import score as signed
from cjm.present.words import MEASURED_LABELS, STATUS_ICONS, addressed_by, map_type, market, measured_source
from cjm.present.words import STATUSES as STATUS_LABELS

# A face and a word for a score mapped onto 1..5 (as in the Mermaid journey).
MOODS = {1: ("😣", "very negative"), 2: ("🙁", "negative"), 3: ("😐", "neutral"), 4: ("🙂", "positive"),
         5: ("😄", "very positive")}
STATUSES = {key: f"{STATUS_ICONS[key]} {label}" for key, label in STATUS_LABELS.items()}
SEVERITIES = {"low": "low", "medium": "medium", "high": "**high**", "critical": "**critical**"}


@dataclass
class Mood:
    who: str | None  # persona name; None when one score applies to everyone
    face: str
    word: str
    score: str


@dataclass
class Row:
    touchpoint: object
    channel: str | None
    moods: list[Mood] = field(default_factory=list)


def _moods(resolved, tp) -> list[Mood]:
    low, high = resolved.scale.min, resolved.scale.max

    def mood(who, value) -> Mood:
        face, word = MOODS[to_five(value, low, high)]
        return Mood(who, face, word, signed(value, low))

    if tp.emotion is None:
        return []
    if not isinstance(tp.emotion, dict):
        return [mood(None, tp.emotion)]
    return [mood(p.name, resolved.emotion(tp, p.id)) for p in resolved.personas
            if resolved.emotion(tp, p.id) is not None]


def measured(resolved) -> dict | None:
    """The snapshot's numbers as table cells (None without a snapshot): the
    funnel by step, then the reach of each touchpoint that sends events."""
    observed = resolved.observed
    if observed is None or not (observed.steps or observed.reach):
        return None
    steps = []
    for st in observed.steps:
        dropped = "\u2013" if st.dropoff is None else f"{number(st.dropoff)} ({percent(st.dropoff_rate)})"
        # the numbers are cjm's own text (digits, separators, units): only the name needs escaping
        steps.append((f"{st.number}. {st.name}", [number(st.reached), percent(st.conversion),
                                                  percent(st.step_conversion), dropped, duration(st.median_seconds),
                                                  duration(st.p90_seconds)]))
    reach = [[tp.name, number(observed.reach[tp.id])] for _s, tp in resolved.touchpoints() if tp.id in observed.reach]
    counted = {"person": "people", "session": "sessions"}.get(observed.unit, observed.unit)
    note = f"From {measured_source(observed)}; counting {counted}"
    if observed.entered is not None:
        note += (f": {number(observed.entered)} entered the funnel, {number(observed.converted or 0)} "
                 f"({percent(observed.conversion)}) reached its last step")
    return {"note": note + ".", "labels": MEASURED_LABELS, "steps": steps, "reach": reach,
            "missing": list(observed.missing)}


def context(resolved, options) -> dict:
    """What ``markdown/map.md.j2`` receives (raw map text: escape it there)."""
    from cjm.render.mermaid import MERMAID_MAX_TEXT, resolved_block

    m = resolved.map
    scale = m.scale
    facts = [("Type", map_type(m.type))]
    for label, value in (("Industry", m.industry), ("Market", market(m.market)),
                         ("Owner", m.owner), ("Last reviewed", m.reviewed.isoformat() if m.reviewed else None),
                         ("Tags", ", ".join(m.tags) if m.tags else None)):
        if value:
            facts.append((label, value))
    low = f"{signed(scale.min, scale.min)}" + (f" ({scale.low_label})" if scale.low_label else "")
    high = f"{signed(scale.max, scale.min)}" + (f" ({scale.high_label})" if scale.high_label else "")
    facts.append(("Emotion scale", f"{low} to {high}"))
    if options.persona and resolved.personas:
        facts.append(("Persona shown", resolved.personas[0].name))

    stages = []
    pain_rows, opportunity_rows = [], []
    pain_titles = {}
    for stage in resolved.stages:
        rows = []
        for tp in stage.touchpoints:
            rows.append(Row(tp, resolved.channel_name(tp), _moods(resolved, tp)))
            for p in tp.pain_points:
                pain_titles[p.id] = p.title
                pain_rows.append((stage, tp, p))
            for o in tp.opportunities:
                opportunity_rows.append((stage, tp, o))
        stages.append((stage, rows))

    block = resolved_block(resolved)
    return {
        "map": m,
        "resolved": resolved,
        "source_name": resolved.source.replace("\\", "/").rsplit("/", 1)[-1],
        "facts": facts,
        "personas": resolved.personas,
        "stages": stages,
        "pain_points": pain_rows,
        "addressed_by": addressed_by(m),
        "pain_titles": pain_titles,
        "opportunities": opportunity_rows,
        "actions": m.actions,
        "statuses": STATUSES,
        "severities": SEVERITIES,
        "kpis": list(resolved.kpis.values()),
        "kpi_names": {k.id: k.name for k in resolved.kpis.values()},
        "number": number,
        "mermaid": block if len(block) <= MERMAID_MAX_TEXT else None,
        "mermaid_chars": len(block),
        "mermaid_max": MERMAID_MAX_TEXT,
        "touchpoint_count": sum(len(rows) for _s, rows in stages),
        "measured": measured(resolved),
    }


def render(resolved, options, shared=None) -> str:
    from cjm.render.templating import render_template

    text = render_template("markdown/map.md.j2", options.template_dir, **context(resolved, options))
    # One newline at the end, none doubled, whatever the template's blocks left.
    lines = text.rstrip("\n").split("\n")
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out) + "\n"
