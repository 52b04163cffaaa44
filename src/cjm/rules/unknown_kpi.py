"""CJM304 unknown-kpi."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.walk import kpi_refs
from cjm.rules import RuleContext, Yielded, known_ids, rule, suggest


@rule("CJM304")
def unknown_kpi(ctx: RuleContext) -> Iterator[Yielded]:
    """A stage, touchpoint or action refers to a KPI id that is not defined.

    Bad:
        kpis:
          - id: conversion
            name: Conversion rate
        stages:
          - id: buy
            name: Buy
            kpis: [convertion]

    Good:
        stages:
          - id: buy
            name: Buy
            kpis: [conversion]
    """
    m = ctx.model
    known = known_ids("kpi", ctx, m.kpis)
    for path, k in kpi_refs(m):
        if k not in known:
            yield path, f"unknown KPI '{k}'", suggest(k, known) or "define it under `kpis:` or in a catalogue"
