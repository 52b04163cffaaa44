"""A metrics snapshot as the rules and renderers see it, and the value a KPI
binds to (``metric:``), in the KPI's own unit. Reading the file is the
pipeline's job (``cjm.pipeline.metrics``)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Metrics:
    """A snapshot as the rules and renderers see it; ``values`` is empty and
    ``why`` says why when there is none to read."""

    shown: str  # its path as shown to the user
    values: dict[str, Any] = field(default_factory=dict)
    data_end: _dt.date | None = None  # the last day of event data it was computed from
    document: dict[str, Any] | None = None
    why: str = ""

    @property
    def present(self) -> bool:
        return self.document is not None


def metric_value(kpi: Any, metrics: Metrics) -> float | int | None:
    """The value a KPI binds to, in the KPI's own unit: a rate (0..1) is shown
    as a percentage when the KPI's unit is %; None when there is none."""
    key = getattr(kpi, "metric", None)
    if not key or key not in metrics.values:
        return None
    value = metrics.values[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if (kpi.unit or "").strip() == "%" and _is_rate(key):
        return round(value * 100, 2)
    return value


def _is_rate(key: str) -> bool:
    return key.rsplit(".", 1)[-1] in ("conversion", "step_conversion", "dropoff", "unmatched_share")
