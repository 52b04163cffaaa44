"""A funnel result as tables for people (cjm.analytics.report): the semantics
line every output starts with, the tables, Markdown and CSV. Text from the
map (titles, names) is escaped; the same result always gives the same bytes.

The terminal tables (rich) are drawn by the command line: tests/cli/test_analyze.py."""

from __future__ import annotations

import csv
import io

import pytest

from cjm.analytics import FunnelRequest, JourneyShape, Semantics, Source, run_reference
from cjm.analytics.reference import Event
from cjm.analytics.report import _duration, _pct, semantics_line, tables, to_csv, to_markdown
from cjm.analytics.spec import Exclusion, Matcher, StepLimit, parse_time

JOURNEY = JourneyShape.build([("s1", [("a", ["A"], ["b", "n"])]), ("s2", [("b", ["B"], []), ("n", ["N"], [])]),
                              ("s3", [("c", ["C"], [])])])
HOSTILE = {"s1": "Look | compare", "s2": "*Buy* <now>", "s3": "Pay\nnow", "a": "[list](javascript:x)",
           "b": "`cart`", "n": "_new_", "c": "pay # 1"}
EVENTS = [("u1", "01:00", "A"), ("u1", "01:30", "B"), ("u1", "02:00", "C"), ("u2", "03:00", "A"),
          ("u2", "03:05", "N"), ("u3", "04:00", "A"), ("u3", "04:01", "scroll"), ("u3", "04:02", "B1")]


def result(semantics=Semantics()) -> dict:
    request = FunnelRequest(Source(("e.csv",), "csv"), JOURNEY, semantics=semantics)
    events = [Event(u, parse_time(f"2026-01-05T{t}:00Z"), e, {"tier": "gold" if u == "u1" else "basic"})
              for u, t, e in EVENTS]
    return run_reference(request, events).to_dict()


@pytest.mark.parametrize("seconds, text", [(None, "–"), (0, "0 s"), (59.94, "59.9 s"), (60, "1 min"), (90, "1.5 min"),
                                           (3600, "1 h"), (5400, "1.5 h"), (86400, "1 d"), (7 * 86400, "7 d"),
                                           (1_000_000 * 86400, "1,000,000 d")])
def test_durations_read_in_the_largest_whole_unit(seconds, text):
    assert _duration(seconds) == text


@pytest.mark.parametrize("rate, text", [(None, "–"), (0.0, "0 %"), (0.666667, "66.7 %"), (1.0, "100 %"),
                                        (0.00049, "0 %"), (0.125, "12.5 %")])
def test_rates_are_percentages(rate, text):
    assert _pct(rate) == text


def test_the_semantics_line():
    assert semantics_line(result()) == ("unit person; entry closed; order ordered; window 7 d from the entry event "
                                        "(inclusive); attempt first; ties in-order; counting units")
    s = Semantics(unit="session", attempt="reentry", window_seconds=1800, since_us=parse_time("2026-01-05"),
                  limits=(StepLimit("s2", None, 600),), exclusions=(Exclusion((Matcher("X"),)),), breakdown="tier")
    line = semantics_line({"semantics": s.to_dict()})
    assert line.startswith("unit session; entry closed; order ordered; window 30 min from the entry event (inclusive); "
                           "attempt reentry; ties in-order; counting attempts")
    assert line.endswith("; entry between 2026-01-05T00:00:00Z and the end; 1 exclusion(s); step limits on s2; "
                         "breakdown by tier")


def test_the_tables():
    shown = tables(result(), HOSTILE)
    assert [t.title for t in shown] == ["Funnel by stage (units)", "Reach per touchpoint",
                                        "Conformance: where customers leave the map", "Trend by entry week",
                                        "Top paths"]
    funnel = shown[0]
    assert funnel.headers[:4] == ["#", "step", "reached", "from start"]
    assert funnel.rows[0] == ["1", "Look | compare", "3", "100 %", "–", "1 (33.3 %)", "–", "–", "1"]  # u3's window is open
    assert funnel.rows[1][:7] == ["2", "*Buy* <now>", "2", "66.7 %", "66.7 %", "1 (50 %)", "17.5 min"]
    assert funnel.rows[2][5] == "–"  # no drop-off after the last step
    assert funnel.note == "8 events, 3 units, 2026-01-05T01:00:00Z to 2026-01-05T04:02:00Z"
    assert shown[1].rows == [["[list](javascript:x)", "3"], ["`cart`", "1"], ["_new_", "1"], ["pay # 1", "1"]]
    conformance = shown[2].rows
    assert conformance[0] == ["events on no touchpoint", "2 of 8 (25 %)"]
    assert ["  unmapped event", "B1: 1"] in conformance and ["a move the map does not have", "`cart` → pay # 1: 1"] \
        in conformance
    assert ["a branch nobody takes", "[list](javascript:x) → `cart`"] not in conformance  # u1 took it
    assert shown[3].rows == [["2026-W02", "3", "3", "2", "1", "33.3 %"]]
    assert shown[4].rows == [["1", "[list](javascript:x)"], ["1", "[list](javascript:x) → `cart` → pay # 1"],
                             ["1", "[list](javascript:x) → _new_"]]


def test_ids_stand_in_for_missing_names_and_a_breakdown_adds_a_table():
    shown = tables(result(Semantics(breakdown="tier")))
    assert shown[0].rows[0][1] == "s1" and shown[1].rows[0][0] == "a"
    breakdown = next(t for t in shown if t.title.startswith("Breakdown"))
    assert breakdown.title == "Breakdown by tier (at the entry event)"
    assert breakdown.headers == ["segment", "entered", "s1", "s2", "s3", "conversion"]
    assert breakdown.rows == [["basic", "2", "2", "1", "0", "0 %"], ["gold", "1", "1", "1", "1", "100 %"]]


def test_markdown_escapes_what_the_map_says():
    md = to_markdown(result(), "Shop | *all* <script>alert(1)</script>", HOSTILE)
    assert md.startswith("## Journey analytics: Shop \\| \\*all\\* &lt;script&gt;alert(1)&lt;/script&gt;\n\n*unit person;")
    assert "<script>" not in md and "[list](javascript:x)" not in md
    assert "| 1 | Look \\| compare | 3 | 100 % |" in md
    assert "| 2 | \\*Buy\\* &lt;now&gt; |" in md and "Pay<br>now" in md
    assert "\\`cart\\`" in md and "\\_new\\_" in md
    # Every table row has as many cells as its header: no `|` of a name split a row.
    for block in md.split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        if lines:
            cells = {len(line.replace("\\|", "").split("|")) for line in lines}
            assert len(cells) == 1, block
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_markdown_shows_warnings_and_empty_tables():
    data = result()
    data["warnings"] = ["2 'B|x' event(s) match touchpoints b, c"]
    data["top_paths"] = []
    md = to_markdown(data, "Shop")
    assert "> ⚠ 2 'B\\|x' event(s) match touchpoints b, c\n" in md
    assert md.rstrip().endswith("### Top paths\n\n(none)")


def test_the_same_result_gives_the_same_bytes():
    assert to_markdown(result(), "Shop", HOSTILE) == to_markdown(result(), "Shop", dict(reversed(HOSTILE.items())))
    assert to_csv(result()) == to_csv(result())


def test_csv_is_one_row_per_step_with_the_semantics_first():
    text = to_csv(result(Semantics(window_seconds=3600)))
    assert text.count("\r\n") == 4 and text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["unit", "entry", "order", "window_seconds", "attempt", "ties", "counts", "step", "kind", "id",
                       "reached", "entered", "conversion", "step_conversion", "dropoff", "dropoff_rate", "censored",
                       "median_seconds_from_previous", "p90_seconds_from_previous", "median_seconds_from_start",
                       "p90_seconds_from_start"]
    assert rows[1][:12] == ["person", "closed", "ordered", "3600", "first", "in-order", "units", "1", "stage", "s1",
                            "3", "3"]
    assert rows[1][12:] == ["1.0", "", "1", "0.333333", "1", "", "", "", ""]  # rates as numbers, none as empty
    assert rows[2][12:19] == ["0.666667", "0.666667", "1", "0.5", "0", "1050.0", "1650.0"]
    assert rows[3][14:16] == ["", ""]


def test_a_stage_named_by_kind_beats_a_touchpoint_of_the_same_id():
    # A stage and a touchpoint may share an id; cjm.pipeline.analyze keys stage names "stage:<id>".
    names = {"s1": "the touchpoint s1", "stage:s1": "Stage one", "touchpoint:a": "not used for stages"}
    funnel, _reach, _conformance, trend, _paths = tables(result(), names)
    assert funnel.rows[0][1] == "Stage one" and trend.headers[2] == "Stage one"
    assert funnel.rows[1][1] == "s2"
