"""Regenerate the pictures of rendered maps used in the README, with cjm itself.

    python docs/make_screenshots.py            # docs/*.png
    python docs/make_screenshots.py --check    # exit 1 if a picture is missing or over the size cap

Each picture is made by the real command line, ``cjm render -f png`` (resvg,
with the bundled font: no browser), at the largest scale that keeps the PNG
under 900 KB, so text stays legible on GitHub.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MAX_BYTES = 900_000
SHOTS = [
    # (example, PNG name, format, extra render options)
    ("examples/ecommerce-current.yaml", "journey-map.png", "png", []),
    ("examples/service-blueprint.yaml", "service-blueprint.png", "png", []),
    # the future-state map over the current one: the emotion chart is the point, so two lanes
    ("examples/ecommerce-future.yaml", "compare.png", "png",
     ["--compare", "examples/ecommerce-current.yaml", "--lanes", "touchpoints,emotions"]),
    # several personas with steps of their own
    ("examples/b2b-saas.yaml", "personas.png", "png", ["--lanes", "touchpoints,emotions,pain_points,opportunities"]),
    # a map at a glance
    ("examples/b2b-saas.yaml", "overview.png", "overview", []),
]


def render(example: str, fmt: str, options: list[str], out: Path, scale: float) -> Path:
    if fmt == "overview":  # the overview is an SVG: rasterise it the way -f png does
        cmd = [sys.executable, "-m", "cjm", "render", example, "-f", "overview", "-o", str(out), *options]
    else:
        cmd = [sys.executable, "-m", "cjm", "render", example, "-f", fmt, "--scale", f"{scale:g}", "-o", str(out),
               *options]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"make_screenshots: {' '.join(cmd)} failed:\n{proc.stderr}")
    if fmt == "overview":
        from cjm.render.png import rasterise

        svg = next(out.glob("*.overview.svg"))
        png = out / "overview.png"
        png.write_bytes(rasterise(svg.read_text(encoding="utf-8"), scale))
        return png
    return next(out.glob("*.png"))


def make(example: str, name: str, fmt: str, options: list[str]) -> Path:
    target = DOCS / name
    for scale in (1.0, 0.9, 0.8, 0.7, 0.6):
        with tempfile.TemporaryDirectory() as tmp:
            png = render(example, fmt, options, Path(tmp), scale)
            if png.stat().st_size < MAX_BYTES:
                shutil.copyfile(png, target)
                return target
    sys.exit(f"make_screenshots: {name} stays over {MAX_BYTES} bytes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the pictures exist and are small")
    args = parser.parse_args()
    if args.check:
        bad = [n for _e, n, _f, _o in SHOTS if not (DOCS / n).exists() or (DOCS / n).stat().st_size >= MAX_BYTES]
        for n in bad:
            print(f"docs/{n}: missing or over {MAX_BYTES} bytes", file=sys.stderr)
        return 1 if bad else 0
    for example, name, fmt, options in SHOTS:
        target = make(example, name, fmt, options)
        print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
