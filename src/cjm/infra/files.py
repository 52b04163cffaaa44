"""Reading and writing files safely.

Writes are atomic: bytes go to a temporary file in the same folder, are
fsynced, and replace the target with one ``rename``, so an interrupted or
failed run never leaves half a file. A set of outputs (one ``cjm render``)
is *staged* first (every temporary file written) and only then *committed*
(every rename), so a full disk or a failing renderer leaves every existing
output untouched.

cjm runs in CI on contributed branches, so an output folder may hold links
planted by someone else: cjm never writes through a symbolic link it did not
make, nor into a folder reached through one below the folder the user named.
A file named by the user as an input (``cjm fmt FILE``) is the exception: it
is followed, so that formatting a linked map formats the map.

Named pipes, devices and sockets are never opened: reading one would hang or
consume someone else's data.

These functions raise ``OutputRefused`` (a path cjm will not write) and the
``OSError`` of the system; the pipeline turns both into messages and exit
codes.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class OutputRefused(Exception):
    """cjm will not write here; the message says why."""


class NotAFile(Exception):
    """The path is a folder, a named pipe, a device or a socket; the message says which."""


def kind_of(mode: int) -> str:
    """'a folder', 'a named pipe'… for an ``st_mode`` that is not a regular file."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes of a regular file (links followed). A named pipe,
    a device or a folder raises ``NotAFile`` at once instead of blocking."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise NotAFile("it is a folder") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(f"it is {kind_of(mode)}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _file_mode(existing: Path) -> int:
    try:
        return existing.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _check_target(target: Path, root: Path | None) -> None:
    """Refuse a link at ``target`` and a link or non-folder between ``root`` and it."""
    try:
        st = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):  # not there, or a file stands where a folder belongs
        st = None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise OutputRefused(f"{target} is a symbolic link (to {os.readlink(target)}); cjm does not write "
                                "through links it did not make: remove the link")
        if not stat.S_ISREG(st.st_mode):
            raise OutputRefused(f"{target} exists and is {kind_of(st.st_mode)}, not a file cjm can replace")
    if root is None:
        return
    try:
        inside = target.parent.relative_to(root)
    except ValueError:
        return
    current = root
    for part in inside.parts:
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            return  # created below by mkdir, as a real folder
        except NotADirectoryError:
            raise OutputRefused(f"a part of {current} is a file, not a folder: cannot write {target}") from None
        if stat.S_ISLNK(st.st_mode):
            raise OutputRefused(f"{current} is a symbolic link (to {os.readlink(current)}); cjm does not write "
                                "into folders reached through links it did not make: remove the link")
        if not stat.S_ISDIR(st.st_mode):
            raise OutputRefused(f"{current} is {kind_of(st.st_mode)}, not a folder: cannot write {target}")


def same_bytes(path: Path, data: bytes) -> bool:
    """True when ``path`` is a regular file holding exactly ``data`` (links not followed)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
        return False
    try:
        return read_regular(path, len(data)) == data
    except (OSError, NotAFile):
        return False


@dataclass
class _Staged:
    target: Path
    temp: str


@dataclass
class OutputSet:
    """Files to replace together: ``stage`` each, then ``commit``; ``discard``
    removes what was staged. Unchanged files are not staged at all (their
    modification time does not change)."""

    root: Path | None = None  # below here, folders must be real folders
    follow_links: bool = False  # True only for files the user named as inputs (cjm fmt)
    staged: list[_Staged] = field(default_factory=list)

    def stage(self, path: Path | str, data: str | bytes) -> bool:
        """Write ``data`` beside ``path``; False when ``path`` already holds it."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        target = Path(os.path.realpath(path)) if self.follow_links else Path(path)
        if not self.follow_links:
            _check_target(target, self.root)
        if same_bytes(target, raw):
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = _file_mode(target)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode)
        except BaseException:
            _unlink(temp)
            raise
        self.staged.append(_Staged(target, temp))
        return True

    def commit(self) -> None:
        while self.staged:
            item = self.staged.pop(0)
            try:
                if not self.follow_links:
                    _check_target(item.target, self.root)  # nothing planted since staging
                os.replace(item.temp, item.target)
            except BaseException:
                _unlink(item.temp)
                self.discard()
                raise

    def discard(self) -> None:
        for item in self.staged:
            _unlink(item.temp)
        self.staged.clear()


def atomic_write(path: Path | str, data: str | bytes, *, follow_links: bool = False, root: Path | None = None) -> bool:
    """Replace one file atomically; False when it already held exactly these bytes."""
    out = OutputSet(root=root, follow_links=follow_links)
    changed = out.stage(path, data)
    out.commit()
    return changed


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def describe_os_error(exc: OSError, path: object = None) -> tuple[str, bool]:
    """A message for an OSError met while reading or writing, and whether it is
    the environment's doing (no permission, a full or read-only disk) rather
    than the user's input (a file in the way of a folder…)."""
    where = str(path or exc.filename or "")
    reason = {
        errno.ENOSPC: "no space left on the device",
        getattr(errno, "EDQUOT", -1): "the disk quota is exceeded",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "it is a folder",
        errno.ENAMETOOLONG: "the name is too long",
        errno.EEXIST: "a file is in the way",
    }.get(exc.errno or 0, (exc.strerror or str(exc)).lower())
    environmental = exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1), errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO)
    return (f"{where}: {reason}" if where else reason), environmental
