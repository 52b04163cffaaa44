"""Files: atomic writes (a failed run leaves existing files untouched) and the
folder of cjm's caches."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path | str, data: str | bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file in the same folder and
    an atomic rename. A symlink is followed (its target is replaced, the link
    stays) and an existing file keeps its mode. Returns False when the file
    already held exactly these bytes (it is then not touched at all)."""
    target = Path(os.path.realpath(path))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if target.read_bytes() == raw:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def cache_dir(*parts: str) -> str | None:
    """A folder under cjm's cache (``CJM_CACHE_DIR``, else ``$XDG_CACHE_HOME/cjm``,
    else ``~/.cache/cjm``); None when ``CJM_NO_CACHE`` is set."""
    if os.environ.get("CJM_NO_CACHE"):
        return None
    base = os.environ.get("CJM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "cjm")
    return os.path.join(base, *parts)
