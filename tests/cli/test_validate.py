"""``cjm validate`` as a user (or CI, or pre-commit) runs it, in-process; in a
real process only where a terminal is the point.

Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage or config
error, 4 internal error. stdout carries only the report. The stage itself
(projects, fail levels, jobs) is tested in tests/pipeline/test_validate.py.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHOP_MAP, run_on_terminal

MAP = SHOP_MAP
BAD = MAP.replace("{sam: 1}", "{sam: 9}")  # CJM307 at 14:24
WARN = MAP.replace("goal: Turn visitors into buyers\n", "")  # CJM313 missing-goal (warning) at 2:8
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def codes(proc) -> list[tuple[str, str]]:
    """(file:line:col, code) of every finding, from --format json output."""
    doc = json.loads(proc.stdout)
    return [(f"{f['file']}:{f['line']}:{f['column']}", f["code"]) for f in doc["findings"]]


# --- exit codes ----------------------------------------------------------------


def test_exit_0_when_clean(cjm, tmp_path):
    write(tmp_path, {"a.yaml": MAP})
    proc = cjm("validate", "a.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "All good: 1 file checked, no problems.\n"
    assert proc.stderr == ""


def test_exit_1_on_findings(cjm, tmp_path):
    write(tmp_path, {"a.yaml": BAD})
    proc = cjm("validate", "a.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("a.yaml:14:24: error CJM307 emotion-out-of-scale: emotion 9 is outside")
    assert proc.stderr == ""


@pytest.mark.parametrize("args,words", [
    (["validate", "missing.yaml"], "no such file or folder: missing.yaml"),
    (["validate", "nothing/*.yaml"], "no files match 'nothing/*.yaml'"),
    (["validate", "a.yaml", "--level", "emotion-out-of-scale=loud"], "--level takes RULE=LEVEL"),
    (["validate", "a.yaml", "--level", "=off"], "--level takes RULE=LEVEL"),
    (["validate", "a.yaml", "--level", "no-such-rule=off"], "unknown rule 'no-such-rule'"),
    (["validate", "a.yaml", "--fail-level", "fatal"], "fatal"),
    (["validate", "a.yaml", "--format", "xml"], "xml"),
    (["validate", "a.yaml", "--config", "nope.yaml"], "nope.yaml"),
])
def test_exit_2_on_usage_errors(cjm, tmp_path, args, words):
    write(tmp_path, {"a.yaml": MAP})
    proc = cjm(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert words in proc.stderr
    assert proc.stdout == ""


def test_exit_2_without_paths_and_without_a_project(cjm, tmp_path):
    if any((p / n).exists() for p in (tmp_path, *tmp_path.parents) for n in ("cjm.yaml", "cjm.yml")):
        pytest.skip("a cjm.yaml above the temporary folder")
    proc = cjm("validate", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no files given and no cjm.yaml found" in proc.stderr


@pytest.mark.parametrize("config,where,words", [
    ("cjm: 1\nmapz: ['*.yaml']\n", "cjm.yaml:2:1", "unknown key 'mapz'"),
    ("cjm: 1\nmaps: [a\n", "cjm.yaml:3:1", ""),
    ("cjm: 1\nrules:\n  emotion-out-of-scale: loud\n", "cjm.yaml:3:25", "must be one of"),
    ("cjm: 1\nrules:\n  no-such-rule: off\n", "cjm.yaml", "unknown rule 'no-such-rule'"),
])
def test_exit_2_on_a_broken_cjm_yaml_with_its_place(cjm, tmp_path, config, where, words):
    write(tmp_path, {"cjm.yaml": config, "a.yaml": MAP})
    for args in (["validate"],) if "no-such-rule" in config else (["validate"], ["validate", "a.yaml"]):
        proc = cjm(*args, cwd=tmp_path)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert proc.stderr.startswith(where), proc.stderr
        assert ("CJM001 config" in proc.stderr or "CJM101" in proc.stderr) and words in proc.stderr
        assert "is broken, so nothing was done" in proc.stderr
        assert proc.stdout == ""


def test_exit_4_on_an_internal_error(tmp_path, monkeypatch):
    """A bug (here: the pipeline raising) is reported as such, with exit 4 and no traceback."""
    import cjm.pipeline.validate
    from conftest import run_in_process

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    write(tmp_path, {"a.yaml": MAP})
    monkeypatch.setattr(cjm.pipeline.validate, "validate", boom)
    monkeypatch.delenv("CJM_DEBUG", raising=False)
    ran = run_in_process("validate", "a.yaml", cwd=tmp_path)
    assert ran.returncode == 4, ran
    assert "internal error: RuntimeError: simulated bug" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert ran.stdout == ""


# --- inputs --------------------------------------------------------------------


def test_stdin(cjm, tmp_path):
    proc = cjm("validate", "-", "--format", "json", cwd=tmp_path, input=BAD.encode())
    assert proc.returncode == 1
    assert codes(proc) == [("<stdin>:14:24", "CJM307")]
    proc = cjm("validate", "-", cwd=tmp_path, input=MAP.encode())
    assert proc.returncode == 0
    proc = cjm("validate", "-", cwd=tmp_path, input=b"cjm: 1\ncjm: 2\n")
    assert proc.returncode == 1 and "<stdin>:2:1: error CJM102 duplicate-key" in proc.stdout


def test_folders_and_globs(cjm, tmp_path):
    write(tmp_path, {"maps/a.yaml": MAP, "maps/sub/b.yml": BAD, "maps/.hidden/c.yaml": BAD,
                     "maps/notes.txt": "x", "other/d.yaml": BAD})
    proc = cjm("validate", "maps", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1
    assert [f["file"] for f in json.loads(proc.stdout)["files"]] == ["maps/a.yaml", "maps/sub/b.yml"]
    assert codes(proc) == [("maps/sub/b.yml:14:24", "CJM307")]
    proc = cjm("validate", "maps/*.yaml", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0 and [f["file"] for f in json.loads(proc.stdout)["files"]] == ["maps/a.yaml"]
    proc = cjm("validate", "**/*.y*ml", "--format", "json", cwd=tmp_path)
    assert [f["file"] for f in json.loads(proc.stdout)["files"]] == ["maps/a.yaml", "maps/sub/b.yml",
                                                                    "other/d.yaml"]
    # The same file named twice is checked once.
    proc = cjm("validate", "maps/a.yaml", "maps", "maps/a.yaml", "--format", "json", cwd=tmp_path)
    assert [f["file"] for f in json.loads(proc.stdout)["files"]] == ["maps/a.yaml", "maps/sub/b.yml"]


def test_without_paths_the_project_is_checked(cjm, tmp_path):
    write(tmp_path, {"cjm.yaml": "cjm: 1\nmaps: ['maps/**/*.yaml']\n", "maps/a.yaml": MAP, "maps/x/b.yaml": BAD,
                     "elsewhere.yaml": BAD})
    proc = cjm("validate", "--format", "json", cwd=tmp_path / "maps" / "x")
    assert proc.returncode == 1
    files = [f["file"] for f in json.loads(proc.stdout)["files"]]
    assert len(files) == 2 and files[1] == "b.yaml"
    assert (tmp_path / "maps" / "x" / files[0]).resolve() == (tmp_path / "maps" / "a.yaml").resolve()


# --- levels -------------------------------------------------------------------


def test_fail_level_and_strict(cjm, tmp_path):
    write(tmp_path, {"w.yaml": WARN})
    assert cjm("validate", "w.yaml", cwd=tmp_path).returncode == 0
    assert cjm("validate", "w.yaml", "--fail-level", "warning", cwd=tmp_path).returncode == 1
    assert cjm("validate", "w.yaml", "--fail-level", "info", cwd=tmp_path).returncode == 1
    assert cjm("validate", "w.yaml", "--strict", cwd=tmp_path).returncode == 1
    proc = cjm("validate", "w.yaml", cwd=tmp_path)
    assert "w.yaml:2:8: warning CJM313 missing-goal" in proc.stdout
    write(tmp_path, {"b.yaml": BAD})
    assert cjm("validate", "b.yaml", "--fail-level", "error", cwd=tmp_path).returncode == 1


def test_level_option(cjm, tmp_path):
    write(tmp_path, {"b.yaml": BAD, "w.yaml": WARN})
    proc = cjm("validate", "b.yaml", "--level", "emotion-out-of-scale=off", cwd=tmp_path)
    assert proc.returncode == 0 and "CJM307" not in proc.stdout
    proc = cjm("validate", "b.yaml", "--level", "CJM307=warning", cwd=tmp_path)
    assert proc.returncode == 0 and "b.yaml:14:24: warning CJM307" in proc.stdout
    proc = cjm("validate", "w.yaml", "--level", "missing-goal=error", cwd=tmp_path)
    assert proc.returncode == 1 and "error CJM313" in proc.stdout


def test_config_rule_levels_and_fail_level(cjm, tmp_path):
    write(tmp_path, {"cjm.yaml": "cjm: 1\nrules:\n  emotion-out-of-scale: warning\n  missing-goal: off\n",
                     "b.yaml": BAD, "w.yaml": WARN})
    proc = cjm("validate", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0
    assert [(f["code"], f["severity"]) for f in json.loads(proc.stdout)["findings"]] == [("CJM307", "warning")]
    # The command line wins over the config.
    assert cjm("validate", "--level", "CJM307=error", cwd=tmp_path).returncode == 1
    write(tmp_path, {"cjm.yaml": "cjm: 1\nfail_level: warning\nrules:\n  emotion-out-of-scale: warning\n"})
    assert cjm("validate", "b.yaml", cwd=tmp_path).returncode == 1


def test_schema_errors_cannot_be_switched_off(cjm, tmp_path):
    write(tmp_path, {"k.yaml": MAP.replace("title:", "titel:") + "# cjm: disable-file\n"})
    proc = cjm("validate", "k.yaml", "--level", "CJM307=off", cwd=tmp_path)
    assert proc.returncode == 1 and "CJM201 unknown-key" in proc.stdout


# --- inline suppression comments ---------------------------------------------------


def test_suppression_is_per_line(cjm, tmp_path):
    """Through the command line; the comments themselves: tests/pipeline/test_policy.py."""
    text = BAD.replace("{sam: 9}", "{sam: 9}  # cjm: disable-line CJM307") + \
        "      - id: pay\n        name: Pay\n        emotion: -7\n"
    write(tmp_path, {"b.yaml": text})
    proc = cjm("validate", "b.yaml", "--format", "json", cwd=tmp_path)
    assert codes(proc) == [("b.yaml:17:18", "CJM307")]


# --- colour and formats ----------------------------------------------------------------


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run with stdout on a pseudo-terminal; return what it printed."""
    return run_on_terminal(args, cwd, env)[0]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_colour_on_a_terminal_and_no_color(tmp_path):
    write(tmp_path, {"b.yaml": BAD})
    coloured = _on_a_terminal(["validate", "b.yaml"], tmp_path, {})
    assert ANSI.search(coloured), repr(coloured)
    plain = _on_a_terminal(["validate", "b.yaml"], tmp_path, {"NO_COLOR": "1"})
    assert not ANSI.search(plain), repr(plain)
    assert "b.yaml:14:24: error CJM307" in plain
    plain = _on_a_terminal(["--color", "never", "validate", "b.yaml"], tmp_path, {})
    assert not ANSI.search(plain)


def test_colour_when_piped_and_forced(cjm, tmp_path):
    write(tmp_path, {"b.yaml": BAD})
    piped = cjm("validate", "b.yaml", cwd=tmp_path)
    assert not ANSI.search(piped.stdout)
    forced = cjm("--color", "always", "validate", "b.yaml", cwd=tmp_path)
    assert ANSI.search(forced.stdout)
    assert ANSI.sub("", forced.stdout) == piped.stdout
    # NO_COLOR beats FORCE_COLOR; --color always beats NO_COLOR.
    assert not ANSI.search(cjm("validate", "b.yaml", cwd=tmp_path, env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout)
    assert ANSI.search(cjm("validate", "b.yaml", cwd=tmp_path, env={"FORCE_COLOR": "1"}).stdout)
    assert ANSI.search(cjm("--color", "always", "validate", "b.yaml", cwd=tmp_path, env={"NO_COLOR": "1"}).stdout)
    # Machine formats never carry colour.
    for fmt in ("json", "github", "sarif"):
        assert not ANSI.search(cjm("--color", "always", "validate", "b.yaml", "-f", fmt, cwd=tmp_path).stdout)


def test_github_format_inside_github_actions(cjm, tmp_path):
    write(tmp_path, {"b.yaml": BAD})
    proc = cjm("validate", "b.yaml", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error file=b.yaml,line=14,col=24,")
    proc = cjm("validate", "b.yaml", "--format", "text", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert proc.stdout.startswith("b.yaml:14:24: error")
    proc = cjm("validate", "b.yaml", cwd=tmp_path, env={"GITHUB_ACTIONS": "false"})
    assert proc.stdout.startswith("b.yaml:14:24: error")


def test_quiet_prints_nothing_when_clean(cjm, tmp_path):
    write(tmp_path, {"a.yaml": MAP, "b.yaml": BAD})
    proc = cjm("-q", "validate", "a.yaml", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""
    proc = cjm("-q", "validate", "b.yaml", cwd=tmp_path)
    assert proc.returncode == 1 and "CJM307" in proc.stdout


# --- many files ------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """60 maps, 3 of them broken in ways that stop loading; 1 with a rule finding."""
    root = tmp_path_factory.mktemp("corpus")
    for i in range(60):
        (root / f"m{i:02d}.yaml").write_text(MAP.replace("Online shop", f"Shop {i}"), encoding="utf-8")
    (root / "m07.yaml").write_text("cjm: 1\ntitle: [unclosed\n", encoding="utf-8")
    (root / "m21.yaml").write_bytes(b"cjm: 1\ntitle: caf\xe9\n")
    (root / "m42.yaml").write_text(MAP + "title: again\n", encoding="utf-8")
    (root / "m59.yaml").write_text(BAD, encoding="utf-8")
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_broken_file_does_not_stop_the_others(cjm, corpus, jobs):
    proc = cjm("validate", ".", "--format", "json", "-j", jobs, cwd=corpus)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc["files"]) == 60
    assert [f["file"] for f in doc["files"]] == [f"m{i:02d}.yaml" for i in range(60)]
    assert codes(proc) == [("m07.yaml:3:1", "CJM101"), ("m21.yaml:2:11", "CJM103"), ("m42.yaml:15:1", "CJM102"),
                           ("m59.yaml:14:24", "CJM307")]
    assert doc["summary"]["errors"] == 4


def test_parallel_and_serial_runs_print_the_same_bytes(cjm, corpus):
    """(The stage's results: tests/pipeline/test_validate.py.)"""
    outputs = {jobs: cjm("validate", ".", "-j", jobs, cwd=corpus).stdout for jobs in ("1", "2")}
    assert outputs["1"] == outputs["2"] and outputs["1"].count("\n") > 4


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_output_is_deterministic(cjm, tmp_path, fmt):
    write(tmp_path, {"a.yaml": BAD, "b.yaml": WARN, "c.yaml": MAP + "x: 1\n", "d.yaml": "cjm: 1\ncjm: 1\n"})
    first = cjm("validate", ".", "--format", fmt, cwd=tmp_path)
    second = cjm("validate", ".", "--format", fmt, cwd=tmp_path)
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout and first.stdout


# --- pre-commit: --force-exclude ----------------------------------------------------------


def test_force_exclude_skips_files_outside_the_projects_globs(cjm, tmp_path):
    write(tmp_path, {"cjm.yaml": "cjm: 1\nmaps: ['maps/*.yaml']\nexclude: ['maps/draft-*.yaml']\n",
                     "maps/a.yaml": MAP, "maps/draft-b.yaml": BAD, "notes/ci.yaml": "on: push\n"})
    # What pre-commit passes: every staged YAML file, the config included.
    staged = ["cjm.yaml", "maps/a.yaml", "maps/draft-b.yaml", "notes/ci.yaml"]
    proc = cjm("validate", "--force-exclude", "--format", "json", *staged, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert [f["file"] for f in json.loads(proc.stdout)["files"]] == ["maps/a.yaml"]
    # Without it, a file named on the command line is checked whatever the globs say.
    proc = cjm("validate", "--format", "json", "maps/a.yaml", "maps/draft-b.yaml", "notes/ci.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert [f["file"] for f in json.loads(proc.stdout)["files"]] == ["maps/a.yaml", "maps/draft-b.yaml",
                                                                    "notes/ci.yaml"]


def test_pre_commit_hooks_file(cjm, tmp_path):
    from ruamel.yaml import YAML

    root = ROOT
    hooks = {h["id"]: h for h in YAML(typ="safe", pure=True).load(root / ".pre-commit-hooks.yaml")}
    assert set(hooks) >= {"cjm-validate", "cjm-fmt"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["yaml"]
        assert {"id", "name", "entry", "language"} <= set(hook)
    assert hooks["cjm-validate"]["entry"] == "cjm validate --force-exclude"
    # pre-commit passes every staged YAML file: fmt must leave non-maps alone too.
    assert hooks["cjm-fmt"]["entry"] == "cjm fmt --force-exclude"
    # The entry runs as pre-commit runs it: the entry's words, then the staged files.
    write(tmp_path, {"cjm.yaml": "cjm: 1\nmaps: ['maps/*.yaml']\n", "maps/a.yaml": BAD, ".github/ci.yaml": "on: push\n"})
    words = hooks["cjm-validate"]["entry"].split()[1:]
    proc = cjm(*words, "cjm.yaml", "maps/a.yaml", ".github/ci.yaml", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout.startswith("maps/a.yaml:14:24: error CJM307")


@pytest.mark.parametrize("jobs", ["-3", "65", "100000"])
def test_jobs_are_bounded(cjm, tmp_path, jobs):
    write(tmp_path, {"a.yaml": MAP})
    ran = cjm("validate", "a.yaml", "-j", jobs, cwd=tmp_path)
    assert ran.returncode == 2 and "--jobs takes 0 (one per core) to 64" in ran.stderr


def test_jobs_never_outnumber_the_work(tmp_path, monkeypatch):
    """-j 64 on 50 files starts at most 3 processes (16 files each at least)."""
    import multiprocessing

    from cjm.pipeline import validate as stage

    seen = []
    real = multiprocessing.get_context

    def spy(method):
        ctx = real(method)
        pool = ctx.Pool

        def counted(n, *a, **k):
            seen.append(n)
            return pool(n, *a, **k)

        ctx.Pool = counted
        return ctx

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    for i in range(50):
        (tmp_path / f"m{i:02}.yaml").write_text(MAP)
    result = stage.validate(stage.ValidateRequest([str(tmp_path)], jobs=64))
    assert len(result.report.reports) == 50 and seen == [3]


def test_a_folder_given_as_the_config_is_exit_2(cjm, tmp_path):
    write(tmp_path, {"a.yaml": MAP})
    ran = cjm("validate", "a.yaml", "-c", str(tmp_path), cwd=tmp_path)
    assert ran.returncode == 2 and "is a folder" in ran.stderr and "internal error" not in ran.stderr
