"""Regenerate the pictures of rendered maps used in the README.

    python docs/make_screenshots.py            # docs/journey-map.png, service-blueprint.png, compare.png
    python docs/make_screenshots.py --check    # exit 1 if a picture is missing or over the size cap

Each example is rendered with `cjm render -f svg` (the real command line), then
photographed by headless Chromium (Debian's `chromium`; set CHROMIUM to use
another binary) at its natural size, scaled so the PNG stays under 500 KB.
Chromium runs offline: no network, no sync, a throwaway profile.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MAX_BYTES = 500_000
SHOTS = [
    # (example, PNG name, extra render options)
    ("examples/ecommerce-current.yaml", "journey-map.png", []),
    ("examples/service-blueprint.yaml", "service-blueprint.png", []),
    # the future-state map over the current one: the emotion chart is the point, so two lanes
    ("examples/ecommerce-future.yaml", "compare.png",
     ["--compare", "examples/ecommerce-current.yaml", "--lanes", "touchpoints,emotions"]),
]


def chromium() -> str:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)  # type: ignore[return-value]
    sys.exit("make_screenshots: Chromium not found; install it (apt-get install chromium) or set CHROMIUM")


def render_svg(example: Path, out_dir: Path, options: list[str]) -> Path:
    cmd = [sys.executable, "-m", "cjm", "render", str(example), "-f", "svg", "-o", str(out_dir), *options]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"make_screenshots: {' '.join(cmd)} failed:\n{proc.stderr}")
    return next(out_dir.glob("*.svg"))  # options such as --compare add to the name


def screenshot(svg: Path, png: Path, scale: float) -> None:
    root = ET.parse(svg).getroot()
    width, height = (int(float(root.get(k))) for k in ("width", "height"))
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}", f"--force-device-scale-factor={scale}",
               f"--screenshot={png}", f"--window-size={width},{height}", svg.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not png.exists():
        sys.exit(f"make_screenshots: Chromium failed on {svg}:\n{proc.stderr[-2000:]}")


def make(example: str, name: str, options: list[str]) -> Path:
    target = DOCS / name
    with tempfile.TemporaryDirectory() as tmp:
        svg = render_svg(ROOT / example, Path(tmp), options)
        png = Path(tmp) / name
        # Largest scale that keeps the picture under the cap (text stays legible to ~0.6).
        for scale in (1.0, 0.9, 0.8, 0.7, 0.6):
            png.unlink(missing_ok=True)
            screenshot(svg, png, scale)
            if png.stat().st_size < MAX_BYTES:
                break
        else:
            sys.exit(f"make_screenshots: {name} stays over {MAX_BYTES} bytes")
        shutil.copyfile(png, target)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the pictures exist and are small")
    args = parser.parse_args()
    if args.check:
        bad = [n for _e, n, _o in SHOTS if not (DOCS / n).exists() or (DOCS / n).stat().st_size >= MAX_BYTES]
        for n in bad:
            print(f"docs/{n}: missing or over {MAX_BYTES} bytes", file=sys.stderr)
        return 1 if bad else 0
    for example, name, options in SHOTS:
        target = make(example, name, options)
        print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
