"""Regenerate the pictures of the portfolio site used in the README.

    python docs/make_site_screenshots.py          # docs/site-index.png, site-persona.png, site-backlog.png
    python docs/make_site_screenshots.py --check  # exit 1 if a picture is missing or over the size cap

A portfolio of 24 generated maps (benchmarks/site.py: shared personas, research,
current/future pairs, metrics snapshots) is built with `cjm site` (the real
command line, SOURCE_DATE_EPOCH fixed so the pages say the same date), then each
page is opened from file:// in Debian's headless Chromium and photographed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MAX_BYTES = 500_000
CHROMIUM = os.environ.get("CJM_CHROMIUM", "/usr/bin/chromium")
SHOTS = [
    # (page, PNG name, viewport height: the top of the page that tells its story)
    ("index.html", "site-index.png", 980),
    ("personas/busy-parent.html", "site-persona.png", 1500),
    ("backlog.html", "site-backlog.png", 1050),
]


def build(folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("bench_site", ROOT / "benchmarks" / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    project = module.generate_portfolio(folder / "journeys", 24)
    config = project / "cjm.yaml"
    config.write_text(config.read_text().replace("title: Generated portfolio", "title: Stride & Co. journeys"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1796083200", "CJM_CACHE_DIR": str(folder / "cache")}
    proc = subprocess.run([sys.executable, "-m", "cjm", "site", "-o", str(folder / "site")], cwd=project, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"make_site_screenshots: cjm site failed:\n{proc.stderr}")
    return folder / "site"


def shoot(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            for page_name, png, height in SHOTS:
                context = browser.new_context(viewport={"width": 1360, "height": height}, device_scale_factor=1,
                                              color_scheme="light")
                page = context.new_page()
                page.goto((site / page_name).as_uri(), wait_until="load")
                page.screenshot(path=str(DOCS / png))
                context.close()
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        bad = [png for _p, png, _h in SHOTS if not (DOCS / png).exists() or (DOCS / png).stat().st_size > MAX_BYTES]
        for png in bad:
            print(f"docs/{png}: missing or over {MAX_BYTES:,} bytes", file=sys.stderr)
        return 1 if bad else 0
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        sys.exit(f"make_site_screenshots: {CHROMIUM} not found (apt-get install chromium, or set CJM_CHROMIUM)")
    with tempfile.TemporaryDirectory() as tmp:
        shoot(build(Path(tmp)))
    for _page, png, _height in SHOTS:
        print(f"docs/{png}: {(DOCS / png).stat().st_size:,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
