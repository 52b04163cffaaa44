"""The shape of the code: imports go one way, and quick commands stay quick.

* import-linter checks the layers contract in pyproject.toml
  (cli -> pipeline -> rules | reporters | render -> model -> diagnostics -> locations).
* ``cjm --version`` and ``cjm validate`` must not pay for jinja2, graphviz or
  rich when nothing is drawn on a terminal (shared/performance.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL_MAP, ROOT

HEAVY = ("jinja2", "graphviz", "rich", "fontTools", "resvg_py", "vl_convert", "pypdf", "PIL")


def test_import_contract_holds():
    # The one beside this interpreter: another lint-imports on PATH would not see cjm.
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.fail("lint-imports is missing: pip install import-linter (it is in the test extra)")
    proc = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


# Runs the real entry point in a child process whose stdout and stderr are
# pipes (not a terminal), then reports which heavy modules got imported.
_PROBE = """
import json, sys
sys.argv = ["cjm"] + ARGS
from cjm.cli.app import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
sys.__stderr__.write("\\nPROBE " + json.dumps({"code": code, "heavy": heavy}) + "\\n")
"""


def _probe(args: list[str], cwd: Path) -> dict:
    code = _PROBE.replace("ARGS", repr(args)).replace("HEAVY", repr(HEAVY))
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_ACTIONS", "NO_COLOR")}
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=60)
    line = [x for x in proc.stderr.splitlines() if x.startswith("PROBE ")]
    assert line, proc.stderr
    return json.loads(line[-1][len("PROBE "):])


@pytest.mark.parametrize("args", [
    ["--version"],
    ["validate", "good.yaml"],
    ["validate", "bad.yaml"],
    ["validate", "bad.yaml", "--format", "json"],
    ["validate", "bad.yaml", "--format", "github"],
    ["validate", "bad.yaml", "--format", "sarif"],
])
def test_quick_commands_do_not_import_heavy_libraries(tmp_path, args):
    (tmp_path / "good.yaml").write_text(MINIMAL_MAP)
    (tmp_path / "bad.yaml").write_text(MINIMAL_MAP.replace("emotion: 1", "emotion: 9"))
    result = _probe(args, tmp_path)
    expected_code = 1 if "bad.yaml" in args else 0
    assert result["code"] == expected_code
    assert result["heavy"] == [], f"`cjm {' '.join(args)}` imported {result['heavy']}"


def test_importtime_of_version_has_no_heavy_module(tmp_path):
    """The same, measured the way a user would: python -X importtime."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "cjm", "--version"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
    # And it really measured something: cjm itself was imported; --version is
    # answered before the typer application (and pydantic) are even loaded.
    assert "cjm" in imported
    assert "typer" not in imported and "pydantic" not in imported


def test_every_document_validator_can_be_cached():
    """cjm.model.validators pickles the built validators between runs; a lambda
    default or a local function in a model would silently stop that (and cost a
    validator build on every run)."""
    import pickle

    from cjm.model.config import ProjectConfig
    from cjm.model.journey import Catalog, JourneyMap

    for cls in (JourneyMap, Catalog, ProjectConfig):
        cls.model_rebuild()
        pickle.loads(pickle.dumps(cls.__pydantic_validator__))
