"""The metrics snapshot: a funnel result with its provenance, as stable JSON.

KPIs of a map bind to the flat `metrics` keys; staleness is measured from the data's end
(`provenance.time_range.to`), so the snapshot holds no wall-clock time and the same data
gives the same bytes. Its JSON Schema is schemas/cjm-metrics.schema.json.
"""

from __future__ import annotations

import os

from cjm.analytics.inputs import file_digest

FORMAT = "cjm-metrics"
VERSION = 1


def _cjm_version() -> str:
    from cjm import __version__

    return __version__


def _relative(path: str, root: str | None) -> str:
    # Paths relative to the folder the user named keep snapshots equal across checkouts.
    base = root or os.path.dirname(path)
    rel = os.path.relpath(path, os.path.dirname(base) if root else base)
    return rel.replace(os.sep, "/")


def build_snapshot(result) -> dict:
    source = result.source
    data = result.to_dict()
    files = [
        {"path": _relative(p, source.root), "sha256": file_digest(p), "bytes": os.path.getsize(p)}
        for p in source.files
    ]
    results = {k: v for k, v in data.items() if k not in ("metrics", "semantics", "engine")}
    return {
        "format": FORMAT,
        "version": VERSION,
        "provenance": {
            "files": files,
            "format": source.format,
            "shape": source.shape,
            "time_range": data["totals"]["time_range"],
            "engine": data["engine"],
            "cjm": _cjm_version(),
        },
        "semantics": data["semantics"],
        "results": results,
        "metrics": data["metrics"],
    }
