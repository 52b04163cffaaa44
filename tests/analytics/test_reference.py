"""The reference implementation (cjm.analytics.reference), the executable
definition of the funnel, on inputs small enough to check by hand: matching,
one event for one touchpoint, units, the order of events at one instant,
candidates, how far an attempt gets, which attempts count, censoring, paths
and the aggregates.

Times below are minutes after 2026-01-05 00:00 UTC."""

from __future__ import annotations

import pytest

from cjm.analytics.reference import Event, Mapped, candidates, censored, compute, evaluate, matches, path, select
from cjm.analytics.spec import Exclusion, JourneyShape, Matcher, Semantics, StepLimit, plan

T0 = 1_767_571_200_000_000  # 2026-01-05T00:00:00Z in µs
MIN = 60_000_000
ABC = JourneyShape.build([("s1", [("a", ["A"], [])]), ("s2", [("b", ["B"], []), ("x", ["X"], [])]),
                          ("s3", [("c", ["C"], [])])])


def at(minute: float) -> int:
    return T0 + int(minute * MIN)


def ev(unit, minute, name, session=None, **props) -> Event:
    return Event(unit, at(minute), name, props, session)


def raw_of(events, semantics=Semantics(), journey=ABC, steps="stages", top_paths=10):
    return compute(plan(journey, steps, semantics, top_paths), events)


def reached(raw, n=3) -> list[int]:
    """Units (or attempts) that reached each step, from the raw attempt counts."""
    out = [0] * (n + 1)
    for (es, rs, *_rest), count in raw.attempts.items():
        for k in range(es, rs + 1):
            out[k] += count
    return out[1:]


# --- matching ----------------------------------------------------------------------------------


def test_a_matcher_checks_the_name_then_every_condition():
    m = Matcher("page_*", (("page", ("/cart", "/pay*")), ("new", ("true",))))
    assert matches(m, ev("u", 0, "page_view", page="/pay/1", new=True))
    assert not matches(m, ev("u", 0, "page_view", page="/pay/1", new=False))  # every condition
    assert not matches(m, ev("u", 0, "page_view", page="/home", new=True))  # any of the values
    assert not matches(m, ev("u", 0, "page_view", new=True))  # a missing property matches nothing
    assert not matches(m, ev("u", 0, "view", page="/cart", new=True))
    assert not matches(Matcher("A"), Event("u", 0, None))


@pytest.mark.parametrize("value, text", [(True, "true"), (False, "false"), (3, "3"), (2.5, "2.5"), ("x", "x")])
def test_property_values_compare_as_text(value, text):
    assert matches(Matcher("e", (("p", (text,)),)), ev("u", 0, "e", p=value))


# --- one event, one touchpoint -------------------------------------------------------------------


def test_an_event_counts_for_the_first_touchpoint_in_map_order_and_the_overlap_is_noted():
    journey = JourneyShape.build([("s1", [("a", ["A*"], [])]), ("s2", [("b", ["AB"], []), ("c", ["?B"], [])])])
    raw = raw_of([ev("u", 0, "AB"), ev("u", 1, "AB"), ev("u", 2, "XB")], journey=journey)
    assert raw.overlaps == {("AB", 0, (1, 2)): 2}
    assert raw.reach == {0: 1, 2: 1}  # AB went to a, XB to c; nothing reached b
    assert reached(raw, 2) == [1, 1]


def test_totals_units_and_unmatched_events():
    events = [ev("u1", 0, "A"), ev("u1", 1, "zoom"), ev(None, 2, "A"), ev("u2", 3, "zoom"), ev("u2", 4, "boom"),
              ev("u3", 5, "zoom")]
    raw = raw_of(events)
    assert (raw.events, raw.events_without_unit, raw.units) == (6, 1, 3)
    assert (raw.events_in_range, raw.unmatched_in_range) == (6, 4)
    assert list(raw.unmatched.items()) == [("zoom", 3), ("boom", 1)]  # by count, then name
    assert (raw.ts_min, raw.ts_max) == (at(0), at(5))
    assert reached(raw) == [1, 0, 0]  # the event without a unit counts nowhere


def test_a_session_unit_needs_both_ids():
    events = [ev("u1", 0, "A", "s1"), ev("u1", 1, "B", "s1"), ev("u1", 2, "C", "s2"), ev("u2", 3, "A")]
    raw = raw_of(events, Semantics(unit="session"))
    assert raw.units == 2 and raw.events_without_unit == 1
    assert reached(raw) == [1, 1, 0]  # C happened in another session
    assert reached(raw_of(events)) == [2, 1, 1]  # per person


def test_since_and_until_bound_the_entries_and_the_in_range_counts():
    events = [ev("u1", 0, "A"), ev("u1", 30, "B"), ev("u2", 60, "A"), ev("u2", 61, "zoom"), ev("u3", 120, "A")]
    raw = raw_of(events, Semantics(since_us=at(10), until_us=at(100)))
    assert reached(raw) == [1, 0, 0]  # only u2 entered in range; u1's B is a later step, not an entry
    assert (raw.events_in_range, raw.unmatched_in_range, raw.events) == (3, 1, 5)
    assert raw.reach == {1: 1, 0: 1}  # reach counts events in range: u1's B and u2's A


# --- one instant -----------------------------------------------------------------------------


def test_at_one_instant_steps_go_first_in_funnel_order():
    events = [ev("u", 0, "B"), ev("u", 0, "X"), ev("u", 0, "A"), ev("u", 0, "C")]
    steps = ("a", "b", "c")
    assert reached(raw_of(events, steps=steps)) == [1, 1, 1]  # ties in order: all three at the same time
    assert reached(raw_of(events, Semantics(ties="strict"), steps=steps)) == [1, 0, 0]
    # The sequence is a, b, c, then x (no step: after the steps), and the transitions follow it.
    assert raw_of(events, steps=steps).transitions == {(0, 1): 1, (1, 3): 1, (3, 2): 1}
    # With stages as steps, x is in stage s2 with b: map order among them.
    assert raw_of(events).transitions == {(0, 1): 1, (1, 2): 1, (2, 3): 1}


# --- candidates, attempts, selection --------------------------------------------------------------


def seq(*items) -> list[Mapped]:
    """Mapped events (minute, touchpoint, step), numbered as compute numbers them."""
    out = [Mapped(at(m), tp, st, None) for m, tp, st in items]
    for rn, m in enumerate(out, start=1):
        m.rn = rn
        m.prev_tp = out[rn - 2].tp if rn > 1 else None
    return out


# a=0 (step 1), b=1 (step 2), x=2 (no step), c=3 (step 3): the funnel a, b, c
SEQ = seq((0, 0, 1), (1, 0, 1), (2, 1, 2), (5, 0, 1), (6, 2, None), (7, 1, 2), (8, 3, 3))
JOURNEY = JourneyShape.build([("s1", [("a", ["A"], [])]), ("s2", [("b", ["B"], []), ("x", ["X"], [])]),
                              ("s3", [("c", ["C"], [])])])


STEPS = ("a", "b", "c")


def p(**kw):
    return plan(JOURNEY, STEPS, Semantics(**kw))


def test_candidates():
    assert [c.rn for c in candidates(p(), SEQ)] == [1]  # first attempt: the earliest entry
    assert [c.rn for c in candidates(p(attempt="best"), SEQ)] == [1, 2, 4]
    assert [c.rn for c in candidates(p(attempt="best", entry="open"), SEQ)] == [1, 2, 3, 4, 6, 7]
    # strict order: repeats of a touchpoint in a row are one visit
    assert [c.rn for c in candidates(p(attempt="best", order="strict"), SEQ)] == [1, 4]


def test_an_attempt_takes_the_earliest_fitting_event_of_each_step():
    a = evaluate(p(), SEQ, SEQ[0], [])
    assert (a.reached, a.times) == (3, {1: at(0), 2: at(2), 3: at(8)})
    assert a.end == at(8)  # converted: ends at the last step


def test_the_window_and_step_limits_bound_an_attempt():
    a = evaluate(p(window_seconds=5 * 60), SEQ, SEQ[0], [])
    assert a.reached == 2 and a.end == at(5)  # C at 8 is past the window; unconverted: ends with it
    limited = plan(JOURNEY, STEPS, Semantics(limits=(StepLimit("b", 3 * 60, None),)))
    assert evaluate(limited, SEQ, SEQ[0], []).times[2] == at(7)  # B at 2 is too soon after A at 0


def test_strict_order_takes_the_very_next_visit_only():
    a = evaluate(p(order="strict"), SEQ, SEQ[0], [])
    assert a.reached == 2  # a, b, then a again: the next visit after b is not c
    b = evaluate(p(order="strict"), SEQ, SEQ[3], [])
    assert b.reached == 1  # a, then x: broken at once


def test_any_order_counts_when_the_last_of_the_steps_happened():
    s = seq((0, 3, 3), (1, 1, 2), (2, 0, 1))
    a = evaluate(p(order="any"), s, s[0], [])
    assert a.entry_step == 1 and a.reached == 3 and a.times == {1: at(2), 2: at(2), 3: at(2)}


def test_an_exclusion_between_two_steps_removes_the_attempt():
    excl = plan(JOURNEY, STEPS, Semantics(exclusions=(Exclusion((Matcher("Z"),), None, "b", "c"),)))
    assert evaluate(excl, SEQ, SEQ[0], [(at(3), 0)]).excluded_at == at(3)  # between b (2) and c (8)
    assert evaluate(excl, SEQ, SEQ[0], [(at(1), 0)]).excluded_at is None  # before b
    assert evaluate(excl, SEQ, SEQ[0], [(at(8), 0)]).excluded_at is None  # at c itself: not strictly between
    assert evaluate(excl, SEQ, SEQ[0], [(at(3), 1)]).excluded_at is None  # another exclusion's event


def test_which_attempts_count():
    attempts = [evaluate(p(attempt="best"), SEQ, c, []) for c in candidates(p(attempt="best"), SEQ)]
    assert [(a.rn, a.reached) for a in attempts] == [(1, 3), (2, 3), (4, 3)]
    assert [a.rn for a in select(p(attempt="best"), attempts)] == [1]  # furthest, then earliest
    assert [a.rn for a in select(p(attempt="first"), attempts)] == [1]
    # reentry: an attempt counts when it starts after the previous counted one ended (A at 0 ends at C, 8)
    assert [a.rn for a in select(p(attempt="reentry"), attempts)] == [1]
    early = evaluate(p(attempt="reentry", window_seconds=60), SEQ, SEQ[0], [])
    later = evaluate(p(attempt="reentry", window_seconds=60), SEQ, SEQ[3], [])
    assert [a.rn for a in select(p(attempt="reentry", window_seconds=60), [early, later])] == [1, 4]
    early.excluded_at = at(1)
    assert select(p(attempt="first"), [early, later]) == []  # the first attempt was excluded: nothing counts


def test_censoring():
    a = evaluate(p(window_seconds=10 * 60), SEQ[:3], SEQ[0], [])  # reached b, window until minute 10
    assert censored(p(window_seconds=10 * 60), a, at(9))  # the data ends before the window does
    assert not censored(p(window_seconds=10 * 60), a, at(10))  # the window closed within the data
    assert not censored(p(window_seconds=10 * 60), a, None)
    done = evaluate(p(), SEQ, SEQ[0], [])
    assert not censored(p(), done, at(9))  # converted attempts are never censored
    capped = plan(JOURNEY, STEPS, Semantics(window_seconds=3600, limits=(StepLimit("c", None, 60),)))
    assert not censored(capped, evaluate(capped, SEQ[:3], SEQ[0], []), at(4))  # c had to come by minute 3


def test_a_path_collapses_repeats_and_stops_at_the_window_or_its_length():
    assert path(p(), SEQ, evaluate(p(), SEQ, SEQ[0], [])) == (0, 1, 0, 2, 1, 3)
    assert path(p(window_seconds=120), SEQ, evaluate(p(window_seconds=120), SEQ, SEQ[0], [])) == (0, 1)
    assert path(p(path_length=2), SEQ, evaluate(p(path_length=2), SEQ, SEQ[0], [])) == (0, 1)


# --- the aggregates ------------------------------------------------------------------------------


def test_durations_are_percentiles_of_the_attempts_that_reached_each_step():
    events = [ev("u1", 0, "A"), ev("u1", 10, "B"), ev("u1", 40, "C"),
              ev("u2", 0, "A"), ev("u2", 20, "B"),
              ev("u3", 0, "A"), ev("u3", 60, "B"), ev("u3", 70, "C")]
    raw = raw_of(events)
    m = 60_000_000
    # step 2 from step 1: 10, 20, 60 min -> median 20, p90 52; step 3 from 2: 30, 10 -> 20, 28; from start 40, 70
    assert raw.durations == {2: (20 * m, 52 * m, 20 * m, 52 * m), 3: (20 * m, 28 * m, 55 * m, 67 * m)}
    assert reached(raw) == [3, 3, 2]
    # entry day 20458 = 2026-01-05; nothing censored: the data runs to minute 70
    assert raw.attempts == {(1, 3, False, 20458, None): 2, (1, 2, True, 20458, None): 1}


def test_the_breakdown_value_is_the_entry_events():
    events = [ev("u1", 0, "A", tier="gold"), ev("u1", 1, "B", tier="silver"), ev("u2", 0, "A")]
    raw = raw_of(events, Semantics(breakdown="tier"))
    assert raw.attempts == {(1, 2, True, 20458, "gold"): 1, (1, 1, True, 20458, None): 1}


def test_paths_are_counted_per_counted_attempt():
    events = [ev("u1", 0, "A"), ev("u1", 1, "X"), ev("u1", 2, "B"), ev("u2", 0, "A"), ev("u2", 1, "X"),
              ev("u2", 2, "B"), ev("u3", 5, "A"), ev("u3", 6, "C")]
    raw = raw_of(events)
    assert raw.paths == {(0, 2, 1): 2, (0, 3): 1}
    assert raw.transitions == {(0, 2): 2, (2, 1): 2, (0, 3): 1}
