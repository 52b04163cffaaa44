"""``-f html``: one self-contained, interactive HTML page.

Everything is inline (CSS, JavaScript, the SVG map from ``cjm.render.svg``);
the page makes no network request. A strict Content-Security-Policy is put in
a ``<meta>`` element: ``default-src 'none'``, and scripts and styles are
allowed only by the sha256 hashes of the inline blocks, computed here from the
trusted assets (the CSS/JS template files and the SVG renderer's own
``<style>``) *before* any map text is placed in the page, so that map text
that somehow became markup would still be refused by the browser.

Map text reaches the page in two ways only: through jinja2 with autoescaping
on (``html/*.html.j2``), and as JSON in a ``<script type="application/json">``
data block with ``<``, ``>``, ``&`` and U+2028/U+2029 escaped, which the page's
script reads with ``JSON.parse`` and inserts with ``textContent``.

The templates live in ``cjm/templates/html/``; a user overrides any one by
file name (``--template-dir DIR`` with ``DIR/html/<name>``). ``extra.css`` is
empty and exists to be overridden: it is inlined after ``style.css``.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import html as _html
import json
import re
from typing import Any

from cjm.diagnostics.errors import TemplateError
from cjm.model.resolve import BLUEPRINT_LANES, LANES
from cjm.present.escape import safe_url
from cjm.present.numbers import number as num
from cjm.present.numbers import score
from cjm.present.words import (MEASURED, addressed_by, expectation, kpi_status, map_type, market, reach_words,
                               reached_words)

PAGE = "html/page.html.j2"
STYLE_ASSETS = ("html/style.css", "html/extra.css")
MEASURED_STYLE = "html/measured.css"  # only on the page of a map with a metrics snapshot
SCRIPT_ASSET = "html/script.js"

# The columns of the accessible step tables, by lane; "touchpoints" is the channel column.
COLUMN_LABELS = {**LANES, "touchpoints": "Channel", "emotions": "Emotion"}

_XML_PROLOGUE = re.compile(r"\A\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_IN_SVG = re.compile(r"<script\b", re.IGNORECASE)
_CDATA = re.compile(r"\A\s*<!\[CDATA\[(.*)\]\]>\s*\Z", re.DOTALL)
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


# --- helpers -------------------------------------------------------------------
def sha256_source(text: str) -> str:
    """A CSP hash source for an inline block's exact text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def json_for_script(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no
    ``</script>``, ``<!--`` or ``&`` can appear, and U+2028/9 are escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _newlines(text: str) -> str:
    # The HTML parser turns CR LF and CR into LF before the browser hashes a
    # block; hash exactly what the browser will see.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _asset(name: str, template_dir) -> str:
    """A CSS or JS file from the templates, raw (never rendered as a template)."""
    from cjm.render.templating import environment

    env = environment(template_dir)
    source, filename, _uptodate = env.loader.get_source(env, name)
    source = _newlines(source)
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in source.lower() or "<!--" in source:
        raise TemplateError(f"template {filename}: {closing}> and <!-- may not appear in an inline asset")
    return source


def _map_svg(resolved, options, shared) -> str:
    """The SVG map, as an element to inline (no XML declaration or doctype)."""
    from cjm.render import svg

    return _XML_PROLOGUE.sub("", svg.whole(resolved, options, shared)).strip()


def _svg_style_texts(svg: str) -> list[str]:
    """The text of each ``<style>`` in the SVG as the browser will hash it:
    inside ``<svg>`` the HTML parser decodes entities and unwraps CDATA."""
    texts = []
    for raw in _STYLE_BLOCK.findall(svg):
        match = _CDATA.match(raw)
        texts.append(_newlines(match.group(1) if match else _html.unescape(raw)))
    return texts


def link(item) -> dict[str, str | None]:
    """A Link as {href, text}; href is None when the scheme is not allowed."""
    href = safe_url(item.url)
    return {"href": href, "text": item.title or item.url}


# --- the view model ------------------------------------------------------------
def _facts(m) -> list[tuple[str, Any]]:
    facts: list[tuple[str, Any]] = [("Type", map_type(m.type))]
    if m.industry:
        facts.append(("Industry", m.industry))
    if m.market:
        facts.append(("Market", market(m.market)))
    if m.owner:
        facts.append(("Owner", m.owner))
    if m.reviewed:
        facts.append(("Last reviewed", m.reviewed.isoformat()))
    if m.improves:
        facts.append(("Improves on", m.improves))
    scale = m.scale
    low = f"{score(scale.min, scale.min)}" + (f" ({scale.low_label})" if scale.low_label else "")
    high = f"{score(scale.max, scale.min)}" + (f" ({scale.high_label})" if scale.high_label else "")
    facts.append(("Emotion scale", f"{low} to {high}"))
    if m.tags:
        facts.append(("Tags", list(m.tags)))
    return facts


def _persona_fields(p) -> list[tuple[str, str]]:
    pairs = [("Segment", p.segment), ("Age", None if p.age is None else str(p.age)), ("Gender", p.gender),
             ("Occupation", p.occupation), ("Location", p.location), ("Generation", p.generation)]
    return [(k, v) for k, v in pairs if v]


def _persona_lists(p) -> list[tuple[str, list[str]]]:
    pairs = [("Goals", p.goals), ("Challenges", p.challenges), ("Pain points", p.pain_points),
             ("Motivations", p.motivations), ("Interests", p.interests)]
    return [(k, list(v)) for k, v in pairs if v]


class _View:
    """Everything the templates show, computed once, in a fixed order."""

    def __init__(self, resolved, options) -> None:
        self.r = resolved
        m = resolved.map
        self.persona_ids = [p.id for p in resolved.personas]
        self.persona_names = {p.id: p.name for p in resolved.personas}
        self.colors = {pid: (c if _COLOR.match(c or "") else "#777777") for pid, c in resolved.colors.items()}
        self.steps = {tp.id: (stage, tp) for stage, tp in resolved.touchpoints()}
        self.pain_titles = {pp.id: pp.title for _s, _tp, pp in resolved.pain_points()}
        available = resolved.lanes_with_content()
        chosen = options.lanes if options.lanes is not None else available
        self.lanes = [lane for lane in LANES if lane in chosen and lane in available]
        self.addressed_by = addressed_by(m)

    # names
    @staticmethod
    def links(items) -> list[dict[str, str | None]]:
        return [link(item) for item in items]

    def kpi_name(self, kid: str) -> str:
        kpi = self.r.kpis.get(kid)
        return kpi.name if kpi else kid

    def step_name(self, tid: str) -> str:
        found = self.steps.get(tid)
        return found[1].name if found else tid

    def pain_title(self, pid: str) -> str:
        return self.pain_titles.get(pid, pid)

    def step_personas(self, tp) -> list[str]:
        return [p.id for p in self.r.personas_of(tp)]

    def channel(self, tp) -> str:
        name = self.r.channel_name(tp)
        mode = self.r.mode(tp)
        if name and mode:
            return f"{name} \u00b7 {mode}"
        return name or mode or ""

    def emotions(self, tp) -> list[dict[str, str | None]]:
        """One entry per persona that has a score here (or one unnamed)."""
        if tp.emotion is None:
            return []
        if not isinstance(tp.emotion, dict):
            ids = self.step_personas(tp)
            if not ids:
                return [{"persona": None, "name": None, "score": score(tp.emotion, self.r.scale.min)}]
            return [{"persona": pid, "name": self.persona_names[pid], "score": score(tp.emotion, self.r.scale.min)} for pid in ids]
        out = []
        for pid, value in tp.emotion.items():
            out.append({"persona": pid, "name": self.persona_names.get(pid, pid), "score": score(value, self.r.scale.min)})
        return out

    # the details panel's data
    def details(self, stage, tp) -> dict[str, Any]:
        fields: list[dict[str, Any]] = []

        def text(label: str, value: str | None) -> None:
            if value:
                fields.append({"label": label, "text": value})

        def items(label: str, values: list[str]) -> None:
            if values:
                fields.append({"label": label, "items": values})

        text("Stage", stage.name)
        text("Channel", self.channel(tp))
        if self.r.personas:
            items("Personas", [self.persona_names[pid] for pid in self.step_personas(tp)])
        text("Description", tp.description)
        text("Action", tp.action)
        items("Thoughts", list(tp.thoughts))
        items("Emotion", [f"{e['name']}: {e['score']}" if e["name"] else str(e["score"]) for e in self.emotions(tp)])
        text("Feeling", tp.feeling)
        text("Expectation", expectation(tp.expectation))
        pains = []
        for pp in tp.pain_points:
            head = pp.title + (f" [{pp.severity}]" if pp.severity else "")
            pains.append(head + (f"\n{pp.description}" if pp.description else ""))
        items("Pain points", pains)
        evidence = [link(e) for pp in tp.pain_points for e in pp.evidence]
        opps = []
        for o in tp.opportunities:
            line = o.title + (f"\n{o.description}" if o.description else "")
            if o.addresses:
                line += "\nAddresses: " + ", ".join(self.pain_title(x) for x in o.addresses)
            opps.append(line)
        items("Opportunities", opps)
        kpis = []
        for kid in tp.kpis:
            kpi = self.r.kpis.get(kid)
            if kpi is None:
                kpis.append(kid)
                continue
            unit = f" {kpi.unit}" if kpi.unit else ""
            parts = [kpi.name]
            if kpi.actual is not None or kpi.target is not None:
                parts.append(f"actual {num(kpi.actual) or '?'}{unit}, target {num(kpi.target) or '?'}{unit}")
            kpis.append(": ".join(parts))
        items("KPIs", kpis)
        for lane in BLUEPRINT_LANES:
            text(LANES[lane], getattr(tp, lane))
        items("Next (branches)", [self.step_name(x) for x in tp.next])
        observed = self.r.observed
        if observed is not None:
            measured = []
            step = observed.touchpoint_step(tp.id)
            if step is not None:
                measured.append(reached_words(step, observed.unit))
            if tp.id in observed.reach:
                measured.append(reach_words(observed.reach[tp.id], observed.unit))
            items(MEASURED, measured)
        links = [link(e) for e in tp.evidence] + evidence
        if links:
            fields.append({"label": "Evidence", "links": links})
        return {"name": tp.name, "id": tp.id, "fields": fields}

    def data(self) -> dict[str, Any]:
        return {"touchpoints": {tp.id: self.details(stage, tp) for stage, tp in self.r.touchpoints()}}

    # the tables
    def cell(self, lane: str, tp) -> dict[str, Any]:
        cell: dict[str, Any] = {"lane": lane, "text": None, "list": [], "emotions": [], "feeling": None,
                                "expectation": None}
        if lane == "actions":
            cell["text"] = tp.action
        elif lane == "touchpoints":
            cell["text"] = self.channel(tp)
        elif lane == "thoughts":
            cell["list"] = [{"text": t, "badge": None} for t in tp.thoughts]
        elif lane == "emotions":
            cell["emotions"] = [{**e, "color": self.colors.get(e["persona"] or "", "#777777")}
                                for e in self.emotions(tp)]
            cell["feeling"] = tp.feeling
            cell["expectation"] = tp.expectation
        elif lane == "pain_points":
            cell["list"] = [{"text": pp.title, "badge": pp.severity, "badge_class": f"severity-{pp.severity}"}
                             for pp in tp.pain_points]
        elif lane == "opportunities":
            cell["list"] = [{"text": o.title, "badge": None} for o in tp.opportunities]
        elif lane == "kpis":
            cell["list"] = [{"text": self.kpi_name(k), "badge": None} for k in tp.kpis]
        else:
            cell["text"] = getattr(tp, lane)
        return cell

    def step_rows(self) -> dict[str, list[dict[str, Any]]]:
        rows: dict[str, list[dict[str, Any]]] = {}
        for stage in self.r.stages:
            out = rows.setdefault(stage.id, [])
            for tp in stage.touchpoints:
                ids = self.step_personas(tp)
                out.append({"id": tp.id, "name": tp.name, "description": tp.description,
                            "evidence": self.links(tp.evidence), "personas": " ".join(ids),
                            "persona_names": [self.persona_names[i] for i in ids],
                            "cells": [self.cell(lane, tp) for lane in self.lanes]})
        return rows

    def channel_rows(self) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for _s, tp in self.r.touchpoints():
            if tp.channel:
                counts[tp.channel] = counts.get(tp.channel, 0) + 1
        return [{"channel": c, "steps": counts.get(cid, 0)} for cid, c in self.r.channels.items()]

    def kpi_rows(self) -> list[dict[str, Any]]:
        used: dict[str, list[str]] = {}
        for stage in self.r.stages:
            for kid in stage.kpis:
                used.setdefault(kid, []).append(stage.name)
            for tp in stage.touchpoints:
                for kid in tp.kpis:
                    used.setdefault(kid, []).append(tp.name)
        for a in self.r.map.actions:
            for kid in a.kpis:
                used.setdefault(kid, []).append(a.title)
        rows = []
        for kpi in self.r.kpis.values():
            status = kpi_status(kpi)
            rows.append({"kpi": kpi, "target": num(kpi.target), "actual": num(kpi.actual), "status": status.state,
                         "status_text": status.words, "used": list(dict.fromkeys(used.get(kpi.id, [])))})
        return rows

    def pain_rows(self) -> list[dict[str, Any]]:
        return [{"stage": s, "tp": tp, "pain": pp, "evidence": [link(e) for e in pp.evidence],
                 "addressed_by": self.addressed_by.get(pp.id, [])} for s, tp, pp in self.r.pain_points()]

    def opportunity_rows(self) -> list[dict[str, Any]]:
        return [{"stage": s, "tp": tp, "opp": o, "addresses": [self.pain_title(x) for x in o.addresses]}
                for s, tp, o in self.r.opportunities()]

    def action_rows(self) -> list[dict[str, Any]]:
        return [{"action": a, "addresses": [self.pain_title(x) for x in a.addresses],
                 "kpis": [self.kpi_name(k) for k in a.kpis], "due": a.due.isoformat() if a.due else ""}
                for a in self.r.map.actions]


def render(resolved, options, shared=None) -> str:
    if shared is None:
        from cjm.render import Shared

        shared = Shared()
    svg = _map_svg(resolved, options, shared)
    if _SCRIPT_IN_SVG.search(svg):
        raise TemplateError("the SVG map holds a <script> (from a template override?); refusing to inline it")
    assets = STYLE_ASSETS + ((MEASURED_STYLE,) if _measured(resolved) is not None else ())
    styles = [_asset(name, options.template_dir) for name in assets]
    scene = shared.scenes.get(options)
    styles = [s for s in styles if s.strip()] + [_map_themes_css(scene is not None and scene.measured)]
    script = _asset(SCRIPT_ASSET, options.template_dir)
    style_hashes = [sha256_source(s) for s in styles + _svg_style_texts(svg)]
    csp = "; ".join([
        "default-src 'none'",
        "script-src " + sha256_source(script),
        "style-src " + " ".join(dict.fromkeys(style_hashes)) if style_hashes else "style-src 'none'",
        "img-src data:",
        "font-src data:",  # the font subset embedded in the map
        "base-uri 'none'",
        "form-action 'none'",
    ])
    # Building the page allocates many small objects; on a 2,000-step map the
    # cyclic garbage collector's full passes over the (large, live) model cost
    # more than the rendering itself. Nothing here makes reference cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _page(resolved, options, csp, styles, script, svg, shared)
    finally:
        if collecting:
            gc.enable()


def _measured(resolved) -> dict[str, Any] | None:
    """The Measured section's charts and table (None without a snapshot)."""
    observed = resolved.observed
    if observed is None or not observed.steps:
        return None
    from cjm.render import charts
    from cjm.render.markdown import measured as table
    from cjm.render.themes import STAGE_ACCENTS

    # a bar in its stage's colour, as on the map
    index = {("stage", s.id): i for i, s in enumerate(resolved.stages)}
    index.update({("touchpoint", tp.id): i for i, s in enumerate(resolved.stages) for tp in s.touchpoints})
    colors = {st.id: STAGE_ACCENTS[index[(st.kind, st.id)] % len(STAGE_ACCENTS)] for st in observed.steps
              if (st.kind, st.id) in index}
    words = table(resolved)
    return {**words, "funnel": charts.funnel(observed, colors), "times": charts.times(observed),
            "paths": charts.paths(observed)}


def print_pages(sc) -> list[dict[str, float]]:
    """The map cut into landscape pages for printing: each page shows the
    header, the lane labels and the stages that fit (a stage wider than a page
    gets pages of its own), as views of the one map in the page (``<use>``)."""
    from cjm.render.pages import MIN_SCALE
    from cjm.render.svg.layout import COL_W, LABEL_W, PAD

    stages = [g.box for g in sc.groups("cjm-stage") if g.box is not None]
    if not stages:
        return []
    top = stages[0].y
    left = PAD + LABEL_W
    room = max(COL_W, 1047 / MIN_SCALE - left - PAD)  # A4 landscape inside 10 mm margins, 96 px/in
    pages: list[tuple[float, float]] = []
    for box in stages:
        x0, x1 = box.x - 4, box.x + box.w + 4
        if pages and x1 - pages[-1][0] <= room:
            pages[-1] = (pages[-1][0], x1)
            continue
        while x1 - x0 > room:
            cut = x0 + (room // COL_W) * COL_W
            pages.append((x0, cut))
            x0 = cut
        pages.append((x0, x1))
    out = []
    for x0, x1 in pages:
        width = left + (x1 - x0) + PAD
        out.append({"w": width, "h": sc.height, "top": top, "left": left, "x0": x0, "sw": x1 - x0,
                    "body_h": sc.height - top, "head_w": min(width, sc.width)})
    return out


def _map_themes_css(measured: bool = False) -> str:
    """The map's colours for the page's dark mode (the toggle and the OS
    setting), and light again when the map was drawn dark: the SVG's own
    style holds one theme, these rules (more specific) switch it."""
    from cjm.render.svg.style import css

    dark = css("dark", ':root[data-theme="dark"] .map-frame ', measured)
    light = css("light", ':root[data-theme="light"] .map-frame ', measured)
    os_dark = css("dark", ':root:not([data-theme="light"]) .map-frame ', measured)
    return f"{dark}\n{light}\n@media (prefers-color-scheme: dark) {{\n{os_dark}\n}}\n"


def _page(resolved, options, csp: str, styles: list[str], script: str, svg: str, shared=None) -> str:
    from markupsafe import Markup

    from cjm.render.templating import render_template

    view = _View(resolved, options)
    m = resolved.map
    svg_scene = shared.scenes.get(options) if shared is not None else None
    return render_template(
        PAGE,
        options.template_dir,
        map=m,
        resolved=resolved,
        view=view,
        options=options,
        theme=options.theme if options.theme in ("light", "dark") else "light",
        csp=csp,
        styles=[Markup(s) for s in styles],
        script=Markup(script),
        svg=Markup(svg),
        data=Markup(json_for_script(view.data())),
        facts=_facts(m),
        personas=[{"p": p, "color": view.colors.get(p.id, "#777777"), "fields": _persona_fields(p),
                   "lists": _persona_lists(p), "sources": [link(s) for s in p.sources]} for p in resolved.personas],
        lanes=[(lane, LANES[lane]) for lane in view.lanes],
        columns=[(lane, COLUMN_LABELS[lane]) for lane in view.lanes],
        step_rows=view.step_rows(),
        channel_rows=view.channel_rows(),
        kpi_rows=view.kpi_rows(),
        pain_rows=view.pain_rows(),
        opportunity_rows=view.opportunity_rows(),
        action_rows=view.action_rows(),
        persona_filter=len(resolved.personas) > 1,
        print_pages=print_pages(svg_scene) if svg_scene is not None else [],
        measured=_measured(resolved),
    )
