"""``-f flow`` (SVG through Graphviz) and ``-f dot`` (its DOT source): the
touchpoints as a flow diagram.

* One node per touchpoint, in one labelled cluster per stage, left to right.
* Edges: the journey's sequence (``ResolvedMap.next_of``) as solid grey
  arrows; explicit branches (a touchpoint's ``next:``) as dashed purple ones.
* Fill: the touchpoint's emotion, averaged over its personas, on a diverging
  red-grey-blue palette (red at the scale's low end, blue at its high end,
  white when the step has no score).
* Pain points: a red border and a "⚠ N pain points" line in the label.
* With a metrics snapshot (``ResolvedMap.observed``): each touchpoint that
  names events says how many reached it, each arrow between two of them
  carries the number of moves observed along it (thicker for more), and
  moves the map does not have are drawn as dotted orange arrows with theirs.
* Labels are HTML-like labels (bold names, wrapped lines), so every map
  string is HTML-escaped and backslashes stay literal; node ids (slugs) go
  through the ``graphviz`` package's quoting. No other attribute holds map
  text.

The DOT text is deterministic (same map, same bytes). The SVG is drawn by
the system's ``dot``; without it the render fails with exit code 3 and says
how to install Graphviz.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from html import escape

from cjm.diagnostics.errors import EnvironmentProblem
from cjm.model.scales import position
from cjm.present.escape import xml_text
from cjm.present.numbers import number, score
from cjm.present.words import measured_source, reach_words

WRAP = 24  # characters per label line
NEGATIVE, NEUTRAL, POSITIVE = (0xEF, 0x8A, 0x62), (0xF7, 0xF7, 0xF7), (0x67, 0xA9, 0xCF)
NO_SCORE = "#ffffff"
PAIN = "#b2182b"
BRANCH = "#7a5195"
SEQUENCE = "#777777"
OFF_MAP = "#d55e00"  # observed moves the map does not have
MEASURED = "#24292f"
FONT = "Helvetica,Arial,sans-serif"
DOT_MISSING = ("Graphviz 'dot' was not found: install it with `apt-get install graphviz` (Debian/Ubuntu), "
               "`brew install graphviz` (macOS) or from https://graphviz.org/download/")


def fill(value: float | None, low: int, high: int) -> str:
    """The colour of a score: NEGATIVE at ``low``, NEUTRAL in the middle,
    POSITIVE at ``high``, linear in between."""
    if value is None or high <= low:
        return NO_SCORE
    t = 2 * position(value, low, high) - 1
    end = POSITIVE if t > 0 else NEGATIVE
    rgb = (round(n + (e - n) * abs(t)) for n, e in zip(NEUTRAL, end))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _html_lines(text: str, width: int = WRAP) -> str:
    """Text for an HTML-like label: what XML cannot hold dropped, wrapped,
    escaped; a blank text becomes a no-break space (``<B></B>`` is an error)."""
    lines = textwrap.wrap(" ".join(xml_text(text).split()), width, break_long_words=True,
                          break_on_hyphens=True) or ["\u00a0"]
    # A ']' that starts a line's text breaks Graphviz's HTML-label lexer
    # (2.43): written as a character reference it is only text.
    return "<BR/>".join(escape(line, quote=True).replace("]", "&#93;") for line in lines)


def _label(resolved, tp) -> str:
    parts = [f"<B>{_html_lines(tp.name)}</B>"]
    details = []
    channel = resolved.channel_name(tp)
    if channel:
        details.append(channel)
    average = resolved.emotion(tp)
    if average is not None:
        details.append(f"emotion {score(round(average, 1), resolved.scale.min)}")
    if tp.feeling:
        details.append(tp.feeling)
    if details:
        parts.append(f'<FONT POINT-SIZE="9" COLOR="#333333">{_html_lines(" · ".join(details), WRAP + 6)}</FONT>')
    if tp.pain_points:
        n = len(tp.pain_points)
        parts.append(f'<FONT POINT-SIZE="9" COLOR="{PAIN}">⚠ {n} pain point{"s" if n != 1 else ""}</FONT>')
    observed = resolved.observed
    if observed is not None and tp.id in observed.reach:
        words = reach_words(observed.reach[tp.id], observed.unit)
        parts.append(f'<FONT POINT-SIZE="9" COLOR="{MEASURED}">{_html_lines(words, WRAP + 6)}</FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def _legend(resolved) -> str:
    scale = resolved.scale
    low = _html_lines(scale.low_label or str(scale.min), 40)
    high = _html_lines(scale.high_label or str(scale.max), 40)
    measured = ""
    if _moves(resolved):
        source = _html_lines(measured_source(resolved.observed), 200)
        measured = (f'<BR/>numbers on arrows: moves observed ({source}) · '
                    f'<FONT COLOR="{OFF_MAP}">dotted arrows: moves the map does not have</FONT>')
    return (f'<<B>{_html_lines(resolved.title, 80)}</B><BR/><FONT POINT-SIZE="9">fill: emotion, '
            f'<FONT COLOR="#c0504d">■</FONT> {low} … <FONT COLOR="#3d85b8">■</FONT> {high} · '
            f'red border: pain points · dashed arrows: branches{measured}</FONT>>')


def _moves(resolved) -> bool:
    """Whether the arrows carry observed moves: a snapshot with transitions."""
    observed = resolved.observed
    return observed is not None and bool(observed.transitions)


def _weight(count: int, most: int) -> str:
    return f"{1.2 + 3.3 * count / most:.2f}" if most else "1.2"


def to_dot(resolved, options=None, shared=None) -> str:
    """The flow diagram as deterministic DOT source."""
    import graphviz

    g = graphviz.Digraph("journey")
    g.attr("graph", rankdir="LR", label=_legend(resolved), labelloc="t", labeljust="l", fontname=FONT,
           fontsize="14", nodesep="0.25", ranksep="0.45", newrank="true", pad="0.2")
    g.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="11", color="#666666",
           penwidth="1", margin="0.12,0.06")
    g.attr("edge", color=SEQUENCE, arrowsize="0.7", penwidth="1.2")
    low, high = resolved.scale.min, resolved.scale.max
    present = set()
    for i, stage in enumerate(resolved.stages, 1):
        if not stage.touchpoints:
            continue
        with g.subgraph(name=f"cluster_{i}") as c:
            c.attr(label=f"<<B>{i}. {_html_lines(stage.name, 40)}</B>>", style="rounded,filled", fillcolor="#f4f4f4",
                   color="#cccccc", fontsize="12", margin="12")
            for tp in stage.touchpoints:
                present.add(tp.id)
                attrs = {"fillcolor": fill(resolved.emotion(tp), low, high)}
                if tp.pain_points:
                    attrs.update(color=PAIN, penwidth="2.2")
                c.node(tp.id, label=_label(resolved, tp), **attrs)
    steps = [tp for _stage, tp in resolved.touchpoints()]
    moves = resolved.observed.transitions if _moves(resolved) else {}
    measured = set(resolved.observed.reach) if moves else set()
    most = max(moves.values(), default=0)
    drawn = set()
    for i, tp in enumerate(steps):
        # ResolvedMap.next_of's rule (explicit branches, else the following
        # step), without its per-call scan of the whole map: 2,000 steps.
        targets = tp.next or [t.id for t in steps[i + 1:i + 2]]
        for target in targets:
            if target not in present:
                continue  # a step left out by --persona
            attrs = {}
            if tp.id in measured and target in measured:  # both send events: the moves were counted
                count = moves.get((tp.id, target), 0)
                attrs = {"label": number(count), "fontsize": "9", "fontname": FONT, "penwidth": _weight(count, most)}
                drawn.add((tp.id, target))
            if tp.next:
                g.edge(tp.id, target, **{"color": BRANCH, "style": "dashed", "penwidth": "1.6", **attrs})
            else:
                g.edge(tp.id, target, **attrs)
    for (a, b), count in moves.items():
        if (a, b) not in drawn and a in present and b in present:
            g.edge(a, b, label=number(count), fontsize="9", fontname=FONT, fontcolor=OFF_MAP, color=OFF_MAP,
                   style="dotted", penwidth=_weight(count, most), constraint="false")
    return g.source


def render(resolved, options, shared=None) -> str:
    """The flow diagram as SVG, drawn by Graphviz's ``dot``."""
    dot = shutil.which("dot")
    if dot is None:
        raise EnvironmentProblem(DOT_MISSING)
    source = to_dot(resolved, options)
    try:
        proc = subprocess.run([dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentProblem(f"Graphviz 'dot' could not run: {exc}") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip() or f"exit code {proc.returncode}"
        raise EnvironmentProblem(f"Graphviz 'dot' failed: {message}")
    return proc.stdout.decode("utf-8")
