"""The engine's request (cjm.analytics.spec): building it from the map and the
validated config, resolving the data source, parsing times, and `plan()`,
which checks that a request fits together and turns ids into step numbers
for every engine."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter
from ruamel.yaml import YAML

from cjm.analytics.errors import InputNotFoundError, NoEventsMappedError, RequestError
from cjm.analytics.spec import (
    ColumnMap,
    EngineOptions,
    Exclusion,
    FunnelRequest,
    JourneyShape,
    Matcher,
    Semantics,
    Source,
    StepLimit,
    parse_time,
    plan,
)
from cjm.model.analytics import AnalyticsConfig, EventSpec
from cjm.model.journey import JourneyMap

US = 1_000_000
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
    limits: {purchase: {max: 1h}}
    exclusions: [{events: [refund, {name: cancel, where: {reason: "*"}}], from: cart, to: purchase}]
    breakdown: {by: device.category, personas: {mobile: sam}}
    since: 2026-11-01
    until: 2026-11-30
    top_paths: 3
  snapshot: metrics/shop.json
"""
# stage cart: touchpoints c (add_to_cart), help (no events); stage purchase: p (purchase), then q
SHOP = JourneyShape.build([("cart", [("c", ["add_to_cart"], []), ("help", [], [])]),
                           ("purchase", [("p", ["purchase"], []), ("q", ["purchase_*"], [])])])


def config(text: str = CONFIG) -> AnalyticsConfig:
    return AnalyticsConfig.model_validate(YAML(typ="safe").load(text)["analytics"])


# --- from the map and the config ------------------------------------------------------------


def test_a_request_from_the_config(tmp_path):
    part = tmp_path / "data" / "events" / "dt=2026-11-01" / "part-0.parquet"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"PAR1")
    request = FunnelRequest.from_config(config(), SHOP, base=str(tmp_path), engine="spark",
                                        options=EngineOptions(master="local[1]"))
    assert request.engine == "spark" and request.options.master == "local[1]"
    assert request.steps == "stages" and request.top_paths == 3
    source = request.source
    assert source.files == (str(part),) and source.root == str(tmp_path / "data" / "events")
    assert (source.format, source.shape, source.time_unit, source.timezone) == ("parquet", "ga4", "us", "Europe/Berlin")
    assert source.columns == ColumnMap("user_pseudo_id", "ga_session_id", "event_timestamp", "event_name", "event_params")
    s = request.semantics
    assert (s.unit, s.window_seconds, s.attempt) == ("session", 1800, "best")
    assert s.since_us == parse_time("2026-11-01") and s.until_us == parse_time("2026-11-30T23:59:59.999999Z")
    assert s.limits == (StepLimit("purchase", None, 3600),)
    assert s.exclusions == (Exclusion((Matcher("refund"), Matcher("cancel", (("reason", ("*",)),))), None, "cart",
                                      "purchase"),)
    assert (s.breakdown, s.personas) == ("device.category", (("mobile", "sam"),))


def test_default_semantics_are_the_models_defaults():
    assert Semantics.from_defaults(AnalyticsConfig.model_validate({}).funnel) == Semantics()


def test_steps_from_the_config_become_a_tuple(tmp_path):
    (tmp_path / "e.csv").write_text("user_id,timestamp,event\n")
    analytics = config("analytics:\n  source: {path: e.csv}\n  funnel: {steps: [c, p]}\n")
    request = FunnelRequest.from_config(analytics, SHOP, base=str(tmp_path))
    assert request.steps == ("c", "p") and request.engine == "duckdb" and request.options == EngineOptions()


def test_a_config_without_a_source_is_a_request_error():
    with pytest.raises(RequestError, match="no analytics.source") as err:
        FunnelRequest.from_config(config("analytics: {funnel: {window: 1h}}"), SHOP)
    assert "analytics:" in err.value.hint


def test_journey_shape_from_a_map():
    journey_map = JourneyMap.model_validate({
        "cjm": 1, "title": "Shop", "personas": ["sam", {"id": "lee", "name": "Lee"}],
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
    assert [tp.stage for tp in shape.touchpoints] == ["browse", "browse", "browse", "buy"]
    assert shape.touchpoints[1].matchers == () and shape.touchpoints[3].matchers == (Matcher("add_to_cart"),)
    # Explicit `next:` targets, else the following touchpoint (across stages).
    assert shape.edges == {("list", "item"), ("list", "search"), ("search", "item"), ("item", "cart")}
    assert shape.branches == {("list", "item"), ("list", "search")}
    assert shape.personas == ("sam", "lee") and shape.stages == ("browse", "buy")


# --- matchers -------------------------------------------------------------------------------


def test_matchers_from_every_form_of_an_event_item():
    items = TypeAdapter(list[EventSpec]).validate_python(
        ["view_item", {"name": "page_view", "where": {"page_location": "*/checkout*", "n": [1, True]}}])
    assert Matcher.of(items[0]) == Matcher("view_item")
    expected = Matcher("page_view", (("n", ("1", "true")), ("page_location", ("*/checkout*",))))
    assert Matcher.of(items[1]) == expected  # the model
    assert Matcher.of({"name": "page_view", "where": {"page_location": "*/checkout*", "n": [1, True]}}) == expected
    assert Matcher.of(expected) is expected
    # Values compare as text, and YAML's booleans as the engines print them.
    assert Matcher.of({"name": "x", "where": {"a": False, "b": 2.5}}).where == (("a", ("false",)), ("b", ("2.5",)))


@pytest.mark.parametrize("spec", [42, None, {"where": {"a": 1}}, {"name": 3}, ["a"]])
def test_an_event_item_that_is_no_matcher(spec):
    with pytest.raises(RequestError, match="an event item must be a name or"):
        Matcher.of(spec)


def test_matchers_describe_themselves():
    assert Matcher("view_*").describe() == "view_*"
    assert Matcher("pv", (("page", ("/a", "/b")), ("x", ("1",)))).describe() == "pv[page=/a|/b, x=1]"


# --- the source -------------------------------------------------------------------------------


def touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    return path


@pytest.mark.parametrize("name, fmt", [("e.parquet", "parquet"), ("e.csv", "csv"), ("e.CSV.GZ", "csv"),
                                       ("e.jsonl", "jsonl"), ("e.ndjson", "jsonl"), ("e.json", "jsonl"),
                                       ("e.json.gz", "jsonl"), ("e.ndjson.gz", "jsonl")])
def test_the_format_comes_from_the_suffix(tmp_path, name, fmt):
    source = Source.resolve(str(touch(tmp_path / name)))
    assert source.format == fmt and source.root is None and source.shape == "events"
    assert source.columns == ColumnMap() and source.time_unit is None and source.timezone == "UTC"


def test_a_folder_is_searched_for_event_files(tmp_path):
    for name in ("dt=2/b.parquet", "dt=1/a.parquet", "dt=1/.hidden.parquet", "dt=1/_SUCCESS", "_tmp.parquet",
                 "notes.txt"):
        touch(tmp_path / "events" / name)
    source = Source.resolve("events", base=str(tmp_path))
    assert source.files == (str(tmp_path / "events/dt=1/a.parquet"), str(tmp_path / "events/dt=2/b.parquet"))
    assert source.root == str(tmp_path / "events") and source.format == "parquet"


def test_a_glob_is_relative_to_the_base_and_sorted(tmp_path):
    for name in ("e-2.csv", "e-1.csv", "f.csv"):
        touch(tmp_path / name)
    source = Source.resolve("e-*.csv", base=str(tmp_path))
    assert source.files == (str(tmp_path / "e-1.csv"), str(tmp_path / "e-2.csv")) and source.root is None


def test_a_named_format_picks_files_in_a_folder_and_overrides_the_suffix(tmp_path):
    touch(tmp_path / "d" / "a.csv")
    touch(tmp_path / "d" / "b.parquet")
    assert Source.resolve(str(tmp_path / "d"), format="csv").files == (str(tmp_path / "d" / "a.csv"),)
    assert Source.resolve(str(touch(tmp_path / "events.txt")), format="jsonl").format == "jsonl"


@pytest.mark.parametrize("path, what", [("nope.csv", "file"), ("nope-*.csv", "glob"), ("empty", "folder")])
def test_a_path_that_matches_nothing(tmp_path, path, what):
    (tmp_path / "empty").mkdir()
    touch(tmp_path / "empty" / "readme.txt")
    with pytest.raises(InputNotFoundError) as err:
        Source.resolve(path, base=str(tmp_path))
    assert err.value.message == f"the analytics source {what} {path!r} matches no event file"
    assert "relative to the project root" in err.value.hint


@pytest.mark.parametrize("setup, kwargs, words", [
    (["e.txt"], {}, "cannot tell the format of"),
    (["a.csv", "b.parquet"], {"path": "*.*"}, "mixes formats (csv, parquet)"),
    (["e.csv"], {"shape": "ga4"}, "the ga4 shape has nested fields, which CSV cannot hold"),
    (["e.parquet"], {"shape": "amplitude"}, "unknown source shape 'amplitude'"),
    (["e.parquet"], {"shape": "segment", "columns": {"event": "name"}}, "only columns.actor and columns.session"),
])
def test_sources_that_do_not_fit(tmp_path, setup, kwargs, words):
    for name in setup:
        touch(tmp_path / name)
    path = kwargs.pop("path", setup[0])
    with pytest.raises(RequestError) as err:
        Source.resolve(path, base=str(tmp_path), **kwargs)
    assert words in err.value.message and err.value.hint


def test_shapes_bring_their_columns(tmp_path):
    path = str(touch(tmp_path / "e.parquet"))
    segment = Source.resolve(path, shape="segment", columns={"actor": "anonymousId", "session": None})
    assert segment.columns == ColumnMap("anonymousId", "context.sessionId", "timestamp", "event", "properties")
    events = Source.resolve(path, columns={"actor": "uid", "time": "ts"}, time_unit="ms")
    assert (events.columns.actor, events.columns.time, events.columns.event, events.time_unit) == ("uid", "ts", "event",
                                                                                                    "ms")
    assert Source.resolve(path, shape="ga4", time_unit="s").time_unit == "us"  # GA4's time is always microseconds
    given = ColumnMap("a", "b", "c", "d")
    assert Source.resolve(path, columns=given).columns is given


def test_a_config_source_keeps_only_the_columns_that_differ_for_ga4(tmp_path):
    touch(tmp_path / "g.parquet")
    analytics = config("analytics:\n  source: {path: g.parquet, shape: ga4, columns: {actor: user_id}}\n")
    # The model fills in every events default (user_id is one); for GA4 that must not count as set.
    source = FunnelRequest.from_config(analytics, SHOP, base=str(tmp_path)).source
    assert source.columns == ColumnMap("user_pseudo_id", "ga_session_id", "event_timestamp", "event_name", "event_params")
    analytics = config("analytics:\n  source: {path: g.parquet, shape: ga4, columns: {actor: user_key}}\n")
    assert FunnelRequest.from_config(analytics, SHOP, base=str(tmp_path)).source.columns.actor == "user_key"


# --- times ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value, end_of_day, expected", [
    ("1970-01-01", False, 0),
    ("1970-01-01", True, 86_400 * US - 1),
    ("1970-01-01T00:00:01Z", False, US),
    ("1970-01-01T00:00:01z", False, US),
    ("1970-01-01T01:00:00+01:00", False, 0),
    ("1970-01-01T00:00:00.000250", False, 250),  # no offset: UTC
    (" 2026-01-05 ", False, 1_767_571_200 * US),
    (dt.date(2026, 1, 5), False, 1_767_571_200 * US),
    (dt.date(2026, 1, 5), True, 1_767_657_600 * US - 1),
    (dt.datetime(2026, 1, 5, 1), False, 1_767_574_800 * US),
    (dt.datetime(2026, 1, 5, 2, tzinfo=dt.timezone(dt.timedelta(hours=1))), False, 1_767_574_800 * US),
    ("1969-12-31T23:59:59Z", False, -US),
])
def test_parse_time(value, end_of_day, expected):
    assert parse_time(value, end_of_day) == expected


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-02-30", "", 20260105, None])
def test_a_time_that_does_not_parse(value):
    with pytest.raises(RequestError) as err:
        parse_time(value)
    assert "2026-11-01" in err.value.hint


def test_semantics_print_themselves():
    s = Semantics(unit="session", limits=(StepLimit("b", 60, None),),
                  exclusions=(Exclusion((Matcher("x", (("k", ("v",)),)),), None, "a", None),),
                  since_us=0, until_us=86_400 * US - 1, breakdown="tier", personas=(("gold", "sam"),), attempt="reentry")
    d = s.to_dict()
    assert d["counts"] == "attempts" and d["unit"] == "session" and d["window_seconds"] == 604800
    assert d["limits"] == [{"step": "b", "min_seconds": 60, "max_seconds": None}]
    assert d["exclusions"] == [{"events": ["x[k=v]"], "touchpoint": None, "from": "a", "to": None}]
    assert (d["since"], d["until"]) == ("1970-01-01T00:00:00Z", "1970-01-01T23:59:59.999999Z")
    assert d["personas"] == {"gold": "sam"} and d["window_start"] == "the entry event" and d["bounds"] == "inclusive"
    assert Semantics().to_dict()["counts"] == "units" and Semantics().to_dict()["since"] is None


# --- plan ----------------------------------------------------------------------------------


def test_stages_with_mapped_touchpoints_are_the_steps():
    journey = JourneyShape.build([("s1", [("a", ["A"], []), ("a2", ["A2"], [])]), ("empty", [("x", [], [])]),
                                  ("s2", [("b", ["B"], [])])])
    p = plan(journey, "stages", Semantics())
    assert [(s.id, s.kind, s.touchpoints) for s in p.steps] == [("s1", "stage", ("a", "a2")), ("s2", "stage", ("b",))]
    assert p.step_of_tp == (1, 1, None, 2) and p.n == 2
    assert p.window_us == 7 * 86400 * US and p.min_us == (None, None) and p.max_us == (None, None)
    assert p.top_paths == 10 and p.exclusions == ()


def test_touchpoints_and_chosen_steps():
    p = plan(SHOP, "touchpoints", Semantics())
    assert [s.id for s in p.steps] == ["c", "p", "q"] and p.step_of_tp == (1, None, 2, 3)
    p = plan(SHOP, ("q", "c"), Semantics(), top_paths=0)
    assert [(s.id, s.kind) for s in p.steps] == [("q", "touchpoint"), ("c", "touchpoint")]
    assert p.step_of_tp == (2, None, None, 1) and p.top_paths == 0


def test_limits_and_exclusions_resolve_to_step_numbers():
    s = Semantics(limits=(StepLimit("purchase", 60, 3600),),
                  exclusions=(Exclusion((Matcher("refund"),)), Exclusion(touchpoint="help", to_step="purchase")))
    p = plan(SHOP, "stages", s)
    assert p.min_us == (None, 60 * US) and p.max_us == (None, 3600 * US)
    assert [(x.touchpoint, x.from_k, x.to_k) for x in p.exclusions] == [(None, 1, 2), (1, 1, 2)]


@pytest.mark.parametrize("steps, semantics, words", [
    (("c", "zz"), Semantics(), "unknown touchpoint id(s) in steps: zz"),
    (("c", "c"), Semantics(), "a touchpoint appears twice in steps"),
    (("c", "help"), Semantics(), "step touchpoint(s) without `events:`: help"),
    ((), Semantics(), "the funnel has no step"),
    ("stages", Semantics(unit="user"), "unknown unit 'user'"),
    ("stages", Semantics(order="random"), "unknown order 'random'"),
    ("stages", Semantics(window_seconds=0), "longer than 0"),
    ("stages", Semantics(order="any", entry="open"), "entry: open does not apply"),
    ("stages", Semantics(limits=(StepLimit("cart", None, 60),)), "has no previous step"),
    ("stages", Semantics(limits=(StepLimit("nope", None, 60),)), "a step limit names 'nope', which is not a step"),
    ("stages", Semantics(order="any", limits=(StepLimit("purchase", None, 60),)), "step limits need an order"),
    ("stages", Semantics(limits=(StepLimit("purchase", 60, 30),)), "min above max"),
    ("stages", Semantics(exclusions=(Exclusion(touchpoint="zz"),)), "unknown exclusion touchpoint 'zz'"),
    ("stages", Semantics(exclusions=(Exclusion(touchpoint="c"),)), "is a funnel step"),
    ("stages", Semantics(exclusions=(Exclusion(),)), "names no event and no touchpoint"),
    ("stages", Semantics(exclusions=(Exclusion((Matcher("x"),), from_step="purchase", to_step="cart"),)),
     "from must come before its to"),
    ("stages", Semantics(exclusions=(Exclusion((Matcher("x"),), from_step="purchase"),)), "from must come before"),
    ("stages", Semantics(exclusions=(Exclusion((Matcher("x"),), to_step="zz"),)), "an exclusion's to names 'zz'"),
    ("stages", Semantics(exclusions=tuple(Exclusion((Matcher(f"x{i}"),)) for i in range(31))), "more than 30"),
    ("stages", Semantics(since_us=2, until_us=1), "since is after until"),
    ("stages", Semantics(path_length=0), "path_length must be at least 1"),
])
def test_requests_that_do_not_fit(steps, semantics, words):
    with pytest.raises(RequestError) as err:
        plan(SHOP, steps, semantics)
    assert words in err.value.message and err.value.hint and err.value.exit_code == 2


def test_thirty_exclusions_are_fine_and_negative_top_paths_are_not():
    assert len(plan(SHOP, "stages", Semantics(exclusions=tuple(Exclusion((Matcher(f"x{i}"),)) for i in range(30))))
               .exclusions) == 30
    with pytest.raises(RequestError):
        plan(SHOP, "stages", Semantics(), top_paths=-1)


def test_a_map_without_events_is_its_own_error():
    journey = JourneyShape.build([("s1", [("a", [], [])])])
    with pytest.raises(NoEventsMappedError) as err:
        plan(journey, "stages", Semantics())
    assert "`events:`" in err.value.message and "events: [view_item]" in err.value.hint
