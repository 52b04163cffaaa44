"""CJM332 missing-metric."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from cjm.rules import RuleContext, Yielded, rule


@rule("CJM332")
def missing_metric(ctx: RuleContext) -> Iterator[Yielded]:
    """A KPI binds a metric, but there is no snapshot, or the snapshot has no such metric.

    `metric:` names a key of the map's metrics snapshot, which `cjm analyze
    MAP -o metrics/MAP.json` writes (`stage.<id>.conversion`,
    `touchpoint.<id>.reach`, `funnel.conversion`…; `cjm analyze -f json`
    lists them).

    Bad:
        kpis:
          - id: conversion
            name: Conversion
            metric: stage.purchse.conversion     # a typo, or no snapshot yet

    Good:
        kpis:
          - id: conversion
            name: Conversion
            metric: stage.purchase.conversion
    """
    metrics = ctx.metrics
    for i, kpi in enumerate(ctx.model.kpis):
        if not kpi.metric:
            continue
        if metrics is None or not metrics.present:
            why = metrics.why if metrics is not None else "no metrics snapshot was found"
            yield ("kpis", i, "metric"), f"KPI '{kpi.id}' binds metric '{kpi.metric}': {why}"
            continue
        if kpi.metric not in metrics.values:
            close = difflib.get_close_matches(kpi.metric, sorted(metrics.values), n=1, cutoff=0.6)
            yield ("kpis", i, "metric"), f"{metrics.shown} has no metric '{kpi.metric}' (KPI '{kpi.id}')", \
                f"did you mean '{close[0]}'?" if close else "`cjm analyze -f json` lists the metrics it computes"
