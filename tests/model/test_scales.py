"""Emotion scales: one way to move a score between scales, whatever consumer asks."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.model.scales import MERMAID_MAX, MERMAID_MIN, between, position, rescale, to_five

scores = st.floats(-1000, 1000, allow_nan=False)
bounds = st.integers(-50, 50)
# A valid scale: min below max.
scales = st.tuples(st.integers(-50, 50), st.integers(1, 50)).map(lambda t: (t[0], t[0] + t[1]))


@pytest.mark.parametrize("args, expected", [
    ((0, -2, 2, 1, 5), 3),
    ((-2, -2, 2, 1, 5), 1),
    ((2, -2, 2, 1, 5), 5),
    ((1, -2, 2, 0, 1), 0.75),
    ((5, 1, 5, -2, 2), 2),
    ((3, 1, 5, -10, 10), 0),
    ((4, -2, 2, 1, 5), 7),  # outside the scale: moved linearly, not clamped
])
def test_rescale_is_linear(args, expected):
    assert rescale(*args) == pytest.approx(expected)


def test_none_stays_none():
    assert rescale(None, -2, 2, 1, 5) is None
    assert between(None, SimpleNamespace(min=-2, max=2), SimpleNamespace(min=1, max=5)) is None


def test_the_same_scale_returns_the_value_itself():
    for value in (1, 1.5, -7):
        assert rescale(value, -2, 2, -2, 2) is value
    assert rescale(3, 3, 3, 3, 3) == 3  # even an empty one


@pytest.mark.parametrize("low, high", [(0, 0), (2, 2), (3, -3), (5, 1)])
@pytest.mark.parametrize("value", [-3, 0, 1, 2.5, 99])
def test_an_empty_or_inverted_scale_gives_the_middle_of_the_target(low, high, value):
    assert rescale(value, low, high, 1, 5) == 3
    assert rescale(value, low, high, -2, 2) == 0


@settings(deadline=None)
@given(scores, scales, scales)
def test_rescaling_there_and_back_is_the_identity(value, scale, target):
    (low, high), (to_low, to_high) = scale, target
    there = rescale(value, low, high, to_low, to_high)
    assert rescale(there, to_low, to_high, low, high) == pytest.approx(value, abs=1e-6)


@settings(deadline=None)
@given(scales, bounds, bounds)
def test_ends_map_to_ends(scale, to_low, to_high):
    low, high = scale
    assert rescale(low, low, high, to_low, to_high) == pytest.approx(to_low)
    assert rescale(high, low, high, to_low, to_high) == pytest.approx(to_high)


def test_between_reads_min_and_max():
    assert between(2, SimpleNamespace(min=-2, max=2), SimpleNamespace(min=1, max=5)) == 5


# --- Mermaid's 1..5 ----------------------------------------------------------------


@pytest.mark.parametrize("value, low, high, expected", [
    (-2, -2, 2, 1), (-1, -2, 2, 2), (0, -2, 2, 3), (1, -2, 2, 4), (2, -2, 2, 5),
    (0.5, -2, 2, 4),  # 3.5: halves round up, not to even
    (-0.5, -2, 2, 3),  # 2.5 -> 3
    (-1.5, -2, 2, 2),  # 1.5 -> 2
    (1.5, -2, 2, 5),  # 4.5 -> 5
    (0, 0, 10, 1), (5, 0, 10, 3), (10, 0, 10, 5), (1.25, 0, 10, 2),
    (0.6, 0, 10, 1), (-9, -2, 2, 1), (9, -2, 2, 5),  # clamped to 1..5
    (3, 1, 5, 3), (4, 1, 5, 4),
    (7, 3, 3, 3),  # an empty scale: the middle
])
def test_to_five(value, low, high, expected):
    assert to_five(value, low, high) == expected


@settings(deadline=None, max_examples=50)
@given(st.integers(-20, 20), st.integers(1, 40), st.fractions(0, 1))
def test_to_five_rounds_halves_up_exactly(low, width, fraction):
    """Against exact arithmetic: floor(x + 1/2) of the exact rescaled score,
    for scores that sit exactly on a half (the only place rounding modes differ)."""
    high = low + width
    halves = [low + width * k / 8 for k in range(9)]  # 1 + k/2 on 1..5
    for value in halves:
        exact = 1 + (value - low) * 4 / width
        assert to_five(value, low, high) == max(1, min(5, math.floor(exact + 0.5)))
    assert 1 <= to_five(low + width * float(fraction), low, high) <= 5


@settings(deadline=None)
@given(scores, scores, scales)
def test_to_five_is_monotone_and_within_bounds(a, b, scale):
    low, high = scale
    lo, hi = sorted((a, b))
    assert MERMAID_MIN <= to_five(lo, low, high) <= to_five(hi, low, high) <= MERMAID_MAX


# --- position on a scale ---------------------------------------------------------------


@pytest.mark.parametrize("value, low, high, expected", [
    (-2, -2, 2, 0.0), (2, -2, 2, 1.0), (0, -2, 2, 0.5), (1, -2, 2, 0.75),
    (9, -2, 2, 1.0), (-9, -2, 2, 0.0),  # clamped
    (4, 4, 4, 0.5), (0, 3, -3, 0.5),  # empty or inverted: the middle
])
def test_position(value, low, high, expected):
    assert position(value, low, high) == expected


@settings(deadline=None)
@given(scores, bounds, bounds)
def test_position_is_always_within_0_and_1(value, low, high):
    assert 0.0 <= position(value, low, high) <= 1.0
