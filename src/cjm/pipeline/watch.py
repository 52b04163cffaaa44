"""Watching: render, then render again once per change to a map, a catalogue,
the config or a template.

File events come from watchfiles (Rust's notify: inotify, FSEvents, …), not
from polling; a burst of events (an editor's save writes a temporary file,
renames it, touches metadata) arrives as one batch and gives one render. The
folders that hold the watched files are watched, and events are kept only for
those files, so an editor's swap files do not render anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path


def folders_of(files: Iterable[Path]) -> list[Path]:
    """The existing folders to watch for ``files`` (each once, outermost first)."""
    out: list[Path] = []
    for f in sorted({(p if p.is_dir() else p.parent).resolve() for p in files}):
        if f.is_dir() and not any(f.is_relative_to(o) for o in out):
            out.append(f)
    return out


def relevant(changes: Iterable[tuple[object, str]], files: set[Path], folders: set[Path]) -> bool:
    """Whether a batch of changes touches a watched file or a file inside a
    watched folder (a template folder)."""
    for _kind, name in changes:
        path = Path(name).resolve()
        if path in files or any(path.is_relative_to(folder) for folder in folders):
            return True
    return False


def watch(render_once: Callable[[], tuple[int, list[Path]]], extra: Iterable[Path],
          on_change: Callable[[], None], stop: threading.Event | None = None) -> int:
    """Render, then once per batch of relevant changes; ``render_once`` returns
    (exit code, files to watch). Returns the last exit code when ``stop`` is set."""
    from watchfiles import watch as events

    extra = list(extra)
    code, watched = render_once()
    while not (stop is not None and stop.is_set()):
        files = {p.resolve() for p in watched if p.exists()}
        trees = {p.resolve() for p in extra if p.is_dir()}
        files |= {p.resolve() for p in extra if p.is_file()}
        roots = folders_of(list(files) + list(trees))
        if not roots:
            return code
        for changes in events(*roots, stop_event=stop, raise_interrupt=False, rust_timeout=500, yield_on_timeout=False):
            if relevant(changes, files, trees):
                on_change()
                code, watched = render_once()
                break
        else:
            return code
    return code
