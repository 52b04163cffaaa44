"""Benchmark of the analytics engine, side by side in one run:

1. 10 M generated events (Parquet): the engine, run as `cjm analyze` will run it (a fresh
   Python process building a FunnelRequest), against a hand-written DuckDB query that
   computes the same default funnel (counts, median and p90 per step) on the same file.
   Both in subprocesses; the ratio of wall times is the figure of merit (target <= 1.2x).
   Beside it, hand-written queries giving what the engine gives besides the funnel (totals,
   off-map events, reach per touchpoint, moves between touchpoints; no paths), against the
   engine with top_paths 0: the same work by hand and by cjm.
2. 100 M events in a hive-partitioned folder: the engine finishes on this machine's cores
   with the child's peak RSS (wait4) at most 4 GB.
3. Spark: session start, first query and a repeat, on 1 M events.

Data is generated under benchmarks/out/ (git-ignored) by benchmarks/events.py when missing.
Results: printed, and written to benchmarks/out/analytics-results.json.

    python benchmarks/analytics.py [--skip-100m] [--skip-spark]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import events as gen  # noqa: E402  (benchmarks/ is not a package)

STEP_EVENTS = gen.STEPS
WINDOW_US = gen.WINDOW


def hand_written_sql(path: str) -> str:
    """The default funnel (first step-1 event, steps in order, 7-day window from it, equal
    times in order) written directly for DuckDB, the way an analyst would."""
    cases = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(STEP_EVENTS, start=1))
    names = ", ".join(f"'{n}'" for n in STEP_EVENTS)
    parts = [
        f"e AS (SELECT user_id AS u, epoch_us(\"timestamp\") AS ts, CASE event {cases} END AS st "
        f"FROM read_parquet('{path}') WHERE event IN ({names}))",
        "f1 AS (SELECT u, min(ts) AS t1 FROM e WHERE st = 1 GROUP BY u)",
    ]
    for k in range(2, len(STEP_EVENTS) + 1):
        parts.append(
            f"s{k} AS (SELECT f.u, min(e.ts) AS t{k} FROM f{k - 1} f JOIN e ON e.u = f.u AND e.st = {k} "
            f"AND e.ts >= f.t{k - 1} AND e.ts <= f.t1 + {WINDOW_US} GROUP BY f.u)"
        )
        parts.append(f"f{k} AS (SELECT f.*, s.t{k} FROM f{k - 1} f LEFT JOIN s{k} s USING (u))")
    n = len(STEP_EVENTS)
    select = ["count(t1)"] + [f"count(t{k})" for k in range(2, n + 1)]
    select += [f"quantile_cont(t{k} - t{k - 1}, 0.5), quantile_cont(t{k} - t{k - 1}, 0.9)" for k in range(2, n + 1)]
    return "WITH " + ", ".join(parts) + f" SELECT {', '.join(select)} FROM f{n}"


def hand_written_full_sql(path: str) -> list[str]:
    """What an analyst would write to get what `cjm analyze` gives besides the funnel, paths
    aside (compare with the engine at top_paths 0): events read, events without a time,
    people, the off-map share and the top off-map events, reach per touchpoint, and the
    moves between touchpoints (each person's mapped events in time order)."""
    cases = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(STEP_EVENTS, start=1))
    names = ", ".join(f"'{n}'" for n in STEP_EVENTS)
    m = (f"(SELECT user_id AS u, epoch_us(\"timestamp\") AS ts, event, CASE event {cases} END AS st "
         f"FROM read_parquet('{path}'))")
    e = f"(SELECT u, ts, st FROM {m} WHERE st IS NOT NULL)"
    return [
        f"SELECT count(*), count(*) FILTER (WHERE ts IS NULL), count(*) FILTER (WHERE st IS NULL), "
        f"count(DISTINCT u), min(ts), max(ts) FROM {m}",
        f"SELECT event, count(*) AS c FROM read_parquet('{path}') WHERE event NOT IN ({names}) "
        f"GROUP BY event ORDER BY c DESC LIMIT 10",
        f"SELECT st, count(DISTINCT u) FROM {e} GROUP BY st",
        f"SELECT prev, st, count(*) FROM (SELECT st, lag(st) OVER (PARTITION BY u ORDER BY ts, st) AS prev FROM {e}) "
        f"WHERE prev IS NOT NULL AND prev <> st GROUP BY prev, st",
    ]


def child(mode: str, path: str, extra: str) -> None:
    """What runs in the measured subprocess."""
    started = time.perf_counter()
    if mode == "handwritten":
        import duckdb

        con = duckdb.connect()
        row = con.execute(hand_written_sql(path)).fetchone()
        print(json.dumps({"reached": list(row[:5]), "seconds": time.perf_counter() - started}))
        return
    if mode == "handwritten_full":
        import duckdb

        con = duckdb.connect()
        row = con.execute(hand_written_sql(path)).fetchone()
        totals, _top, reach, moves = (con.execute(sql).fetchall() for sql in hand_written_full_sql(path))
        seconds = time.perf_counter() - started
        same = {"units": totals[0][3], "off_map": totals[0][2], "reach": [c for _st, c in sorted(reach)],
                "moves": sorted([a, b, c] for a, b, c in moves)}
        print(json.dumps({"reached": list(row[:5]), "seconds": seconds, "same": same}))
        return
    from cjm.analytics import EngineOptions, FunnelRequest, JourneyShape, Source, run_funnel

    journey = JourneyShape.build(gen.journey_stages())
    options = EngineOptions()
    timings = {}
    if mode == "spark":
        from cjm.analytics import engine_spark

        options = EngineOptions(master="local[2]", conf=(("spark.sql.shuffle.partitions", "4"), ("spark.ui.enabled", "false")))
        t = time.perf_counter()
        engine_spark.session(options).sparkContext.setLogLevel("ERROR")
        timings["session_start"] = time.perf_counter() - t
        options = EngineOptions()  # the active session from here on
    request = FunnelRequest(Source.resolve(path), journey, engine="spark" if mode == "spark" else "duckdb", options=options,
                            top_paths=int(extra) if extra else 10)
    t = time.perf_counter()
    result = run_funnel(request)
    timings["first"] = time.perf_counter() - t
    if mode == "spark":
        t = time.perf_counter()
        run_funnel(request)
        timings["repeat"] = time.perf_counter() - t
    data = result.to_dict()
    # what the hand-written queries of the same outputs give, to check that they agree
    index = {tp.id: i for i, tp in enumerate(journey.touchpoints, start=1)}
    same = {"units": data["totals"]["units"], "off_map": data["conformance"]["unmatched_events"],
            "reach": [data["touchpoints"][tp.id] for tp in journey.touchpoints],
            "moves": sorted([index[t["from"]], index[t["to"]], t["count"]] for t in data["transitions"])}
    print(json.dumps({"reached": [s["reached"] for s in data["steps"]], "seconds": time.perf_counter() - started,
                      "events": data["totals"]["events_read"], "timings": timings, "same": same}))


def measure(mode: str, path: str, extra: str = "") -> dict:
    """Run a child; wall time, peak RSS (wait4) and its JSON line."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", mode, path, extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{mode} failed:\n{err.decode()[-3000:]}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result.update({"wall_seconds": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1)})
    return result


def ensure(path: Path, events: int, hive: bool = False) -> dict:
    truth = Path(str(path).rstrip("/") + ".truth.json")
    if not truth.exists():
        print(f"generating {events:,} events -> {path}", flush=True)
        gen.generate(str(path), int(events / gen.EVENTS_PER_USER), hive=hive)
    return json.loads(truth.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--skip-100m", action="store_true")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each 10 M measurement (the best counts)")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    OUT.mkdir(exist_ok=True)
    results: dict = {"cores": os.cpu_count()}
    p10 = OUT / "events-10m.parquet"
    truth10 = ensure(p10, 10_000_000)
    runs = {"engine": [], "engine_funnel_only": [], "handwritten": [], "handwritten_full": []}
    for _ in range(args.repeat):
        runs["handwritten"].append(measure("handwritten", str(p10)))
        runs["engine"].append(measure("duckdb", str(p10)))
        runs["engine_funnel_only"].append(measure("duckdb", str(p10), "0"))
        runs["handwritten_full"].append(measure("handwritten_full", str(p10)))
    best = {k: min(v, key=lambda r: r["wall_seconds"]) for k, v in runs.items()}
    for name, run in best.items():
        assert run["reached"] == truth10["reached"], (name, run["reached"], truth10["reached"])
    assert best["engine_funnel_only"]["same"] == best["handwritten_full"]["same"], "the engine and the hand-written queries disagree"
    results["10m"] = {
        "events": truth10["events"],
        "engine_seconds": best["engine"]["wall_seconds"],
        "engine_top_paths_off_seconds": best["engine_funnel_only"]["wall_seconds"],
        "handwritten_seconds": best["handwritten"]["wall_seconds"],
        "ratio": round(best["engine"]["wall_seconds"] / best["handwritten"]["wall_seconds"], 2),
        "ratio_top_paths_off": round(best["engine_funnel_only"]["wall_seconds"] / best["handwritten"]["wall_seconds"], 2),
        # the same outputs by hand (funnel, totals, off-map events, reach per touchpoint, moves; no paths)
        "handwritten_same_outputs_seconds": best["handwritten_full"]["wall_seconds"],
        "ratio_same_outputs": round(best["engine_funnel_only"]["wall_seconds"] / best["handwritten_full"]["wall_seconds"], 2),
        "engine_peak_rss_mb": best["engine"]["peak_rss_mb"],
        "all_runs": {k: [r["wall_seconds"] for r in v] for k, v in runs.items()},
    }
    print(json.dumps(results["10m"]), flush=True)
    if not args.skip_100m:
        p100 = OUT / "events-100m"
        truth100 = ensure(p100, 100_000_000, hive=True)
        run = measure("duckdb", str(p100))
        assert run["reached"] == truth100["reached"], (run["reached"], truth100["reached"])
        results["100m"] = {"events": truth100["events"], "files": sum(1 for _ in p100.rglob("*.parquet")), "seconds": run["wall_seconds"],
                           "peak_rss_mb": run["peak_rss_mb"], "cpu_seconds": run["cpu_seconds"]}
        print(json.dumps(results["100m"]), flush=True)
    if not args.skip_spark:
        p1 = OUT / "events-1m.parquet"
        truth1 = ensure(p1, 1_000_000)
        run = measure("spark", str(p1))
        assert run["reached"] == truth1["reached"], (run["reached"], truth1["reached"])
        results["spark_1m"] = {"events": truth1["events"], **{k: round(v, 1) for k, v in run["timings"].items()},
                               "process_seconds": run["wall_seconds"]}
        print(json.dumps(results["spark_1m"]), flush=True)
    (OUT / "analytics-results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
