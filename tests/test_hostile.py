"""A corpus of hostile YAML files, run through the real command line.

Every file must give exit code 1, a finding with the right code at the right
``FILE:LINE:COL``, no traceback, within 2 s (plus Python's start-up, measured
as ``cjm --version``) and 256 MB of address space (issue 2, point 4).

Time is the child's CPU time (user + system): the machines that run this are
shared, and wall-clock time there measures the neighbours. A hang that does not
burn CPU is caught by a looser wall-clock bound and by the subprocess timeout.

The files are generated into ``tmp_path``: none of them is committed.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cjm.loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_TEXT_DEPTH

MEMORY_CAP = 256 * 1024 * 1024
TIME_LIMIT = 2.0

# A valid map to embed hostile bits into, so that the finding comes from the
# hostile bit and not from a missing field.
HEAD = "cjm: 1\ntitle: Hostile\ngoal: Survive\n"
STAGES = "stages:\n  - id: buy\n    name: Buy\n    touchpoints:\n      - id: shop\n        name: Shop\n"


@dataclass
class Case:
    name: str
    content: Callable[[], bytes]
    code: str
    line: int | None  # None when no single line is right (the finding then names line 1 or more)
    column: int | None = None
    words: str = ""  # a phrase that must be in the message, so that it stays understandable


def _deep_block(levels: int) -> bytes:
    lines = [f"{' ' * i}k{i}:" for i in range(levels)]
    return ("\n".join(lines) + " end\n").encode()


def _laughs() -> bytes:
    out = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        out.append(f"a{i}: &a{i} [{refs}]")
    return ("\n".join(out) + "\n").encode()


CASES = [
    Case("huge-list", lambda: (HEAD + "stages: [{id: a, name: A}]\npersonas:\n" + "  - 1\n" * 60_000).encode(),
         "CJM104", 6, 3, "at most 10,000"),
    Case("duplicate-key-top", lambda: (HEAD + "title: Again\n" + STAGES).encode(), "CJM102", 4, 1,
         "first defined at line 2"),
    Case("duplicate-key-nested",
         lambda: (HEAD + "personas:\n  - id: sam\n    name: Sam\n    age: 30\n    name: Samuel\n" + STAGES).encode(),
         "CJM102", 8, 5, "first defined at line 6"),
    Case("tab-indent", lambda: (HEAD + "stages:\n\t- id: buy\n").encode(), "CJM101", 5, None, "tab"),
    Case("non-utf8", lambda: b"cjm: 1\ntitle: ok\ngoal: caf\xe9 au lait\n" + STAGES.encode(), "CJM103", 3, 10,
         "not valid UTF-8"),
    Case("utf16-bom", lambda: (HEAD + STAGES).encode("utf-16"), "CJM103", 1, 1, "UTF-16"),
    Case("nul-byte", lambda: b"cjm: 1\ntitle: a\x00b\n" + STAGES.encode(), "CJM103", 2, 9, "NUL"),
    Case("control-char", lambda: b"cjm: 1\ntitle: ok\ngoal: ring \x07 bell\n" + STAGES.encode(), "CJM103", 3, 12,
         "control character"),
    Case("escape-char", lambda: b"cjm: 1\ntitle: \x1b[31mred\n" + STAGES.encode(), "CJM103", 2, 8,
         "control character"),
    Case("several-documents", lambda: (HEAD + STAGES + "---\n" + HEAD + STAGES).encode(), "CJM105", 10, 1,
         "several YAML documents"),
    Case("empty", lambda: b"", "CJM105", 1, 1, "empty"),
    Case("only-comments", lambda: b"# a map\n# still nothing\n\n", "CJM105", 1, 1, "empty"),
    Case("scalar-root", lambda: b"\nhello world\n", "CJM105", 2, 1, "single value"),
    Case("list-root", lambda: b"- cjm: 1\n- title: x\n", "CJM105", 1, 1, "a list"),
    Case("billion-laughs", _laughs, "CJM104", None, None, "expand to more than"),
    Case("alias-cycle", lambda: b"cjm: 1\na: &x [*x]\n", "CJM106", 2, 4, "cycle"),
    Case("undefined-alias", lambda: (HEAD + "owner: *nobody\n" + STAGES).encode(), "CJM101", 4, 8,
         "refers to no anchor"),
    Case("deep-flow", lambda: b"cjm: 1\nx: " + b"[" * 100_000 + b"\n", "CJM104", 2, None, "nest"),
    # 5,000 levels indented one space each are 12 MB: over the size cap.
    Case("deep-block-5000", lambda: _deep_block(5000), "CJM104", 1, 1, "larger than"),
    Case("deep-block-2000", lambda: _deep_block(2000), "CJM104", MAX_TEXT_DEPTH + 1, 1, "nest"),
    Case("deep-block-100", lambda: _deep_block(100), "CJM104", MAX_DEPTH + 1, MAX_DEPTH + 1, "nest more than"),
    Case("deep-dashes", lambda: b"cjm: 1\nx:\n" + b"- " * 20_000 + b"x\n", "CJM104", 3, None, "nest"),
    Case("huge-int", lambda: (HEAD + "owner: " + "7" * 5000 + "\n" + STAGES).encode(), "CJM104", 4, 8,
         "too large"),
    Case("float-overflow", lambda: (HEAD + "owner: 1e99999\n" + STAGES).encode(), "CJM104", 4, 8,
         "too large"),
    Case("nan", lambda: (HEAD + STAGES + "        emotion: .nan\n").encode(), "CJM106", 10, 18, "not a number"),
    Case("tag-unknown", lambda: (HEAD + "owner: !foo bar\n" + STAGES).encode(), "CJM106", 4, 8, "!foo"),
    Case("tag-binary", lambda: (HEAD + "owner: !!binary aGVsbG8=\n" + STAGES).encode(), "CJM106", 4, 8,
         "binary"),
    Case("tag-timestamp", lambda: (HEAD + "reviewed: !!timestamp 2026-01-02\n" + STAGES).encode(), "CJM106", 4, 11,
         "timestamp"),
    Case("tag-set", lambda: (HEAD + "tags: !!set\n  ? a\n  ? b\n" + STAGES).encode(), "CJM106", 4, 7, "set"),
    Case("complex-key", lambda: (HEAD + "? [a, b]\n: c\n" + STAGES).encode(), "CJM106", 4, 3, "key"),
    Case("long-line", lambda: (HEAD + "goal: " + "x" * (5 * 1024 * 1024) + "\n" + STAGES).encode(), "CJM104", 4, 1,
         "characters long"),
    Case("over-size-cap", lambda: (HEAD + STAGES).encode() + (b"# padding padding padding\n" * (MAX_FILE_BYTES // 26 + 2)),
         "CJM104", 1, 1, "larger than"),
    # Issue 8: what libyaml reads the YAML 1.1 way, and escapes that make characters text may not hold.
    Case("bell-escape", lambda: (HEAD + STAGES + '        feeling: "ring \\x07"\n').encode(), "CJM204", 10, 18,
         "U+0007 (bell)"),
    Case("terminal-escape", lambda: (HEAD.replace("title: Hostile", 'title: "\\e[2J\\e]0;pwned\\x07"')
                                     + STAGES).encode(), "CJM204", 2, 8, "U+001B (escape)"),
    Case("nul-escape", lambda: (HEAD + STAGES + '        action: "a\\0b"\n').encode(), "CJM204", 10, 17, "U+0000"),
    Case("non-character-escape", lambda: (HEAD + STAGES + '        feeling: "\\uFFFE"\n').encode(), "CJM204", 10, 18,
         "U+FFFE"),
    Case("placeholder-escape", lambda: (HEAD + STAGES + '        feeling: "\\uFDD1"\n').encode(), "CJM204", 10, 18,
         "U+FDD1"),
    Case("surrogate-escape", lambda: (HEAD + STAGES + '        feeling: "\\ud800"\n').encode(), "CJM103", 10, 18,
         "surrogate"),
    Case("blank-feeling", lambda: (HEAD + STAGES + "        emotion: 1\n        feeling: ' '\n").encode(), "CJM204",
         11, 18, "blank"),
    Case("line-separators-keep-line-numbers",
         lambda: (HEAD + "owner: x  # a\u2028b\u2029c\x85d\n" + STAGES + "        emotoin: 1\n").encode(),
         "CJM201", 11, 9, "unknown key 'emotoin'"),
    Case("flow-colons", lambda: (HEAD + STAGES + "        evidence: [{url: https://x.example/a, title: A}]\n"
                                 + "        emotoin: 1\n").encode(), "CJM201", 11, 9, "emotoin"),
    Case("redefined-anchor-100k-values",
         lambda: ("a: &x 1\nb: &x 2\n" + "".join(f"l{j}:\n" + "  - y\n" * 9990 for j in range(10))).encode(),
         "CJM201", 1, 1, "unknown key 'a'"),
    Case("flow-colons-over-the-value-bound",
         lambda: (HEAD + "".join(f"l{j}: [" + ", ".join(["u:v"] * 5000) + "]\n" for j in range(45))).encode(),
         "CJM104", 1, 1, "more than 200,000 values"),
]


def _limit_memory() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@dataclass
class Timing:
    cpu: float  # the child's user + system time
    wall: float
    peak_bytes: int = 0  # the child's peak resident memory

    def within(self, budget: float, startup: Timing) -> bool:
        return self.cpu < budget + startup.cpu and self.wall < WALL_SLACK * (budget + startup.wall)

    def __str__(self) -> str:
        return f"{self.cpu:.2f}s CPU, {self.wall:.2f}s wall"


WALL_SLACK = 4  # the wall-clock bound only catches hangs on a loaded machine


# Runs cjm as `python -m cjm` does, and on the way out writes the process's
# own high-water mark of resident memory (VmHWM) to the file named in
# CJM_TEST_PEAK. wait4's ru_maxrss cannot be used: Linux folds into it the
# resident size of the process that forked the child (the pytest worker, which
# may hold Spark's or DuckDB's libraries by then), recorded at exec time.
_PEAK_WRAPPER = """
import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["CJM_TEST_PEAK"], "w") as out:
        out.write(kb)
atexit.register(_peak)
_exit = os._exit
def _peak_and_exit(code):  # cjm ends with os._exit, which skips atexit
    _peak()
    _exit(code)
os._exit = _peak_and_exit
sys.argv[0] = "cjm"
runpy.run_module("cjm", run_name="__main__", alter_sys=True)
"""


def run_limited(*args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess, Timing]:
    """Run cjm under the memory cap and measure this one child: CPU time comes
    from its own wait4 status and peak memory from its own VmHWM, so other
    tests' children and the pytest worker's own size never count."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR", "CJM_DEBUG")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        env["CJM_TEST_PEAK"] = peak.name
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", _PEAK_WRAPPER, *args], cwd=cwd, env=env, stdout=out,
                                 stderr=err, preexec_fn=_limit_memory)
        deadline = start + 60
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                os.wait4(child.pid, 0)
                raise AssertionError(f"cjm {' '.join(args)} ran for more than 60 s")
            time.sleep(0.005)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        proc = subprocess.CompletedProcess(child.args, child.returncode, out.read(), err.read())
        peak_kb = peak.read().strip()
    assert peak_kb, f"cjm {' '.join(args)} did not report its peak memory (exit {child.returncode})"
    return proc, Timing(usage.ru_utime + usage.ru_stime, wall, int(peak_kb) * 1024)


@pytest.fixture(scope="module")
def startup() -> Timing:
    """Python's and cjm's start-up on this machine: the best of three ``cjm --version``."""
    runs = []
    for _ in range(3):
        proc, timing = run_limited("--version")
        assert proc.returncode == 0, proc.stderr
        runs.append(timing)
    return Timing(min(t.cpu for t in runs), min(t.wall for t in runs))


def check_output(proc: subprocess.CompletedProcess, name: str, case: Case) -> None:
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, out + err
    assert proc.returncode == 1, f"exit {proc.returncode}\n{out}\n{err}"
    found = re.findall(rf"^{re.escape(name)}:(\d+):(\d+): error (CJM\d+) [a-z-]+: (.*)$", out, re.M)
    assert found, out + err
    line, column, code, message = found[0]
    assert code == case.code, out
    if case.line is not None:
        assert int(line) == case.line, out
    else:
        assert int(line) >= 1
    if case.column is not None:
        assert int(column) == case.column, out
    assert case.words.lower() in message.lower(), out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file(case: Case, tmp_path: Path, startup: Timing) -> None:
    name = f"{case.name}.yaml"
    (tmp_path / name).write_bytes(case.content())
    proc, timing = run_limited("validate", name, cwd=tmp_path)
    check_output(proc, name, case)
    assert timing.within(TIME_LIMIT, startup), f"{timing} (start-up {startup})"
    assert timing.peak_bytes < MEMORY_CAP, timing


@pytest.mark.parametrize("name", ["duplicate-key-nested", "nul-byte", "billion-laughs", "several-documents"])
def test_hostile_json(name: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == name)
    (tmp_path / "m.yaml").write_bytes(case.content())
    proc, _ = run_limited("validate", "-f", "json", "m.yaml", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["failed"] is True
    first = report["findings"][0]
    assert first["file"] == "m.yaml"
    assert first["code"] == case.code
    assert first["severity"] == "error"
    if case.line is not None:
        assert first["line"] == case.line
    assert first["column"] >= 1


def test_hostile_files_in_one_run(tmp_path: Path) -> None:
    """One bad file never stops the others: the whole corpus as one folder."""
    for case in CASES:
        if case.name in ("over-size-cap", "long-line"):
            continue  # big; covered on their own above
        (tmp_path / f"{case.name}.yaml").write_bytes(case.content())
    (tmp_path / "good.yaml").write_bytes((HEAD + STAGES + "        emotion: 1\n").encode())
    proc, _ = run_limited("validate", "-f", "json", ".", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    files = {f["file"]: f["findings"] for f in report["files"]}
    assert files["good.yaml"] == 0
    codes = {f["file"]: f["code"] for f in report["findings"]}
    for case in CASES:
        if case.name in ("over-size-cap", "long-line"):
            continue
        assert codes.get(f"{case.name}.yaml") == case.code, case.name


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_bytes((HEAD + STAGES).encode())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read a chmod 000 file (root)")
        proc, _ = run_limited("validate", "secret.yaml", cwd=tmp_path)
        check_output(proc, "secret.yaml", Case("unreadable", bytes, "CJM107", 1, 1, "permission denied"))
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("how", ["explicit", "in-folder"])
def test_symlink_loop(tmp_path: Path, how: str, startup: Timing) -> None:
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "ping.yaml").symlink_to("pong.yaml")
    (tmp_path / "pong.yaml").symlink_to("ping.yaml")
    args = ["loop.yaml", "ping.yaml"] if how == "explicit" else ["."]
    proc, timing = run_limited("validate", *args, cwd=tmp_path)
    for name in ("loop.yaml", "ping.yaml"):
        check_output(proc, name, Case("loop", bytes, "CJM107", 1, 1, "symbolic links"))
    assert timing.within(TIME_LIMIT, startup), str(timing)


def test_broken_symlink(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to("nowhere.yaml")
    proc, _ = run_limited("validate", ".", cwd=tmp_path)
    check_output(proc, "gone.yaml", Case("broken", bytes, "CJM107", 1, 1, "broken link to nowhere.yaml"))


def test_thousands_of_schema_errors_are_capped(tmp_path: Path, startup: Timing) -> None:
    """Three lists of 9,000 wrong items: 27,000 schema errors. cjm shows the
    first few per list and says how many there are, in bounded time and memory."""
    body = "stages: [{id: a, name: A}]\n" + "".join(
        f"{key}:\n" + "  - 1\n" * 9_000 for key in ("personas", "channels", "kpis"))
    (tmp_path / "m.yaml").write_text(HEAD + body)
    proc, timing = run_limited("validate", "-f", "json", "m.yaml", cwd=tmp_path)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert len(findings) <= 201
    assert any("too many schema errors" in f["message"] for f in findings)
    assert {f["path"].split("[")[0] for f in findings if f["path"]} == {"personas", "channels", "kpis"}
    assert timing.within(TIME_LIMIT, startup) and timing.peak_bytes < MEMORY_CAP, timing
