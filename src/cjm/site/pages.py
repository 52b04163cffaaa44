"""Every page of the site except the maps' own: rendered from the portfolio
with the site's templates (``cjm/site/templates``), in memory.

Each page is self-contained and works from file://: its CSS and script are
inline and allowed by their sha256 hashes in a strict Content-Security-Policy
(``default-src 'none'``), as on ``cjm render -f html``'s page; links are
relative. Map text is escaped by jinja2's autoescaping (and, in the pieces
that belong to one map, by ``cjm.site.fragments``); links to the outside go
through ``safe_url`` (http, https and mailto only). The search index is a
JSON data block in search.html, never fetched.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from cjm.model.evidence import KIND_LABELS
from cjm.present.escape import safe_url
from cjm.present.numbers import number, signed
from cjm.present.words import map_type, status
from cjm.render.html import sha256_source
from cjm.site import backlog as backlog_module
from cjm.site import charts, fragments, search
from cjm.site.links import href, root_of
from cjm.site.portfolio import SEVERITIES, Portfolio

PAIN_LIMIT = 200  # pain points listed on a persona's page: the worst first


def _bytecode_cache():
    """Compiled templates kept between runs, as for the renderers' templates
    (jinja2 checks each template's source checksum; CJM_NO_CACHE=1 turns it off)."""
    import os

    from jinja2 import FileSystemBytecodeCache

    from cjm.infra.cache import cache_dir

    folder = cache_dir("jinja2", "site")
    if folder is None:
        return None
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(folder) if os.access(folder, os.W_OK) else None


@lru_cache(maxsize=1)
def environment():
    # Summaries leave out what a map does not say (exclude_none): a missing key
    # reads as empty, as in the YAML. (The tests check what each page shows.)
    from jinja2 import Environment, PackageLoader, Undefined, select_autoescape

    env = Environment(loader=PackageLoader("cjm", "site/templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=Undefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                      bytecode_cache=_bytecode_cache())
    env.filters.update(safe_url=safe_url, number=number, signed=signed, map_type=map_type, status=status)
    env.tests["quadrant_is"] = lambda item, name, quadrant, weights: quadrant(item.value(weights), item.effort) == name
    return env


class UnsafeAsset(ValueError):
    """A CSS or JS asset holds what would end its inline block."""


def asset(name: str) -> str:
    """A CSS or JS file shipped with the site templates, raw (inlined into every page)."""
    env = environment()
    source, _filename, _uptodate = env.loader.get_source(env, name)
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in source.lower() or "<!--" in source:
        raise UnsafeAsset(f"{name}: {closing}> and <!-- may not appear in an inline asset")
    return source


@dataclass
class SitePages:
    pages: dict[str, str] = field(default_factory=dict)  # path -> HTML, every page but the maps'
    bar_css: str = ""
    pieces: dict[str, dict[str, Any]] = field(default_factory=dict)  # map source -> its fragments
    keys: dict[str, str] = field(default_factory=dict)  # page -> what went into it (pages that can be kept)
    kept: set[str] = field(default_factory=set)  # pages not rendered: the same as the last build's


class _Renderer:
    def __init__(self, portfolio: Portfolio) -> None:
        self.p = portfolio
        self.css = asset("site.css")
        self.js = asset("site.js")
        self.csp = "; ".join(["default-src 'none'", "script-src " + sha256_source(self.js),
                              "style-src " + sha256_source(self.css), "img-src data:", "base-uri 'none'",
                              "form-action 'none'"])
        self.totals = portfolio.totals()

    def render(self, template: str, page: str, title: str, section: str, **context: Any) -> str:
        depth = page.count("/")

        def url(to: str) -> str:
            return href(page, to)

        def link(m) -> Markup:
            return Markup(fragments.link(m, depth))

        return environment().get_template(template).render(
            page=page, root=root_of(page), url=url, link=link, page_title=title, section=section,
            site=self.p.options, csp=self.csp, css=self.css, js=self.js, totals=self.totals,
            today=self.p.options.today.isoformat(), p=self.p, **context)


def bar(portfolio: Portfolio, m) -> str:
    """The site's bar on top of map ``m``'s page."""
    from cjm.site.mappage import bar as draw

    data = m.data
    current = portfolio.by_source.get(m.improves) if m.improves else None
    futures = [portfolio.by_source[f] for f in m.improved_by]
    return draw(portfolio.options.title, m.page,
                personas=[(p["id"], p.get("name", p["id"])) for p in data.get("personas", [])],
                channels=[(c["id"], c.get("name", c["id"])) for c in data.get("channels", [])],
                kpis=[(k["id"], k.get("name", k["id"])) for k in data.get("kpis", [])],
                coverage=m.coverage.get("percent"), anchor=m.anchor,
                current=(current.page, current.title) if current else None, gap_page=m.gap_page,
                futures=[(f.page, f.title, f.gap_page) for f in futures])


def _join(rows) -> Markup:
    return Markup("".join(rows))


def build(portfolio: Portfolio, anchors: dict[str, set[str]] | None = None,
          pieces: dict[str, dict[str, Any]] | None = None, previous: dict[str, str] | None = None) -> SitePages:
    """Every page of the site but the maps' own.

    ``pieces`` are each map's fragments (``cjm.site.fragments.of_map``), made
    where the map was checked or kept from the last build; those missing are
    made here. ``previous`` holds the keys (``SitePages.keys``) of the last
    build's gap views: one whose inputs are the same is not rendered again."""
    import hashlib
    import json
    anchors = anchors or {}
    pieces = dict(pieces or {})
    p = portfolio
    for m in p.maps:
        if m.source not in pieces:
            pieces[m.source] = fragments.of_map(m, p.options, anchors.get(m.source, set()))
    r = _Renderer(portfolio)
    out = SitePages(bar_css=asset("bar.css"), pieces=pieces)
    items = backlog_module.build(p)
    weights = p.options.weights
    personas, channels, kpis, research = p.personas(), p.channels(), p.kpis(), p.research()
    open_items = [i for i in items if i.is_open]

    rows = []
    for m in p.maps:
        row = pieces[m.source]["index"]
        rows.append(row.replace(fragments.PAIRS, fragments.pairs(m, p.by_source)))
    out.pages["index.html"] = r.render(
        "index.html.j2", "index.html", "Every map", "maps", rows=_join(rows), open_items=len(open_items),
        quick_wins=sum(1 for i in open_items if backlog_module.quadrant(i.value(weights), i.effort) == "Quick win"))

    pain_counts = {}
    for pid, persona in personas.items():
        page = p.persona_page(pid)
        curves = [pieces[m.source]["curves"][pid] for m in persona["maps"] if pid in pieces[m.source]["curves"]]
        pains = sorted((row for m in persona["maps"] for row in pieces[m.source]["pains"].get(pid, [])),
                       key=lambda x: (x[0], x[1]))
        pain_counts[pid] = len(pains)
        out.pages[page] = r.render("persona.html.j2", page, persona["definition"].get("name", pid), "personas",
                                   persona=persona, curves=_join(curves), curve_count=len(curves),
                                   pains=_join(row[2] for row in pains[:PAIN_LIMIT]), pain_count=len(pains),
                                   limit=PAIN_LIMIT, research=research)
    out.pages["personas/index.html"] = r.render("personas.html.j2", "personas/index.html", "Personas", "personas",
                                                personas=personas, pains=pain_counts)

    out.pages["channels/index.html"] = r.render("channels.html.j2", "channels/index.html", "Channels", "channels",
                                                channels=channels)
    for cid, channel in channels.items():
        page = p.channel_page(cid)
        rows = [pieces[m.source]["channels"][cid][2] for m, _steps in channel["maps"]]
        out.pages[page] = r.render("channel.html.j2", page, channel["definition"].get("name", cid), "channels",
                                   channel=channel, rows=_join(rows))

    counts = {}
    for kid, kpi in kpis.items():
        page = p.kpi_page(kid)
        uses = [pieces[m.source]["kpis"][kid] for m, _k, _w in kpi["uses"]]
        counts[kid] = {state: sum(1 for u in uses if u[0] == state) for state in ("ok", "off", "none")}
        history = p.history(kpi["definition"])
        chart = charts.history([(h["to"][:10], h["value"]) for h in history], kpi["definition"].get("target"))
        out.pages[page] = r.render("kpi.html.j2", page, kpi["definition"].get("name", kid), "kpis", kpi=kpi,
                                   rows=_join(u[1] for u in uses), history=history, chart=chart)
    out.pages["kpis/index.html"] = r.render("kpis.html.j2", "kpis/index.html", "KPIs", "kpis", kpis=kpis,
                                            counts=counts, histories={k: len(p.history(v["definition"]))
                                                                      for k, v in kpis.items()})

    out.pages["backlog.html"] = r.render("backlog.html.j2", "backlog.html", "Opportunity backlog", "backlog",
                                         items=items, matrix=backlog_module.matrix(items, weights),
                                         quadrant=backlog_module.quadrant, weights=weights)
    out.pages["evidence.html"] = r.render("evidence.html.j2", "evidence.html", "Evidence", "evidence",
                                          rows=_join(pieces[m.source]["evidence"] for m in p.maps),
                                          research=research, kind_labels=KIND_LABELS)
    chrome = hashlib.sha256("\0".join([r.css, r.js, p.options.title, p.options.today.isoformat(),
                                         str(r.totals["maps"])]).encode("utf-8")).hexdigest()
    for m in p.maps:
        gap = m.summary.get("gap")
        if m.gap_page and gap:
            current = p.by_source[m.improves]
            key = hashlib.sha256(json.dumps([chrome, gap, m.title, m.page, current.title, current.page],
                                            sort_keys=True).encode("utf-8")).hexdigest()
            out.keys[m.gap_page] = key
            if (previous or {}).get(m.gap_page) == key:
                out.kept.add(m.gap_page)
                continue
            out.pages[m.gap_page] = r.render("gap.html.j2", m.gap_page, f"Gap: {m.title}", "maps", m=m,
                                             current=current, gap=gap,
                                             names={x["id"]: x["name"] for x in gap["personas"]})
    others = search.other_documents(p, items)
    index = search.index_json([pieces[m.source]["search"] for m in p.maps] + [search.as_json(others)])
    out.pages["search.html"] = r.render("search.html.j2", "search.html", "Search", "search", index=Markup(index),
                                        documents=sum(pieces[m.source]["documents"] for m in p.maps) + len(others))
    return out


def today_from(epoch: str | None) -> _dt.date:
    """The build's date: ``SOURCE_DATE_EPOCH`` (seconds, as reproducible builds set it), else today."""
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date()
    return _dt.date.today()


__all__ = ["SEVERITIES", "SitePages", "build", "bar", "asset", "environment", "today_from"]
