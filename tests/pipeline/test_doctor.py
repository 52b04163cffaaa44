"""The doctor stage without the command line: each check's status, and the
exit code they add up to (0 fine, 2 a broken cjm.yaml, 3 something required
is missing)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import cjm
from cjm.diagnostics.exits import ExitCode
from cjm.pipeline import doctor
from cjm.pipeline.doctor import LIBRARIES, OPTIONAL_LIBRARIES, collect


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def by_name(checks: list[dict]) -> dict[str, dict]:
    return {c["name"]: c for c in checks}


def test_every_check_in_order_with_a_status_and_detail(here):
    checks, code = collect()
    names = [c["name"] for c in checks]
    assert names == ["cjm", "python", *LIBRARIES, "ruamel C parser", "graphviz dot", "font", "png", "pdf",
                     "chromium", "config"]
    assert all(c["status"] in ("ok", "warning", "missing", "error") and c["detail"] for c in checks)
    assert by_name(checks)["cjm"]["detail"] == cjm.__version__
    assert sys.executable in by_name(checks)["python"]["detail"]
    assert code is ExitCode.OK


def test_a_missing_required_library_is_an_environment_error(here, monkeypatch):
    real = doctor._version_of
    monkeypatch.setattr(doctor, "_version_of", lambda dist: None if dist == "jinja2" else real(dist))
    checks, code = collect()
    assert by_name(checks)["jinja2"] == {"name": "jinja2", "status": "missing", "detail": "not installed"}
    assert code is ExitCode.ENVIRONMENT


@pytest.mark.parametrize("lib", OPTIONAL_LIBRARIES)
def test_a_missing_optional_library_only_warns(here, monkeypatch, lib):
    real = doctor._version_of
    monkeypatch.setattr(doctor, "_version_of", lambda dist: None if dist == lib else real(dist))
    checks, code = collect()
    assert by_name(checks)[lib]["status"] == "warning" and code is ExitCode.OK


def test_without_the_c_parser_cjm_cannot_run(here, monkeypatch):
    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)  # `import _ruamel_yaml` now fails
    checks, code = collect()
    parser = by_name(checks)["ruamel C parser"]
    assert parser["status"] == "missing" and "pip install ruamel.yaml.clib" in parser["detail"]
    assert code is ExitCode.ENVIRONMENT


def test_tools_not_on_the_path_only_warn(here, monkeypatch):
    monkeypatch.setenv("PATH", str(here / "empty-bin"))
    monkeypatch.delenv("CJM_CHROMIUM", raising=False)
    monkeypatch.delenv("CHROME_PATH", raising=False)
    checks, code = collect()
    assert by_name(checks)["graphviz dot"]["status"] == "warning"
    assert "apt install graphviz" in by_name(checks)["graphviz dot"]["detail"]
    assert by_name(checks)["chromium"]["status"] == "warning"
    assert code is ExitCode.OK


def fake_tool(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def test_a_tool_is_shown_with_its_version_line(here, monkeypatch):
    bin_dir = here / "bin"
    fake_tool(bin_dir, "dot", 'echo "dot - graphviz version 9.9.9 (0)" >&2\n')
    chromium = fake_tool(bin_dir, "my-chromium", 'echo "Chromium 123.0"\necho second line\n')
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("CJM_CHROMIUM", str(chromium))
    checks = by_name(collect()[0])
    assert checks["graphviz dot"] == {"name": "graphviz dot", "status": "ok",
                                      "detail": f"dot - graphviz version 9.9.9 (0) ({bin_dir / 'dot'})"}
    assert checks["chromium"]["detail"] == f"Chromium 123.0 ({chromium})"


def test_a_tool_that_prints_nothing_or_cannot_run(here, monkeypatch):
    bin_dir = here / "bin"
    fake_tool(bin_dir, "dot", "exit 0\n")
    broken = bin_dir / "chromium"
    broken.write_text("not a program")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("CJM_CHROMIUM", raising=False)
    monkeypatch.delenv("CHROME_PATH", raising=False)
    checks = by_name(collect()[0])
    assert checks["graphviz dot"]["detail"].startswith("found (no version printed)")
    assert checks["chromium"]["detail"].startswith("found, but `chromium --version` failed")


def test_chromium_from_the_environment_must_be_a_file(here, monkeypatch):
    monkeypatch.setenv("PATH", str(here / "empty-bin"))
    monkeypatch.setenv("CJM_CHROMIUM", str(here / "nowhere"))
    monkeypatch.setenv("CHROME_PATH", "")
    assert by_name(collect()[0])["chromium"]["status"] == "warning"


# --- the configuration in use ------------------------------------------------------------


def test_no_config(here):
    config = by_name(collect()[0])["config"]
    assert config["status"] == "ok" and config["detail"].startswith("none")


@pytest.mark.parametrize("maps, catalogs, words", [
    (["a.yaml"], [], "1 map, 0 catalogues"),
    (["a.yaml", "b.yaml"], ["c.yaml"], "2 maps, 1 catalogue"),
])
def test_the_config_in_use_with_what_it_holds(here, maps, catalogs, words):
    (here / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\ncatalogs: ['shared/*.yaml']\n")
    for folder, names in (("maps", maps), ("shared", catalogs)):
        (here / folder).mkdir()
        for name in names:
            (here / folder / name).write_text("cjm: 1\n")
    config = by_name(collect()[0])["config"]
    assert config == {"name": "config", "status": "ok", "detail": f"cjm.yaml: {words}"}


def test_a_broken_config_is_a_usage_error_with_its_place(here):
    (here / "cjm.yaml").write_text("cjm: 1\nmapz: []\n")
    checks, code = collect()
    config = by_name(checks)["config"]
    assert config["status"] == "error" and config["detail"].startswith("cjm.yaml:2:1: ")
    assert code is ExitCode.USAGE


def test_a_named_config_that_does_not_exist(here):
    checks, code = collect(here / "nope.yaml")
    assert by_name(checks)["config"] == {"name": "config", "status": "error",
                                         "detail": f"{here / 'nope.yaml'}: no such file"}
    assert code is ExitCode.USAGE


@pytest.mark.parametrize("config", ["cjm: 1\n", "cjm: 1\nmapz: []\n"])
def test_a_missing_c_parser_in_a_project_is_reported_not_a_crash(here, monkeypatch, config):
    (here / "cjm.yaml").write_text(config)
    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)
    checks, code = collect()
    assert by_name(checks)["ruamel C parser"]["status"] == "missing"
    assert code is ExitCode.ENVIRONMENT
