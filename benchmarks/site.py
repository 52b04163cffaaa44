"""Benchmark ``cjm site``: a portfolio of generated maps with shared personas.

    python benchmarks/site.py                 # 1,000 maps: a full build, then a rebuild after one map changes
    python benchmarks/site.py --maps 200      # a smaller portfolio
    python benchmarks/site.py --generate-only --out /tmp/portfolio --maps 24

Targets (issue 11): 1,000 maps build in under 30 s on 2 cores; a rebuild after
one map changes takes under 10 % of that. Each build runs ``cjm site`` as a
user would, in a child process, and reports wall-clock time, the pages
written and their sizes. Exit 1 when a target is missed.

``generate_portfolio`` is also what the tests use for "a generated
portfolio": seeded, so the same arguments write the same bytes, and every map
validates without errors (a shared catalogue of personas, channels, KPIs and
research; current-state maps with their future-state maps; evidence on most
claims; backlog ratings on some opportunities; monthly metrics snapshots).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "portfolio"

TEAMS = ["checkout", "onboarding", "support", "loyalty", "delivery"]
JOURNEYS = {
    "checkout": ["Guest checkout on mobile", "Reorder from the app", "Buying a gift", "Click and collect",
                 "Paying in instalments"],
    "onboarding": ["First order after an ad", "Creating an account", "Switching from a competitor",
                   "Business account set-up"],
    "support": ["Where is my order?", "Returning the wrong size", "Damaged parcel claim", "Changing a delivery"],
    "loyalty": ["Joining the rewards club", "Using points at checkout", "Renewing a subscription",
                "Referring a friend"],
    "delivery": ["Next-day delivery", "Parcel locker pick-up", "Missed delivery", "International order"],
}
PERSONAS = [
    ("bargain-hunter", "Maya, the bargain hunter", "Price-driven shoppers (31 % of orders)", "#0072B2"),
    ("busy-parent", "Daniel, the busy parent", "Parents shopping on a phone (22 % of orders)", "#D55E00"),
    ("first-timer", "Aisha, the first-time buyer", "New customers (18 % of orders)", "#009E73"),
    ("loyal-regular", "Tom, the loyal regular", "Repeat buyers, 4+ orders a year", "#CC79A7"),
    ("business-buyer", "Lena, the business buyer", "Small companies buying on account", "#E69F00"),
    ("senior", "Ravi, the careful senior", "Customers over 65 (9 % of orders)", "#56B4E9"),
    ("student", "Sofia, the student", "Students on a tight budget", "#7A5195"),
    ("gift-giver", "Kenji, the gift giver", "Seasonal gift shoppers", "#444444"),
]
CHANNELS = [("web", "Website", "online"), ("app", "Mobile app", "online"), ("email", "Email", "online"),
            ("social", "Social media", "online"), ("search", "Search engines", "online"),
            ("store", "Flagship store", "offline"), ("phone", "Phone support", "offline"),
            ("chat", "Support chat", "online")]
KPIS = [("conversion", "Visit-to-order conversion rate", "%", "higher-is-better", "funnel.conversion"),
        ("cart-abandonment", "Cart abandonment rate", "%", "lower-is-better", None),
        ("csat", "Customer satisfaction (CSAT)", "score 1-5", "higher-is-better", None),
        ("nps", "Net promoter score", "points", "higher-is-better", None),
        ("response-time", "First response time", "hours", "lower-is-better", None),
        ("aov", "Average order value", "EUR", "higher-is-better", None),
        ("retention", "12-month retention rate", "%", "higher-is-better", None),
        ("ces", "Customer effort score", "score 1-7", "lower-is-better", None)]
RESEARCH = [("interviews-2026-q3", "Twelve in-home interviews with parents", "interview", "2026-09-20", 12),
            ("checkout-survey-2026", "Checkout survey, 1,240 answers", "survey", "2026-10-05", 1240),
            ("funnel-snapshot-2026-10", "GA4 funnel snapshot, October", "analytics", "2026-10-31", 182000),
            ("usability-test-app", "App usability test, 8 sessions", "usability-test", "2026-06-12", 8),
            ("support-tickets-h1", "Support ticket themes, first half-year", "support-tickets", "2026-07-01", 5300),
            ("diary-study-2025", "Two-week diary study with students", "diary-study", "2025-03-15", 14),
            ("segment-survey-2024", "Segmentation survey", "survey", "2024-05-02", 3100),
            ("store-observation", "Observation in two flagship stores", "observation", "2026-04-18", 60)]
STAGES = [("discover", "Discover"), ("consider", "Consider"), ("buy", "Buy"), ("receive", "Receive"),
          ("use", "Use"), ("get-help", "Get help"), ("return", "Come back")]
STEPS = ["Sees an ad", "Reads a review", "Visits the home page", "Opens a product page", "Compares plans",
         "Adds to cart", "Starts checkout", "Enters payment details", "Gets the confirmation email",
         "Tracks the delivery", "Unboxes the order", "Calls support", "Chats with the bot", "Leaves a review",
         "Refers a friend", "Renews the plan", "Reads the help centre", "Books a demo"]
ACTIONS = ["Scrolls the feed and taps the ad", "Reads three reviews before deciding", "Filters by size and price",
           "Types the address on a phone keyboard", "Waits for the page to load", "Copies a discount code",
           "Asks a colleague for an opinion", "Checks the delivery date twice", "Searches the help centre"]
THOUGHTS = ["Is shipping free?", "This is taking too long.", "Nice, that was easy.",
            "Why do they need my phone number?", "I hope it fits.", "Can I trust this shop?",
            "I'll come back later.", "That answer helped."]
FEELINGS = {-2: "frustrated", -1: "annoyed", 0: "neutral", 1: "pleased", 2: "delighted"}
PAINS = [("Shipping costs appear only at checkout", "Show the total price on the product page"),
         ("Discount code fails without saying why", "Explain why a code was refused"),
         ("Page takes more than five seconds to load", "Lazy-load images below the fold"),
         ("No answer after asking about a product", "Answer product questions within an hour"),
         ("Returns need a printer", "Offer QR-code returns at the post office"),
         ("Password rules are unclear", "Show password rules up front"),
         ("Delivery slot cannot be changed", "Let customers change the delivery slot"),
         ("Support replies take two days", "Staff the chat at peak hours")]
OWNERS = ["Priya Raman, Head of Digital CX", "Tom Novak, Checkout squad", "Lena Fischer, Support lead",
          "Ravi Patel, Growth team", "Marta Rossi, Logistics"]


def _q(value) -> str:
    """A YAML scalar: JSON is valid YAML, and always reads back the same."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _emit(value, indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item and not (isinstance(item, list)
                                                                and all(not isinstance(x, (dict, list)) for x in item)):
                lines.append(f"{pad}{key}:")
                lines.extend(_emit(item, indent + 2))
            elif isinstance(item, list):
                lines.append(f"{pad}{key}: [{', '.join(_q(x) for x in item)}]")
            elif isinstance(item, dict):
                lines.append(f"{pad}{key}: {{}}")
            else:
                lines.append(f"{pad}{key}: {_q(item)}")
    else:
        for item in value:
            sub = _emit(item, indent + 2)
            sub[0] = f"{pad}- {sub[0][indent + 2:]}"
            lines.extend(sub)
    return lines


def _yaml(data: dict, comment: str) -> str:
    return f"# {comment}\n" + "\n".join(_emit(data)) + "\n"


def catalogue() -> dict:
    return {
        "cjm": 1,
        "kind": "catalog",
        "personas": [{"id": pid, "name": name, "segment": segment, "color": color,
                      "goals": ["Get the right product at the lowest total price", "Avoid surprises"],
                      "based_on": ["segment-survey-2024"] + (["interviews-2026-q3"] if i % 2 == 0 else [])}
                     for i, (pid, name, segment, color) in enumerate(PERSONAS)],
        "channels": [{"id": c, "name": n, "mode": m} for c, n, m in CHANNELS],
        "kpis": [dict({"id": k, "name": n, "unit": u, "target": 40 + 5 * i, "actual": 30 + 7 * i, "direction": d,
                       "source": "Analytics dashboard, last quarter"}, **({"metric": metric} if metric else {}))
                 for i, (k, n, u, d, metric) in enumerate(KPIS)],
        "research": [{"id": rid, "title": title, "method": method, "date": date, "participants": n,
                      "url": f"https://research.example.com/{rid}"} for rid, title, method, date, n in RESEARCH],
    }


def make_map(rng: random.Random, number: int, current: dict | None = None) -> dict:
    """A current-state map, or (with ``current``) the future-state map that improves on it."""
    personas = sorted(rng.sample([p[0] for p in PERSONAS], rng.randint(2, 3)))
    research_ids = [r[0] for r in RESEARCH]
    stages = []
    counter = 0
    all_pains: list[tuple[str, str]] = []
    used: set[int] = set()  # each pain point (and the idea for it) once per map
    walk: dict[str, int] = {}
    if current is not None:
        personas = current["personas"]
    for s, (sid, sname) in enumerate(rng.sample(STAGES, 5) if current is None else
                                      [(st["id"], st["name"]) for st in current["stages"]]):
        touchpoints = []
        old = {tp["id"]: tp for tp in current["stages"][s]["touchpoints"]} if current is not None else {}
        for _t in range(3 if current is None else len(old)):
            counter += 1
            tid = f"step-{counter:02d}"
            tp: dict = {"id": tid, "name": rng.choice(STEPS) if tid not in old else old[tid]["name"],
                        "channel": rng.choice(CHANNELS)[0], "action": rng.choice(ACTIONS),
                        "thoughts": rng.sample(THOUGHTS, rng.randint(1, 2))}
            if tid in old:
                tp["emotion"] = {p: min(2, v + rng.randint(0, 2)) for p, v in old[tid]["emotion"].items()}
            else:  # a walk, as feelings go: mostly a step up or down from the last one
                for p in personas:
                    walk[p] = max(-2, min(2, walk.get(p, rng.randint(-1, 1)) + rng.choice((-1, -1, 0, 1, 1))))
                tp["emotion"] = {p: walk[p] for p in personas}
            if rng.random() < 0.7:
                tp["based_on"] = rng.sample(research_ids, rng.randint(1, 2))
            tp["expectation"] = rng.choice(["exceeded", "met", "failed"])
            unused = [i for i in range(len(PAINS)) if i not in used]
            if current is None and unused and rng.random() < 0.45:
                which = rng.choice(unused)
                used.add(which)
                pain_id = f"pain-{counter:02d}"
                pain: dict = {"id": pain_id, "title": PAINS[which][0],
                              "severity": rng.choice(["low", "medium", "high", "critical"])}
                if rng.random() < 0.6:
                    pain["based_on"] = rng.sample(research_ids, 1)
                tp["pain_points"] = [pain]
                opp: dict = {"id": f"idea-{which}", "title": PAINS[which][1], "addresses": [pain_id]}
                if rng.random() < 0.5:
                    opp.update(customer_value=rng.randint(2, 5), business_value=rng.randint(1, 5),
                               effort=rng.randint(1, 5))
                tp["opportunities"] = [opp]
                all_pains.append((pain_id, PAINS[which][0]))
            if rng.random() < 0.3:
                tp["kpis"] = [rng.choice(KPIS)[0]]
            touchpoints.append(tp)
        stages.append({"id": sid, "name": sname, "kpis": [KPIS[s % len(KPIS)][0]], "touchpoints": touchpoints})
    team = TEAMS[(number - 1 if current is not None else number) % len(TEAMS)]
    names = JOURNEYS[team]
    base = number - 1 if current is not None else number
    name = names[(base // len(TEAMS)) % len(names)]
    if base >= len(TEAMS) * len(names):  # a large portfolio repeats names: tell them apart
        name += f" #{base}"
    data: dict = {
        "cjm": 1,
        "title": f"{name} ({'future' if current is not None else 'current'} state)",
        "goal": "Turn first-time visitors into repeat buyers who recommend us",
        "type": "future-state" if current is not None else "current-state",
        "owner": OWNERS[number % len(OWNERS)],
        "reviewed": (dt.date(2026, 11, 20) - dt.timedelta(days=rng.randint(0, 400))).isoformat(),
        "tags": [team],
    }
    if current is not None:
        data["improves"] = f"{number - 1:04d}.yaml"
    data["personas"] = personas
    data["stages"] = stages
    if current is not None:
        pains = [(p["id"], p["title"]) for st in current["stages"] for tp in st["touchpoints"]
                 for p in tp.get("pain_points", [])]
        data["actions"] = [{"id": f"fix-{pid}", "title": f"Fix: {title}", "owner": rng.choice(OWNERS),
                            "status": rng.choice(["planned", "in-progress", "done"]), "addresses": [pid],
                            "kpis": [rng.choice(KPIS)[0]], "effort": rng.randint(1, 5)}
                           for pid, title in pains]
    elif all_pains:
        pid, title = all_pains[0]
        data["actions"] = [{"id": "first-fix", "title": f"Fix: {title}", "owner": rng.choice(OWNERS),
                            "status": rng.choice(["idea", "planned"]), "addresses": [pid],
                            "kpis": [rng.choice(KPIS)[0]]}]
    return data


def snapshot(month: int, rng: random.Random) -> dict:
    start = dt.date(2026, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    conversion = round(0.018 + 0.001 * month + rng.random() * 0.002, 4)
    return {"format": "cjm-metrics", "version": 1,
            "provenance": {"time_range": {"from": f"{start.isoformat()}T00:00:00Z",
                                          "to": f"{end.isoformat()}T23:59:59Z"}},
            "metrics": {"funnel.conversion": conversion, "funnel.entered": 40000 + 500 * month}}


def generate_portfolio(out: Path, maps: int = 1000, seed: int = 11, metrics: int = 6) -> Path:
    """Write a project of ``maps`` maps into ``out`` (replaced); return ``out``."""
    if out.exists():
        shutil.rmtree(out)
    (out / "shared").mkdir(parents=True)
    (out / "cjm.yaml").write_text(
        "# A generated portfolio (benchmarks/site.py).\n"
        "cjm: 1\nmaps: [\"maps/**/*.yaml\"]\ncatalogs: [\"shared/*.yaml\"]\n"
        "site:\n  title: Generated portfolio\n  metrics: metrics\n", encoding="utf-8")
    (out / "shared" / "catalogue.yaml").write_text(
        _yaml(catalogue(), "Shared personas, channels, KPIs and research."), encoding="utf-8")
    previous = None
    for number in range(maps):
        rng = random.Random(f"{seed}-{number}")
        future = number % 4 == 1 and previous is not None
        data = make_map(rng, number, previous if future else None)
        team = TEAMS[(number - 1 if future else number) % len(TEAMS)]
        folder = out / "maps" / team
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number:04d}.yaml").write_text(_yaml(data, f"Generated map {number}."), encoding="utf-8")
        previous = None if future else data
    if metrics:
        (out / "metrics").mkdir()
        rng = random.Random(f"{seed}-metrics")
        for month in range(1, metrics + 1):
            (out / "metrics" / f"2026-{month:02d}.json").write_text(
                json.dumps(snapshot(month, rng), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return out


# --- the benchmark ---------------------------------------------------------------------------------


def _cjm(args: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall-clock seconds, CPU seconds of the process and its workers, the process)."""
    import resource

    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    env["SOURCE_DATE_EPOCH"] = "1796083200"  # 2026-12-01: the same pages whatever day it runs
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "cjm", *args], cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def _sizes(site: Path) -> dict[str, float]:
    pages = [p for p in site.rglob("*.html")]
    sizes = sorted(p.stat().st_size for p in pages)
    by_name = {p.relative_to(site).as_posix(): p.stat().st_size for p in pages}
    return {"pages": len(pages), "total_mb": sum(sizes) / 1e6, "median_kb": statistics.median(sizes) / 1e3,
            "largest_kb": sizes[-1] / 1e3, "index_kb": by_name.get("index.html", 0) / 1e3,
            "search_kb": by_name.get("search.html", 0) / 1e3, "backlog_kb": by_name.get("backlog.html", 0) / 1e3}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maps", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--reps", type=int, default=1, help="full builds to time (each from an empty folder)")
    args = parser.parse_args(argv)
    project = generate_portfolio(args.out, args.maps, args.seed)
    print(f"generated {args.maps} maps in {project}", file=sys.stderr)
    if args.generate_only:
        return 0
    site = project / "build" / "site"
    full_times, full_cpu = [], []
    for _ in range(args.reps):
        if site.exists():
            shutil.rmtree(site)
        _clear_cache(project)
        seconds, cpu, proc = _cjm(["site"], project)
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr, file=sys.stderr)
            return 1
        full_times.append(seconds)
        full_cpu.append(cpu)
    full, full_c = statistics.median(full_times), statistics.median(full_cpu)
    sizes = _sizes(site)
    # One map changes: its title.
    changed = sorted((project / "maps").rglob("*.yaml"))[7 % args.maps]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace('title: "', 'title: "Changed: ', 1), encoding="utf-8")
    again, again_c, proc = _cjm(["-v", "site"], project)
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        return 1
    nothing, nothing_c, _proc = _cjm(["site"], project)
    check, check_c, proc_check = _cjm(["site", "--check"], project)
    load = os.getloadavg()[0]
    print(f"maps                       {args.maps} (load average {load:.1f} on {os.cpu_count()} cores)")
    print(f"full build                 {full:.2f} s wall, {full_c:.2f} s CPU   (target < 30 s on 2 cores; runs: "
          f"{', '.join(f'{t:.2f}' for t in full_times)})")
    print(f"rebuild, one map changed   {again:.2f} s wall, {again_c:.2f} s CPU   ({again / full:.1%} of the full "
          f"build's wall time, {again_c / full_c:.1%} of its CPU time; target < 10 %)")
    print(f"rebuild, nothing changed   {nothing:.2f} s wall, {nothing_c:.2f} s CPU")
    print(f"cjm site --check           {check:.2f} s wall, {check_c:.2f} s CPU   (exit {proc_check.returncode})")
    print(f"pages                      {sizes['pages']:,}, {sizes['total_mb']:.1f} MB in all; median "
          f"{sizes['median_kb']:.0f} KB, largest {sizes['largest_kb']:.0f} KB")
    print(f"index / backlog / search   {sizes['index_kb']:.0f} KB / {sizes['backlog_kb']:.0f} KB / "
          f"{sizes['search_kb']:.0f} KB")
    ok = full < 30 and again < 0.1 * full and proc_check.returncode == 0
    return 0 if ok else 1


def _clear_cache(project: Path) -> None:
    """A full build starts cold: cjm's cache of site pieces is emptied too."""
    folder = Path(os.environ.get("CJM_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or
                                                          Path.home() / ".cache") / "cjm") / "site"
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
