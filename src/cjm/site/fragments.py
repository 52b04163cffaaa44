"""The pieces of the portfolio pages that belong to one map: its row in the
index and on the evidence page, its emotion curve on each persona's page,
its pain points there, its row on each KPI's and channel's page, and its
search documents.

They depend on the map alone (and the catalogues and settings), so they are
made where the map is checked (in parallel, for a full build) and kept in the
manifest with its summary: a rebuild after one map changed makes only that
map's pieces, and the portfolio pages are joined from the rest. HTML is built
here in Python rather than with jinja2 macros (a page of 1,000 maps would call
them tens of thousands of times); every piece of map text goes through
``markupsafe.escape`` and every link to the outside through ``safe_url``.

A piece that names other maps (a current/future pair) is left as a
placeholder (``PAIRS``) and filled in by the page that shows it.
"""

from __future__ import annotations

from typing import Any

from markupsafe import escape

from cjm.present.numbers import number, score, signed
from cjm.present.words import SEVERITY_ORDER, map_type
from cjm.site import charts
from cjm.site.portfolio import (SEVERITIES, MapInfo, SiteOptions, applies_to, emotion_of, kpi_places, kpi_status,
                                touchpoints)
from cjm.site.search import as_json, documents_of_map

PAIRS = "<!--cjm-pairs-->"
KINDS = {"emotion": "emotion", "pain_point": "pain point", "persona": "persona"}
FRAGMENT_VERSION = 2


def e(text: Any) -> str:
    return str(escape("" if text is None else text))


def link(m: MapInfo, depth: int) -> str:
    return f'<a href="{e("../" * depth + m.page)}">{e(m.title)}</a>'


def chips(counts: dict[str, int]) -> str:
    parts = [f'<span class="sev sev-{s}" title="{counts[s]} {s}">{counts[s]} {s}</span>'
             for s in SEVERITIES if counts.get(s)]
    if counts.get("unrated"):
        parts.append(f'<span class="sev sev-unrated" title="{counts["unrated"]} without a severity">'
                     f'{counts["unrated"]} unrated</span>')
    return '<span class="sev-chips">' + ("".join(parts) or '<span class="muted">none</span>') + "</span>"


def coverage_bar(cov: dict[str, Any]) -> str:
    if not cov.get("total"):
        return '<span class="muted" data-sort="-1">no claims</span>'
    width = round(64 * cov["supported"] / cov["total"], 1)
    stale = f' title="{cov["stale"]} only by stale research"' if cov.get("stale") else ""
    low = " low" if cov["percent"] < 50 else ""
    return (f'<span class="coverage" data-sort="{cov["percent"]}"><svg class="meter" width="64" height="8" '
            f'viewBox="0 0 64 8" aria-hidden="true"><rect class="meter-bg" x="0" y="0" width="64" height="8" rx="4"/>'
            f'<rect class="meter-fill{low}" x="0" y="0" width="{width}" height="8" rx="4"/></svg>'
            f'<span>{cov["percent"]} %</span> <span class="muted small"{stale}>{cov["supported"]}/{cov["total"]}'
            f'</span></span>')


def kpi_health(h: dict[str, int]) -> str:
    parts = []
    if h["ok"]:
        parts.append(f'<span class="dot ok"></span>{h["ok"]} on target')
    if h["off"]:
        parts.append(f'<span class="dot off"></span>{h["off"]} off')
    if h["none"]:
        parts.append(f'<span class="muted">{h["none"]} no data</span>')
    return f'<span class="health" data-sort="{h["off"]}">' + ("<br>".join(parts) or
                                                                '<span class="muted">no KPIs</span>') + "</span>"


def short_name(name: str) -> str:
    """A persona's name up to its first comma ("Sam, the bargain hunter" -> "Sam"), for chips."""
    return name.split(",", 1)[0].strip() or name


def index_row(m: MapInfo, options: SiteOptions) -> str:
    sev = m.severities()
    age = m.review_age(options.today)
    if m.reviewed:
        stale = age is not None and age > options.review_max_age
        review = (f'<time datetime="{e(m.reviewed)}">{e(m.reviewed)}</time><span class="small block '
                  f'{"stale" if stale else "muted"}">{age} days ago{", stale" if stale else ""}</span>')
    else:
        review = '<span class="stale small">never</span>'
    personas = " ".join(f'<a class="persona-chip" href="personas/{e(pid)}.html" title="{e(m.persona_name(pid))}">'
                        f'{e(short_name(m.persona_name(pid)))}</a>' for pid in m.persona_ids)
    return (f'<tr><td data-sort="{e(m.title)}"><span class="map-title">{link(m, 0)}</span>'
            f'<span class="file">{e(map_type(m.type))} · {e(m.source)}</span>{PAIRS}</td>'
            f'<td>{e(m.owner or "")}</td>'
            f'<td data-sort="{e(m.reviewed or "0000")}">{review}</td><td>{kpi_health(m.kpi_health())}</td>'
            f'<td>{coverage_bar(m.coverage)}</td>'
            f'<td data-sort="{sev["critical"] * 1000 + sev["high"] * 100 + m.pain_count()}">{chips(sev)}</td>'
            f"<td>{personas}</td></tr>\n")


def evidence_row(m: MapInfo) -> str:
    cov = m.coverage
    cells = []
    for kind in KINDS:
        k = cov.get("by_kind", {}).get(kind)
        if k:
            cells.append(f'<td data-sort="{round(k["supported"] / k["total"], 4)}">{k["supported"]}/{k["total"]}</td>')
        else:
            cells.append('<td data-sort="-1"><span class="muted">–</span></td>')
    missing = [c for c in cov.get("claims", []) if c[3] != "supported"]
    listed = "".join(f'<span class="block small"><span class="claim-{e(c[3])}">{e(c[3])}</span> '
                     f'{e(KINDS.get(c[0], c[0]))}: {e(c[2])}</span>' for c in missing[:6])
    if len(missing) > 6:
        listed += f'<span class="muted small">and {len(missing) - 6} more</span>'
    return (f'<tr id="{e(m.anchor)}"><td>{link(m, 0)}</td><td>{coverage_bar(cov)}</td>{"".join(cells)}'
            f"<td>{listed}</td></tr>\n")


def curve_card(m: MapInfo, pid: str, name: str) -> str:
    steps, sizes = [], []
    for stage in m.data.get("stages", []):
        kept = [tp for tp in stage.get("touchpoints", []) if applies_to(tp, pid)]
        steps.extend(kept)
        if kept:
            sizes.append(len(kept))
    values = [emotion_of(tp, pid) for tp in steps]
    scale = m.data.get("scale", {})
    lo, hi = scale.get("min", -2), scale.get("max", 2)
    c = charts.emotion_curve(values, lo, hi, sizes)
    color = e(m.colors.get(pid, "#777777"))
    label = e(f"Emotion of {name} along {m.title}")
    svg = [f'<svg class="curve" width="{c["width"]}" height="{c["height"]}" viewBox="0 0 {c["width"]} {c["height"]}" '
           f'role="img" aria-label="{label}"><rect class="curve-bg" x="0" y="0" width="{c["width"]}" '
           f'height="{c["height"]}" rx="6"/>']
    svg += [f'<line class="curve-break" x1="{x}" y1="{c["top"]}" x2="{x}" y2="{c["bottom"]}"/>' for x in c["breaks"]]
    svg.append(f'<line class="curve-neutral" x1="{c["left"]}" y1="{c["neutral"]}" x2="{c["right"]}" '
               f'y2="{c["neutral"]}"/>')
    svg += [f'<polyline class="curve-line" fill="none" stroke="{color}" points="{line}"/>' for line in c["lines"]]
    svg += [f'<circle cx="{x}" cy="{y}" r="3" fill="{color}"/>' for x, y, _v in c["points"]]
    svg.append("</svg>")
    if c["average"] is None:
        facts = f'{len(steps)} step{"" if len(steps) == 1 else "s"} · no scores'
    else:
        facts = (f'{len(steps)} step{"" if len(steps) == 1 else "s"} · average {score(round(c["average"], 1), lo)} · '
                 f'lowest {score(c["low"], lo)} · highest {score(c["high"], lo)}')
    sort = "" if c["average"] is None else charts.normalised(c["average"], lo, hi)
    return (f'<li class="curve-card" data-sort="{sort}"><h3>{link(m, 1)}</h3>{"".join(svg)}'
            f'<p class="small muted">{e(facts)}</p></li>\n')


def pain_rows(m: MapInfo, pid: str) -> list[list[Any]]:
    """[severity rank, pain id, row] for every pain point at a step that applies to ``pid``."""
    out = []
    for stage, tp in touchpoints(m.data):
        if not applies_to(tp, pid):
            continue
        for pain in tp.get("pain_points", []):
            sev = pain.get("severity")
            badge = f'<span class="sev sev-{e(sev)}">{e(sev)}</span>' if sev else '<span class="muted">–</span>'
            out.append([SEVERITY_ORDER.get(sev or "", 4), pain["id"],
                        f'<tr><td data-sort="{SEVERITY_ORDER.get(sev or "", 4)}">{badge}</td><td>{e(pain["title"])}</td>'
                        f'<td>{e(tp["name"])} <span class="muted small">({e(stage["name"])})</span></td>'
                        f"<td>{link(m, 1)}</td></tr>\n"])
    return out


def kpi_rows(m: MapInfo) -> dict[str, list[str]]:
    """KPI id -> [status state, row] for every KPI of the map."""
    where = kpi_places(m.data)
    out = {}
    for k in m.data.get("kpis", []):
        status = kpi_status(k)
        target, actual = k.get("target"), k.get("actual")
        out[k["id"]] = [status.state,
                        f'<tr><td>{link(m, 1)}</td>'
                        f'<td data-sort="{"" if target is None else target}">{e(number(target)) or "–"}</td>'
                        f'<td data-sort="{"" if actual is None else actual}">{e(number(actual)) or "–"}</td>'
                        f'<td><span class="status status-{status.state}">{e(status.words)}</span></td>'
                        f'<td>{e(", ".join(dict.fromkeys(where.get(k["id"], []))))}</td>'
                        f'<td>{e(k.get("source") or "")}</td></tr>\n']
    return out


def channel_rows(m: MapInfo) -> dict[str, list[Any]]:
    """Channel id -> [steps, pain points, row] for every channel the map's steps use."""
    mine: dict[str, list[dict[str, Any]]] = {}
    for _stage, tp in touchpoints(m.data):
        if tp.get("channel"):
            mine.setdefault(tp["channel"], []).append(tp)
    out = {}
    for cid, steps in mine.items():
        names = [tp["name"] for tp in steps]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        scores = [v for tp in steps for v in [emotion_of(tp, None)] if v is not None]
        avg = sum(scores) / len(scores) if scores else None
        counts = {s: 0 for s in (*SEVERITIES, "unrated")}
        for tp in steps:
            for pain in tp.get("pain_points", []):
                counts[pain.get("severity") or "unrated"] += 1
        emotion = "–" if avg is None else signed(round(avg, 1))
        out[cid] = [len(steps), sum(counts.values()),
                    f'<tr><td>{link(m, 1)}</td><td>{e(shown)}</td>'
                    f'<td data-sort="{-99 if avg is None else round(avg, 3)}">{e(emotion)}</td>'
                    f"<td>{chips(counts)}</td></tr>\n"]
    return out


def of_map(m: MapInfo, options: SiteOptions, anchors: set[str]) -> dict[str, Any]:
    """Every piece of the portfolio pages that belongs to map ``m``."""
    docs = documents_of_map(m, anchors)
    return {
        "version": FRAGMENT_VERSION,
        "index": index_row(m, options),
        "evidence": evidence_row(m),
        "curves": {pid: curve_card(m, pid, m.persona_name(pid)) for pid in m.persona_ids},
        "pains": {pid: pain_rows(m, pid) for pid in m.persona_ids},
        "kpis": kpi_rows(m),
        "channels": channel_rows(m),
        "search": as_json(docs),
        "documents": len(docs),
    }


def pairs(m: MapInfo, by_source: dict[str, MapInfo]) -> str:
    """The current/future links of a map's index row."""
    out = ""
    if m.improves and m.gap_page:
        current = by_source[m.improves]
        out += (f'<span class="pair">improves <a href="{e(current.page)}">{e(current.title)}</a> · '
                f'<a href="{e(m.gap_page)}">gap view</a></span>')
    for source in m.improved_by:
        future = by_source[source]
        out += f'<span class="pair">improved by <a href="{e(future.page)}">{e(future.title)}</a></span>'
    return out
