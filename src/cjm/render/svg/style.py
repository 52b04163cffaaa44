"""The map's CSS: colours by class, from a theme's palette.

Sizes, weights and positions are written on the elements by the drawing
step (from the scene, the same numbers the text was measured with); the CSS
only colours. Selectors are single classes, cheap for every renderer (resvg
matches each rule against each element). The HTML page adds the rules of the
other theme under ``[data-theme=dark]`` and the OS preference, so the map
follows the page's dark mode.
"""

from __future__ import annotations

from cjm.render.themes import STAGE_ACCENTS, THEMES, _mix


def rules(theme: str, measured: bool = False) -> list[tuple[str, str]]:
    """(selector, declarations) for a theme, selectors relative to the map;
    with ``measured``, also those of a metrics snapshot's numbers."""
    c = THEMES[theme]
    light = theme == "light"
    out = [
        ("text", f"fill: {c['text']}"),
        (".cjm-bg", f"fill: {c['bg']}"),
        (".cjm-meta, .cjm-muted, .cjm-description, .cjm-stage-goal, .cjm-stage-count, .cjm-lane-label, "
         ".cjm-lane-hint, .cjm-channel, .cjm-empty, .cjm-tick, .cjm-scale-label, .cjm-feeling, .cjm-bp-label, "
         ".cjm-part, .cjm-compared", f"fill: {c['muted']}"),
        (".cjm-label-cell", f"fill: {c['label_bg']}"),
        (".cjm-lane-rule", f"stroke: {c['rule']}; stroke-width: 1"),
        (".cjm-band", f"fill: {c['text']}; fill-opacity: 0.025"),
        (".cjm-shape", f"fill: {c['card']}; stroke: {c['card_line']}; stroke-width: 1"),
        (".cjm-action-shape", f"fill: {c['action']}; stroke: {c['card_line']}; stroke-width: 1"),
        (".cjm-touchpoint-shape", f"fill: {c['card']}; stroke: {c['card_line']}; stroke-width: 1.25"),
        (".cjm-step", f"fill: {c['text']}"),
        (".cjm-step-label", f"fill: {c['bg']}"),
        (".cjm-mode-online", f"fill: {c['online']}"),
        (".cjm-mode-offline", f"fill: {c['bg']}; stroke: {c['offline']}; stroke-width: 2"),
        (".cjm-mode-unknown", f"fill: {c['bg']}; stroke: {c['faint']}; stroke-width: 1.5; stroke-dasharray: 2 2"),
        (".cjm-link", f"fill: {c['link']}; text-decoration: underline"),
        (".cjm-thought-shape", f"fill: {c['thought']}; stroke: {c['thought_line']}; stroke-width: 1"),
        (".cjm-pain-shape", f"fill: {c['pain']}; stroke: {c['pain_line']}; stroke-width: 1"),
        (".cjm-pain-title, .cjm-pain-desc", f"fill: {c['pain_text']}"),
        (".cjm-opp-shape", f"fill: {c['opp']}; stroke: {c['opp_line']}; stroke-width: 1"),
        (".cjm-opp-title, .cjm-opp-desc", f"fill: {c['opp_text']}"),
        (".cjm-act-shape", f"fill: {c['card']}; stroke: {c['opp_line']}; stroke-width: 1; stroke-dasharray: 4 3"),
        (".cjm-sev-critical", "fill: #82071e"),
        (".cjm-sev-high", "fill: #cf222e"),
        (".cjm-sev-medium", "fill: #9a5b00"),
        (".cjm-sev-low", "fill: #57606a"),
        (".cjm-tag-label", "fill: #ffffff"),
        (".cjm-ref-pain", f"fill: {c['pain_line']}"),
        (".cjm-ref-arrow", f"fill: none; stroke: {c['muted']}; stroke-width: 1.5; stroke-linecap: round"),
        (".cjm-ref-label", "fill: #ffffff"),
        (".cjm-kpi-shape", f"fill: {c['kpi']}; stroke: {c['kpi_line']}; stroke-width: 1"),
        (".cjm-kpi-ok", f"fill: {c['good']}"),
        (".cjm-kpi-off", f"fill: {c['bad']}"),
        (".cjm-kpi-unknown", f"fill: {c['faint']}"),
        (".cjm-bp-frontstage", f"fill: {c['front']}; stroke: {c['front_line']}; stroke-width: 1"),
        (".cjm-bp-backstage", f"fill: {c['back']}; stroke: {c['back_line']}; stroke-width: 1"),
        (".cjm-bp-support", f"fill: {c['support']}; stroke: {c['support_line']}; stroke-width: 1"),
        (".cjm-bp-policy", f"fill: {c['policy']}; stroke: {c['policy_line']}; stroke-width: 1"),
        (".cjm-none-shape", f"fill: none; stroke: {c['rule']}; stroke-dasharray: 4 4"),
        (".cjm-grid", f"stroke: {c['rule_soft']}; stroke-width: 1"),
        (".cjm-neutral", f"stroke: {c['faint']}; stroke-width: 1.25; stroke-dasharray: 5 4"),
        (".cjm-pos", f"fill: {c['pos_band']}; fill-opacity: {c['band_alpha']}"),
        (".cjm-neg", f"fill: {c['neg_band']}; fill-opacity: {c['band_alpha']}"),
        (".cjm-curve-line", "fill: none; stroke-width: 3; stroke-linecap: round; stroke-linejoin: round"),
        (".cjm-curve-gap", "fill: none; stroke-width: 1.75; stroke-dasharray: 3 5; stroke-linecap: round; "
                           "stroke-opacity: 0.8"),
        (".cjm-point", f"stroke: {c['bg']}; stroke-width: 1.75"),
        (".cjm-pill-exceeded", f"fill: {c['good']}; fill-opacity: 0.14"),
        (".cjm-pill-met", f"fill: {c['faint']}; fill-opacity: 0.14"),
        (".cjm-pill-failed", f"fill: {c['bad']}; fill-opacity: 0.14"),
        (".cjm-exp-exceeded", f"fill: {c['good']}"),
        (".cjm-exp-met", f"fill: {c['muted']}"),
        (".cjm-exp-failed", f"fill: {c['bad']}"),
        (".cjm-score-pill", f"fill: {c['card']}; stroke: {c['card_line']}; stroke-width: 1"),
        (".cjm-bp-rule", f"stroke: {c['line_stroke']}; stroke-width: 1.5; stroke-dasharray: 8 5"),
        (".cjm-bp-pill", f"fill: {c['bg']}; stroke: {c['line_stroke']}; stroke-width: 1"),
        (".cjm-legend-line", "stroke-width: 3; stroke-linecap: round"),
        (".cjm-before-line", "fill: none; stroke-width: 2.25; stroke-opacity: 0.7; stroke-dasharray: 7 5; "
                             "stroke-linecap: round"),
        (".cjm-before-point", f"fill: {c['bg']}; stroke-width: 1.75"),
        (".cjm-delta-up", f"fill: {c['good']}; fill-opacity: 0.14"),
        (".cjm-delta-down", f"fill: {c['bad']}; fill-opacity: 0.14"),
        (".cjm-delta-same", f"fill: {c['faint']}; fill-opacity: 0.14"),
        (".cjm-delta-up-label", f"fill: {c['good']}"),
        (".cjm-delta-down-label", f"fill: {c['bad']}"),
        (".cjm-delta-same-label", f"fill: {c['muted']}"),
        (".cjm-overview-bar", f"fill: {c['accent']}"),
        (".cjm-compact", "display: none"),
    ]
    if measured:  # the metrics snapshot's numbers (cjm.render.svg.measured)
        out += [
            (".cjm-measure-shape", f"fill: {c['card']}; stroke: {c['card_line']}; stroke-width: 1"),
            (".cjm-measure-track", f"fill: {c['rule_soft']}"),
            (".cjm-measure-unit, .cjm-measure-note, .cjm-reach-label", f"fill: {c['muted']}"),
            (".cjm-reach-icon", f"fill: {c['muted']}"),
            (".cjm-drop-shape", f"fill: {c['card']}; stroke: {c['bad']}; stroke-width: 1.25"),
            (".cjm-drop-label", f"fill: {c['bad']}"),
        ]
    for i, accent in enumerate(STAGE_ACCENTS):
        out.append((f".cjm-tint-{i}", f"fill: {_mix(accent, c['bg'], 0.035 if light else 0.07)}"))
        out.append((f".cjm-head-{i}", f"fill: {_mix(accent, c['bg'], 0.14 if light else 0.3)}"))
        out.append((f".cjm-accent-{i}", f"fill: {accent}"))
    return out


def css(theme: str, scope: str = "", measured: bool = False) -> str:
    """The rules, each selector prefixed with ``scope`` (e.g. ``[data-theme=dark] .cjm-map ``)."""
    lines = []
    for selector, decl in rules(theme, measured):
        sel = ", ".join(scope + s.strip() for s in selector.split(","))
        lines.append(f"{sel} {{ {decl}; }}")
    return "\n".join(lines)
