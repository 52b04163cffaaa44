"""Input files: finding the broken one when an engine cannot read the data, and hashing them
for a snapshot's provenance.

Engines report read failures in their own words, often without the file; these checks,
plain Python and streaming, name the file (a Parquet file without its magic bytes, a gzip
that ends early, a JSON line that does not parse).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib

from cjm.analytics.errors import CorruptInputError
from cjm.analytics.spec import Source

CHUNK = 1 << 20


def _check_parquet(path: str) -> str | None:
    size = os.path.getsize(path)
    if size < 12:
        return "it is too short to be a Parquet file"
    with open(path, "rb") as fh:
        head = fh.read(4)
        fh.seek(-4, os.SEEK_END)
        tail = fh.read(4)
    if head != b"PAR1" or tail != b"PAR1":
        return "it is not a whole Parquet file (the PAR1 marks at its start and end are missing)"
    return None


def _open_text(path: str):
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def _check_gzip(path: str) -> str | None:
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(CHUNK):
                pass
    except (EOFError, OSError, zlib.error) as exc:
        return f"its gzip stream is broken or truncated ({exc})"
    return None


def _check_jsonl(path: str) -> str | None:
    with _open_text(path) as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    json.loads(line)
                except ValueError as exc:
                    return f"line {number} is not a JSON object ({exc.msg})"
    return None


def find_broken(source: Source) -> CorruptInputError | None:
    """The first file of the source that cannot be read, as an error naming it."""
    for path in source.files:
        problem = None
        if source.format == "parquet":
            problem = _check_parquet(path)
        if problem is None and path.lower().endswith(".gz"):
            problem = _check_gzip(path)
        if problem is None and source.format == "jsonl":
            problem = _check_jsonl(path)
        if problem:
            return CorruptInputError(
                f"cannot read {path}: {problem}",
                "replace the file with a complete copy, or remove it from the source",
            )
    return None


def read_failure(source: Source, engine_message: str) -> CorruptInputError:
    """The error to raise when an engine failed to read the source."""
    broken = find_broken(source)
    if broken is not None:
        return broken
    first_line = engine_message.strip().splitlines()[0] if engine_message.strip() else "unknown error"
    return CorruptInputError(
        f"cannot read the event data ({len(source.files)} file(s), {source.format}): {first_line[:500]}",
        "check that every file is complete and of the configured format",
    )


def file_digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
