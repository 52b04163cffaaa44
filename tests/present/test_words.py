"""The words cjm uses for the format's choices, KPI status and what addresses a
pain point: one place, so that every output says the same."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.model.journey import MAP_TYPES, Action, JourneyMap, Kpi, PainPoint, Touchpoint
from cjm.present import words
from cjm.present.numbers import MINUS


def test_every_choice_of_the_format_has_its_words():
    assert set(words.MAP_TYPES) == set(MAP_TYPES)
    assert set(words.MARKETS) == set(JourneyMap.model_fields["market"].annotation.__args__[0].__args__)
    assert set(words.STATUSES) == set(words.STATUS_ICONS) == set(Action.model_fields["status"].annotation.__args__)
    assert set(words.EXPECTATIONS) == set(Touchpoint.model_fields["expectation"].annotation.__args__[0].__args__)
    assert set(words.SEVERITY_ORDER) == set(PainPoint.model_fields["severity"].annotation.__args__[0].__args__)
    assert sorted(words.SEVERITY_ORDER, key=words.SEVERITY_ORDER.get) == ["critical", "high", "medium", "low"]


@pytest.mark.parametrize("function, value, text", [
    (words.map_type, "current-state", "Current state (as-is)"),
    (words.map_type, "future-state", "Future state (to-be)"),
    (words.map_type, "something-new", "something-new"),  # unknown: as written
    (words.market, "b2b2c", "B2B2C"), (words.market, None, ""), (words.market, "d2c", "d2c"),
    (words.expectation, "failed", "failed expectations"), (words.expectation, None, ""),
    (words.status, "in-progress", "in progress"), (words.status, "done", "done"), (words.status, "new", "new"),
])
def test_labels(function, value, text):
    assert function(value) == text


# --- KPI status ---------------------------------------------------------------------


def kpi(target=None, actual=None, direction=None) -> Kpi:
    return Kpi(id="k", name="K", target=target, actual=actual, direction=direction)


@pytest.mark.parametrize("target, actual, direction, state, text", [
    (3, None, None, "none", "No data"),
    (None, 3, None, "none", "No data"),
    (None, None, "lower-is-better", "none", "No data"),
    (3, 3, None, "ok", "On target"),
    (3, 3.5, None, "ok", "On target"),  # without a direction, higher is better
    (3, 2.6, None, "off", f"Off target ({MINUS}0.4)"),
    (3, 3.5, "higher-is-better", "ok", "On target"),
    (3, 2.4, "higher-is-better", "off", f"Off target ({MINUS}0.6)"),
    (30, 25, "lower-is-better", "ok", "On target"),
    (30, 30, "lower-is-better", "ok", "On target"),
    (30, 31.5, "lower-is-better", "off", "Off target (+1.5)"),
    (0, 0, None, "ok", "On target"),  # zero is data
    (0.3, 0.1 + 0.2, "lower-is-better", "ok", "On target"),  # 0.30000000000000004 is on target
    (0.1 + 0.2, 0.3, "higher-is-better", "ok", "On target"),
    (1.1, 1.0999999999, None, "ok", "On target"),  # noise below a millionth
    (12500, 12000, None, "off", f"Off target ({MINUS}500)"),
])
def test_kpi_status(target, actual, direction, state, text):
    assert words.kpi_status(kpi(target, actual, direction)) == words.KpiStatus(state, text)


@settings(deadline=None)
@given(st.integers(-1000, 1000), st.integers(-1000, 1000),
       st.sampled_from([None, "higher-is-better", "lower-is-better"]))
def test_kpi_status_is_on_target_exactly_on_the_right_side(target, actual, direction):
    status = words.kpi_status(kpi(target, actual, direction))
    better = actual <= target if direction == "lower-is-better" else actual >= target
    assert status.state == ("ok" if better else "off")
    assert (status.words == "On target") is better


@settings(deadline=None)
@given(st.floats(-100, 100, allow_nan=False), st.floats(-1e-9, 1e-9, allow_nan=False),
       st.sampled_from([None, "higher-is-better", "lower-is-better"]))
def test_float_noise_never_puts_a_kpi_off_target(target, noise, direction):
    assert words.kpi_status(kpi(target, target + noise, direction)).state == "ok"


def test_kpi_value_is_the_number_with_its_unit():
    assert words.kpi_value(3.5, "%") == "3.5%" and words.kpi_value(None, "%") == "\u2013"


def test_kpi_status_reads_any_object_with_the_fields():
    assert words.kpi_status(SimpleNamespace(target=1, actual=2, direction=None)).state == "ok"


# --- what addresses a pain point ---------------------------------------------------------


def test_addressed_by_opportunities_first_then_actions_in_map_order():
    m = JourneyMap.model_validate({
        "cjm": 1, "title": "t",
        "stages": [{"id": "s", "name": "S", "touchpoints": [
            {"id": "a", "name": "A", "pain_points": [{"id": "slow", "title": "Slow"}],
             "opportunities": [{"id": "o2", "title": "Zebra idea", "addresses": ["slow"]}]},
            {"id": "b", "name": "B",
             "opportunities": [{"id": "o1", "title": "Apple idea", "addresses": ["slow", "fees"]}]}]}],
        "actions": [{"id": "x", "title": "Act later", "addresses": ["fees", "slow"]},
                    {"id": "y", "title": "Dropped one", "status": "dropped", "addresses": ["slow"]}],
    })
    assert words.addressed_by(m) == {"slow": ["Zebra idea", "Apple idea", "Act later", "Dropped one"],
                                     "fees": ["Apple idea", "Act later"]}


def test_addressed_by_nothing():
    m = JourneyMap.model_validate({"cjm": 1, "title": "t", "stages": [{"id": "s", "name": "S"}]})
    assert words.addressed_by(m) == {}


def test_measured_words():
    import datetime as dt
    from types import SimpleNamespace

    from cjm.present.words import dropoff_words, measured_source, reach_words, reached_words, units

    assert units(1, "person") == "1 person" and units(3000, "person") == "3,000 people"
    assert reach_words(0, "session") == "Reached by 0 sessions"
    assert units(2, "session") == "2 sessions" and units(None, "nonsense") == "0 people"
    step = SimpleNamespace(name="Cart", reached=88, conversion=0.293333, dropoff=34, dropoff_rate=0.386364,
                           next_name="Checkout")
    assert reached_words(step, "person") == "88 people reached Cart, 29.3 % of entrants"
    assert dropoff_words(step, "person") == "34 people (38.6 %) did not go on to Checkout"
    step.next_name = None
    assert dropoff_words(step, "session").endswith("did not go on to the next step")
    seen = SimpleNamespace(shown="metrics/shop.json", data_start=dt.date(2026, 11, 2), data_end=dt.date(2026, 11, 23))
    assert measured_source(seen) == "metrics/shop.json, data 2026-11-02 to 2026-11-23"
    seen.data_start = None
    assert measured_source(seen) == "metrics/shop.json, data to 2026-11-23"
