"""The YAML format of journey analytics (cjm.model.analytics): touchpoint
`events:` items, and the `analytics:` section of cjm.yaml with its durations,
names, step ids and funnel defaults.

Turning these validated values into an engine request is tests/analytics/test_spec.py."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML

from cjm.model.analytics import (
    AnalyticsConfig,
    Breakdown,
    Columns,
    DataSource,
    EventMatch,
    EventSpec,
    Exclusion,
    FunnelDefaults,
    Name,
    Pattern,
    PropertyName,
    StepId,
    StepLimit,
    parse_duration,
)

CONFIG = """
analytics:
  source:
    path: data/events
    shape: ga4
    timezone: Europe/Berlin
  funnel:
    unit: session
    window: 30m
    attempt: best
    limits: {checkout: {max: 1h}}
    exclusions: [{events: [refund], from: cart, to: purchase}]
    breakdown: {by: device.category, personas: {mobile: sam}}
    since: 2026-11-01
    until: 2026-11-30
  snapshot: metrics/shop.json
"""


def refused(cls, data) -> list[dict]:
    with pytest.raises(ValidationError) as err:
        cls.model_validate(data) if hasattr(cls, "model_validate") else TypeAdapter(cls).validate_python(data)
    return err.value.errors()


def test_an_analytics_section_parses():
    config = AnalyticsConfig.model_validate(YAML(typ="safe").load(CONFIG)["analytics"])
    assert config.source.path == "data/events" and config.source.shape == "ga4"
    assert config.source.timezone == "Europe/Berlin" and config.source.format is None
    f = config.funnel
    assert (f.unit, f.window, f.attempt) == ("session", 1800, "best")
    assert f.limits["checkout"].max == 3600 and f.limits["checkout"].min is None
    assert f.exclusions[0].from_ == "cart" and f.exclusions[0].to == "purchase" and f.exclusions[0].events == ["refund"]
    assert f.breakdown.by == "device.category" and f.breakdown.personas == {"mobile": "sam"}
    assert f.since == dt.date(2026, 11, 1) and f.until == dt.date(2026, 11, 30)
    assert config.snapshot == "metrics/shop.json"


def test_the_section_survives_a_round_trip_through_its_yaml_keys():
    # cjm.pipeline.analyze merges command-line overrides into the dumped section and validates
    # it again: `from` must come back as `from`, not as `from_`.
    config = AnalyticsConfig.model_validate(YAML(typ="safe").load(CONFIG)["analytics"])
    dumped = config.model_dump(by_alias=True, exclude_unset=True)
    assert dumped["funnel"]["exclusions"][0]["from"] == "cart" and "from_" not in dumped["funnel"]["exclusions"][0]
    assert AnalyticsConfig.model_validate(dumped) == config


# --- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, seconds", [("90s", 90), ("30m", 1800), ("1h", 3600), ("7d", 604800), ("2w", 1209600),
                                           (45, 45), ("12", 12), (0, 0), ("0m", 0), (" 30 m ", 1800)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["1y", "-5m", True, False, 1.5, "", -1, "1H", "1h30m", "1.5h", None, [60], "m"])
def test_bad_durations(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)
    with pytest.raises(ValidationError):
        AnalyticsConfig.model_validate({"funnel": {"window": bad}})


def test_a_bad_duration_says_which_forms_are_accepted():
    with pytest.raises(ValueError, match=r"like 90s, 30m, 1h, 7d, 2w or a number of seconds, not '1y'"):
        parse_duration("1y")
    with pytest.raises(ValueError, match="cannot be negative: -1"):
        parse_duration(-1)
    with pytest.raises(ValueError, match="not True"):  # not one second
        parse_duration(True)


def test_step_limits_are_durations():
    limit = StepLimit.model_validate({"min": "1m", "max": 7200})
    assert (limit.min, limit.max) == (60, 7200)
    assert StepLimit.model_validate({}).min is None
    refused(StepLimit, {"max": "soon"})


# --- names, patterns, step ids -----------------------------------------------------------


@pytest.mark.parametrize("kind, value", [(Pattern, "checkout_*"), (Pattern, "Page View"), (Pattern, "[ab]?"),
                                         (PropertyName, "device.category"), (Name, "Europe/Berlin"),
                                         (StepId, "cart"), (StepId, "step-2_b")])
def test_names_that_are_accepted(kind, value):
    assert TypeAdapter(kind).validate_python(value) == value


@pytest.mark.parametrize("kind, value", [
    (Pattern, ""), (Pattern, " "), (Pattern, "a\nb"), (Pattern, "a\tb"), (Pattern, "\x1b[31m"), (Pattern, "x" * 501),
    (PropertyName, ""), (PropertyName, "x" * 201), (PropertyName, "a\n"),
    (Name, ""), (Name, "\u200b"), (Name, "x" * 501),
    (StepId, "Cart"), (StepId, "cart page"), (StepId, ""), (StepId, "-cart"),
])
def test_names_that_are_refused(kind, value):
    with pytest.raises(ValidationError):
        TypeAdapter(kind).validate_python(value)


# --- events ------------------------------------------------------------------------------


def test_event_items_are_names_or_matches():
    adapter = TypeAdapter(list[EventSpec])
    items = adapter.validate_python(["view_item", {"name": "page_view",
                                                   "where": {"page_location": "*/checkout*", "n": [1, True], "x": 1.5}}])
    assert items[0] == "view_item"
    assert isinstance(items[1], EventMatch)
    assert items[1].where == {"page_location": "*/checkout*", "n": [1, True], "x": 1.5}
    assert EventMatch.model_validate({"name": "a"}).where == {}


@pytest.mark.parametrize("item", [{"name": "x", "wher": {}}, {"where": {"a": "b"}}, {"name": ""},
                                  {"name": "x", "where": {"": "b"}}, {"name": "x", "where": {"a": None}},
                                  {"name": "x", "where": {"a": {"b": "c"}}}, {"name": "x", "where": {"a": [[1]]}},
                                  {"name": "x", "where": {"a": "two\nlines"}}, {"name": "x", "where": ["a"]}, 3])
def test_event_items_that_are_refused(item):
    with pytest.raises(ValidationError):
        TypeAdapter(EventSpec).validate_python(item)


# --- the source ----------------------------------------------------------------------------


def test_source_defaults():
    source = DataSource.model_validate({"path": "events.parquet"})
    assert (source.format, source.shape, source.columns, source.time_unit, source.timezone) == (
        None, "events", None, None, "UTC")
    columns = Columns.model_validate({})
    assert (columns.actor, columns.session, columns.time, columns.event, columns.properties) == (
        "user_id", "session_id", "timestamp", "event", None)


@pytest.mark.parametrize("data", [{}, {"path": ""}, {"path": "e", "format": "xlsx"}, {"path": "e", "shape": "amplitude"},
                                  {"path": "e", "time_unit": "ns"}, {"path": "e", "columns": {"user": "u"}},
                                  {"path": "e", "timezone": ""}, {"path": "e", "paths": ["a"]}])
def test_sources_that_are_refused(data):
    refused(DataSource, data)


# --- funnel defaults ----------------------------------------------------------------------


def test_funnel_defaults():
    f = AnalyticsConfig.model_validate({}).funnel
    assert (f.steps, f.unit, f.entry, f.order, f.window, f.attempt, f.ties) == (
        "stages", "person", "closed", "ordered", 604800, "first", "in-order")
    assert (f.limits, f.exclusions, f.breakdown, f.since, f.until) == ({}, [], None, None, None)
    assert (f.top_paths, f.path_length) == (10, 10)
    assert f.model_dump() == FunnelDefaults.model_validate({}).model_dump() == FunnelDefaults.model_construct().model_dump()


def test_funnel_defaults_are_not_shared():
    first, second = AnalyticsConfig.model_validate({}), AnalyticsConfig()
    assert first.funnel is not second.funnel
    first.funnel.exclusions.append(Exclusion(events=["x"]))
    assert second.funnel.exclusions == [] and AnalyticsConfig().funnel.exclusions == []
    assert (first.source, first.snapshot) == (None, None)


@pytest.mark.parametrize("steps", ["stages", "touchpoints", ["cart", "pay"]])
def test_funnel_steps(steps):
    assert FunnelDefaults.model_validate({"steps": steps}).steps == steps


@pytest.mark.parametrize("data", [
    {"steps": "stage"}, {"steps": ["Cart"]}, {"steps": "cart,pay"}, {"unit": "user"}, {"entry": "half-open"},
    {"order": "random"}, {"attempt": "last"}, {"ties": "loose"}, {"top_paths": -1}, {"top_paths": 1001},
    {"top_paths": True}, {"top_paths": 2.0}, {"path_length": 0}, {"path_length": 101}, {"limits": {"Cart": {"max": "1h"}}},
    {"limits": {"cart": {"maximum": "1h"}}}, {"exclusions": [{"event": ["x"]}]}, {"exclusions": [{"from": "Cart"}]},
    {"breakdown": {"personas": {"a": "sam"}}}, {"breakdown": {"by": "tier", "personas": {"a": "Sam"}}},
    {"since": ""}, {"windw": "1h"},
])
def test_funnel_settings_that_are_refused(data):
    refused(FunnelDefaults, data)


@pytest.mark.parametrize("value, expected", [
    ("2026-11-01", "2026-11-01"),  # a text the engine reads (cjm.analytics.spec.parse_time)
    (dt.date(2026, 11, 1), dt.date(2026, 11, 1)),  # YAML's own date
    (dt.datetime(2026, 11, 1, 8, tzinfo=dt.timezone.utc), dt.datetime(2026, 11, 1, 8, tzinfo=dt.timezone.utc)),
])
def test_since_and_until_are_dates_times_or_their_text(value, expected):
    f = FunnelDefaults.model_validate({"since": value, "until": value})
    assert f.since == expected and f.until == expected


def test_exclusions_take_from_by_its_yaml_name_or_its_python_one():
    assert Exclusion.model_validate({"from": "cart"}).from_ == "cart"
    assert Exclusion.model_validate({"from_": "cart"}).from_ == "cart"
    x = Exclusion.model_validate({"touchpoint": "help", "to": "pay"})
    assert (x.events, x.touchpoint, x.from_, x.to) == ([], "help", None, "pay")


def test_a_breakdown_maps_values_to_personas():
    b = Breakdown.model_validate({"by": "device.category", "personas": {"mobile": "sam", "Desktop PC": "lee"}})
    assert b.personas == {"mobile": "sam", "Desktop PC": "lee"}
    assert Breakdown.model_validate({"by": "tier"}).personas == {}


@pytest.mark.parametrize("data", [{"source": {"path": "e", "shape": "amplitude"}}, {"funnel": {"windw": "1h"}},
                                  {"snapshot": ""}, {"snapshot": "a\nb"}, {"sources": {}}])
def test_an_analytics_section_that_is_refused(data):
    refused(AnalyticsConfig, data)
