"""Time this cjm against another build of cjm, side by side, on the same maps.

Used to show that a change did not make cjm slower: check out the commit to
compare with into its own folder with its own virtualenv, then

    python benchmarks/versus.py --other /path/to/other/.venv/bin/cjm

Repetitions are interleaved (this, other, other, this, …) so a busy machine
slows both alike; the table shows medians and the ratio this/other of wall
time and of CPU time (user + system of the child). Both builds compile their
sources first (as a wheel install does), and use their own caches, warmed by
one untimed run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
THIS = Path(sys.executable).parent / "cjm"


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def compile_sources(cjm: Path) -> None:
    python = cjm.parent / "python"
    code = "import cjm, compileall, os; compileall.compile_dir(os.path.dirname(cjm.__file__), quiet=1)"
    subprocess.run([str(python), "-c", code], check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--other", required=True, type=Path, help="the other build's cjm executable")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    if not (OUT / "corpus").is_dir():
        subprocess.run([sys.executable, str(HERE / "generate.py")], check=True)
    cases = [
        ("version", ["--version"]),
        ("s-file", ["validate", str(OUT / "s.yaml")]),
        ("l-file", ["validate", str(OUT / "l.yaml")]),
        ("corpus", ["validate", str(OUT / "corpus")]),
        ("render-m", ["render", str(OUT / "m.yaml"), "-f", "svg,html,md", "-o", "{tmp}"]),
    ]
    builds = {"this": THIS, "other": args.other.resolve()}
    for cjm in builds.values():
        compile_sources(cjm)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        caches = {name: Path(tmp) / f"cache-{name}" for name in builds}
        for name, argv in cases:
            times: dict[str, list[tuple[float, float]]] = {b: [] for b in builds}
            for rep in range(args.reps + 1):
                order = list(builds) if rep % 2 == 0 else list(reversed(builds))
                for build in order:
                    out = Path(tmp) / f"out-{build}"
                    shutil.rmtree(out, ignore_errors=True)
                    env = {**os.environ, "CJM_CACHE_DIR": str(caches[build]), "PYTHONDONTWRITEBYTECODE": "1"}
                    cmd = [str(builds[build]), *[a.replace("{tmp}", str(out)) for a in argv]]
                    result = timed(cmd, env, Path(tmp))
                    if rep:  # the first round warms the caches
                        times[build].append(result)
            med = {b: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for b, t in times.items()}
            rows.append((name, med["this"], med["other"]))
    print(f"\nthis cjm ({THIS}) vs other ({args.other}), {args.reps} reps, load {os.getloadavg()[0]:.1f}\n")
    print("| case | this | other | this/other (wall) | this/other (CPU) |")
    print("|---|---|---|---|---|")
    for name, this, other in rows:
        print(f"| {name} | {this[0] * 1000:,.0f} ms | {other[0] * 1000:,.0f} ms | {this[0] / other[0]:.2f}× | "
              f"{this[1] / other[1]:.2f}× |")


if __name__ == "__main__":
    main()
