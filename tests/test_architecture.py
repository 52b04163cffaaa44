"""The shape of the code: imports go one way, tests mirror the code, and quick
commands stay quick.

* import-linter checks the contracts in pyproject.toml; every module of cjm
  sits in a layer of the layers contract, and none imports by string (an edge
  the linter cannot see).
* Every module of src/cjm has its test module in the same place under tests/
  (rule modules: their case files), and every test module there mirrors one.
* ``cjm --version`` and ``cjm validate`` must not pay for jinja2, graphviz or
  rich when nothing is drawn on a terminal (shared/performance.md).
"""

from __future__ import annotations

import ast
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


# --- tests mirror src/cjm -------------------------------------------------------
#
# Every module src/cjm/<path>/<name>.py has its test module
# tests/<path>/test_<name>.py; a package's __init__.py that holds code (more
# than a docstring) maps to tests/<path>/test_<package>.py (src/cjm/rules/
# __init__.py -> tests/rules/test_rules.py). A rule module (src/cjm/rules/<x>.py
# that registers rules) is covered by the case file of each rule it registers,
# tests/rules/cases/<rule-name>.yaml, which tests/rules/test_rules.py runs.

SRC = ROOT / "src" / "cjm"
TESTS = ROOT / "tests"

# Modules without a test module of their own, and why. Keep it short.
EXEMPT = {
    "__init__.py": "only __version__, which tests/test_entry.py checks (`cjm --version`)",
    "__main__.py": "two lines handing `python -m cjm` to cjm.entry.main; tests/test_entry.py runs it",
}

# Test modules being written in parallel on other branches (issue 7): each
# entry goes as soon as its test module exists (test_no_stale_exemptions).
PENDING: dict[str, str] = {}


# Test modules in a mirrored folder that test a feature across modules, and why.
FEATURE_TESTS = {
    "tests/render/test_compare.py": "`cjm render --compare`: one map drawn over another, in every format",
    "tests/render/test_any_valid_map_renders.py": "issue 8's invariant: any map that validates renders in every format",
    "tests/render/test_pictures.py": "issue 10's done-when: text fits its box in Chromium under two font setups, "
                                     "PNG against Chromium, PDF text and pages",
    "tests/analytics/test_golden.py": "issue 9's ground truth: every golden case on the reference, DuckDB and Spark",
    "tests/analytics/test_generated.py": "issue 9's ground truth: seeded generated event data with planted rates, "
                                         "every engine against the truth",
}


def _holds_code(path: Path) -> bool:
    """More than a docstring (and ``from __future__`` imports)."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    rest = [node for node in body
            if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str))
            and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
    return bool(rest)


def _rule_modules() -> dict[str, list[str]]:
    """src-relative path of each rule module -> the names of the rules it registers."""
    from cjm.rules import load_builtin_rules

    out: dict[str, list[str]] = {}
    for r in load_builtin_rules().values():
        module = r.check.__module__
        out.setdefault(module.removeprefix("cjm.").replace(".", "/") + ".py", []).append(r.name)
    return out


def _test_file_for(rel: str) -> Path | None:
    """The test module a src/cjm module maps to (None: a docstring-only package)."""
    path = Path(rel)
    if path.name == "__init__.py":
        if not _holds_code(SRC / rel):
            return None
        return TESTS / path.parent / f"test_{path.parent.name}.py"
    return TESTS / path.parent / f"test_{path.stem}.py"


def _source_modules() -> list[str]:
    return sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py"))


def test_every_module_has_its_test_module():
    rule_modules = _rule_modules()
    missing = []
    for rel in _source_modules():
        if rel in EXEMPT or rel in PENDING:
            continue
        if rel in rule_modules:  # covered by its case files instead
            missing += [f"src/cjm/{rel} -> tests/rules/cases/{name}.yaml" for name in rule_modules[rel]
                        if not (TESTS / "rules" / "cases" / f"{name}.yaml").is_file()]
            continue
        wanted = _test_file_for(rel)
        if wanted is not None and not wanted.is_file():
            hint = (" (a rule module? import it in load_builtin_rules() and add its case file)"
                    if rel.startswith("rules/") else "")
            missing.append(f"src/cjm/{rel} -> {wanted.relative_to(ROOT).as_posix()}{hint}")
    assert not missing, "modules without their test module:\n  " + "\n  ".join(missing)


def test_no_stale_exemptions():
    """An exemption for a module that is gone, or whose test module now exists, is removed;
    so is a feature test module that is gone."""
    modules = set(_source_modules())
    stale = [f"{rel}: no such module" for rel in {**EXEMPT, **PENDING} if rel not in modules]
    stale += [f"{rel}: no such test module" for rel in FEATURE_TESTS if not (ROOT / rel).is_file()]
    stale += [f"{rel}: {_test_file_for(rel).relative_to(ROOT).as_posix()} exists, remove it from PENDING"
              for rel in PENDING if rel in modules and _test_file_for(rel) and _test_file_for(rel).is_file()]
    assert not stale, "stale entries in EXEMPT / PENDING / FEATURE_TESTS:\n  " + "\n  ".join(sorted(stale))


def test_every_test_module_mirrors_a_module():
    """The other way round: a test module under a mirrored folder names a module
    that exists (a renamed module takes its tests along)."""
    expected = {_test_file_for(rel) for rel in _source_modules()} - {None}
    expected |= {ROOT / rel for rel in FEATURE_TESTS}
    mirrored = {TESTS / Path(rel).parent for rel in _source_modules()} - {TESTS}
    orphans = sorted(p.relative_to(ROOT).as_posix() for folder in mirrored if folder.is_dir()
                     for p in folder.glob("test_*.py") if p not in expected)
    assert not orphans, "test modules that mirror no module of src/cjm:\n  " + "\n  ".join(orphans)


# --- every module inside the contract, no hidden edges ---------------------------

# Modules that need not sit in a layer, and why.
OUTSIDE_LAYERS = {
    "cjm": "the package itself: only __version__, which every layer may read",
    "cjm.__main__": "`python -m cjm`: hands over to cjm.entry, the top layer; nothing imports it",
}

# Modules allowed to import by string (importlib.import_module, __import__),
# which the import-linter cannot see, and why. Empty: keep it so.
STRING_IMPORTS: dict[str, str] = {}


def _module_name(rel: str) -> str:
    """``render/svg/__init__.py`` -> ``cjm.render.svg``."""
    parts = list(Path(rel).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["cjm", *parts])


def _module_names() -> list[str]:
    return sorted(_module_name(rel) for rel in _source_modules())


def _layers() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def test_every_module_is_inside_a_layer():
    layers = _layers()
    outside = [m for m in _module_names() if m not in OUTSIDE_LAYERS
               and not any(m == layer or m.startswith(layer + ".") for layer in layers)]
    assert not outside, f"modules in no layer of the contract (pyproject.toml): {outside}"


def test_every_layer_names_a_module_that_exists():
    """A misspelt layer would leave its modules unconstrained without a word."""
    modules = set(_module_names())
    assert not [layer for layer in _layers() if layer not in modules]
    assert not [m for m in OUTSIDE_LAYERS if m not in modules]


def _string_imports(path: Path) -> list[str]:
    """Where a module imports by string: importlib.import_module(...), import_module(...), __import__(...)."""
    found: list[str] = []
    source = path.read_text(encoding="utf-8")
    if not any(word in source for word in ("import_module", "__import__", "reload")):
        return found  # parsing every module costs a second on a busy machine
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__", "reload"):
                found.append(f"line {node.lineno}: {name}()")
        elif isinstance(node, ast.ImportFrom) and node.module == "importlib" and any(
                a.name in ("import_module", "reload") for a in node.names):
            found.append(f"line {node.lineno}: from importlib import {', '.join(a.name for a in node.names)}")
    return found


def test_no_module_imports_by_string():
    hidden = {}
    for rel in _source_modules():
        name = _module_name(rel)
        if name in STRING_IMPORTS:
            continue
        found = _string_imports(SRC / rel)
        if found:
            hidden[name] = found
    assert not hidden, f"imports by string hide edges from the import-linter contract: {hidden}"


def test_the_string_import_check_sees_them(tmp_path):
    """The check above finds what it looks for (it would pass vacuously otherwise)."""
    probe = tmp_path / "probe.py"
    probe.write_text("import importlib\nfrom importlib import import_module\n"
                     "importlib.import_module('cjm.cli.' + 'app')\n__import__('cjm.render')\nimport_module('x')\n")
    assert len(_string_imports(probe)) == 4
