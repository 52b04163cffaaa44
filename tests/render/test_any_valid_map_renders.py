"""Any map that ``cjm validate`` accepts renders in every format, with exit 0
(issue 8, item 1, the render side).

Maps are generated with awkward strings in every free-text field (blank,
white space only, no-break spaces, tabs, line breaks, control characters
written as YAML escapes, ``]``, quotes, ``<>&``, ``{{ }}``, U+2028/2029,
U+FFFE, emoji, right-to-left text, very long words); those that validate are
rendered through the real pipeline into every format, including ``flow``
through the real Graphviz ``dot``, ``png`` (resvg) and ``pdf``. The number of
examples is kept small so the test takes seconds.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjm.diagnostics import Severity
from cjm.model.journey import ONE_LINE_PATTERN, SHORT_TEXT_PATTERN, TEXT_PATTERN
from cjm.render import RENDERERS
from conftest import check

AWKWARD = [
    "", " ", "   ", "\u00a0", "\t", "a\tb", "\n", "line one\nline two", "\r\n", "\u0001", "bell\u0007",
    "]", "[x]", "a]b", '"quoted"', "it's", "<b>&amp;</b>", "{{ 7*7 }}", "{% raw %}", "\u2028", "\u2029",
    "x\ufffey", "\ufffe", "🎉🚀", "👩‍👩‍👧", "مرحبا بالعالم", "שלום", "日本語のテキスト", "e\u0301", "\u200b",
    "a" * 300, "https://example.com/" + "x" * 200, "-", "#", "%%", ":", "title", "section x", "\\", "\u202e",
]
# Characters JSON would write raw but a YAML file may only hold as escapes.
_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff\u202e]")

FORMATS = [f for f in RENDERERS if f != "flow" or shutil.which("dot")]

# Blank text is refused by the schema (such a map is not the renderer's
# business): draws are never blank, so that generated maps validate; the
# blank and white-space strings go where the schema lets them through (a
# feeling of " " is not blank to it) in the fixed maps below.
texts = st.one_of(st.sampled_from([a for a in AWKWARD if a.strip()]),
                  st.text(min_size=1, max_size=12).filter(lambda s: s.strip()))
# What the format lets through (cjm.model.journey): names and titles are one
# visible line, long texts may hold line breaks and tabs; the rest is refused
# at validation, and only maps that validate must render.
SHORT = re.compile(SHORT_TEXT_PATTERN)
LONG = re.compile(TEXT_PATTERN)
SHORT_ONE_LINE = re.compile(ONE_LINE_PATTERN)
short_texts = texts.filter(lambda s: SHORT.match(s) is not None)
long_texts = texts.filter(lambda s: LONG.match(s) is not None)


def to_yaml(data: dict) -> str:
    """JSON is YAML 1.2; control and separator characters become escapes."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@st.composite
def maps(draw) -> dict:
    t = lambda: draw(long_texts)  # noqa: E731
    n = lambda: draw(short_texts)  # noqa: E731
    personas = [{"id": "p1", "name": n(), "goals": [t()], "quote": t()},
                {"id": "p2", "name": n(), "goals": [t()]}]
    steps = []
    for i in range(draw(st.integers(1, 3))):
        steps.append({
            "id": f"t{i}", "name": n(), "channel": "web", "action": t(), "thoughts": [t(), t()],
            "description": t(), "emotion": draw(st.sampled_from([1, -2, 0, {"p1": -1, "p2": 2}, {"p1": 0}])),
            "feeling": n(), "expectation": draw(st.sampled_from(["met", "failed", "exceeded"])),
            "personas": draw(st.sampled_from([["p1"], ["p1", "p2"], ["p2"]])),
            "pain_points": [{"id": f"pp{i}", "title": n(), "description": t(), "severity": "high",
                             "evidence": [{"url": "https://example.com/x", "title": n()}]}],
            "opportunities": [{"id": f"op{i}", "title": n(), "addresses": [f"pp{i}"]}],
            "kpis": ["k"], "frontstage": t(), "backstage": t(), "support": t(), "policy": t(),
        })
    return {
        "cjm": 1, "title": n(), "goal": t(), "description": t(), "owner": n(), "industry": n(),
        "scale": {"min": -2, "max": 2, "low_label": n(), "high_label": n()},
        "personas": personas,
        "channels": [{"id": "web", "name": n(), "mode": "online"}],
        "kpis": [{"id": "k", "name": n(), "unit": "%", "target": 3, "actual": 2, "source": n()}],
        "stages": [{"id": "s1", "name": n(), "goal": t(), "kpis": ["k"], "touchpoints": steps},
                   {"id": "s2", "name": n(), "touchpoints": [{"id": "z", "name": n(), "feeling": n(),
                                                               "emotion": 1}]}],
        "actions": [{"id": "a1", "title": n(), "owner": n(), "addresses": ["pp0"], "status": "planned"}],
    }


def render_all(path) -> dict[str, object]:
    from cjm.pipeline.render import RenderRequest, render_maps, write_outputs

    result = render_maps(RenderRequest([str(path)], FORMATS, out=str(path.parent / "out")))
    assert not result.failed, [f.message for r in result.reports for f in r.findings]
    write_outputs(result, check=False)
    return {o.fmt: o.content for o in result.outputs}


def assert_rendered(outputs: dict[str, object]) -> None:
    assert set(outputs) == set(FORMATS)
    for fmt in ("svg", "overview", "flow"):
        if fmt in outputs:
            ET.fromstring(outputs[fmt])  # well-formed XML
    assert outputs["png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert outputs["pdf"][:5] == b"%PDF-"


def validates(text: str) -> bool:
    return not any(f.severity is Severity.ERROR for f in check(text, "m.yaml"))


@pytest.mark.slow
@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(data=maps())
def test_any_valid_map_renders_in_every_format(tmp_path_factory, data):
    text = to_yaml(data)
    if not validates(text):
        return  # only maps that validate must render
    folder = tmp_path_factory.mktemp("map")
    path = folder / "m.yaml"
    path.write_text(text, encoding="utf-8")
    assert_rendered(render_all(path))


@pytest.mark.slow
@pytest.mark.parametrize("shift", [0, 19])
def test_every_awkward_string_in_every_field_renders(tmp_path, shift):
    """The awkward strings themselves, each in some field, rotated (no luck needed)."""
    data = _fixed_map(shift)
    text = to_yaml(data)
    assert validates(text), [f.message for f in check(text, "m.yaml")]
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    assert_rendered(render_all(path))


def _fixed_map(shift: int) -> dict:
    """A map whose free-text fields take the awkward strings in turn. Names
    and titles must not be blank (the schema says so), so they get a visible
    letter around the awkward string."""
    n = iter(range(10_000))

    def pick(pattern) -> str:
        while True:
            candidate = AWKWARD[(next(n) + shift) % len(AWKWARD)]
            if pattern.match(candidate):
                return candidate

    def t() -> str:  # long text: every awkward string the format lets through
        return pick(LONG)

    def name() -> str:  # names and titles: one visible line
        return f"N{pick(SHORT_ONE_LINE)}"

    def short() -> str:
        return pick(SHORT)

    steps = [{"id": f"t{i}", "name": name(), "channel": "web", "action": t(), "thoughts": [t(), t()],
              "description": t(), "emotion": {"p1": -1, "p2": 2} if i else 1, "feeling": short(),
              "expectation": "failed", "personas": ["p1", "p2"] if i else ["p1"],
              "pain_points": [{"id": f"pp{i}", "title": name(), "description": t(), "severity": "critical"}],
              "opportunities": [{"id": f"op{i}", "title": name(), "addresses": [f"pp{i}"]}],
              "kpis": ["k"], "frontstage": t(), "backstage": t(), "support": t(), "policy": t()}
             for i in range(3)]
    return {
        "cjm": 1, "title": name(), "goal": t(), "description": t(), "owner": short(),
        "scale": {"min": -2, "max": 2, "low_label": short(), "high_label": short()},
        "personas": [{"id": "p1", "name": name(), "goals": [t()]}, {"id": "p2", "name": name(), "goals": [t()]}],
        "channels": [{"id": "web", "name": name(), "mode": "online"}],
        "kpis": [{"id": "k", "name": name(), "unit": "%", "target": 3, "actual": 2, "source": short()}],
        "stages": [{"id": "s1", "name": name(), "goal": t(), "kpis": ["k"], "touchpoints": steps},
                   {"id": "s2", "name": name(), "touchpoints": [{"id": "z", "name": name(), "feeling": short(),
                                                                   "emotion": 1}]}],
        "actions": [{"id": "a1", "title": name(), "addresses": ["pp0"], "status": "planned"}],
    }
