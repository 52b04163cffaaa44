"""Evidence coverage: how much of what a map claims is backed by research.

A map *claims* three kinds of things about customers: how they feel at a step
(a touchpoint's emotion), what hurts (a pain point) and who they are (a
persona). Each claim is **supported** when it cites research from a
``research:`` list (``based_on: [id, ...]``, on the map or in a catalogue) or
carries a link to evidence (a pain point's or touchpoint's ``evidence:``, a
persona's ``sources:``: what maps had before the research catalogue, and
still count). It is **stale** when everything it cites is dated and older
than ``max_age_days``; a link or undated research never goes stale (cjm cannot
tell its age). Otherwise it is **unsupported**.

Pure functions on the validated model: the unsupported-claim rule, ``cjm
validate -v`` and the site all count with these, so they always agree.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cjm.locations import DocPath

SUPPORTED, STALE, UNSUPPORTED = "supported", "stale", "unsupported"
KINDS = ("emotion", "pain_point", "persona")
KIND_LABELS = {"emotion": "emotions", "pain_point": "pain points", "persona": "personas"}
DEFAULT_MAX_AGE_DAYS = 365


@dataclass(frozen=True)
class Claim:
    """One thing a map says about customers, and what backs it."""

    kind: str  # emotion | pain_point | persona
    id: str  # the touchpoint's, pain point's or persona's id
    label: str  # its name or title
    path: DocPath | None  # where it sits in the document (None: defined in a catalogue)
    status: str  # supported | stale | unsupported
    cites: tuple[str, ...] = ()  # research ids it cites (known or not)
    links: int = 0  # evidence links it carries
    newest: _dt.date | None = None  # the date of the newest research it cites


@dataclass
class Coverage:
    """The claims of one map (or catalogue) and their totals."""

    claims: list[Claim] = field(default_factory=list)

    def count(self, status: str | None = None, kind: str | None = None) -> int:
        return sum(1 for c in self.claims if (status is None or c.status == status)
                   and (kind is None or c.kind == kind))

    @property
    def total(self) -> int:
        return len(self.claims)

    @property
    def supported(self) -> int:
        return self.count(SUPPORTED)

    @property
    def stale(self) -> int:
        return self.count(STALE)

    @property
    def unsupported(self) -> int:
        return self.count(UNSUPPORTED)

    @property
    def percent(self) -> int | None:
        """Supported claims as a whole percentage (rounded down, so 100 means all); None without claims."""
        return None if not self.claims else self.supported * 100 // len(self.claims)

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """kind -> (supported, total), for every kind that has claims."""
        return {k: (self.count(SUPPORTED, k), self.count(kind=k)) for k in KINDS if self.count(kind=k)}

    def sentence(self) -> str:
        """'9 of 14 claims supported (64 %): emotions 3/5, pain points 5/6, personas 1/3; 1 stale'."""
        if not self.claims:
            return "no claims to support (no emotions, pain points or personas)"
        parts = ", ".join(f"{KIND_LABELS[k]} {s}/{t}" for k, (s, t) in self.by_kind().items())
        text = f"{self.supported} of {self.total} claims supported ({self.percent} %): {parts}"
        if self.stale:
            text += f"; {self.stale} only by stale research"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "supported": self.supported, "stale": self.stale,
                "unsupported": self.unsupported, "percent": self.percent,
                "by_kind": {k: {"supported": s, "total": t} for k, (s, t) in self.by_kind().items()}}


def research_of(model: Any, project: Any = None) -> dict[str, Any]:
    """Research id -> ``Research``: the project's catalogues, then the map's own
    (a map's entry wins over a catalogue's of the same id)."""
    out: dict[str, Any] = {}
    if project is not None:
        out.update({rid: entry.value for rid, entry in sorted(project.entries.get("research", {}).items())})
    out.update({r.id: r for r in getattr(model, "research", [])})
    return out


def uses_research(model: Any, project: Any = None) -> bool:
    """Whether the map or the project keeps research to cite (or the map cites any):
    only then does the unsupported-claim rule speak."""
    if getattr(model, "research", None):
        return True
    if project is not None and project.entries.get("research"):
        return True
    return any(claim.cites for claim in _raw_claims(model, include_catalog_personas=None))


def _status(cites: Iterable[str], links: int, research: Mapping[str, Any], today: _dt.date,
            max_age_days: int) -> tuple[str, _dt.date | None]:
    known = [research[c] for c in cites if c in research]
    dates = [r.date for r in known if r.date is not None]
    newest = max(dates) if dates else None
    if links or any(r.date is None for r in known):
        return SUPPORTED, newest  # a link or undated research: cannot tell its age
    if not known:
        return UNSUPPORTED, None
    if newest is not None and (today - newest).days > max_age_days:
        return STALE, newest
    return SUPPORTED, newest


@dataclass(frozen=True)
class _Raw:
    kind: str
    id: str
    label: str
    path: DocPath | None
    cites: tuple[str, ...]
    links: int


def _raw_claims(model: Any, include_catalog_personas: Iterable[Any] | None) -> Iterator[_Raw]:
    if getattr(model, "kind", "map") == "catalog":
        for i, p in enumerate(model.personas):
            yield _Raw("persona", p.id, p.name, ("personas", i), tuple(p.based_on), len(p.sources))
        return
    for i, p in enumerate(model.personas):
        if not isinstance(p, str):
            yield _Raw("persona", p.id, p.name, ("personas", i), tuple(p.based_on), len(p.sources))
    for p in include_catalog_personas or ():
        yield _Raw("persona", p.id, p.name, None, tuple(p.based_on), len(p.sources))
    for si, stage in enumerate(model.stages):
        for ti, tp in enumerate(stage.touchpoints):
            path = ("stages", si, "touchpoints", ti)
            if tp.emotion is not None:
                yield _Raw("emotion", tp.id, tp.name, path + ("emotion",), tuple(tp.based_on), len(tp.evidence))
            for pi, pain in enumerate(tp.pain_points):
                yield _Raw("pain_point", pain.id, pain.title, path + ("pain_points", pi), tuple(pain.based_on),
                           len(pain.evidence))


def coverage(model: Any, research: Mapping[str, Any], *, today: _dt.date | None = None,
             max_age_days: int = DEFAULT_MAX_AGE_DAYS, catalog_personas: Iterable[Any] = ()) -> Coverage:
    """The claims of ``model`` (a map or a catalogue) with their status.

    ``research`` is what may be cited (``research_of``); ``catalog_personas``
    are the catalogue personas a map uses, counted as the map's claims (their
    support is what the catalogue gives them)."""
    today = today or _dt.date.today()
    claims = []
    for raw in _raw_claims(model, list(catalog_personas)):
        status, newest = _status(raw.cites, raw.links, research, today, max_age_days)
        claims.append(Claim(raw.kind, raw.id, raw.label, raw.path, status, raw.cites, raw.links, newest))
    return Coverage(claims)


def citations(model: Any) -> Iterator[tuple[DocPath, str]]:
    """(path, research id) of every ``based_on:`` entry of a map or catalogue."""
    for i, p in enumerate(model.personas):
        if not isinstance(p, str):
            for j, rid in enumerate(p.based_on):
                yield ("personas", i, "based_on", j), rid
    if getattr(model, "kind", "map") == "catalog":
        return
    for si, stage in enumerate(model.stages):
        for ti, tp in enumerate(stage.touchpoints):
            path = ("stages", si, "touchpoints", ti)
            for j, rid in enumerate(tp.based_on):
                yield path + ("based_on", j), rid
            for pi, pain in enumerate(tp.pain_points):
                for j, rid in enumerate(pain.based_on):
                    yield path + ("pain_points", pi, "based_on", j), rid
