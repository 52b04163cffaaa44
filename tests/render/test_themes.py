"""Colour themes (cjm.render.themes): every theme has every colour the map's
style, layout and overview ask for, as ``#rrggbb``; body text keeps a WCAG
contrast of at least 4.5:1 with what it sits on, in every theme; ``_mix``
blends colours the way the tints of the stages are made."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from cjm.render import RenderOptions, overview
from cjm.render.svg import layout, style
from cjm.render.themes import STAGE_ACCENTS, THEMES, _mix
from conftest import ROOT
from render_inputs import EXAMPLE_MAPS, resolved_map

THEME_NAMES = list(THEMES)
HEX = re.compile(r"#[0-9a-f]{6}")


def luminance(color: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --- the palettes -----------------------------------------------------------------------------
def test_every_theme_has_the_same_keys():
    keys = set(THEMES["light"])
    assert all(set(palette) == keys for palette in THEMES.values())
    assert len(keys) > 35


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_every_value_is_a_colour(theme):
    for key, value in THEMES[theme].items():
        if key.endswith("_alpha"):
            assert 0 < float(value) < 1, key
        else:
            assert HEX.fullmatch(value), (key, value)


def _keys_in_source() -> set[str]:
    """Palette keys the renderers name: ``c["key"]`` and ``self.c["key"]``."""
    found = set()
    for path in (ROOT / "src" / "cjm" / "render").rglob("*.py"):
        found |= set(re.findall(r"""\bc\[["'](\w+)["']\]""", path.read_text(encoding="utf-8")))
    return found


def test_every_key_the_source_names_is_in_every_theme():
    used = _keys_in_source()
    assert {"text", "bg", "accent", "pain_line", "good", "bad"} <= used  # the scan sees them
    for theme in THEME_NAMES:
        assert used <= set(THEMES[theme]), (theme, used - set(THEMES[theme]))


class Recording(dict):
    """A palette that remembers the keys asked for, including computed ones (``c[mode]``)."""

    asked: set[str]

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)


def test_every_key_asked_for_while_drawing_is_in_every_theme(monkeypatch):
    asked: set[str] = set()
    for name in THEME_NAMES:
        palette = Recording(THEMES[name])
        palette.asked = asked
        monkeypatch.setitem(THEMES, name, palette)
    for name in THEME_NAMES:
        style.rules(name)
        for path in EXAMPLE_MAPS:
            resolved = resolved_map(path)
            compared = replace(resolved, compare=resolved)  # the legend and chips of --compare too
            layout.Layout(compared, RenderOptions(theme=name)).scene()
            overview.scene(resolved, RenderOptions(theme=name))
    assert {"online", "offline", "good", "bad", "muted", "accent"} <= asked
    for name in THEME_NAMES:
        assert asked <= set(THEMES[name]), (name, asked - set(THEMES[name]))


def test_stage_accents():
    assert len(STAGE_ACCENTS) == 10 and len(set(STAGE_ACCENTS)) == 10
    assert all(HEX.fullmatch(a) for a in STAGE_ACCENTS)


def test_mix():
    assert _mix("#ff0000", "#0000ff", 1) == "#ff0000"
    assert _mix("#ff0000", "#0000ff", 0) == "#0000ff"
    assert _mix("#ff0000", "#0000ff", 0.5) == "#800080"  # halves round
    assert _mix("#000000", "#ffffff", 0.14) == "#dbdbdb"
    assert _mix("#4263EB", "#FFFFFF", 0.035) == "#f8fafe"  # either case in, lower case out


def test_the_themes_differ():
    assert THEMES["light"]["bg"] != THEMES["dark"]["bg"]
    assert luminance(THEMES["light"]["bg"]) > 0.9 > 0.05 > luminance(THEMES["dark"]["bg"])


# --- contrast ----------------------------------------------------------------------------------
def body_text(theme: str) -> dict[str, tuple[str, str]]:
    """Text colour and what it sits on, for the text of cards, lanes and headers (11-14 px)."""
    c = THEMES[theme]
    light = theme == "light"
    pairs = {f"{fg} on {bg}": (c[fg], c[bg]) for fg, bg in [
        ("text", "bg"), ("muted", "bg"), ("text", "card"), ("muted", "card"), ("link", "card"), ("link", "bg"),
        ("text", "label_bg"), ("muted", "label_bg"), ("text", "action"), ("muted", "action"), ("text", "thought"),
        ("pain_text", "pain"), ("opp_text", "opp"), ("text", "kpi"), ("muted", "kpi"), ("good", "kpi"),
        ("bad", "kpi"), ("text", "front"), ("text", "back"), ("text", "support"), ("text", "policy"),
        ("muted", "front"), ("muted", "back"), ("muted", "support"), ("muted", "policy"),
    ]}
    for i, accent in enumerate(STAGE_ACCENTS):  # stage headers and the tinted columns under them
        head = _mix(accent, c["bg"], 0.14 if light else 0.3)
        tint = _mix(accent, c["bg"], 0.035 if light else 0.07)
        pairs[f"text on stage head {i}"] = (c["text"], head)
        pairs[f"muted on stage head {i}"] = (c["muted"], head)
        pairs[f"text on stage tint {i}"] = (c["text"], tint)
        pairs[f"muted on stage tint {i}"] = (c["muted"], tint)
    pairs["step number on its disc"] = (c["bg"], c["text"])
    return pairs


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_body_text_contrast(theme):
    low = {name: round(contrast(fg, bg), 2) for name, (fg, bg) in body_text(theme).items() if contrast(fg, bg) < 4.5}
    assert low == {}


def labels(theme: str) -> dict[str, tuple[str, str]]:
    """The small bold labels on coloured pills (9.5-10.5 px), over the card or the background."""
    c = THEMES[theme]
    out = {f"severity tag on {sev}": ("#ffffff", fill) for sev, fill in
           (("critical", "#82071e"), ("high", "#cf222e"), ("medium", "#9a5b00"), ("low", "#57606a"))}
    out["pain number badge"] = ("#ffffff", c["pain_line"])
    for kind, fill, text in (("exceeded", "good", "good"), ("met", "faint", "muted"), ("failed", "bad", "bad")):
        out[f"{kind} expectation pill"] = (c[text], _mix(c[fill], c["bg"], 0.14))
    for kind, fill, text in (("up", "good", "good"), ("same", "faint", "muted"), ("down", "bad", "bad")):
        out[f"compare chip {kind}"] = (c[text], _mix(c[fill], c["card"], 0.14))
    return out


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_the_label_pairs_are_the_styles(theme):
    """labels() is a model of the map's CSS: each pill's fill (and its
    opacity, 0.14) and its label's colour are those the style gives them."""
    c = THEMES[theme]
    rules = {s.strip(): decl for sel, decl in style.rules(theme) for s in sel.split(",")}
    for sev in ("critical", "high", "medium", "low"):
        assert rules[f".cjm-sev-{sev}"] == f"fill: {labels(theme)[f'severity tag on {sev}'][1]}"
    assert rules[".cjm-tag-label"] == rules[".cjm-ref-label"] == "fill: #ffffff"
    assert rules[".cjm-ref-pain"] == f"fill: {c['pain_line']}"
    for pill, label, fill, text in (("pill-exceeded", "exp-exceeded", "good", "good"),
                                    ("pill-met", "exp-met", "faint", "muted"),
                                    ("pill-failed", "exp-failed", "bad", "bad"),
                                    ("delta-up", "delta-up-label", "good", "good"),
                                    ("delta-same", "delta-same-label", "faint", "muted"),
                                    ("delta-down", "delta-down-label", "bad", "bad")):
        assert rules[f".cjm-{pill}"] == f"fill: {c[fill]}; fill-opacity: 0.14"
        assert rules[f".cjm-{label}"] == f"fill: {c[text]}"


def _label_cases():
    for theme in THEME_NAMES:
        for name in labels(theme):
            yield pytest.param(theme, name, id=f"{theme}-{name}")


@pytest.mark.parametrize("theme, name", list(_label_cases()))
def test_small_labels_on_pills_contrast(theme, name):
    fg, bg = labels(theme)[name]
    assert contrast(fg, bg) >= 4.5, round(contrast(fg, bg), 2)
