"""CJM317 unknown-research."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.evidence import citations
from cjm.rules import RuleContext, Yielded, known_ids, rule, suggest


@rule("CJM317", applies_to=("map", "catalog"))
def unknown_research(ctx: RuleContext) -> Iterator[Yielded]:
    """`based_on:` names research that neither the map nor a catalogue lists under `research:`.

    Emotions (on their touchpoint), pain points and personas cite research by
    id. The research itself is listed once, with its method and date, under
    `research:` in the map or in a shared catalogue.

    Bad:
        research:
          - id: family-interviews-2026
            title: Twelve interviews with families
            method: interview
            date: 2026-09-30
        stages:
          - id: book
            name: Book
            touchpoints:
              - id: payment
                name: Payment
                emotion: -2
                based_on: [family-interview-2026]

    Good:
              - id: payment
                name: Payment
                emotion: -2
                based_on: [family-interviews-2026]
    """
    known = known_ids("research", ctx, ctx.model.research)
    for path, rid in citations(ctx.model):
        if rid not in known:
            yield path, f"unknown research '{rid}'", \
                suggest(rid, known) or "list it under `research:` in the map or in a catalogue"
