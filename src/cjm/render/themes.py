"""Colour themes: the palettes of the SVG map (the HTML page's CSS follows
them). The registry of themes is this dict: `--theme` and `render.theme`
offer exactly its keys.

Every text keeps a WCAG contrast of at least 4.5:1 with what it sits on,
small bold labels on pills included (tests/render/test_themes.py): so
``pain_line`` is dark enough to carry the white number of a pain point's
badge, and ``good`` and ``bad`` are dark enough to be read on their own 14 %
tint (expectation pills, comparison chips)."""

from __future__ import annotations

STAGE_ACCENTS = ("#4263eb", "#0c8599", "#2f9e44", "#e8590c", "#ae3ec9", "#1971c2", "#c2255c", "#5c940d",
                 "#d08700", "#7048e8")

THEMES: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#ffffff", "text": "#1f2328", "muted": "#57606a", "faint": "#8c959f", "rule": "#d0d7de",
        "rule_soft": "#eaeef2", "label_bg": "#f6f8fa", "card": "#ffffff", "card_line": "#d0d7de",
        "action": "#f6f8fa", "thought": "#eef4ff", "thought_line": "#a5bff0",
        "pain": "#fdeced", "pain_line": "#d43d35", "pain_text": "#82071e",
        "opp": "#e7f6ec", "opp_line": "#2da44e", "opp_text": "#0f5323",
        "kpi": "#fff8e6", "kpi_line": "#d4a72c",
        "front": "#eef2ff", "front_line": "#8ea2ee", "back": "#f5f0ff", "back_line": "#b49af0",
        "support": "#f2f4f7", "support_line": "#aab4c0", "policy": "#fff4e5", "policy_line": "#e0a45a",
        "good": "#177232", "bad": "#ba1f29", "link": "#0550ae", "accent": "#0969da",
        "pos_band": "#2da44e", "neg_band": "#cf222e", "band_alpha": "0.06", "line_stroke": "#6e7781",
        "online": "#0969da", "offline": "#8250df",
    },
    "dark": {
        "bg": "#0d1117", "text": "#e6edf3", "muted": "#9da7b3", "faint": "#7d8590", "rule": "#30363d",
        "rule_soft": "#21262d", "label_bg": "#161b22", "card": "#161b22", "card_line": "#30363d",
        "action": "#161b22", "thought": "#14233b", "thought_line": "#3b5b8f",
        "pain": "#3a1518", "pain_line": "#da3633", "pain_text": "#ffc1bd",
        "opp": "#0f2d1a", "opp_line": "#3fb950", "opp_text": "#aff5b4",
        "kpi": "#2b2111", "kpi_line": "#bb8009",
        "front": "#151d3b", "front_line": "#4c5fb0", "back": "#221637", "back_line": "#7a5cc0",
        "support": "#1b2028", "support_line": "#4d5866", "policy": "#2d1f0c", "policy_line": "#9e6a1f",
        "good": "#3fb950", "bad": "#ff7b72", "link": "#58a6ff", "accent": "#58a6ff",
        "pos_band": "#3fb950", "neg_band": "#f85149", "band_alpha": "0.08", "line_stroke": "#8b949e",
        "online": "#58a6ff", "offline": "#bc8cff",
    },
}


def _mix(color: str, other: str, amount: float) -> str:
    """``amount`` of ``color`` over ``other`` (both #rrggbb)."""
    a = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * amount + y * (1 - amount)):02x}" for x, y in zip(a, b))
