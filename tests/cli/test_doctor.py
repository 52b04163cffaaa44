"""`cjm doctor`: versions, optional tools, the config in use, and its exit codes."""

from __future__ import annotations

import json
import os
import shutil
import sys


def doctor_json(cjm, cwd, env=None) -> tuple[int, dict]:
    proc = cjm("doctor", "-f", "json", cwd=cwd, env=env)
    return proc.returncode, {c["name"]: c for c in json.loads(proc.stdout)["checks"]}


def test_versions_and_tools(cjm, tmp_path):
    from importlib.metadata import version

    import cjm as package

    code, checks = doctor_json(cjm, tmp_path)
    assert code == 0
    assert checks["cjm"]["detail"] == package.__version__
    assert checks["python"]["detail"].startswith(".".join(map(str, sys.version_info[:2])))
    for lib in ("typer", "pydantic", "ruamel.yaml", "jinja2", "graphviz"):
        assert checks[lib] == {"name": lib, "status": "ok", "detail": version(lib)}
    assert checks["ruamel C parser"]["status"] == "ok"
    assert checks["config"]["detail"].startswith("none")
    if shutil.which("dot"):
        assert checks["graphviz dot"]["status"] == "ok" and "graphviz version" in checks["graphviz dot"]["detail"]


def test_text_output(cjm, tmp_path):
    proc = cjm("doctor", cwd=tmp_path)
    assert proc.returncode == 0
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert names[:2] == ["cjm", "python"] and "chromium" in names and names[-1] == "config"


def test_optional_tools_missing_only_warn(cjm, tmp_path):
    # A PATH with python only: no dot, no chromium.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python")
    env = {"PATH": str(bin_dir), "CJM_CHROMIUM": "", "CHROME_PATH": ""}
    code, checks = doctor_json(cjm, tmp_path, env)
    assert code == 0
    assert checks["graphviz dot"]["status"] == "warning" and "not found" in checks["graphviz dot"]["detail"]
    assert checks["chromium"]["status"] == "warning"


def test_missing_c_parser_is_an_environment_error(cjm, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)  # `import _ruamel_yaml` fails, as without the wheel
    code, checks = doctor_json(cjm, tmp_path)
    assert code == 3
    assert checks["ruamel C parser"]["status"] == "missing"
    assert "ruamel.yaml.clib" in checks["ruamel C parser"]["detail"]


def test_config_in_use(cjm, tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\ncatalogs: ['shared.yaml']\n")
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / "maps" / name).write_text("cjm: 1\n")
    (tmp_path / "shared.yaml").write_text("cjm: 1\nkind: catalog\n")
    code, checks = doctor_json(cjm, tmp_path / "maps")
    assert code == 0
    assert checks["config"]["detail"].endswith("cjm.yaml: 2 maps, 1 catalogue")
    code, checks = doctor_json(cjm, tmp_path)
    assert checks["config"]["detail"] == "cjm.yaml: 2 maps, 1 catalogue"


def test_broken_config_is_a_config_error(cjm, tmp_path):
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmapz: ['*.yaml']\n")
    code, checks = doctor_json(cjm, tmp_path)
    assert code == 2
    assert checks["config"]["status"] == "error" and "cjm.yaml:2:" in checks["config"]["detail"]
