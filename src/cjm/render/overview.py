"""``-f overview``: a big map at a glance, on one screen (1600 x 900 px).

The stages in order, each as wide as its share of the steps, with its step
count; every persona's emotion curve across the whole journey; counts of
pain points by severity, opportunities and KPIs on target; and the worst pain
points (by severity, then in journey order) with the step where they hurt.
Drawn as a scene like the map (``svg.layout``), with the same font, colours
and template. The HTML page shows it above the map for maps of more than
``HTML_STEPS`` steps.
"""

from __future__ import annotations

from typing import Any

from cjm.present.escape import xml_text as clean
from cjm.present.words import EVERYONE, SEVERITY_ORDER, kpi_status, map_type, pain_numbers
from cjm.render.svg.layout import POINT_R, Block, _drawn, _signed, card, pill, scale_ticks
from cjm.render.svg.metrics import Metrics
from cjm.render.svg.scene import Circle, Group, Line, Path, Rect, Scene, Text
from cjm.render.themes import STAGE_ACCENTS, THEMES

W, H = 1600, 900
PAD = 40
HTML_STEPS = 40
WORST = 8
LEGEND_ROW = 22  # px between rows of the persona legend


def scene(resolved, options, metrics: Metrics | None = None) -> Scene:
    m = metrics or Metrics(getattr(options, "embed_font", True))
    theme = options.theme if options.theme in THEMES else "light"
    c = THEMES[theme]
    r = resolved
    root = Group("cjm-overview")
    root.add(Rect(0, 0, W, H, "cjm-bg"))
    head = Block(m, PAD, W - 2 * PAD, PAD)
    head.add(f"{clean(r.title)} \u2014 at a glance", 24, "cjm-title", 30, bold=True, max_lines=2)
    steps = [tp for _s, tp in r.touchpoints()]
    pains = [(s, tp, p) for s, tp, p in r.pain_points()]
    by_sev: dict[str, int] = {}
    for _s, _tp, p in pains:
        by_sev[p.severity or "unrated"] = by_sev.get(p.severity or "unrated", 0) + 1
    kpis = list(r.kpis.values())
    on = sum(1 for k in kpis if kpi_status(k).state == "ok")
    facts = [map_type(r.map.type), f"{len(r.stages)} stages", f"{len(steps)} steps",
             f"{len(r.personas)} personas" if r.personas else None,
             f"{len(pains)} pain points" + (" (" + ", ".join(f"{n} {k}" for k, n in sorted(
                 by_sev.items(), key=lambda kv: SEVERITY_ORDER.get(kv[0], 9))) + ")" if pains else ""),
             f"{sum(len(tp.opportunities) for tp in steps)} opportunities",
             f"{on} of {len(kpis)} KPIs on target" if kpis else None]
    head.add("  \u00b7  ".join(f for f in facts if f), 13, "cjm-meta", 18, max_lines=2, gap=4)
    if r.map.goal:
        head.add("Goal: " + clean(r.map.goal), 14, "cjm-goal", 19, max_lines=2, gap=6)
    root.children.extend(head.texts)

    # stages, as wide as their share of the steps
    top = head.y + 20
    x0, x1 = PAD + 60, W - PAD
    total = sum(max(1, len(s.touchpoints)) for s in r.stages) or 1
    unit = (x1 - x0) / total
    x = x0
    stage_x: list[tuple[float, float]] = []
    band = Group("cjm-stages")
    for i, stage in enumerate(r.stages):
        n = max(1, len(stage.touchpoints))
        w = n * unit
        k = i % len(STAGE_ACCENTS)
        parts: list = [Rect(x + 1, top, max(1.0, w - 2), 5, f"cjm-accent-{k}", rx=2)]
        if w > 30:
            b = Block(m, x + 8, max(10.0, w - 16), top + 12)
            b.add(stage.name, 13, "cjm-stage-name", 17, bold=True, max_lines=2)
            b.add(f"{len(stage.touchpoints)} step{'' if len(stage.touchpoints) == 1 else 's'}", 11,
                  "cjm-stage-count", 15, max_lines=1)
            parts += b.texts
        band.add(card(x + 1, top, max(1.0, w - 2), 62, "cjm-stage", f"cjm-stage-head cjm-head-{k}", parts,
                      title=f"{clean(stage.name)}: {len(stage.touchpoints)} steps", rx=8,
                      attrs={"data-stage": clean(stage.id)}))
        stage_x.append((x, x + w))
        x += w
    root.add(band)

    # the emotion curves over the whole journey
    chart_top = top + 84
    chart_h = 250
    lo, hi = r.scale.min, r.scale.max
    span = (hi - lo) or 1

    def y_of(v: float) -> float:
        return chart_top + chart_h - (max(lo, min(hi, v)) - lo) / span * chart_h

    chart = Group("cjm-emotion-chart")
    neutral = 0 if lo < 0 < hi else (lo + hi) / 2
    for t in scale_ticks(lo, hi):
        label = _drawn(_signed(t, lo < 0))
        chart.add(Line(x0, y_of(t), x1, y_of(t), "cjm-neutral" if t == neutral else "cjm-grid"),
                  Text(x0 - 10, [y_of(t) + 4], [label], "cjm-tick", 11, anchor="end", widths=[m.width(label, 11)]))
    for sx0, _sx1 in stage_x[1:]:
        chart.add(Line(sx0, chart_top, sx0, chart_top + chart_h, "cjm-grid"))
    col_x: list[float] = []
    for si, stage in enumerate(r.stages):
        for j, _tp in enumerate(stage.touchpoints):
            col_x.append(stage_x[si][0] + (j + 0.5) * unit)
    dots = len(steps) <= 150
    for pid, values in r.emotion_series():
        color = r.colors.get(pid, c["accent"]) if pid else c["accent"]
        name = r.persona(pid).name if pid else EVERYONE
        pts = [(col_x[i], y_of(v)) for i, v in enumerate(values) if v is not None]
        g = Group("cjm-curve", attrs={"data-persona": clean(pid or "")}, title=clean(name))
        if len(pts) > 1:
            g.add(Path([("M", pts[0])] + [("L", p) for p in pts[1:]], "cjm-curve-line", stroke=color))
        if dots or len(pts) == 1:
            g.children.extend(Circle(x, y, POINT_R * 0.75, "cjm-point", fill=color) for x, y in pts)
        chart.add(g)
    root.add(chart)
    # legend under the chart, in rows as wide as the chart (as the map's legend)
    ly = chart_top + chart_h + 24
    lx = x0
    for p in r.personas or []:
        color = r.colors.get(p.id, c["accent"])
        label = m.wrap(p.name, 260, 12.5, max_lines=1)[0]
        text = label[0] if label else ""
        if lx + 30 + m.width(text, 12.5) > x1 and lx > x0:
            lx = x0
            ly += LEGEND_ROW
        item = Group("cjm-legend-item", [Line(lx, ly, lx + 24, ly, "cjm-legend-line", stroke=color),
                                          Text(lx + 30, [ly + 4.5], [text], "cjm-legend-label", 12.5,
                                               widths=[m.width(text, 12.5)])])
        root.add(item)
        lx += 30 + m.width(text, 12.5) + 24

    # the worst pain points
    numbers = pain_numbers(r.map)
    worst = sorted(enumerate(pains), key=lambda ip: (SEVERITY_ORDER.get(ip[1][2].severity or "", 9), ip[0]))[:WORST]
    list_top = ly + 30
    title = Text(PAD, [list_top + 16], ["Worst pain points"], "cjm-stage-name", 16, bold=True,
                 widths=[m.width("Worst pain points", 16, True)])
    root.add(title)
    col_w = (W - 2 * PAD - 20) / 2
    row_h = 46
    for k, (_i, (stage, tp, pain)) in enumerate(worst):
        cx = PAD + (k // 4) * (col_w + 20)
        cy = list_top + 30 + (k % 4) * (row_h + 8)
        parts: list = []
        tx = cx + 10
        if pain.severity:
            sev = pill(m, tx, cy + 7, pain.severity.upper(), 9.5, f"cjm-sev-{pain.severity}", "cjm-tag-label",
                       spacing=0.05)
            parts.append(sev)
            tx += sev.box.w + 6
        num = numbers.get(pain.id)
        if num:
            badge = pill(m, tx, cy + 7, num, 9.5, "cjm-ref-pain", "cjm-ref-label")
            parts.append(badge)
            tx += badge.box.w + 8
        b = Block(m, tx, cx + col_w - 10 - tx, cy + 6)
        b.add(pain.title, 12.5, "cjm-pain-title", 16, bold=True, max_lines=1)
        b.add(f"at {clean(tp.name)} ({clean(stage.name)})", 11, "cjm-pain-desc", 15, max_lines=1, gap=2)
        parts += b.texts
        root.add(card(cx, cy, col_w, row_h, "cjm-card cjm-pain", "cjm-pain-shape", parts,
                      title=_full(pain), attrs={"data-touchpoint": clean(tp.id)}))
    if not worst:
        root.add(Text(PAD, [list_top + 48], ["No pain points on this map."], "cjm-muted", 12.5,
                      widths=[m.width("No pain points on this map.", 12.5)]))
    height = max(list_top + 30 + min(len(worst), 4) * (row_h + 8) + PAD, list_top + 80)
    root.children[0].h = height
    desc = (f"{map_type(r.map.type)} map with {len(r.stages)} stages and {len(steps)} steps; "
            f"{len(pains)} pain points.")
    return Scene(W, height, f"Customer journey map at a glance: {clean(r.title)}", desc, theme, root)


def _full(pain) -> str:
    return "\n".join(clean(x) for x in (pain.title, pain.description) if x)


def render(resolved: Any, options: Any, shared: Any = None) -> str:
    from cjm.render import svg

    return svg.document(scene(resolved, options), options)
