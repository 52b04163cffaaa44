"""Numbers as people write them, the same in every output: no trailing .0, at
most six decimals, thousands grouped, a real minus sign."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.present.numbers import MINUS, number, score, signed, with_unit


def plain(text: str) -> float:
    """A shown number read back."""
    return float(text.replace(",", "").replace(MINUS, "-"))


@pytest.mark.parametrize("value, text", [
    (None, ""),
    (0, "0"), (3, "3"), (-1, "\u22121"), (12500, "12,500"), (-1234567, "\u22121,234,567"),
    (3.0, "3"), (2.5, "2.5"), (-0.5, "\u22120.5"), (1234.5, "1,234.5"),
    (0.1 + 0.2, "0.3"),  # binary noise is not shown
    (1 / 3, "0.333333"),  # at most six decimals
    (2 / 3, "0.666667"),
    (1e-7, "0"), (-1e-7, "0"),  # rounds to zero: no "-0"
    (-0.0, "0"),
    (1e20, "100,000,000,000,000,000,000"),
    (True, "true"), (False, "false"),
    (float("nan"), "nan"), (float("inf"), "inf"), (float("-inf"), "-inf"),  # never in a valid map; never a crash
])
def test_number(value, text):
    assert number(value) == text


@settings(deadline=None)
@given(st.integers(-10**12, 10**12))
def test_whole_numbers_are_grouped_and_exact(n):
    text = number(n)
    assert text == f"{n:,}".replace("-", MINUS)
    assert plain(text) == n


@settings(deadline=None)
@given(st.floats(-1e9, 1e9, allow_nan=False))
def test_floats_read_back_as_their_value_to_six_decimals(x):
    text = number(x)
    assert abs(plain(text) - round(x, 6)) <= 1e-6 * max(1, abs(x)) * 1e-3 + 1e-9
    assert not text.endswith(".0") and "e" not in text
    if "." in text:
        decimals = text.split(".")[1]
        assert 1 <= len(decimals) <= 6 and not decimals.endswith("0")
    assert "-" not in text and (text.startswith(MINUS) or not text.startswith("+"))


@pytest.mark.parametrize("value, text", [
    (None, ""), (2, "+2"), (0, "0"), (-1.5, "\u22121.5"), (0.25, "+0.25"),
    (1e-9, "0"), (-1e-9, "0"),  # a change too small to show is no change, not "+0"
    (0.1 + 0.2 - 0.3, "0"),
])
def test_signed(value, text):
    assert signed(value) == text


@pytest.mark.parametrize("value, scale_min, text", [
    (1, -2, "+1"), (-2, -2, "\u22122"), (0, -2, "0"),  # a scale around zero: signed
    (4, 1, "4"), (1, 1, "1"), (3, 0, "3"),  # a scale from 0 or 1: plain
    (None, -2, ""), (2.5, 1, "2.5"),
])
def test_score(value, scale_min, text):
    assert score(value, scale_min) == text


@pytest.mark.parametrize("value, unit, text", [
    (3.5, "%", "3.5%"), (42, "s", "42 s"), (1200, "EUR", "1,200 EUR"), (5, None, "5"), (5, "", "5"),
    (None, "%", "\u2013"), (None, None, "\u2013"), (-0.4, "pp", "\u22120.4 pp"),
])
def test_with_unit(value, unit, text):
    assert with_unit(value, unit) == text


@settings(deadline=None)
@given(st.one_of(st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False)))
def test_signed_and_number_agree_but_for_the_plus(x):
    shown = signed(x)
    assert shown.removeprefix("+") == number(x)
    assert shown.startswith("+") == (number(x) != "0" and x > 0)
    assert not math.isnan(plain(shown.removeprefix("+")))


@pytest.mark.parametrize("rate, text", [(None, "\u2013"), (0, "0 %"), (1.0, "100 %"), (0.298333, "29.8 %"),
                                        (0.123456, "12.3 %"), (0.0004, "0 %")])
def test_percent(rate, text):
    from cjm.present.numbers import percent

    assert percent(rate) == text


@pytest.mark.parametrize("seconds, text", [(None, "\u2013"), (0, "0 s"), (9.04, "9 s"), (59.99, "60 s"),
                                           (3027.0, "50.5 min"), (61020.5, "17 h"), (106280.0, "1.2 d"),
                                           (12_345_678, "142.9 d")])
def test_duration(seconds, text):
    from cjm.present.numbers import duration

    assert duration(seconds) == text
