"""The map's CSS (cjm.render.svg.style): colours by class, from the theme's
palette, one rule a line, single-class selectors that a scope can prefix; a
rule for every value of the format's choices that the layout turns into a
class (severities, expectations, channel modes, KPI states, blueprint lanes)
and for every stage accent."""

from __future__ import annotations

import re
import typing

import pytest

from cjm.model.journey import Channel, PainPoint, Touchpoint
from cjm.model.resolve import BLUEPRINT_LANES
from cjm.render.svg import style
from cjm.render.themes import STAGE_ACCENTS, THEMES, _mix

THEME_NAMES = list(THEMES)
COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
# Colours that are the same in every theme: labels on the strong severity pills.
FIXED = {"#82071e", "#cf222e", "#9a5b00", "#57606a", "#ffffff"}


def selectors(theme: str) -> set[str]:
    return {s.strip() for sel, _decl in style.rules(theme) for s in sel.split(",")}


def declarations(theme: str, selector: str) -> dict[str, str]:
    out = {}
    for sel, decl in style.rules(theme):
        if selector in [s.strip() for s in sel.split(",")]:
            for item in decl.split(";"):
                if item.strip():
                    key, value = item.split(":", 1)
                    out[key.strip()] = value.strip()
    return out


def choices(model, field: str) -> list[str]:
    """The values a Literal field of the model accepts."""
    annotation = model.model_fields[field].annotation
    return [v for arg in typing.get_args(annotation) for v in (typing.get_args(arg) or ()) if isinstance(v, str)]


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_rules_are_well_formed(theme):
    rules = style.rules(theme)
    assert len(rules) > 60
    for selector, decl in rules:
        for s in selector.split(","):
            assert re.fullmatch(r"text|\.[a-z0-9-]+", s.strip()), s  # one element or one class: cheap for resvg
        for item in decl.split(";"):
            assert re.fullmatch(r"\s*[a-z-]+: [^;{}]+", item), (selector, item)
    assert len({sel for sel, _d in rules}) == len(rules)  # no selector twice


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_every_colour_comes_from_the_theme(theme):
    palette = {v.lower() for v in THEMES[theme].values()}
    palette |= {_mix(a, THEMES[theme]["bg"], amount).lower() for a in STAGE_ACCENTS
                for amount in (0.035, 0.07, 0.14, 0.3)}
    palette |= {a.lower() for a in STAGE_ACCENTS} | FIXED
    used = {c.lower() for _sel, decl in style.rules(theme) for c in COLOUR.findall(decl)}
    assert used and used <= palette, used - palette


def test_the_themes_differ_only_in_colours():
    light, dark = style.rules("light"), style.rules("dark")
    assert [sel for sel, _d in light] == [sel for sel, _d in dark]
    for (_sel, a), (_sel2, b) in zip(light, dark):
        assert COLOUR.sub("#", a) == COLOUR.sub("#", b) or "opacity" in a  # band opacity is the theme's too
    assert declarations("light", ".cjm-bg") == {"fill": THEMES["light"]["bg"]}
    assert declarations("dark", ".cjm-bg") == {"fill": THEMES["dark"]["bg"]}
    assert declarations("dark", "text") == {"fill": THEMES["dark"]["text"]}


def test_an_unknown_theme_is_refused_here():
    """The layout falls back to light for an unknown theme; the style is only asked for known ones."""
    with pytest.raises(KeyError):
        style.rules("sepia")


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_a_rule_for_every_class_the_formats_choices_become(theme):
    have = selectors(theme)
    assert choices(PainPoint, "severity") == ["low", "medium", "high", "critical"]
    assert choices(Touchpoint, "expectation") == ["exceeded", "met", "failed"]
    assert choices(Channel, "mode") == ["online", "offline"]
    wanted = [f".cjm-sev-{s}" for s in choices(PainPoint, "severity")]
    wanted += [f".cjm-exp-{e}" for e in choices(Touchpoint, "expectation")]
    wanted += [f".cjm-pill-{e}" for e in choices(Touchpoint, "expectation")]
    wanted += [f".cjm-mode-{m}" for m in [*choices(Channel, "mode"), "unknown"]]
    wanted += [f".cjm-kpi-{s}" for s in ("ok", "off", "unknown")]
    wanted += [f".cjm-bp-{lane}" for lane in BLUEPRINT_LANES]
    wanted += [f".cjm-delta-{k}{label}" for k in ("up", "down", "same") for label in ("", "-label")]
    assert [w for w in wanted if w not in have] == []


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_a_tint_a_head_and_an_accent_for_every_stage_accent(theme):
    bg = THEMES[theme]["bg"]
    for i, accent in enumerate(STAGE_ACCENTS):
        assert declarations(theme, f".cjm-accent-{i}") == {"fill": accent}
        tint = declarations(theme, f".cjm-tint-{i}")["fill"]
        head = declarations(theme, f".cjm-head-{i}")["fill"]
        assert tint != head and tint != bg and head != accent
    assert f".cjm-accent-{len(STAGE_ACCENTS)}" not in selectors(theme)  # the layout cycles through them


def test_css_is_one_rule_a_line():
    rules = style.rules("light")
    lines = style.css("light").split("\n")
    assert len(lines) == len(rules)
    assert lines[0] == f"text {{ fill: {THEMES['light']['text']}; }}"
    assert all(line.count("{") == line.count("}") == 1 and line.endswith("; }") for line in lines)


def test_a_scope_prefixes_every_selector():
    scope = "[data-theme=dark] .cjm-map "
    scoped = style.css("dark", scope).split("\n")
    for (selector, decl), line in zip(style.rules("dark"), scoped):
        head = line.split(" { ")[0]
        parts = head.split(", ")
        assert parts == [scope + s.strip() for s in selector.split(",")]
        assert line.endswith(f" {{ {decl}; }}")


def test_css_is_deterministic():
    assert style.css("light") == style.css("light")
    assert style.css("light") != style.css("dark")
