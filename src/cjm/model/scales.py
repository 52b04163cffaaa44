"""Emotion scales: moving a score from one scale to another, in one place.

Three consumers used to do this three ways (diff, compare, Mermaid): a scale
whose min is not below its max (which the invalid-scale rule reports, but a map that
fails rules can still be diffed) now gives the same answer everywhere: the
middle of the target scale.
"""

from __future__ import annotations

import math

MERMAID_MIN, MERMAID_MAX = 1, 5


def rescale(value: float | None, low: float, high: float, to_low: float, to_high: float) -> float | None:
    """``value`` on low..high, moved linearly onto to_low..to_high."""
    if value is None:
        return None
    if (low, high) == (to_low, to_high):
        return value
    if high <= low:  # an empty or inverted scale (invalid-scale reports it)
        return (to_low + to_high) / 2
    return to_low + (value - low) * (to_high - to_low) / (high - low)


def between(value: float | None, scale_from, scale_to) -> float | None:
    """``value`` moved from one ``Scale`` (min/max) onto another."""
    return rescale(value, scale_from.min, scale_from.max, scale_to.min, scale_to.max)


def to_five(value: float, low: float, high: float) -> int:
    """A score on low..high as a whole number on Mermaid's 1..5, halves rounded up."""
    x = rescale(value, low, high, MERMAID_MIN, MERMAID_MAX)
    return max(MERMAID_MIN, min(MERMAID_MAX, math.floor(x + 0.5)))


def position(value: float, low: float, high: float) -> float:
    """Where ``value`` sits on low..high, from 0 (low) to 1 (high); 0.5 for an empty scale."""
    t = rescale(value, low, high, 0.0, 1.0)
    return max(0.0, min(1.0, t))
