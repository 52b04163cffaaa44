"""CJM312 kpi-target-without-unit."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.rules import RuleContext, Yielded, rule


@rule("CJM312", applies_to=("map", "catalog"))
def kpi_target_without_unit(ctx: RuleContext) -> Iterator[Yielded]:
    """A KPI has a target but no unit, so 3.5 could mean %, seconds or euros.

    Bad:
        kpis:
          - id: conversion
            name: Conversion rate
            target: 3.5

    Good:
        kpis:
          - id: conversion
            name: Conversion rate
            unit: "%"
            target: 3.5
    """
    for i, k in enumerate(ctx.model.kpis):
        if k.target is not None and not k.unit:
            yield ("kpis", i, "target"), f"KPI '{k.id}' has a target but no unit", "add `unit:` (%, s, EUR, points…)"
