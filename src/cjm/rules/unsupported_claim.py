"""CJM318 unsupported-claim."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator

from cjm.model.evidence import DEFAULT_MAX_AGE_DAYS, STALE, UNSUPPORTED, coverage, research_of, uses_research
from cjm.rules import Option, RuleContext, Yielded, rule

_WHAT = {"emotion": "the emotion at touchpoint", "pain_point": "pain point", "persona": "persona"}


@rule("CJM318", applies_to=("map", "catalog"), options={
    "max_age_days": Option(int, DEFAULT_MAX_AGE_DAYS,
                           "days after its `date:` before research counts as stale", minimum=1)})
def unsupported_claim(ctx: RuleContext) -> Iterator[Yielded]:
    """An emotion, pain point or persona cites no research, or only research older than `max_age_days`.

    Maps are built "from real data where it exists". Once a project keeps
    research to cite (a `research:` list in a map or a catalogue), every
    emotion (through its touchpoint), pain point and persona should say what
    it rests on: `based_on: [research ids]`, or the older `evidence:` links
    (`sources:` for a persona), which count too. Research older than
    `max_age_days` (default 365) no longer supports a claim on its own:

        rules:
          unsupported-claim: {level: warning, max_age_days: 180}

    Projects without any research listed get no findings from this rule.

    Bad:
        research:
          - id: checkout-survey-2026
            title: Checkout survey, 1,200 answers
            method: survey
            date: 2026-10-15
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: payment
                name: Payment
                emotion: -2

    Good:
              - id: payment
                name: Payment
                emotion: -2
                based_on: [checkout-survey-2026]
    """
    if not uses_research(ctx.model, ctx.project):
        return
    max_age = ctx.options["max_age_days"]
    research = research_of(ctx.model, ctx.project)
    found = coverage(ctx.model, research, today=ctx.today or _dt.date.today(), max_age_days=max_age)
    for claim in found.claims:
        if claim.path is None or claim.status not in (UNSUPPORTED, STALE):
            continue
        if any(rid not in research for rid in claim.cites):
            continue  # a misspelt citation: unknown-research says so, once
        what = f"{_WHAT[claim.kind]} '{claim.id}'"
        if claim.status == UNSUPPORTED:
            yield claim.path, f"{what} cites no research", "add `based_on: [research id]`, or an evidence link"
        else:
            yield claim.path, (f"{what} rests only on research older than {max_age} days "
                               f"(newest: {claim.newest.isoformat()})"), \
                "cite newer research, or re-run the study and update its `date:`"
