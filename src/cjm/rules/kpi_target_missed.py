"""CJM330 kpi-target-missed."""

from __future__ import annotations

from collections.abc import Iterator

from cjm.model.metrics import metric_value
from cjm.present.numbers import number
from cjm.rules import RuleContext, Yielded, rule


@rule("CJM330")
def kpi_target_missed(ctx: RuleContext) -> Iterator[Yielded]:
    """A KPI bound to a metric misses its target in the latest metrics snapshot.

    A KPI with `metric:` takes its actual value from the map's metrics
    snapshot (`cjm analyze MAP -o metrics/MAP.json`) instead of a number typed
    in by hand. Make this rule an error in cjm.yaml to fail CI when a target
    is missed (`rules: {kpi-target-missed: error}`).

    Bad:
        kpis:
          - id: conversion
            name: Checkout conversion
            unit: "%"
            target: 35
            metric: stage.purchase.conversion    # the snapshot says 0.21 (21 %)

    Good:
        kpis:
          - id: conversion
            name: Checkout conversion
            unit: "%"
            target: 20
            metric: stage.purchase.conversion
    """
    metrics = ctx.metrics
    if metrics is None or not metrics.present:
        return
    for i, kpi in enumerate(ctx.model.kpis):
        value = metric_value(kpi, metrics)
        if value is None or kpi.target is None:
            continue
        lower = kpi.direction == "lower-is-better"
        if (value <= kpi.target) if lower else (value >= kpi.target):
            continue
        unit = kpi.unit or ""
        sep = "" if unit in ("", "%") else " "
        when = f", data to {metrics.data_end.isoformat()}" if metrics.data_end else ""
        yield ("kpis", i, "target"), (f"KPI '{kpi.id}' is {number(value)}{sep}{unit} in {metrics.shown}{when}: "
                                      f"the target is {number(kpi.target)}{sep}{unit}"
                                      f"{' or less' if lower else ''}"), \
            "improve the journey, or revisit the target with its owner"
