"""Inputs: files, folders, globs and stdin turned into sources; reading that
never blocks; "nothing to check" said the same way however it happens."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from conftest import MINIMAL_MAP, load

from cjm.diagnostics.errors import NothingToCheck, UsageError
from cjm.loader import MAX_FILE_BYTES
from cjm.pipeline.inputs import read_bytes, resolve_inputs
from cjm.pipeline.project import ProjectCache


def test_size_cap(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# x\n" * (MAX_FILE_BYTES // 4 + 1))
    [f] = load(path, "big.yaml").findings
    assert (f.code, f.span.file, f.span.line) == ("CJM104", "big.yaml", 1)
    assert "8 MiB" in f.message


def test_unreadable_things(tmp_path) -> None:
    [f] = load(tmp_path, "folder").findings
    assert f.code == "CJM107" and "folder" in f.message
    [f] = load(tmp_path / "missing.yaml").findings
    assert f.code == "CJM107" and "no such file" in f.message
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    [f] = load(tmp_path / "loop.yaml").findings
    assert f.code == "CJM107" and "loops" in f.message
    (tmp_path / "dangling.yaml").symlink_to("gone.yaml")
    [f] = load(tmp_path / "dangling.yaml").findings
    assert f.code == "CJM107" and "broken link" in f.message


def _with_timeout(func, seconds: float = 10):
    """Run ``func`` in a thread; fail instead of hanging the suite."""
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading blocked"
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_a_named_pipe_is_refused_at_once(tmp_path) -> None:
    fifo = tmp_path / "map.yaml"
    os.mkfifo(fifo)
    [f] = _with_timeout(lambda: load(fifo).findings)
    assert f.code == "CJM107" and "named pipe" in f.message
    raw, why = _with_timeout(lambda: read_bytes(fifo, 100))
    assert raw is None and "named pipe" in why


def test_a_named_pipe_in_a_folder_does_not_hang_validate(tmp_path, cjm) -> None:
    (tmp_path / "good.yaml").write_text(MINIMAL_MAP)
    os.mkfifo(tmp_path / "pipe.yaml")
    ran = _with_timeout(lambda: cjm("validate", str(tmp_path)))
    assert ran.returncode == 1
    assert "pipe.yaml:1:1: error CJM107" in ran.stdout and "named pipe" in ran.stdout


@pytest.mark.parametrize("what", ["empty folder", "empty argument", "glob", "unreadable folder"])
def test_nothing_to_check_is_exit_2_whatever_the_way(tmp_path, cjm, what) -> None:
    if what == "empty folder":
        args = [str(tmp_path)]
    elif what == "empty argument":
        args = [""]
    elif what == "glob":
        args = [str(tmp_path / "*.yaml")]
    else:
        if os.geteuid() == 0:
            pytest.skip("root reads any folder")
        locked = tmp_path / "locked"
        locked.mkdir()
        (locked / "m.yaml").write_text(MINIMAL_MAP)
        locked.chmod(0)
        args = [str(locked)]
    ran = cjm("validate", *args)
    assert ran.returncode == 2, ran
    assert "All good" not in ran.stdout
    assert ran.stderr.startswith("error: ")


def test_files_all_left_out_by_force_exclude_are_fine(tmp_path) -> None:
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\n")
    (tmp_path / "ci.yaml").write_text("on: push\n")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert resolve_inputs(["ci.yaml"], ProjectCache(), force_exclude=True) == []
    finally:
        os.chdir(old)


def test_a_project_without_maps_is_nothing_to_check(tmp_path) -> None:
    (tmp_path / "cjm.yaml").write_text("cjm: 1\nmaps: ['maps/*.yaml']\n")
    with pytest.raises(NothingToCheck, match="no maps"):
        resolve_inputs([], ProjectCache(tmp_path / "cjm.yaml"))


def test_stdin_can_be_refused(tmp_path) -> None:
    with pytest.raises(UsageError, match="standard input"):
        resolve_inputs(["-"], ProjectCache(), stdin=False)


def test_missing_path(tmp_path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        resolve_inputs([str(tmp_path / "nope.yaml")], ProjectCache())


def test_order_is_stable_and_each_file_once(tmp_path) -> None:
    for name in ("b.yaml", "a.yaml", "sub/c.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(MINIMAL_MAP)
    sources = resolve_inputs([str(tmp_path), str(tmp_path / "a.yaml")], ProjectCache())
    assert [Path(s.path).name for s in sources] == ["a.yaml", "b.yaml", "c.yml"]
