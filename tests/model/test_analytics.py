"""The YAML format: touchpoint `events:` items, the `analytics:` section of cjm.yaml, and the
helpers that turn them into engine requests."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML

from cjm.analytics import FunnelRequest, JourneyShape, Matcher, Semantics, Source
from cjm.analytics.spec import parse_time
from cjm.model.analytics import AnalyticsConfig, EventSpec, parse_duration
from cjm.model.journey import JourneyMap

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


def test_an_analytics_section_parses(tmp_path):
    data = YAML(typ="safe").load(CONFIG)["analytics"]
    config = AnalyticsConfig.model_validate(data)
    assert config.funnel.window == 1800
    assert config.funnel.exclusions[0].from_ == "cart"
    semantics = Semantics.from_defaults(config.funnel)
    assert semantics.window_seconds == 1800 and semantics.unit == "session"
    assert semantics.since_us == parse_time("2026-11-01")
    assert semantics.until_us == parse_time("2026-11-30T23:59:59.999999Z")
    assert semantics.limits[0].max_seconds == 3600 and semantics.personas == (("mobile", "sam"),)
    (tmp_path / "data" / "events" / "dt=2026-11-01").mkdir(parents=True)
    (tmp_path / "data" / "events" / "dt=2026-11-01" / "part-0.parquet").write_bytes(b"PAR1")
    source = Source.from_config(config.source, base=str(tmp_path))
    assert source.format == "parquet" and source.shape == "ga4" and source.time_unit == "us"
    assert source.columns.actor == "user_pseudo_id" and source.root.endswith("data/events")
    journey = JourneyShape.build([("cart", [("c", ["add_to_cart"], [])]), ("purchase", [("p", ["purchase"], [])])])
    request = FunnelRequest.from_config(config, journey, base=str(tmp_path))
    assert request.source == source and request.semantics == semantics and request.steps == "stages"
    assert request.top_paths == 10 and request.engine == "duckdb"


def test_defaults():
    config = AnalyticsConfig.model_validate({})
    f = config.funnel
    assert (f.unit, f.entry, f.order, f.window, f.attempt, f.ties, f.steps) == ("person", "closed", "ordered", 604800, "first", "in-order", "stages")
    assert Semantics.from_defaults(f) == Semantics()


@pytest.mark.parametrize("text, seconds", [("90s", 90), ("30m", 1800), ("1h", 3600), ("7d", 604800), ("2w", 1209600), (45, 45), ("12", 12)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["1y", "-5m", True, 1.5, "", -1])
def test_bad_durations(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)
    with pytest.raises(ValidationError):
        AnalyticsConfig.model_validate({"funnel": {"window": bad}})


def test_event_items():
    adapter = TypeAdapter(list[EventSpec])
    items = adapter.validate_python(["view_item", {"name": "page_view", "where": {"page_location": "*/checkout*", "n": [1, True]}}])
    assert Matcher.of(items[0]) == Matcher("view_item")
    assert Matcher.of(items[1]) == Matcher("page_view", (("n", ("1", "true")), ("page_location", ("*/checkout*",))))
    with pytest.raises(ValidationError):
        adapter.validate_python([{"name": "x", "wher": {}}])


def test_unknown_keys_are_refused():
    with pytest.raises(ValidationError):
        AnalyticsConfig.model_validate({"funnel": {"windw": "1h"}})
    with pytest.raises(ValidationError):
        AnalyticsConfig.model_validate({"source": {"path": "x", "shape": "amplitude"}})


def test_journey_shape_from_a_map():
    journey_map = JourneyMap.model_validate({
        "cjm": 1, "title": "Shop", "personas": ["sam"],
        "stages": [
            {"id": "browse", "name": "Browse", "touchpoints": [
                {"id": "list", "name": "List", "next": ["item", "search"]},
                {"id": "search", "name": "Search"},
                {"id": "item", "name": "Item"},
            ]},
            {"id": "buy", "name": "Buy", "touchpoints": [{"id": "cart", "name": "Cart"}]},
        ],
    })
    shape = JourneyShape.from_map(journey_map, {"list": ["view_item_list"], "item": ["view_item"], "cart": ["add_to_cart"]})
    assert [tp.id for tp in shape.touchpoints] == ["list", "search", "item", "cart"]
    assert shape.edges == {("list", "item"), ("list", "search"), ("search", "item"), ("item", "cart")}
    assert shape.branches == {("list", "item"), ("list", "search")}
    assert shape.personas == ("sam",) and shape.stages == ("browse", "buy")
