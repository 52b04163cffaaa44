"""Numbers as people write them, the same in every output.

Scores and KPI values come from YAML as ints or floats; floats carry binary
noise (0.1 + 0.2). Shown: no trailing ``.0``, at most six decimals, thousands
grouped (``12,500``), and a real minus sign (U+2212) where a sign is shown.
Measured numbers (``cjm analyze``, and the map drawn with its snapshot) add
rates as percentages (``29.8 %``) and durations in the largest fitting unit
(``50.5 min``); a number that is not there is an en dash.
"""

from __future__ import annotations

MINUS = "\u2212"


def number(value: float | int | None) -> str:
    """``3``, ``2.5``, ``12,500``, ``0.3`` (not ``0.30000000000000004``); '' for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # not in valid maps; never crash
            return str(value)
        value = round(value, 6)
        if value.is_integer():
            value = int(value)
    if isinstance(value, int):
        text = f"{value:,}"
    else:
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def signed(value: float | int | None) -> str:
    """``+2``, ``0``, ``−1.5``: a change, or a score on a scale around zero."""
    if value is None:
        return ""
    text = number(value)
    return "+" + text if value > 0 and text != "0" else text


def score(value: float | int | None, scale_min: int) -> str:
    """An emotion score as written on its scale: signed on a scale that goes
    below zero (``+1``, ``−2``), plain on one that does not (``4``)."""
    return signed(value) if scale_min < 0 else number(value)


def with_unit(value: float | int | None, unit: str | None) -> str:
    """A KPI value with its unit: ``3.5%``, ``42 s``, ``–`` when there is none."""
    if value is None:
        return "\u2013"
    text = number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


NONE = "\u2013"  # a measured number that is not there


def percent(rate: float | None) -> str:
    """A rate (0..1) as a percentage with one decimal: ``29.8 %``, ``100 %``, ``–``."""
    if rate is None:
        return NONE
    return f"{number(round(rate * 100, 1))} %"


def duration(seconds: float | None) -> str:
    """Seconds in the largest unit that fits, one decimal: ``1.2 d``, ``17 h``, ``50.5 min``, ``9 s``."""
    if seconds is None:
        return NONE
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{number(round(seconds / size, 1))} {unit}"
    return f"{number(round(seconds, 1))} s"
