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


@pytest.fixture
def cjm():
    """``cjm("validate", "x.yaml")`` -> CompletedProcess with text stdout/stderr."""

    def call(*args: str, **kwargs) -> subprocess.CompletedProcess:
        proc = run_cjm(*args, **kwargs)
        proc.stdout = proc.stdout.decode("utf-8", "replace")
        proc.stderr = proc.stderr.decode("utf-8", "replace")
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

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
