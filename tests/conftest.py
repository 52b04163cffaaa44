"""Shared fixtures. Helpers that only one test module needs live in that module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCHEMAS = ROOT / "schemas"


def run_cjm(*args: str, cwd: Path | str | None = None, input: bytes | None = None,
            env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "cjm", *args], cwd=cwd, input=input, env=full_env,
                          capture_output=True, timeout=timeout)


def run_on_terminal(args: list[str], cwd: Path | str, env: dict[str, str] | None = None,
                    stream: str = "stdout") -> tuple[str, str, int]:
    """Run the CLI with ``stream`` (stdout or stderr) on a pseudo-terminal and the
    other one piped: (what the terminal showed, the other stream, exit code)."""
    master, slave = os.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")}
    full_env.update(env or {})
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: slave}
    proc = subprocess.Popen([sys.executable, "-m", "cjm", *args], cwd=cwd, env=full_env, **streams)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    other = (proc.stderr if stream == "stdout" else proc.stdout).read()
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace"), other.decode("utf-8", "replace"), proc.returncode


class Ran:
    """What one run of the command line did: exit code, stdout and stderr as text."""

    def __init__(self, args: tuple[str, ...], returncode: int, stdout: str, stderr: str) -> None:
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr

    def __repr__(self) -> str:
        return f"Ran({self.args!r}, returncode={self.returncode}, stdout={self.stdout[-2000:]!r}, " \
               f"stderr={self.stderr[-2000:]!r})"


# The environment every run starts from: no CI, no forced colour.
CLEAN_ENV = {"GITHUB_ACTIONS": None, "FORCE_COLOR": None, "NO_COLOR": None}


def run_in_process(*args: str, cwd: Path | str | None = None, input: bytes | str | None = None,
                   env: dict[str, str] | None = None, timeout: float | None = None) -> Ran:
    """The command line run in this process (``cjm.cli.app.run``), as a user
    would run it, but without the ~0.5 s of a new interpreter."""
    from typer.testing import CliRunner

    from cjm.cli.app import run

    runner = CliRunner()
    old = os.getcwd()
    with runner.isolation(input=input, env={**CLEAN_ENV, **(env or {})}) as (out, err, _mixed):
        if cwd is not None:
            os.chdir(cwd)
        try:
            code = run(list(args))
        finally:
            os.chdir(old)
            sys.stdout.flush()
            sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return Ran(args, int(code), stdout, stderr)


@pytest.fixture
def cjm():
    """``cjm("validate", "x.yaml", cwd=...)`` -> ``Ran`` (exit code, stdout, stderr), in-process."""

    def call(*args: str, **kwargs) -> Ran:
        ran = run_in_process(*args, **kwargs)
        assert "Traceback" not in ran.stderr, ran.stderr
        assert "internal error" not in ran.stderr, ran.stderr
        return ran

    return call


@pytest.fixture
def cjm_process():
    """Like ``cjm``, in a child process: for what only a real process shows
    (start-up, the entry point, terminals, signals)."""

    def call(*args: str, **kwargs) -> Ran:
        proc = run_cjm(*args, **kwargs)
        ran = Ran(args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
        assert "Traceback" not in ran.stderr, ran.stderr
        return ran

    return call


MINIMAL_MAP = """\
cjm: 1
title: Minimal
goal: Buy a thing
personas:
  - id: sam
    name: Sam
    goals: [Buy a thing]
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: shop
        name: Shop
        emotion: 1
"""


# A small valid map whose lines the reporter and CLI tests count on
# (the emotion value sits at line 14, column 24).
SHOP_MAP = """\
cjm: 1
title: Online shop
goal: Turn visitors into buyers
personas:
  - id: sam
    name: Sam
    goals: [Buy running shoes]
stages:
  - id: purchase
    name: Purchase
    touchpoints:
      - id: cart
        name: Cart
        emotion: {sam: 1}
"""


def load(path: Path | str, name: str | None = None):
    """A file loaded as the pipeline loads it (a ``cjm.loader.Document``)."""
    from cjm.pipeline.inputs import Source, read_document

    path = Path(path)
    return read_document(Source(name or path.name, path, None))


def check(text: str, name: str = "t.yaml", today=None, project=None):
    """Findings of one document checked like ``cjm validate`` (schema, rules, policy)."""
    from cjm.loader import parse_text
    from cjm.model.catalog import ProjectIndex
    from cjm.pipeline.check import CheckSettings, check_document

    settings = CheckSettings(project or ProjectIndex(), today=today)
    return check_document(parse_text(name, text), settings).report.findings


@pytest.fixture
def minimal_map() -> str:
    return MINIMAL_MAP


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite the golden files under tests/golden/ from the current output (or CJM_UPDATE_GOLDEN=1).")


@pytest.fixture
def update_golden(request) -> bool:
    """True when golden files should be rewritten instead of compared."""
    return bool(request.config.getoption("--update-golden")) or os.environ.get("CJM_UPDATE_GOLDEN") == "1"


# The seeded event generator with planted truth (benchmarks/events.py): the analytics tests
# and the analyze stage's tests measure against it.
def load_generator():
    """benchmarks/events.py, the seeded event generator (benchmarks/ is not a package)."""
    import importlib.util

    name = "cjm_benchmark_events"
    if name not in sys.modules:
        path = ROOT / "benchmarks" / "events.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def gen():
    return load_generator()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """--dist loadgroup on pytest 9.2: xdist 3.8 marks a grouped test by appending "@group" to
    ``item._nodeid``, which pytest 9.2 no longer reads (node ids are structured, in ``_id``), so
    the groups silently fall apart and the Spark tests start a JVM on every worker
    (pytest-dev/pytest-xdist#1386). Do what xdist means to do; harmless once xdist does it."""
    if not getattr(config.option, "loadgroup", False):
        return  # not an xdist worker under --dist loadgroup
    try:
        from _pytest.nodeid import NodeId
    except ImportError:
        return  # pytest before 9.2: xdist's own suffix works
    for item in items:
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                         for m in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(groups)
        if groups and hasattr(item, "_id") and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
