"""Inputs: what the user named (files, folders, globs, ``-``) turned into
sources, each with the project it belongs to, and files read into documents.

Reading never blocks and never follows a user into a trap: a named pipe, a
device or a folder where a file was expected becomes a finding (CJM107), an
unreadable folder or one without YAML files is said to be so. Naming nothing
at all is a usage error (exit 2), whatever way it happens: an empty folder,
an empty argument, a glob that matches nothing.
"""

from __future__ import annotations

import errno
import glob as _glob
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from cjm.diagnostics.codes import UNREADABLE
from cjm.diagnostics.errors import NothingToCheck, UsageError
from cjm.locations import Span
from cjm.pipeline.project import CONFIG_NAMES, Project, ProjectCache, find_config, safe_resolve, walk_yaml

STDIN = "-"
STDIN_NAME = "<stdin>"
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass
class Source:
    """A file to check, with the project it belongs to."""

    path: str  # as shown to the user
    real: Path | None  # None for stdin
    project: Project
    data: bytes | None = None  # stdin's bytes


def display_path(path: Path) -> str:
    """Paths as users typed them; absolute ones relative to the working folder
    when they lie inside it."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def resolve_inputs(inputs: list[str], projects: ProjectCache, force_exclude: bool = False,
                   stdin: bool = True) -> list[Source]:
    """Expand files, folders, globs and ``-`` into sources, in a stable order.

    Raises ``NothingToCheck`` when the inputs name no file at all (files named
    but all left out by ``force_exclude`` are fine: pre-commit hands cjm every
    staged YAML file, and CI workflows are not maps)."""
    sources: list[Source] = []
    seen: set[Path] = set()

    def add(path: Path, explicit: bool) -> None:
        resolved = safe_resolve(path)
        if resolved in seen:
            return
        project = projects.for_path(resolved)
        if path.name in CONFIG_NAMES and not explicit:
            return
        if project.config_file is not None and (force_exclude or not explicit) and not project.owns(resolved):
            return
        seen.add(resolved)
        sources.append(Source(display_path(path), path, project))

    if not inputs:
        config = projects.override or find_config(Path.cwd())
        if config is None:
            raise UsageError("no files given and no cjm.yaml found here or above",
                             "name the maps to check, or create a project with `cjm init`")
        project = projects.for_path(config)
        files = project.catalog_files() + project.map_files()
        if not files:
            raise NothingToCheck(f"the project {display_path(config)} has no maps: its `maps:` globs match no file",
                                 "add a map under the folder its globs name, or change `maps:`")
        for path in files:
            add(path, True)
        return sources

    for item in inputs:
        if item == STDIN:
            if not stdin:
                raise UsageError("this command cannot read a map from standard input; name the file")
            data = sys.stdin.buffer.read()
            sources.append(Source(STDIN_NAME, None, projects.for_path(Path.cwd()), data))
            continue
        if not item.strip():
            raise NothingToCheck("an empty path was given", "name a file, a folder or a glob")
        path = Path(item)
        if path.is_dir():
            found = _walk_folder(path)
            if not found:
                raise NothingToCheck(f"{item} holds no .yaml or .yml files", "name the folder that holds the maps")
            for rel in found:
                if Path(rel).name in CONFIG_NAMES:
                    continue
                add(path / rel, False)
        elif path.exists() or path.is_symlink():  # a broken or looping link: reading it says which
            add(path, not force_exclude)
        elif _GLOB_CHARS.search(item):
            matches = sorted(m for m in _glob.glob(item, recursive=True) if not Path(m).is_dir())
            if not matches:
                raise NothingToCheck(f"no files match {item!r}", "check the pattern; quote it so the shell "
                                     "does not expand it first")
            for match in matches:
                add(Path(match), True)
        else:
            raise UsageError(f"no such file or folder: {item}")
    return sources


def _walk_folder(path: Path) -> list[str]:
    problems: list[OSError] = []
    found = walk_yaml(path, problems.append)
    if problems and not found:
        exc = problems[0]
        reason = "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else (exc.strerror or str(exc))
        raise NothingToCheck(f"cannot read the folder {exc.filename or path}: {reason.lower()}")
    return found


def read_document(source: Source):
    """The source loaded into a ``cjm.loader.Document`` (findings for anything
    that stops it from being read)."""
    from cjm.loader import MAX_FILE_BYTES, Document, load_bytes

    if source.real is None:
        return load_bytes(source.path, source.data or b"")
    raw, why = read_bytes(source.real, MAX_FILE_BYTES)
    if raw is None:
        doc = Document(source.path)
        doc.findings.append(UNREADABLE.finding(f"cannot read the file: {why}", Span(source.path, 1, 1)))
        return doc
    return load_bytes(source.path, raw)


def read_bytes(path: Path | str, limit: int) -> tuple[bytes | None, str]:
    """(bytes, '') or (None, why not) for a file the user named or a project lists."""
    from cjm.infra.files import NotAFile, read_regular

    try:
        return read_regular(path, limit), ""
    except NotAFile as exc:
        return None, str(exc)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, "it is a symbolic link that loops (too many levels of symbolic links)"
        if isinstance(exc, FileNotFoundError) and os.path.islink(path):
            return None, f"it is a broken link to {os.readlink(path)}, which does not exist (no such file)"
        if isinstance(exc, IsADirectoryError):
            return None, "it is a folder"
        return None, (exc.strerror or str(exc)).lower()


