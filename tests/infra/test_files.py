"""Safe files: atomic writes that never follow a link cjm did not make, never
block on a named pipe, and leave every existing file untouched when a run fails."""

from __future__ import annotations

import errno
import os
import stat
import threading

import pytest

from cjm.infra.files import (
    NotAFile,
    OutputRefused,
    OutputSet,
    atomic_write,
    describe_os_error,
    read_regular,
    same_bytes,
)


def test_atomic_write_replaces_and_reports_no_change(tmp_path):
    path = tmp_path / "out" / "m.svg"
    assert atomic_write(path, "one") is True
    assert path.read_text() == "one"
    mtime = path.stat().st_mtime_ns
    assert atomic_write(path, "one") is False  # identical bytes: not touched at all
    assert path.stat().st_mtime_ns == mtime
    assert atomic_write(path, b"two") is True and path.read_bytes() == b"two"
    assert [p.name for p in path.parent.iterdir()] == ["m.svg"]  # no temporary file left


def test_an_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "m.md"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_never_writes_through_a_planted_link(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "file"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "m.md").symlink_to(victim)
    with pytest.raises(OutputRefused, match="symbolic link"):
        atomic_write(out / "m.md", "overwritten", root=out)
    assert victim.read_text() == "precious"
    assert (out / "m.md").is_symlink()


def test_a_dangling_link_does_not_create_folders_elsewhere(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "nowhere" / "deep" / "file"
    (out / "m.md").symlink_to(target)
    with pytest.raises(OutputRefused):
        atomic_write(out / "m.md", "x", root=out)
    assert not (tmp_path / "nowhere").exists()


def test_a_linked_folder_inside_the_output_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OutputRefused, match="folders reached through links"):
        atomic_write(out / "sub" / "page.html", "x", root=out)
    assert list(elsewhere.iterdir()) == []


def test_a_file_where_a_folder_belongs_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").write_text("a file")
    with pytest.raises(OutputRefused, match="not a folder"):
        atomic_write(out / "sub" / "page.html", "x", root=out)


def test_a_named_pipe_at_the_output_path_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "m.svg"
    os.mkfifo(fifo)
    done = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            atomic_write(fifo, "x", root=tmp_path)
        except BaseException as exc:  # noqa: BLE001 - checked below
            errors.append(exc)
        done.set()

    threading.Thread(target=write, daemon=True).start()
    assert done.wait(10), "writing to a named pipe blocked"
    assert isinstance(errors[0], OutputRefused) and "named pipe" in str(errors[0])


def test_a_link_the_user_named_is_followed_when_asked(tmp_path):
    target = tmp_path / "real.yaml"
    target.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    atomic_write(link, "new", follow_links=True)
    assert link.is_symlink() and target.read_text() == "new"


def test_a_set_is_all_or_nothing(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a")
    b.write_text("old b")
    out = OutputSet(root=tmp_path)
    assert out.stage(a, "new a")
    # staging the second file fails: nothing of the run is committed
    (tmp_path / "c").write_text("a file")
    with pytest.raises(OutputRefused):
        out.stage(tmp_path / "c" / "d.txt", "x")
    out.discard()
    assert a.read_text() == "old a" and b.read_text() == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "c"]


def test_a_full_disk_while_staging_leaves_everything_untouched(tmp_path, monkeypatch):
    a = tmp_path / "a.txt"
    a.write_text("old a")
    out = OutputSet(root=tmp_path)
    out.stage(tmp_path / "b.txt", "new b")
    real_fdopen = os.fdopen

    def full(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)

        def no_space(_data):
            raise OSError(errno.ENOSPC, "No space left on device")

        handle.write = no_space
        return handle

    monkeypatch.setattr(os, "fdopen", full)
    with pytest.raises(OSError) as info:
        out.stage(a, "new a")
    monkeypatch.undo()
    out.discard()
    assert info.value.errno == errno.ENOSPC
    assert a.read_text() == "old a" and not (tmp_path / "b.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_read_regular_refuses_what_is_not_a_file(tmp_path):
    (tmp_path / "f").write_bytes(b"abc")
    assert read_regular(tmp_path / "f", 10) == b"abc"
    assert read_regular(tmp_path / "f", 1) == b"ab"  # limit + 1: enough to tell it is too big
    with pytest.raises(NotAFile, match="folder"):
        read_regular(tmp_path, 10)
    os.mkfifo(tmp_path / "p")
    with pytest.raises(NotAFile, match="named pipe"):
        read_regular(tmp_path / "p", 10)


def test_same_bytes_does_not_follow_links(tmp_path):
    (tmp_path / "f").write_bytes(b"x")
    (tmp_path / "l").symlink_to(tmp_path / "f")
    assert same_bytes(tmp_path / "f", b"x")
    assert not same_bytes(tmp_path / "l", b"x")
    assert not same_bytes(tmp_path / "missing", b"")


@pytest.mark.parametrize("code,environmental,words", [
    (errno.ENOSPC, True, "no space left"),
    (errno.EROFS, True, "read-only"),
    (errno.EACCES, True, "permission denied"),
    (errno.ENOTDIR, False, "is a file, not a folder"),
    (errno.EISDIR, False, "is a folder"),
])
def test_describe_os_error(code, environmental, words):
    message, env = describe_os_error(OSError(code, os.strerror(code), "out/m.svg"))
    assert env is environmental and words in message and message.startswith("out/m.svg")
