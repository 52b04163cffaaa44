"""Maps the renderer tests share: the examples, a hostile map with attack
strings in every text field, and a generated large map.

Maps are rendered in-process through the real pipeline (load, validate,
resolve, render), as ``cjm render`` does."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLES

EXAMPLE_MAPS = sorted(p for p in [*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("project/maps/*.yaml")])

# Strings that break a careless renderer (issue 3: injection; Mermaid's grammar).
HOSTILE = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "a | b",
    "first line\nsecond line",
    "title x",
    "a: b; c # d",
    "section",
    "%% x",
    "% off",
    "accTitle: hijack",
    "Journey planner",
    "naïve 日本語 🎉 Ünïcödé",
    "*bold* _it_ [link](javascript:alert(1)) `code`",
    "<img src=x onerror=alert(1)>",
    "&amp; &#60; &lt;",
    "1. not a list",
    "- not a list",
    "# not a heading",
    "$x$ and \\(y\\)",
    "```",
    "  padded  ",
    "x%%y, z",
    "#58; stays",
]


def _text(i: int) -> str:
    return HOSTILE[i % len(HOSTILE)]


def hostile_map_data() -> dict:
    """A valid map whose every free-text field holds a hostile string; every
    hostile string is a touchpoint name (so it reaches every renderer)."""
    counter = iter(range(10_000))

    def t() -> str:  # long text: line breaks allowed
        return _text(next(counter))

    def s_() -> str:  # short text: one line (the format refuses line breaks there)
        return _text(next(counter)).replace("\n", " / ")

    personas = [
        {"id": "p1", "name": 'Maya, "O": #1 <b>', "segment": s_(), "quote": t(), "goals": [t(), t()],
         "pain_points": [t()], "challenges": [t()], "motivations": [t()], "occupation": s_(), "location": s_(),
         "description": t(), "sources": [{"url": "https://example.com/a_(b)", "title": s_()}]},
        {"id": "p2", "name": "title Bob | %%", "segment": s_(), "goals": [t()]},
    ]
    stages = []
    for s in range(3):
        touchpoints = []
        for k in range(len(HOSTILE)):
            if k % 3 != s:
                continue
            tp = {"id": f"t{k}", "name": HOSTILE[k].replace("\n", " / "), "action": t(), "thoughts": [t(), t()], "feeling": s_(),
                  "channel": "web",
                  "pain_points": [{"id": f"pp{k}", "title": s_(), "description": t(),
                                   "evidence": [{"url": "https://example.com/e?q=1&r=<2>", "title": s_()}]}],
                  "opportunities": [{"id": f"op{k}", "title": s_(), "description": t(), "addresses": [f"pp{k}"]}]}
            if k % 4 == 0:
                tp["emotion"] = {"p1": -2, "p2": 1.5}
            elif k % 4 == 1:
                tp["emotion"] = 0.5
            elif k % 4 == 2:
                tp["personas"] = ["p2"]
                tp["emotion"] = -1
            # k % 4 == 3: no emotion at all
            if k == 3:
                tp["next"] = ["t5", "t6"]
            touchpoints.append(tp)
        stages.append({"id": f"s{s}", "name": s_(), "goal": t(), "description": t(), "questions": [t()],
                       "kpis": ["conv"], "touchpoints": touchpoints})
    return {
        "cjm": 1, "title": "Hostile <script>alert(1)</script> | a: b; # %% {{ 7*7 }}", "goal": t(),
        "description": t(), "industry": s_(), "owner": s_(), "tags": [s_(), s_()],
        "scale": {"min": -2, "max": 2, "low_label": s_(), "high_label": s_()},
        "personas": personas,
        "channels": [{"id": "web", "name": s_(), "mode": "online"}],
        "kpis": [{"id": "conv", "name": s_(), "unit": "%", "target": 3, "actual": 2.5, "source": s_()}],
        "stages": stages,
        "actions": [{"id": "a1", "title": s_(), "description": t(), "owner": s_(), "status": "planned",
                     "addresses": ["pp0", "pp1"], "kpis": ["conv"]}],
    }


def write_hostile_map(folder: Path) -> Path:
    path = folder / "hostile.yaml"
    # JSON is YAML 1.2: the strings arrive exactly as written here.
    path.write_text(json.dumps(hostile_map_data(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def large_map_data(touchpoints: int = 2000, stages: int = 10) -> dict:
    """An L map: ``touchpoints`` steps over ``stages`` stages, two personas."""
    per = touchpoints // stages
    return {
        "cjm": 1, "title": "Large map", "goal": "Stay fast",
        "personas": [{"id": "a", "name": "Ann", "goals": ["x"]}, {"id": "b", "name": "Ben", "goals": ["y"]}],
        "stages": [{"id": f"s{s}", "name": f"Stage {s}", "touchpoints": [
            {"id": f"t{s}-{i}", "name": f"Step {i} of stage {s} with a longer name", "action": "Does a thing",
             "emotion": {"a": (i % 5) - 2, "b": ((i + 2) % 5) - 2},
             **({"pain_points": [{"id": f"p{s}-{i}", "title": "Slow"}]} if i % 7 == 0 else {})}
            for i in range(per)]} for s in range(stages)],
    }


def render(path: Path, fmt: str, **request) -> str:
    """Render one map to one format through the real pipeline."""
    from cjm.pipeline.render import RenderRequest, render_maps

    result = render_maps(RenderRequest([str(path)], [fmt], out="-", **request))
    assert not result.failed, [f.message for r in result.reports for f in r.findings]
    (output,) = result.outputs
    return output.content


def resolved_map(path: Path):
    """The ResolvedMap the renderers receive, for computing expectations."""
    from cjm.pipeline.render import RenderRequest, render_maps
    from cjm.render import RENDERERS

    captured = []
    import cjm.render as render_pkg

    original = render_pkg.render

    def spy(fmt, resolved, options, shared=None):
        captured.append(resolved)
        return original(fmt, resolved, options, shared)

    render_pkg.render = spy
    try:
        render_maps(RenderRequest([str(path)], ["json"], out="-"))
    finally:
        render_pkg.render = original
    assert RENDERERS["json"] and captured
    return captured[0]


def large_map(stages: int = 10, per_stage: int = 200, personas: int = 10):
    """The L map of the benchmarks: 10 personas, 10 stages, 2,000 touchpoints."""
    k = 0
    data = {"cjm": 1, "title": "Large", "goal": "Scale", "type": "service-blueprint",
            "personas": [{"id": f"p{i}", "name": f"Persona {i}", "goals": ["g"]} for i in range(personas)],
            "channels": [{"id": "web", "name": "Website", "mode": "online"}],
            "kpis": [{"id": "conv", "name": "Conversion", "unit": "%", "target": 3, "actual": 2}],
            "stages": []}
    for s in range(stages):
        tps = []
        for _t in range(per_stage):
            k += 1
            tps.append({"id": f"t{k}", "name": f"Step {k} of the journey", "channel": "web",
                        "action": f"Does thing {k}, then reads the page for a while before moving on",
                        "thoughts": [f"Is step {k} worth it?", "Why does this take so long?"],
                        "emotion": {f"p{i}": (k + i) % 5 - 2 for i in range(personas) if (k + i) % 7},
                        "feeling": "curious", "expectation": "met",
                        "pain_points": [{"id": f"pp{k}", "title": "Slow page", "severity": "high"}] if k % 3 == 0
                        else [],
                        "opportunities": [{"id": f"o{k}", "title": "Make it faster"}] if k % 4 == 0 else [],
                        "kpis": ["conv"] if k % 10 == 0 else [],
                        "frontstage": "Agent answers" if k % 2 else None, "backstage": "Queue"})
        data["stages"].append({"id": f"s{s}", "name": f"Stage {s}", "goal": "Get through", "touchpoints": tps})
    from cjm.model.journey import JourneyMap
    from cjm.model.resolve import resolve

    return resolve(JourneyMap.model_validate(data), "large.yaml")
