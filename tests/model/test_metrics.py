"""A metrics snapshot as the rules see it (cjm.model.metrics): whether one is
there, and the value a KPI's `metric:` binds to, in the KPI's own unit."""

from __future__ import annotations

import datetime as dt

import pytest

from cjm.model.journey import Kpi
from cjm.model.metrics import Metrics, metric_value


def kpi(metric: str | None = "funnel.conversion", unit: str | None = None) -> Kpi:
    return Kpi.model_validate({"id": "k", "name": "K", "metric": metric, "unit": unit})


def test_present_means_a_document_was_read():
    assert not Metrics("metrics/shop.json", why="there is no metrics snapshot").present
    assert not Metrics("m.json", {"funnel.conversion": 0.5}).present  # values alone are not a snapshot
    assert Metrics("m.json", document={}).present
    snapshot = Metrics("m.json", {"a": 1}, dt.date(2026, 11, 5), {"format": "cjm-metrics"})
    assert snapshot.present and snapshot.why == "" and snapshot.data_end == dt.date(2026, 11, 5)


def test_a_missing_snapshot_has_no_values():
    empty = Metrics("m.json", why="broken")
    assert empty.values == {} and empty.data_end is None and empty.document is None
    assert metric_value(kpi(), empty) is None


def test_values_are_not_shared_between_snapshots():
    first, second = Metrics("a.json"), Metrics("b.json")
    first.values["x"] = 1
    assert second.values == {}


@pytest.mark.parametrize("key, value, unit, expected", [
    ("funnel.conversion", 0.6667, "%", 66.67),
    ("funnel.conversion", 0.123456, "%", 12.35),
    ("funnel.conversion", 1, "%", 100),
    ("funnel.conversion", 0.6667, " % ", 66.67),  # the unit as written, spaces and all
    ("stage.buy.step_conversion", 0.5, "%", 50.0),
    ("stage.buy.dropoff", 0.25, "%", 25.0),
    ("conformance.unmatched_share", 0.1, "%", 10.0),
    ("funnel.conversion", 0.6667, None, 0.6667),  # a rate without a % unit stays a rate
    ("funnel.conversion", 0.6667, "", 0.6667),
    ("funnel.conversion", 0.6667, "percent", 0.6667),
    ("stage.buy.reach", 120, "%", 120),  # not a rate: never scaled
    ("stage.buy.median_seconds", 90.5, "s", 90.5),
    ("funnel.conversion_rate", 0.5, "%", 0.5),  # only the last part of the key names a rate
    ("funnel.entered", 0, None, 0),
])
def test_the_value_in_the_kpis_unit(key, value, unit, expected):
    got = metric_value(kpi(key, unit), Metrics("m.json", {key: value}, document={}))
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("value", [True, False, None, "0.5", [0.5], {"value": 0.5}])
def test_a_value_that_is_no_number_binds_nothing(value):
    assert metric_value(kpi("funnel.conversion", "%"), Metrics("m.json", {"funnel.conversion": value})) is None


def test_a_kpi_without_a_metric_or_with_an_absent_one_binds_nothing():
    metrics = Metrics("m.json", {"funnel.conversion": 0.5}, document={})
    assert metric_value(kpi(None), metrics) is None
    assert metric_value(kpi("funnel.converted"), metrics) is None
    assert metric_value(object(), metrics) is None  # anything without a metric attribute
