"""Metrics snapshots (written by `cjm analyze -o`) read back for a map.

A map's snapshot is found by the project's `analytics.snapshot` (a path that
may hold `{map}`, the map's file name without `.yaml`), by default
`metrics/{map}.json` at the project root (beside the map for a map outside any
project). `cjm validate` checks KPIs that bind a `metric:` against it; `cjm
render` draws its numbers on the map. Reading never fails the run: a missing
or broken snapshot is said by the rules that need one.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any

from cjm.model.metrics import Metrics

DEFAULT = "metrics/{map}.json"
MAX_BYTES = 64 * 1024 * 1024


def snapshot_path(project: Any, map_file: str) -> Path:
    """Where the snapshot of ``map_file`` (as shown) lives in ``project``."""
    stem = Path(map_file).name
    for suffix in (".yaml", ".yml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    analytics = getattr(project.config, "analytics", None)
    pattern = (analytics.snapshot if analytics is not None and analytics.snapshot else None) or DEFAULT
    relative = pattern.replace("{map}", stem)
    base = project.root if project.config_file is not None else Path(map_file).parent
    return Path(os.path.normpath(base / relative))


_CACHE: dict[tuple[str, int, int], Metrics] = {}


def read_metrics(path: Path) -> Metrics:
    """The snapshot at ``path`` (cached by path, modification time and size)."""
    from cjm.pipeline.inputs import display_path, read_bytes

    shown = display_path(path) if path.is_absolute() else path.as_posix()
    try:
        st = os.stat(path)
    except OSError:
        return Metrics(shown, why=f"there is no metrics snapshot at {shown} (write one with `cjm analyze MAP -o "
                                  f"{shown}`)")
    key = (os.path.realpath(path), st.st_mtime_ns, st.st_size)
    if key in _CACHE:
        return _CACHE[key]
    raw, why = read_bytes(path, MAX_BYTES)
    if raw is not None and len(raw) > MAX_BYTES:  # read_bytes reads one byte past the limit to tell
        raw, why = None, f"it is larger than {MAX_BYTES / (1024 * 1024):g} MiB"
    metrics = Metrics(shown, why=f"cannot read {shown}: {why}") if raw is None else _parse(shown, raw)
    _CACHE[key] = metrics
    return metrics


def _parse(shown: str, raw: bytes) -> Metrics:
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return Metrics(shown, why=f"{shown} is not JSON ({exc})")
    if not isinstance(doc, dict) or doc.get("format") != "cjm-metrics" or doc.get("version") != 1:
        return Metrics(shown, why=f"{shown} is not a cjm metrics snapshot (format cjm-metrics, version 1)")
    values = doc.get("metrics")
    if not isinstance(values, dict):
        return Metrics(shown, why=f"{shown} holds no `metrics` mapping")
    end = None
    to = ((doc.get("provenance") or {}).get("time_range") or {}).get("to")
    if isinstance(to, str):
        try:
            end = _dt.date.fromisoformat(to[:10])
        except ValueError:
            end = None
    return Metrics(shown, values, end, doc)


def metrics_for(project: Any, map_file: str) -> Metrics:
    """The snapshot of a map as it was shown (``map_file``) in its project."""
    if project is None:
        from cjm.pipeline.project import default_project

        project = default_project(Path.cwd())
    return read_metrics(snapshot_path(project, map_file))
