"""The portfolio: every map of a project, and what connects them.

Built from map summaries (``cjm.site.summary``), the project's catalogues and
metrics snapshots; answers what the pages ask: where each page lives, which
maps a persona, channel, KPI or piece of research appears in, which maps form
a current/future pair, how healthy each map is. Everything is sorted, so the
same inputs give the same pages.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from cjm.present.words import SEVERITY_ORDER

SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class SiteOptions:
    title: str = "Journey maps"
    today: _dt.date = _dt.date(2026, 1, 1)
    weights: tuple[float, float, float] = (2.0, 1.0, 1.0)  # customer value, business value, effort
    review_max_age: int = 120  # stale-review's max_age_days
    evidence_max_age: int = 365  # unsupported-claim's max_age_days


def slug_path(source: str, common: str) -> str:
    """A map's page path below ``maps/``: its file's path below the maps' common folder, .html."""
    rel = posixpath.relpath(source, common) if common else source
    for suffix in (".yaml", ".yml"):
        if rel.endswith(suffix):
            rel = rel[: -len(suffix)]
    return rel + ".html"


def common_folder(sources: list[str]) -> str:
    folders = [posixpath.dirname(s) for s in sources]
    if not folders:
        return ""
    common = posixpath.commonpath(folders) if all(folders) else ""
    return common


def emotion_of(tp: dict[str, Any], pid: str | None) -> float | None:
    """The score of persona ``pid`` at touchpoint ``tp`` (a summary dict), as ``ResolvedMap.emotion``."""
    emotion = tp.get("emotion")
    if emotion is None:
        return None
    if isinstance(emotion, dict):
        if pid is None:
            values = list(emotion.values())
            return sum(values) / len(values) if values else None
        return emotion.get(pid)
    if pid is not None and tp.get("personas") is not None and pid not in tp["personas"]:
        return None
    return emotion


def applies_to(tp: dict[str, Any], pid: str) -> bool:
    return tp.get("personas") is None or pid in tp["personas"]


def touchpoints(data: dict[str, Any]):
    for stage in data.get("stages", []):
        for tp in stage.get("touchpoints", []):
            yield stage, tp


def kpi_places(data: dict[str, Any]) -> dict[str, list[str]]:
    """KPI id -> the names of the stages and touchpoints that track it, in map order."""
    where: dict[str, list[str]] = {}
    for stage in data.get("stages", []):
        for kid in stage.get("kpis", []):
            where.setdefault(kid, []).append(stage["name"])
        for tp in stage.get("touchpoints", []):
            for kid in tp.get("kpis", []):
                where.setdefault(kid, []).append(tp["name"])
    return where


@dataclass
class MapInfo:
    source: str
    page: str
    summary: dict[str, Any]
    improves: str | None = None  # the source of the current-state map this one improves on
    improves_missing: str | None = None  # what `improves:` says when it names no map of the site
    improved_by: list[str] = field(default_factory=list)
    gap_page: str | None = None

    @property
    def data(self) -> dict[str, Any]:
        return self.summary["map"]

    @property
    def anchor(self) -> str:
        """An element id for this map on the portfolio's pages."""
        return "map-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.page[len("maps/"):-len(".html")])

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def type(self) -> str:
        return self.data.get("type", "current-state")

    @property
    def owner(self) -> str | None:
        return self.data.get("owner")

    @property
    def reviewed(self) -> str | None:
        return self.data.get("reviewed")

    @property
    def colors(self) -> dict[str, str]:
        return self.summary.get("colors", {})

    @property
    def coverage(self) -> dict[str, Any]:
        return self.summary["coverage"]

    @property
    def persona_ids(self) -> list[str]:
        return [p["id"] for p in self.data.get("personas", [])]

    def persona_name(self, pid: str) -> str:
        return next((p["name"] for p in self.data.get("personas", []) if p["id"] == pid), pid)

    def review_age(self, today: _dt.date) -> int | None:
        if not self.reviewed:
            return None
        return (today - _dt.date.fromisoformat(self.reviewed)).days

    def severities(self) -> dict[str, int]:
        if "_severities" in self.__dict__:
            return dict(self.__dict__["_severities"])
        counts = {s: 0 for s in SEVERITIES}
        counts["unrated"] = 0
        for _stage, tp in touchpoints(self.data):
            for p in tp.get("pain_points", []):
                counts[p.get("severity") or "unrated"] += 1
        self.__dict__["_severities"] = counts
        return dict(counts)

    def pain_count(self) -> int:
        return sum(self.severities().values())

    def kpi_health(self) -> dict[str, int]:
        from cjm.present.words import kpi_status

        out = {"ok": 0, "off": 0, "none": 0}
        for kpi in self.data.get("kpis", []):
            out[kpi_status(_Kpi(kpi)).state] += 1
        return out

    def search_text(self) -> str:
        d = self.data
        return " ".join(str(x) for x in (d.get("goal"), d.get("description"), d.get("owner"), d.get("industry"),
                                         " ".join(d.get("tags", []))) if x)


class _Kpi:
    """A KPI summary dict with attribute access, for ``cjm.present.words.kpi_status``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.target = data.get("target")
        self.actual = data.get("actual")
        self.direction = data.get("direction")


def kpi_status(kpi: dict[str, Any], actual: float | None = None):
    from cjm.present.words import kpi_status as status

    view = _Kpi(kpi)
    if actual is not None:
        view.actual = actual
    return status(view)


@dataclass
class Portfolio:
    """Every map of the site, and the indexes the pages read."""

    maps: list[MapInfo]
    catalog: dict[str, dict[str, dict[str, Any]]]  # kind -> id -> definition (from the catalogues)
    options: SiteOptions
    metrics: list[dict[str, Any]] = field(default_factory=list)  # snapshots, oldest first
    failed: list[str] = field(default_factory=list)  # map files that did not validate
    by_source: dict[str, MapInfo] = field(default_factory=dict)

    @classmethod
    def build(cls, summaries: list[dict[str, Any]], catalog: dict[str, dict[str, dict[str, Any]]] | None = None,
              options: SiteOptions | None = None, metrics: list[dict[str, Any]] | None = None,
              failed: list[str] | None = None) -> "Portfolio":
        summaries = sorted(summaries, key=lambda s: s["source"])
        common = common_folder([s["source"] for s in summaries])
        maps = [MapInfo(s["source"], "maps/" + slug_path(s["source"], common), s) for s in summaries]
        out = cls(maps, catalog or {}, options or SiteOptions(), sorted(metrics or [], key=lambda m: (m["to"], m["file"])),
                  sorted(failed or []))
        out.by_source = {m.source: m for m in maps}
        for m in maps:
            improves = m.data.get("improves")
            if not improves:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(m.source), improves))
            if target in out.by_source and target != m.source:
                m.improves = target
                out.by_source[target].improved_by.append(m.source)
                m.gap_page = "gaps/" + m.page[len("maps/"):]
            else:
                m.improves_missing = improves
        for m in maps:
            m.improved_by.sort()
        return out

    # --- pages ------------------------------------------------------------------------------------
    def persona_page(self, pid: str) -> str:
        return f"personas/{pid}.html"

    def channel_page(self, cid: str) -> str:
        return f"channels/{cid}.html"

    def kpi_page(self, kid: str) -> str:
        return f"kpis/{kid}.html"

    # --- personas, channels, KPIs, research --------------------------------------------------------
    def personas(self) -> dict[str, dict[str, Any]]:
        """Persona id -> {definition, maps, shared}: the catalogue's definition,
        else the first map's that defines it."""
        if "_personas" in self.__dict__:
            return self.__dict__["_personas"]
        self.__dict__["_personas"] = out = self._personas()
        return out

    def _personas(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for pid, definition in sorted(self.catalog.get("persona", {}).items()):
            out[pid] = {"id": pid, "definition": definition, "maps": [], "shared": True, "names": []}
        for m in self.maps:
            for p in m.data.get("personas", []):
                entry = out.setdefault(p["id"], {"id": p["id"], "definition": p, "maps": [], "shared": False,
                                                 "names": []})
                entry["maps"].append(m)
                # A persona defined on several maps: the fullest definition speaks for it (the first of equals).
                if not entry["shared"] and len(p) > len(entry["definition"]):
                    entry["definition"] = p
        for entry in out.values():
            names = {p.get("name") for m in entry["maps"] for p in m.data.get("personas", []) if p["id"] == entry["id"]}
            entry["names"] = sorted(n for n in names if n and n != entry["definition"].get("name"))
        return dict(sorted(out.items()))

    def channels(self) -> dict[str, dict[str, Any]]:
        """Channel id -> {definition, maps: [(map, its steps on this channel)], steps (count), pains (count)}."""
        if "_channels" not in self.__dict__:
            self.__dict__["_channels"] = self._channels()
        return self.__dict__["_channels"]

    def _channels(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for cid, definition in sorted(self.catalog.get("channel", {}).items()):
            out[cid] = {"id": cid, "definition": definition, "maps": [], "steps": 0, "pains": 0}
        for m in self.maps:
            defined = {c["id"]: c for c in m.data.get("channels", [])}
            mine: dict[str, list[tuple[dict, dict]]] = {}
            for stage, tp in touchpoints(m.data):
                if tp.get("channel"):
                    mine.setdefault(tp["channel"], []).append((stage, tp))
            for cid, steps in mine.items():
                entry = out.setdefault(cid, {"id": cid, "definition": defined.get(cid, {"id": cid, "name": cid}),
                                             "maps": [], "steps": 0, "pains": 0})
                entry["maps"].append((m, steps))
                entry["steps"] += len(steps)
                entry["pains"] += sum(len(tp.get("pain_points", [])) for _s, tp in steps)
        return dict(sorted(out.items()))

    def kpis(self) -> dict[str, dict[str, Any]]:
        """KPI id -> {definition, uses: [(map, kpi as the map has it, where it is measured)], actions}."""
        if "_kpis" not in self.__dict__:
            self.__dict__["_kpis"] = self._kpis()
        return self.__dict__["_kpis"]

    def _kpis(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for kid, definition in sorted(self.catalog.get("kpi", {}).items()):
            out[kid] = {"id": kid, "definition": definition, "uses": [], "actions": []}
        for m in self.maps:
            where = kpi_places(m.data)
            for kpi in m.data.get("kpis", []):
                entry = out.setdefault(kpi["id"], {"id": kpi["id"], "definition": kpi, "uses": [], "actions": []})
                entry["uses"].append((m, kpi, list(dict.fromkeys(where.get(kpi["id"], [])))))
            for action in m.data.get("actions", []):
                for kid in action.get("kpis", []):
                    if kid in out:
                        out[kid]["actions"].append((m, action))
        return dict(sorted(out.items()))

    def history(self, kpi: dict[str, Any]) -> list[dict[str, Any]]:
        """The KPI's values in the metrics snapshots, oldest first: {from, to, value, file}.
        A KPI is measured by the snapshot key its `metric:` names, else by its own id."""
        key = kpi.get("metric") or kpi.get("id")
        out = []
        for snap in self.metrics:
            value = snap["metrics"].get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            out.append({"from": snap["from"], "to": snap["to"], "value": as_kpi_value(value, key, kpi),
                        "file": snap["file"]})
        return out

    def research(self) -> dict[str, dict[str, Any]]:
        """Research id -> {definition, where (catalogue file or map), cited_by: [(map or None, claim)]}."""
        out: dict[str, dict[str, Any]] = {}
        for rid, definition in sorted(self.catalog.get("research", {}).items()):
            out[rid] = {"id": rid, "definition": definition, "maps": [], "cited_by": []}
        for m in self.maps:
            for r in m.data.get("research", []):
                entry = out.setdefault(r["id"], {"id": r["id"], "definition": r, "maps": [], "cited_by": []})
                entry["maps"].append(m)
            for claim in m.coverage.get("claims", []):
                for rid in claim[4]:
                    if rid in out:
                        out[rid]["cited_by"].append((m, claim))
        for pid, persona in sorted(self.catalog.get("persona", {}).items()):
            for rid in persona.get("based_on", []):
                if rid in out:
                    out[rid]["cited_by"].append((None, ["persona", pid, persona.get("name", pid), "", [rid], 0]))
        return out

    def research_age(self, definition: dict[str, Any]) -> int | None:
        date = definition.get("date")
        return None if not date else (self.options.today - _dt.date.fromisoformat(date)).days

    # --- portfolio totals --------------------------------------------------------------------------
    def totals(self) -> dict[str, Any]:
        claims = sum(m.coverage["total"] for m in self.maps)
        supported = sum(m.coverage["supported"] for m in self.maps)
        severities = {s: sum(m.severities()[s] for m in self.maps) for s in (*SEVERITIES, "unrated")}
        stale = sum(1 for m in self.maps if (m.review_age(self.options.today) or 0) > self.options.review_max_age)
        unreviewed = sum(1 for m in self.maps if not m.reviewed)
        opportunities = sum(len(tp.get("opportunities", [])) for m in self.maps for _s, tp in touchpoints(m.data))
        actions = sum(len(m.data.get("actions", [])) for m in self.maps)
        return {"maps": len(self.maps), "failed": len(self.failed), "personas": len(self.personas()),
                "claims": claims, "supported": supported,
                "coverage": None if not claims else supported * 100 // claims, "severities": severities,
                "pain_points": sum(severities.values()), "stale": stale, "unreviewed": unreviewed,
                "opportunities": opportunities, "actions": actions,
                "pairs": sum(1 for m in self.maps if m.improves)}

    def pain_points_of(self, pid: str) -> list[tuple[MapInfo, dict, dict, dict]]:
        """(map, stage, touchpoint, pain point) for every pain point at a step that applies to ``pid``,
        worst first."""
        out = []
        for m in self.maps:
            if pid not in m.persona_ids:
                continue
            for stage, tp in touchpoints(m.data):
                if applies_to(tp, pid):
                    out.extend((m, stage, tp, p) for p in tp.get("pain_points", []))
        return sorted(out, key=lambda x: (SEVERITY_ORDER.get(x[3].get("severity") or "", 4), x[0].source,
                                          x[3]["id"]))


# Snapshot keys that hold a rate between 0 and 1 (cjm-metrics, version 1).
_RATE_SUFFIXES = (".conversion", ".step_conversion", ".dropoff", ".unmatched_share")


def as_kpi_value(value: float, key: str, kpi: dict[str, Any]) -> float:
    """A snapshot value in the KPI's unit: snapshots hold rates as 0..1, a KPI in % as 0..100."""
    if kpi.get("unit") == "%" and key.endswith(_RATE_SUFFIXES):
        return round(value * 100, 6)
    return value
