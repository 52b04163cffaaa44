"""The shared catalogues of a project, indexed by id.

Built by the pipeline from the project's catalogue files, read by the rules
(does this persona exist?) and by ``resolve`` (put the catalogue persona in
place of its id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cjm.locations import DocPath

KINDS = ("persona", "channel", "kpi", "research")
KEYS = {"persona": "personas", "channel": "channels", "kpi": "kpis", "research": "research"}


@dataclass
class CatalogEntry:
    """An item a map may refer to by id, and where it was defined."""

    kind: str  # persona | channel | kpi | research
    id: str
    value: Any
    file: str
    path: DocPath


def _empty_entries() -> dict[str, dict[str, CatalogEntry]]:
    return {kind: {} for kind in KINDS}


@dataclass
class ProjectIndex:
    """The shared catalogues of a project: kind -> id -> entry."""

    entries: dict[str, dict[str, CatalogEntry]] = field(default_factory=_empty_entries)

    def get(self, kind: str, id_: str) -> CatalogEntry | None:
        return self.entries[kind].get(id_)

    def ids(self, kind: str) -> set[str]:
        return set(self.entries[kind])

    def add_catalog(self, catalog: Any, file: str) -> None:
        """Index a validated catalogue; an id already indexed keeps its first
        definition (the duplicate-id rule reports the second)."""
        for kind in KINDS:
            key = KEYS[kind]
            for i, item in enumerate(getattr(catalog, key)):
                self.entries[kind].setdefault(item.id, CatalogEntry(kind, item.id, item, file, (key, i)))
