"""The search index: every piece of text on the site, as documents the search
page's script filters in the browser (no server, no fetch: the index is a JSON
data block inside search.html).

A document is ``[kind, title, text, url, where]``: ``url`` is relative to the
site's root, ``where`` names the map (or page) it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cjm.site.portfolio import Portfolio, touchpoints

MAX_TEXT = 2_000  # characters of text per document: enough to find it, short enough to ship 1,000 maps


def _join(parts: Iterable[Any]) -> str:
    text = " ".join(str(p) for p in parts if p)
    return " ".join(text.split())[:MAX_TEXT]


def documents_of_map(m: Any, anchors: set[str]) -> list[list[str]]:
    """The documents of one map: itself, its stages, steps and pain points. ``anchors``
    are the element ids its page has: a result links to the stage only where the page has it."""
    d = m.data

    def at(anchor: str) -> str:
        return f"{m.page}#{anchor}" if anchor in anchors else m.page

    docs = [["map", m.title, _join([m.search_text(), m.source]), m.page, m.source]]
    for stage in d.get("stages", []):
        docs.append(["stage", stage["name"], _join([stage.get("goal"), stage.get("description"),
                                                    *stage.get("questions", [])]),
                     at(f"stage-{stage['id']}"), m.title])
    for stage, tp in touchpoints(d):
        docs.append(["step", tp["name"], _join([tp.get("action"), tp.get("description"), *tp.get("thoughts", []),
                                                tp.get("feeling"), tp.get("frontstage"), tp.get("backstage"),
                                                tp.get("support"), tp.get("policy")]),
                     at(f"stage-{stage['id']}"), m.title])
        for p in tp.get("pain_points", []):
            docs.append(["pain point", p["title"], _join([p.get("severity"), p.get("description"), tp["name"]]),
                         at("pain-points"), m.title])
    return docs


def documents(portfolio: Portfolio, per_map: dict[str, list[list[str]]], backlog: list[Any]) -> list[list[str]]:
    """Every document of the site: each map's (``per_map``: source -> ``documents_of_map``),
    then the backlog's, the personas', channels', KPIs' and research's."""
    docs: list[list[str]] = []
    for m in portfolio.maps:
        docs.extend(per_map[m.source])
    return docs + other_documents(portfolio, backlog)


def as_json(docs: list[list[str]]) -> str:
    """Documents as the items of a JSON array (no brackets), safe inside a ``<script>`` data
    block: a map's are made once and kept, and the index is joined from them."""
    from cjm.render.html import json_for_script

    return json_for_script(docs)[1:-1]


def index_json(parts: list[str]) -> str:
    """The search index from ``as_json`` parts."""
    return "[" + ",".join(p for p in parts if p) + "]"


def other_documents(portfolio: Portfolio, backlog: list[Any]) -> list[list[str]]:
    """The documents that belong to no one map: the backlog's, personas', channels', KPIs', research's."""
    docs: list[list[str]] = []
    for item in backlog:
        docs.append([item.kind, item.title, _join([item.owner, item.status,
                                                   *(p["title"] for _m, p in item.addresses)]),
                     f"backlog.html#{item.anchor}", ", ".join(dict.fromkeys(m.title for m, _w in item.places))])
    for pid, persona in portfolio.personas().items():
        p = persona["definition"]
        docs.append(["persona", p.get("name", pid),
                     _join([p.get("segment"), p.get("occupation"), p.get("location"), p.get("description"),
                            p.get("quote"), *p.get("goals", []), *p.get("challenges", []), *p.get("pain_points", []),
                            *p.get("motivations", []), *persona["names"]]),
                     portfolio.persona_page(pid), "persona"])
    for cid, channel in portfolio.channels().items():
        c = channel["definition"]
        docs.append(["channel", c.get("name", cid), _join([c.get("mode"), c.get("description")]),
                     portfolio.channel_page(cid), "channel"])
    for kid, kpi in portfolio.kpis().items():
        k = kpi["definition"]
        docs.append(["KPI", k.get("name", kid), _join([k.get("unit"), k.get("source"), k.get("description"),
                                                       k.get("metric")]),
                     portfolio.kpi_page(kid), "KPI"])
    for rid, research in portfolio.research().items():
        r = research["definition"]
        docs.append(["research", r.get("title", rid), _join([r.get("method"), r.get("date"), r.get("owner"),
                                                             r.get("description")]),
                     f"evidence.html#research-{rid}", "evidence"])
    return docs
