"""What the site keeps of one map: plain, JSON-ready data.

Every page of the site except the map's own page is built from these
summaries, whether the map was checked in this run or its summary came from
the last build's manifest (an unchanged map is neither checked nor drawn
again). So fresh and cached maps go through the same code, and a summary is
exactly what the manifest stores.
"""

from __future__ import annotations

from typing import Any

from cjm.model.evidence import Coverage

SUMMARY_VERSION = 1


def summarize(resolved: Any, source: str, coverage: Coverage, catalog: Any = None) -> dict[str, Any]:
    """The summary of a validated, resolved map (``cjm.model.resolve.ResolvedMap``).

    ``source`` is the map file's path relative to the project root (POSIX);
    ``catalog`` the project's ``ProjectIndex``, to tell which personas,
    channels and KPIs the map takes from the shared catalogues."""
    entries = catalog.entries if catalog is not None else {}
    shared = {kind: sorted(i for i in ids if i in entries.get(kind, {}))
              for kind, ids in (("persona", [p.id for p in resolved.personas]),
                                ("channel", list(resolved.channels)), ("kpi", list(resolved.kpis)))}
    # Personas listed by id come from a catalogue; one defined on the map is its own.
    own_personas = {p.id for p in resolved.map.personas if not isinstance(p, str)}
    shared["persona"] = [pid for pid in shared["persona"] if pid not in own_personas]
    own_channels = {c.id for c in resolved.map.channels}
    shared["channel"] = [cid for cid in shared["channel"] if cid not in own_channels]
    own_kpis = {k.id for k in resolved.map.kpis}
    shared["kpi"] = [kid for kid in shared["kpi"] if kid not in own_kpis]
    return {
        "version": SUMMARY_VERSION,
        "source": source,
        "map": resolved.to_json(),
        "colors": dict(resolved.colors),
        "shared": shared,
        "coverage": {**coverage.to_dict(),
                     "claims": [[c.kind, c.id, c.label, c.status, list(c.cites), c.links] for c in coverage.claims]},
    }
