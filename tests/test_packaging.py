"""Publishing is one step away: the sdist and the wheel build, pass
`twine check`, carry the templates and starters, and the wheel installs and
runs on its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


def _source_copy(into: Path) -> Path:
    """The project's files as a release would see them, copied away from the working tree:
    other tests (on another worker) create and remove files under the tree while
    setuptools lists and copies it, and a file gone between the two fails the build."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, timeout=60)
    if listed.returncode != 0:  # not a git checkout (an unpacked sdist): the tree as it is
        shutil.copytree(ROOT, into, ignore=shutil.ignore_patterns(".venv", "node_modules", "build", "dist",
                                                                  "__pycache__", "out"))
        return into
    for name in listed.stdout.decode("utf-8").split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    source = _source_copy(tmp_path_factory.mktemp("source") / "cjm")
    # --no-isolation: build with the setuptools of this environment (no download).
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir",
                           str(out), str(source)], capture_output=True, text=True, timeout=600)
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
