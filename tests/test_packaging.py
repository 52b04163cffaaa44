"""Publishing is one step away: the sdist and the wheel build, pass
`twine check`, carry the templates and starters, and the wheel installs and
runs on its own."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: build with the setuptools of this environment (no download).
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir",
                           str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_twine_check_passes(dist):
    files = sorted(str(p) for p in dist.iterdir())
    assert any(f.endswith(".whl") for f in files) and any(f.endswith(".tar.gz") for f in files)
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_wheel_carries_what_cjm_reads_at_run_time(dist):
    wheel = next(dist.glob("cjm_cli-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("cjm/templates/html/page.html.j2", "cjm/templates/html/style.css", "cjm/templates/html/script.js",
                   "cjm/templates/svg/map.svg.j2", "cjm/templates/markdown/map.md.j2",
                   "cjm/authoring/starters/ecommerce.yaml", "cjm/py.typed"):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "cjm = cjm.entry:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_the_wheel_installs_and_runs(dist, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    wheel = next(dist.glob("cjm_cli-*.whl"))
    # No dependencies: `cjm --version` is answered before any of them is imported.
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([str(env_dir / "bin" / "cjm"), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("cjm ")
