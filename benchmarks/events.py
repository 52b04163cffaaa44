"""Seeded event data with planted truth, for the analytics tests and benchmark.

Users walk an e-commerce journey (browse -> product -> cart -> checkout -> purchase) with
per-segment continuation rates, exponential gaps that sometimes outlast the 7-day window,
same-instant ties, off-map events, an exclusion event (remove_from_cart), a planted
unmapped transition (back from cart to a product page) and per-day sessions. The generator
counts, as it writes, what the default funnel must find (`truth`), so that engine output can
be checked exactly, and the planted rates within a tolerance.

Users are generated in chunks (numpy, one random stream per chunk), so 100 M events stream to
Parquet without being held in memory, and the same seed gives the same bytes.

    python benchmarks/events.py OUT.parquet --users 100000 [--shape ga4] [--format jsonl]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import os
from dataclasses import dataclass

import numpy as np

US = 1_000_000
DAY = 86_400 * US
WINDOW = 7 * DAY
START = int(dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc).timestamp()) * US  # a Monday
STEPS = ["view_item_list", "view_item", "add_to_cart", "begin_checkout", "purchase"]
TOUCHPOINTS = [("discover", "browse"), ("consider", "product"), ("cart", "cart"), ("checkout", "checkout"), ("purchase", "purchase")]
TIERS = ["bargain", "premium"]
PERSONAS = {"bargain": "sam", "premium": "lee"}
# Chance to go on to step k (index k-1) for bargain / premium users.
CONTINUE = np.array([[1.0, 1.0], [0.6, 0.7], [0.4, 0.55], [0.6, 0.7], [0.5, 0.75]])
GAP_MEAN_S = [0, 600, 3600, 86_400, 2 * 86_400]  # mean seconds from the previous step
TIE_RATE = 0.03  # step 2 at the very instant of step 1
OFF_MAP = ["page_view", "scroll", "session_start"]
OFF_MAP_PER_USER = 2.0
EXCLUSION = "remove_from_cart"
EXCLUSION_RATE = 0.05
BACK_RATE = 0.10  # back to a product page right after the cart
NO_TIER_RATE = 0.02
EVENTS_PER_USER = 1 + 0.65 + 0.65 * 0.47 + 0.65 * 0.47 * 0.64 + 0.65 * 0.47 * 0.64 * 0.6 + OFF_MAP_PER_USER + 0.05


def journey_stages() -> list:
    """The map, as JourneyShape.build takes it: [(stage, [(touchpoint, events, next)])]."""
    return [(stage, [(tp, [STEPS[i]], [])]) for i, (stage, tp) in enumerate(TOUCHPOINTS)]


@dataclass
class Chunk:
    user: np.ndarray  # int user numbers
    ts: np.ndarray  # epoch µs
    event: np.ndarray  # index into NAMES
    tier: np.ndarray  # 0 bargain, 1 premium, -1 none (per event: the user's)
    session: np.ndarray  # day number since the user's entry, from 1


NAMES = STEPS + OFF_MAP + [EXCLUSION]


class Truth:
    """What the default funnel (stages, first attempt, ordered, 7-day window) must find."""

    def __init__(self) -> None:
        self.users = 0
        self.events = 0
        self.unmatched = 0
        self.reached = [0] * len(STEPS)
        self.reached_by_tier = {t: [0] * len(STEPS) for t in TIERS + ["(none)"]}
        self.planned = [0] * len(STEPS)  # before the window cut: the planted continuation
        self.reached_with_exclusion = [0] * len(STEPS)
        self.transitions: dict[str, int] = {}
        self.ties = 0
        self.time_min = None
        self.time_max = None

    def to_dict(self) -> dict:
        return {
            "semantics": "steps: stages, window 7d, attempt first, order ordered, entry closed, unit person",
            "users": self.users,
            "events": self.events,
            "unmatched_events": self.unmatched,
            "reached": self.reached,
            "reached_by_tier": self.reached_by_tier,
            "planned_reach": self.planned,
            "reached_with_exclusion": self.reached_with_exclusion,
            "exclusion": EXCLUSION,
            "transitions": dict(sorted(self.transitions.items())),
            "ties": self.ties,
            "time_range": [self.time_min, self.time_max],
            "continue_rates": CONTINUE.tolist(),
        }


def _chunk(seed: int, index: int, first_user: int, users: int, days: int, truth: Truth) -> Chunk:
    rng = np.random.default_rng([seed, index])
    n = len(STEPS)
    uid = np.arange(first_user, first_user + users)
    tier = (rng.random(users) < 0.4).astype(np.int64)
    tier[rng.random(users) < NO_TIER_RATE] = -1
    tier_rates = np.where(tier < 0, 0, tier)
    go_on = rng.random((users, n)) < CONTINUE[:, tier_rates].T
    planned = np.cumprod(go_on, axis=1).sum(axis=1)  # 1..5: how far the user goes, ignoring time
    t1 = START + rng.integers(0, days * DAY // US, users) * US
    gaps = np.zeros((users, n), dtype=np.int64)
    for k in range(1, n):
        gaps[:, k] = np.maximum(2, np.round(rng.exponential(GAP_MEAN_S[k], users))).astype(np.int64) * US
    tie = rng.random(users) < TIE_RATE
    gaps[tie, 1] = 0
    times = t1[:, None] + np.cumsum(gaps, axis=1)
    within = (times - t1[:, None]) <= WINDOW
    has = np.arange(1, n + 1)[None, :] <= planned[:, None]
    reach = np.cumprod(has & within, axis=1).sum(axis=1)
    exclusion = (planned >= 3) & (rng.random(users) < EXCLUSION_RATE)
    back = (planned >= 3) & (rng.random(users) < BACK_RATE)
    excl_time = times[:, 2] + US
    excluded = exclusion & (excl_time <= t1 + WINDOW)
    n_off = rng.poisson(OFF_MAP_PER_USER, users)

    parts_user, parts_ts, parts_event = [], [], []
    for k in range(n):
        mask = has[:, k]
        parts_user.append(uid[mask])
        parts_ts.append(times[mask, k])
        parts_event.append(np.full(mask.sum(), k))
    parts_user.append(uid[exclusion])
    parts_ts.append(excl_time[exclusion])
    parts_event.append(np.full(exclusion.sum(), NAMES.index(EXCLUSION)))
    parts_user.append(uid[back])
    parts_ts.append(times[back, 2] + US)
    parts_event.append(np.full(back.sum(), 1))
    off_user = np.repeat(np.arange(users), n_off)
    parts_user.append(uid[off_user])
    parts_ts.append(t1[off_user] + rng.integers(0, 8 * DAY // US, off_user.size) * US)
    parts_event.append(len(STEPS) + rng.integers(0, len(OFF_MAP), off_user.size))
    user = np.concatenate(parts_user)
    ts = np.concatenate(parts_ts)
    event = np.concatenate(parts_event)
    order = np.lexsort((event, ts, user))
    user, ts, event = user[order], ts[order], event[order]
    first_t = np.empty(first_user + users, dtype=np.int64)
    first_t[uid] = t1
    session = (ts - first_t[user]) // DAY + 1
    ev_tier = np.empty(first_user + users, dtype=np.int64)
    ev_tier[uid] = tier
    ev_tier = ev_tier[user]

    truth.users += users
    truth.events += int(user.size)
    truth.unmatched += int(off_user.size + exclusion.sum())
    truth.ties += int((tie & (planned >= 2)).sum())
    for k in range(n):
        truth.reached[k] += int((reach > k).sum())
        truth.planned[k] += int((planned > k).sum())
        truth.reached_with_exclusion[k] += int(((reach > k) & ~excluded).sum())
        for t, name in ((0, "bargain"), (1, "premium"), (-1, "(none)")):
            truth.reached_by_tier[name][k] += int(((reach > k) & (tier == t)).sum())
    tps = [tp for _, tp in TOUCHPOINTS]

    def add(a: str, b: str, count: int) -> None:
        if count:
            truth.transitions[f"{a}>{b}"] = truth.transitions.get(f"{a}>{b}", 0) + count

    add(tps[0], tps[1], int((planned >= 2).sum()))
    add(tps[1], tps[2], int((planned >= 3).sum()))
    add(tps[2], tps[3], int(((planned >= 4) & ~back).sum()))
    add(tps[2], tps[1], int(back.sum()))
    add(tps[1], tps[3], int((back & (planned >= 4)).sum()))
    add(tps[3], tps[4], int((planned >= 5).sum()))
    lo, hi = int(ts.min()), int(ts.max())
    truth.time_min = lo if truth.time_min is None else min(truth.time_min, lo)
    truth.time_max = hi if truth.time_max is None else max(truth.time_max, hi)
    return Chunk(user, ts, event, ev_tier, session)


def chunks(users: int, seed: int = 1, days: int = 28, chunk_users: int = 250_000, truth: Truth | None = None):
    """Yield the event chunks of `users` users; `truth` is filled as they are made."""
    truth = truth if truth is not None else Truth()
    for index, first in enumerate(range(0, users, chunk_users)):
        yield _chunk(seed, index, first, min(chunk_users, users - first), days, truth)


def _iso(ts: np.ndarray) -> list[str]:
    return [s + "Z" for s in np.datetime_as_string(ts.astype("datetime64[us]"), unit="s")]


def _arrow(chunk: Chunk, shape: str, text_times: bool):
    import pyarrow as pa

    names = np.array(NAMES, dtype=object)[chunk.event]
    tiers = np.array(TIERS + [None], dtype=object)[chunk.tier]  # -1 picks the last: None
    users = np.char.add("u", chunk.user.astype(str)).astype(object)
    if shape == "events":
        time = pa.array(_iso(chunk.ts)) if text_times else pa.array(chunk.ts, pa.timestamp("us", tz="UTC"))
        return pa.table({
            "user_id": pa.array(users, pa.string()),
            "session_id": pa.array(np.char.add("s", chunk.session.astype(str)).astype(object), pa.string()),
            "timestamp": time,
            "event": pa.array(names, pa.string()),
            "tier": pa.array(tiers, pa.string()),
        })
    if shape == "ga4":
        value = pa.struct([("string_value", pa.string()), ("int_value", pa.int64()), ("float_value", pa.float64()), ("double_value", pa.float64())])
        param = pa.struct([("key", pa.string()), ("value", value)])
        params = []
        for session, tier, name in zip(chunk.session.tolist(), tiers.tolist(), names.tolist()):
            items = [{"key": "ga_session_id", "value": {"string_value": None, "int_value": session, "float_value": None, "double_value": None}}]
            if tier is not None:
                items.append({"key": "tier", "value": {"string_value": tier, "int_value": None, "float_value": None, "double_value": None}})
            if name == "page_view":
                items.append({"key": "page_location", "value": {"string_value": "https://shop.example/home", "int_value": None, "float_value": None, "double_value": None}})
            params.append(items)
        n = len(users)
        return pa.table({
            "event_date": pa.array(np.datetime_as_string(chunk.ts.astype("datetime64[us]"), unit="D").astype(object), pa.string()),
            "event_timestamp": pa.array(chunk.ts, pa.int64()),
            "event_name": pa.array(names, pa.string()),
            "event_params": pa.array(params, pa.list_(param)),
            "user_id": pa.array([None] * n, pa.string()),
            "user_pseudo_id": pa.array(users, pa.string()),
            "device": pa.array([{"category": "mobile" if u % 3 else "desktop"} for u in chunk.user.tolist()], pa.struct([("category", pa.string())])),
            "geo": pa.array([{"country": "DE" if u % 2 else "FR"} for u in chunk.user.tolist()], pa.struct([("country", pa.string())])),
            "traffic_source": pa.array([{"source": "google"}] * n, pa.struct([("source", pa.string())])),
        })
    anonymous = np.char.add("a", chunk.user.astype(str)).astype(object)
    known = np.where(chunk.user % 5 == 0, None, users)  # a fifth never logs in: anonymousId only
    return pa.table({
        "type": pa.array(["track"] * len(users), pa.string()),
        "event": pa.array(names, pa.string()),
        "userId": pa.array(known, pa.string()),
        "anonymousId": pa.array(anonymous, pa.string()),
        "timestamp": pa.array(_iso(chunk.ts), pa.string()),
        "properties": pa.array([{"tier": t} for t in tiers.tolist()], pa.struct([("tier", pa.string())])),
        "context": pa.array([{"sessionId": f"s{s}"} for s in chunk.session.tolist()], pa.struct([("sessionId", pa.string())])),
    })


def generate(path: str, users: int, shape: str = "events", format: str = "parquet", seed: int = 1, days: int = 28,
             chunk_users: int = 250_000, hive: bool = False) -> dict:
    """Write the events to `path` (a file; with hive, a folder of dt=YYYY-MM-DD partitions)
    and the truth to `path`.truth.json; return the truth."""
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    if format == "csv" and shape != "events":
        raise ValueError("ga4 and segment data are nested: write them as parquet or jsonl")
    truth = Truth()
    writer = None
    text = raw_file = None
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if hive:
        os.makedirs(path, exist_ok=True)
    elif format != "parquet" and path.endswith(".gz"):
        # No name and mtime 0 in the header: the same seed gives the same bytes.
        raw_file = open(path, "wb")
        text = gzip.GzipFile(filename="", mode="wb", fileobj=raw_file, mtime=0)
    elif format != "parquet":
        text = open(path, "wb")
    try:
        for index, chunk in enumerate(chunks(users, seed, days, chunk_users, truth)):
            table = _arrow(chunk, shape, text_times=format != "parquet")
            if hive:
                days_of = (chunk.ts // DAY).astype(np.int64)
                for day in np.unique(days_of):
                    part = table.filter(days_of == day)
                    folder = os.path.join(path, f"dt={(dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()}")
                    os.makedirs(folder, exist_ok=True)
                    pq.write_table(part, os.path.join(folder, f"part-{index:05d}.parquet"))
            elif format == "parquet":
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
            elif format == "csv":
                sink = io.BytesIO()
                pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=index == 0))
                text.write(sink.getvalue())
            else:
                for row in table.to_pylist():
                    text.write((json.dumps(row, separators=(",", ":")) + "\n").encode())
    finally:
        if writer is not None:
            writer.close()
        if text is not None:
            text.close()
            if raw_file is not None:
                raw_file.close()
    result = truth.to_dict()
    truth_path = (path.rstrip("/") + ".truth.json")
    with open(truth_path, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=2, sort_keys=True)
    return result


def reference_events(users: int, seed: int = 1, days: int = 28):
    """The same events as `generate` writes (events shape), as reference Event items."""
    from cjm.analytics.reference import Event

    out = []
    for chunk in chunks(users, seed, days):
        for u, t, e, tier, s in zip(chunk.user.tolist(), chunk.ts.tolist(), chunk.event.tolist(), chunk.tier.tolist(), chunk.session.tolist()):
            props = {"tier": TIERS[tier]} if tier >= 0 else {}
            out.append(Event(f"u{u}", t, NAMES[e], props, f"s{s}"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--events", type=int, help="about this many events instead of --users")
    parser.add_argument("--shape", choices=["events", "ga4", "segment"], default="events")
    parser.add_argument("--format", choices=["parquet", "csv", "jsonl"], default="parquet")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hive", action="store_true", help="a folder of dt=YYYY-MM-DD partitions")
    args = parser.parse_args()
    users = int(args.events / EVENTS_PER_USER) if args.events else args.users
    truth = generate(args.path, users, args.shape, args.format, args.seed, hive=args.hive)
    print(json.dumps({"users": truth["users"], "events": truth["events"]}))


if __name__ == "__main__":
    main()
