"""The executable definition of the funnel semantics: plain Python, one unit at a time.

Deliberately simple and slow. The SQL engines must give the same numbers on every golden
case and on generated data; when they disagree, this module says what is right. Read it
from `compute` down.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from cjm.analytics.match import text_matches
from cjm.analytics.result import DAY_US, TOP_UNMATCHED, Raw, percentile
from cjm.analytics.spec import Matcher, Plan

NO_STEP = 1_000_000  # sorts mapped events that are not steps after the steps at one instant


@dataclass(frozen=True)
class Event:
    """A normalized event: who (actor, session), when (epoch microseconds), what, properties."""

    actor: str | None
    ts: int
    name: str | None
    props: dict = field(default_factory=dict, hash=False, compare=False)
    session: str | None = None


def matches(m: Matcher, e: Event) -> bool:
    if not text_matches(m.name, e.name):
        return False
    for key, values in m.where:
        value = e.props.get(key)
        text = None if value is None else ("true" if value is True else "false" if value is False else str(value))
        if not any(text_matches(v, text) for v in values):
            return False
    return True


@dataclass
class Mapped:
    """A mapped event in a unit's sequence."""

    ts: int
    tp: int
    step: int | None
    b: str | None
    rn: int = 0
    prev_tp: int | None = None


@dataclass
class Attempt:
    entry_step: int
    t0: int
    rn: int
    b: str | None
    times: dict = field(default_factory=dict)  # step -> time the attempt reached it
    reached: int = 0
    excluded_at: int | None = None
    end: int = 0


def _unit(plan: Plan, e: Event) -> str | None:
    if plan.semantics.unit == "person":
        return e.actor
    if e.actor is None or e.session is None:
        return None
    return f"{e.actor}|{e.session}"


def _in_range(plan: Plan, ts: int) -> bool:
    s = plan.semantics
    return (s.since_us is None or ts >= s.since_us) and (s.until_us is None or ts <= s.until_us)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def compute(plan: Plan, events: list[Event]) -> Raw:
    """The aggregates of `plan` over `events`."""
    raw = Raw()
    tps = plan.journey.touchpoints
    sem = plan.semantics
    by_unit: dict[str, list[Mapped]] = defaultdict(list)
    exclusions_of: dict[str, list[tuple[int, int]]] = defaultdict(list)  # unit -> (ts, exclusion index)
    units = set()
    for e in events:
        raw.events += 1
        unit = _unit(plan, e)
        if unit is None:
            raw.events_without_unit += 1
        else:
            units.add(unit)
        raw.ts_min = e.ts if raw.ts_min is None else min(raw.ts_min, e.ts)
        raw.ts_max = e.ts if raw.ts_max is None else max(raw.ts_max, e.ts)
        # The first touchpoint in map order whose matcher matches: one event, one touchpoint.
        hits = [i for i, tp in enumerate(tps) if any(matches(m, e) for m in tp.matchers)]
        tp = hits[0] if hits else None
        if len(hits) > 1:
            raw.overlaps[(e.name, hits[0], tuple(hits[1:]))] += 1
        if _in_range(plan, e.ts):
            raw.events_in_range += 1
            if tp is None:
                raw.unmatched_in_range += 1
                raw.unmatched[e.name] += 1
        if unit is None:
            continue
        for x_index, x in enumerate(plan.exclusions):
            hit = tp == x.touchpoint if x.touchpoint is not None else any(matches(m, e) for m in x.matchers)
            if hit:
                exclusions_of[unit].append((e.ts, x_index))
        if tp is not None:
            b = _text(e.props.get(sem.breakdown)) if sem.breakdown else None
            by_unit[unit].append(Mapped(e.ts, tp, plan.step_of_tp[tp], b))
    raw.units = len(units)
    raw.unmatched = Counter(dict(sorted(raw.unmatched.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_UNMATCHED]))

    selected: list[tuple[str, Attempt]] = []
    for unit in sorted(by_unit):
        seq = by_unit[unit]
        # At one instant: steps first, in funnel order, then other touchpoints in map order.
        seq.sort(key=lambda m: (m.ts, m.step if m.step is not None else NO_STEP, m.tp, m.b is not None, m.b or ""))
        for rn, m in enumerate(seq, start=1):
            m.rn = rn
            m.prev_tp = seq[rn - 2].tp if rn > 1 else None
            if _in_range(plan, m.ts):
                raw.reach.setdefault(m.tp, set()).add(unit)
                if m.prev_tp is not None and m.prev_tp != m.tp:
                    raw.transitions[(m.prev_tp, m.tp)] += 1
        attempts = [evaluate(plan, seq, c, exclusions_of[unit]) for c in candidates(plan, seq)]
        for a in select(plan, attempts):
            selected.append((unit, a))
            raw.paths[path(plan, seq, a)] += 1
    raw.reach = {tp: len(us) for tp, us in raw.reach.items()}

    from_prev: dict[int, list[int]] = defaultdict(list)
    from_start: dict[int, list[int]] = defaultdict(list)
    for _unit_id, a in selected:
        raw.attempts[(a.entry_step, a.reached, censored(plan, a, raw.ts_max), a.t0 // DAY_US, a.b)] += 1
        for k in range(max(a.entry_step + 1, 2), a.reached + 1):
            from_prev[k].append(a.times[k] - a.times[k - 1])
            if a.entry_step == 1:
                from_start[k].append(a.times[k] - a.times[1])
    for k in range(2, plan.n + 1):
        if from_prev[k]:
            raw.durations[k] = (
                percentile(from_prev[k], 0.5), percentile(from_prev[k], 0.9),
                percentile(from_start[k], 0.5), percentile(from_start[k], 0.9),
            )
    return raw


def candidates(plan: Plan, seq: list[Mapped]) -> list[Mapped]:
    """Events that may start an attempt: step-1 events (closed), any step event (open, or
    order any); in strict order only the first of consecutive repeats of a touchpoint.
    Only entries within since/until. `first` keeps the earliest."""
    sem = plan.semantics
    pool = [m for m in seq if m.prev_tp != m.tp] if sem.order == "strict" else seq
    found = [
        m for m in pool
        if m.step is not None and (m.step == 1 or sem.entry == "open" or sem.order == "any") and _in_range(plan, m.ts)
    ]
    return found[:1] if sem.attempt == "first" else found


def evaluate(plan: Plan, seq: list[Mapped], c: Mapped, exclusions: list[tuple[int, int]]) -> Attempt:
    """How far an attempt starting at event `c` gets, when, and whether it is excluded."""
    sem, n, window_end = plan.semantics, plan.n, c.ts + plan.window_us
    a = Attempt(entry_step=1 if sem.order == "any" else c.step, t0=c.ts, rn=c.rn, b=c.b)
    if sem.order == "any":
        # Conversion to step k: each of steps 1..k happened within the window, in any order;
        # the time step k was reached is when the last of them first happened.
        first_time = {}
        for m in seq:
            if m.step is not None and c.ts <= m.ts <= window_end and m.step not in first_time:
                first_time[m.step] = m.ts
        for k in range(1, n + 1):
            if k not in first_time:
                break
            a.times[k] = max(first_time[j] for j in range(1, k + 1))
            a.reached = k
    else:
        a.times[c.step] = c.ts
        a.reached = c.step
        strict_seq = [m for m in seq if m.prev_tp != m.tp]
        position = next(i for i, m in enumerate(strict_seq) if m.rn == c.rn) if sem.order == "strict" else None
        for k in range(c.step + 1, n + 1):
            prev = a.times[k - 1]
            lo = prev + (plan.min_us[k - 1] or 0)
            hi = min(window_end, prev + plan.max_us[k - 1]) if plan.max_us[k - 1] is not None else window_end

            def fits(m: Mapped) -> bool:
                return m.step == k and lo <= m.ts <= hi and (sem.ties == "in-order" or m.ts > prev)

            if sem.order == "strict":
                # The very next visit (repeats of one touchpoint in a row are one visit).
                nxt = strict_seq[position + 1] if position + 1 < len(strict_seq) else None
                if nxt is None or not fits(nxt):
                    break
                position += 1
                a.times[k] = nxt.ts
            else:
                # The earliest event of step k that fits: steps are matched greedily.
                found = [m.ts for m in seq if fits(m)]
                if not found:
                    break
                a.times[k] = min(found)
            a.reached = k
    for x_index, x in enumerate(plan.exclusions):
        if x.from_k in a.times:
            lower = a.times[x.from_k]
        elif a.entry_step > x.from_k and a.entry_step < x.to_k:
            lower = a.t0
        else:
            continue
        upper = a.times.get(x.to_k)
        for ts, which in exclusions:
            if which == x_index and ts > lower and (ts < upper if upper is not None else ts <= window_end):
                a.excluded_at = ts if a.excluded_at is None else min(a.excluded_at, ts)
    if a.excluded_at is not None:
        a.end = a.excluded_at
    elif a.reached == n:
        a.end = a.times[n]
    else:
        a.end = window_end
    return a


def select(plan: Plan, attempts: list[Attempt]) -> list[Attempt]:
    """Which attempts count: the first; the best (furthest, then earliest entry step, then
    earliest); or, with reentry, each attempt that starts after the previous one ended.
    Excluded attempts and attempts that never reached their first step do not count."""
    counts = [a for a in attempts if a.excluded_at is None and a.reached >= a.entry_step]
    counted = {id(a) for a in counts}
    mode = plan.semantics.attempt
    if mode == "first":
        return [a for a in attempts[:1] if id(a) in counted]
    if mode == "best":
        return sorted(counts, key=lambda a: (-a.reached, a.entry_step, a.t0, a.rn))[:1]
    chosen, last_end = [], None
    for a in sorted(attempts, key=lambda a: (a.t0, a.rn)):
        if last_end is None or a.t0 > last_end:
            chosen.append(a)
            last_end = a.end
    return [a for a in chosen if id(a) in counted]


def censored(plan: Plan, a: Attempt, data_end: int | None) -> bool:
    """Not converted, and the time to take the next step had not run out when the data ends."""
    if a.reached >= plan.n or data_end is None:
        return False
    deadline = a.t0 + plan.window_us
    nxt_max = plan.max_us[a.reached] if plan.semantics.order != "any" else None
    if nxt_max is not None:
        deadline = min(deadline, a.times[a.reached] + nxt_max)
    return deadline > data_end


def path(plan: Plan, seq: list[Mapped], a: Attempt) -> tuple[int, ...]:
    """Touchpoints visited from the entry event to the end of the window, repeats collapsed."""
    window_end = a.t0 + plan.window_us
    out = []
    for m in seq:
        if m.rn >= a.rn and m.ts <= window_end and (m.rn == a.rn or m.tp != m.prev_tp):
            out.append(m.tp)
    return tuple(out[: plan.semantics.path_length])
