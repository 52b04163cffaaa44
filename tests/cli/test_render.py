"""`cjm render` as a user drives it: outputs, --check, atomicity, options, --watch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINIMAL_MAP

TWO_PERSONAS = """\
cjm: 1
title: Two personas
goal: Buy shoes
personas:
  - {id: sam, name: Sam, goals: [Cheap shoes]}
  - {id: lee, name: Lee, goals: [Fast delivery]}
stages:
  - id: buy
    name: Buy
    touchpoints:
      - {id: shop, name: Shop, emotion: {sam: 1, lee: -1}}
      - {id: pay, name: Pay, personas: [lee], emotion: 2}
"""


@pytest.fixture
def mapfile(tmp_path: Path) -> Path:
    path = tmp_path / "shop.yaml"
    path.write_text(TWO_PERSONAS)
    return path


def test_writes_the_formats_into_the_folder(cjm, mapfile, tmp_path):
    out = tmp_path / "out"
    proc = cjm("render", str(mapfile), "-f", "json", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "shop.json").read_text())
    assert [p["id"] for p in data["personas"]] == ["sam", "lee"]
    assert "wrote" in proc.stderr and proc.stdout == ""


def test_stdout_output_equals_the_file(cjm, mapfile, tmp_path):
    out = tmp_path / "out"
    cjm("render", str(mapfile), "-f", "json", "-o", str(out))
    proc = cjm("render", str(mapfile), "-f", "json", "-o", "-")
    assert proc.returncode == 0
    assert proc.stdout == (out / "shop.json").read_text()


def test_output_is_deterministic(cjm, mapfile, tmp_path):
    first = cjm("render", str(mapfile), "-f", "json", "-o", "-").stdout
    second = cjm("render", str(mapfile), "-f", "json", "-o", "-").stdout
    assert first == second


def test_check_reports_stale_and_missing_outputs(cjm, mapfile, tmp_path):
    out = tmp_path / "out"
    missing = cjm("render", str(mapfile), "-f", "json", "-o", str(out), "--check")
    assert missing.returncode == 1 and "would change" in missing.stderr
    assert not (out / "shop.json").exists(), "--check must write nothing"
    cjm("render", str(mapfile), "-f", "json", "-o", str(out))
    fresh = cjm("render", str(mapfile), "-f", "json", "-o", str(out), "--check")
    assert fresh.returncode == 0, fresh.stderr
    mapfile.write_text(TWO_PERSONAS.replace("title: Two personas", "title: Renamed"))
    stale = cjm("render", str(mapfile), "-f", "json", "-o", str(out), "--check")
    assert stale.returncode == 1
    assert "shop.json" in stale.stderr


def test_unchanged_outputs_are_not_rewritten(cjm, mapfile, tmp_path):
    out = tmp_path / "out"
    cjm("render", str(mapfile), "-f", "json", "-o", str(out))
    target = out / "shop.json"
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    proc = cjm("render", str(mapfile), "-f", "json", "-o", str(out))
    assert proc.returncode == 0
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert "unchanged" in proc.stderr


def test_invalid_map_leaves_existing_outputs_untouched(cjm, mapfile, tmp_path):
    out = tmp_path / "out"
    cjm("render", str(mapfile), "-f", "json", "-o", str(out))
    before = (out / "shop.json").read_bytes()
    mapfile.write_text(TWO_PERSONAS.replace("emotion: 2", "emotion: 9"))
    proc = cjm("render", str(mapfile), "-f", "json", "-o", str(out))
    assert proc.returncode == 1
    assert "emotion-out-of-scale" in proc.stderr and ":12:" in proc.stderr
    assert (out / "shop.json").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_persona_view_keeps_only_that_persona(cjm, mapfile, tmp_path):
    proc = cjm("render", str(mapfile), "-f", "json", "-o", "-", "--persona", "sam")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [p["id"] for p in data["personas"]] == ["sam"]
    assert [t["id"] for t in data["stages"][0]["touchpoints"]] == ["shop"]  # 'pay' is Lee's only


@pytest.mark.parametrize(
    "args, message",
    [
        (["--persona", "nobody"], "no persona 'nobody'"),
        (["-f", "pdff"], "unknown format 'pdff'"),
        (["--lanes", "actions,feelings"], "unknown lane 'feelings'"),
        (["--theme", "neon"], "unknown theme"),
        (["-f", "json,md", "-o", "-"], "one map and one --format"),
        (["--template-dir", "/nonexistent/templates"], "template folder not found"),
        (["--check", "--watch"], "do not go together"),
    ],
)
def test_usage_errors_exit_2(cjm, mapfile, tmp_path, args, message):
    proc = cjm("render", str(mapfile), "-o", str(tmp_path / "out"), *args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert message in proc.stderr


def test_a_template_override_that_fails_while_it_runs_exits_2(cjm, mapfile, tmp_path):
    templates = tmp_path / "templates"
    (templates / "svg").mkdir(parents=True)
    (templates / "svg" / "map.svg.j2").write_text("<svg>\n{{ 1 / 0 }}</svg>\n")
    proc = cjm("render", str(mapfile), "-f", "svg", "-o", str(tmp_path / "out"), "--template-dir", str(templates))
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "map.svg.j2:2: ZeroDivisionError: division by zero" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_input_exits_2(cjm, tmp_path):
    proc = cjm("render", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_project_mode_renders_into_the_configured_folder(cjm, tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "cjm.yaml").write_text(
        "cjm: 1\nmaps: ['maps/*.yaml']\ncatalogs: ['shared/*.yaml']\n"
        "render:\n  out: site/maps\n  formats: [json]\n")
    (tmp_path / "shared" / "people.yaml").write_text(
        "cjm: 1\nkind: catalog\npersonas:\n  - {id: sam, name: Sam, goals: [Shoes]}\n")
    (tmp_path / "maps" / "shop.yaml").write_text(MINIMAL_MAP.replace(
        "personas:\n  - id: sam\n    name: Sam\n    goals: [Buy a thing]\n", "personas: [sam]\n"))
    proc = cjm("render", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "site" / "maps" / "shop.json").read_text())
    assert data["personas"][0]["name"] == "Sam"  # resolved from the catalogue
    assert not (tmp_path / "site" / "maps" / "people.json").exists()


def test_watch_rerenders_on_save(tmp_path, mapfile):
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    proc = subprocess.Popen([sys.executable, "-m", "cjm", "render", str(mapfile), "-f", "json", "-o", str(out),
                             "--watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        target = out / "shop.json"
        deadline = time.monotonic() + 30
        while not target.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert target.exists(), "first render did not happen"
        time.sleep(1.0)  # let the watcher take its first snapshot
        mapfile.write_text(TWO_PERSONAS.replace("title: Two personas", "title: Watched"))
        deadline = time.monotonic() + 30
        while "Watched" not in target.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert json.loads(target.read_text())["title"] == "Watched"
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err
