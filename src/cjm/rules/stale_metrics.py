"""CJM331 stale-metrics."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator

from cjm.rules import Option, RuleContext, Yielded, rule


@rule("CJM331", options={
    "max_age_days": Option(int, 30, "days after the snapshot's last event before it counts as stale", minimum=1)})
def stale_metrics(ctx: RuleContext) -> Iterator[Yielded]:
    """The metrics snapshot a map's KPIs bind to was computed from old data.

    Numbers on a map go stale the day they are computed. The age counts from
    the last event in the data the snapshot was computed from (not from when
    it was written), so an old export analysed today is still old. Set the
    age in cjm.yaml: `rules: {stale-metrics: {max_age_days: 7}}`.

    Bad:
        # metrics/shop.json: data to 2026-06-30, checked in December
        kpis:
          - {id: conversion, name: Conversion, unit: "%", target: 3, metric: funnel.conversion}

    Good:
        # cjm analyze maps/shop.yaml -o metrics/shop.json, on this month's export
        kpis:
          - {id: conversion, name: Conversion, unit: "%", target: 3, metric: funnel.conversion}
    """
    metrics = ctx.metrics
    if metrics is None or not metrics.present or metrics.data_end is None:
        return
    bound = [i for i, k in enumerate(ctx.model.kpis) if k.metric]
    if not bound:
        return
    today = ctx.today or _dt.date.today()
    age = (today - metrics.data_end).days
    if age > ctx.options["max_age_days"]:
        yield ("kpis", bound[0], "metric"), (f"{metrics.shown} was computed from data that ends "
                                             f"{metrics.data_end.isoformat()}, {age} days ago"), \
            "run `cjm analyze` on fresh event data and write the snapshot again"
