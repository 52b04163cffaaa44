"""``-f mermaid`` (and the block in ``-f md``) checked by Mermaid's own parser.

tests/js holds a pinned npm ``mermaid`` and ``parse-journey.mjs``, which
prints what Mermaid's journey parser understood (title, sections, tasks with
score and actors, entity codes decoded as a reader sees them). Every task,
score and actor of the example maps and of a hostile map must come out as the
map holds it. Install the oracle with ``npm ci --prefix tests/js``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from fractions import Fraction

import pytest

from conftest import ROOT
from render_inputs import EXAMPLE_MAPS, HOSTILE, render, resolved_map, write_hostile_map

JS = ROOT / "tests" / "js"
NODE = shutil.which("node")


def _skip_reason() -> str | None:
    if NODE is None:
        return "node is not installed (Mermaid's parser runs on Node.js)"
    if not (JS / "node_modules" / "mermaid" / "package.json").exists():
        return "Mermaid's parser is not installed: run `npm ci --prefix tests/js`"
    return None


needs_mermaid = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def parse_batch(texts: list[str]) -> list[dict]:
    proc = subprocess.run([NODE, str(JS / "parse-journey.mjs"), "--batch"], input=json.dumps(texts),
                          capture_output=True, text=True, timeout=120, cwd=JS)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def mermaid_score(value, low: int, high: int) -> int:
    """1..5, linear from the map's scale, halves rounded up (exact arithmetic)."""
    x = 1 + (Fraction(str(value)) - low) * 4 / Fraction(high - low)
    return max(1, min(5, int(x + Fraction(1, 2)) if x >= 0 else 1))


def expected(resolved) -> list[tuple[str, str, int, str | None]]:
    """(section, task, score, actor) for every touchpoint and persona, in order."""
    low, high = resolved.scale.min, resolved.scale.max
    rows = []
    for stage in resolved.stages:
        for tp in stage.touchpoints:
            if isinstance(tp.emotion, dict):
                who = [(p.name, resolved.emotion(tp, p.id)) for p in resolved.personas
                       if resolved.emotion(tp, p.id) is not None]
            else:
                who = [(p.name, tp.emotion) for p in resolved.personas_of(tp)]
            if not who:
                who = [(None, tp.emotion)]
            scores = [(name, 3 if value is None else mermaid_score(value, low, high)) for name, value in who]
            if len({v for _n, v in scores}) > 1:
                # one task per step: the personas' mean score, each persona named with its own
                mean = Fraction(sum(v for _n, v in scores), len(scores))
                task = tp.name + " (" + ", ".join(f"{n} {v}" for n, v in scores) + ")"
                scores = [(n, int(mean + Fraction(1, 2))) for n, _v in scores]
            else:
                task = tp.name
            for name, value in scores:
                rows.append((stage.name, task, value, name))
    return rows


def test_a_step_the_personas_feel_differently_about_is_one_task(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(
        "cjm: 1\ntitle: Two\npersonas:\n  - {id: a, name: Ann, goals: [x]}\n  - {id: b, name: Bob, goals: [y]}\n"
        "stages:\n  - id: s\n    name: S\n    touchpoints:\n"
        "      - {id: pay, name: Pay, emotion: {a: -2, b: 2}}\n      - {id: go, name: Go, emotion: {a: 1, b: 1}}\n",
        encoding="utf-8")
    text = render(path, "mermaid")
    tasks = [line.strip() for line in text.splitlines() if line.startswith("      ")]
    assert tasks == ["Pay (Ann 1, Bob 5): 3: Ann, Bob", "Go: 4: Ann, Bob"]


def understood(parsed: dict) -> list[tuple[str, str, int, str | None]]:
    rows = []
    for task in parsed["tasks"]:
        for actor in task["actors"] or [None]:
            rows.append((task["section"], task["task"], task["score"], actor))
    return rows


def order(rows) -> list[tuple[str, str]]:
    out = []
    for section, task, _score, _actor in rows:
        if not out or out[-1] != (section, task):
            out.append((section, task))
    return out


def md_block(markdown: str) -> str:
    match = re.search(r"^```mermaid\n(.*?)^```$", markdown, re.S | re.M)
    assert match, "no ```mermaid block in the Markdown"
    return match.group(1)


ORACLE_CASES = [
    "journey\n  title T\n  section S\n    a task: 5: Me\n",
    "journey\n  title T\n  section S\n    a: b: 5: Me\n",
    "journey\n  section S\n    % off: 5: Me\n",
]


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    """One Node process for the whole module: (texts, resolved maps, parsed) and
    the parsed ORACLE_CASES."""
    hostile = write_hostile_map(tmp_path_factory.mktemp("hostile"))
    texts, resolved = [], []
    for path in [*EXAMPLE_MAPS, hostile]:
        texts += [render(path, "mermaid"), md_block(render(path, "md"))]
        resolved += [resolved_map(path)] * 2
    results = parse_batch(texts + ORACLE_CASES)
    return list(zip(texts, resolved, results)), results[len(texts):]


@needs_mermaid
def test_every_task_score_and_actor_survives_mermaids_parser(oracle):
    for text, r, parsed in oracle[0]:
        assert parsed["ok"], f"{r.source}: Mermaid refused the block: {parsed.get('error')}\n{text}"
        assert parsed["title"] == r.title
        assert parsed["sections"] == [s.name for s in r.stages]
        want = expected(r)
        got = understood(parsed)
        assert sorted(got, key=repr) == sorted(want, key=repr), r.source
        assert order(got) == order(want), r.source


@needs_mermaid
def test_hostile_names_reach_the_reader_unchanged(oracle):
    text, _r, parsed = oracle[0][-2]  # the hostile map's -f mermaid
    assert parsed["ok"], parsed
    tasks = {t["task"] for t in parsed["tasks"]}
    # a step its personas feel differently about carries their scores after its name
    names = {t.rsplit(" (", 1)[0] if t.endswith(")") and t not in HOSTILE else t for t in tasks}
    assert {h.replace("\n", " / ") for h in HOSTILE} <= names | tasks  # names are one line (render_inputs)
    actors = {a for t in parsed["tasks"] for a in t["actors"]}
    assert actors == {'Maya, "O": #1 <b>', "title Bob | %%"}
    assert "%%" not in text and "#5" in text  # coded, not written raw


@needs_mermaid
def test_the_oracle_refuses_what_mermaid_refuses(oracle):
    """The oracle is not a rubber stamp: unescaped text breaks Mermaid."""
    good, bad, comment = oracle[1]
    assert good["ok"] and good["tasks"] == [{"section": "S", "task": "a task", "score": 5, "actors": ["Me"]}]
    assert not bad["ok"] or bad["tasks"][0]["task"] != "a: b"
    assert comment["ok"] and comment["tasks"] == []  # a '%' line is a comment: the task is lost


def test_scores_map_linearly_and_round_half_up(tmp_path):
    path = tmp_path / "scale.yaml"
    path.write_text(
        "cjm: 1\ntitle: Scale\nscale: {min: -2, max: 2}\npersonas:\n  - {id: a, name: Ann, goals: [x]}\n"
        "stages:\n  - id: s\n    name: S\n    touchpoints:\n"
        + "".join(f"      - {{id: t{i}, name: T{i}, emotion: {v}}}\n"
                  for i, v in enumerate([-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]))
        + "      - {id: none, name: No score}\n", encoding="utf-8")
    text = render(path, "mermaid")
    scores = [int(m) for m in re.findall(r": (\d): Ann$", text, re.M)]
    assert scores == [1, 2, 2, 3, 3, 4, 4, 5, 5, 3]


def test_persona_view_leaves_the_other_persona_out():
    path = next(p for p in EXAMPLE_MAPS if p.name == "ecommerce-current.yaml")
    text = render(path, "mermaid", persona="busy-professional")
    assert "Daniel Weber" in text and "Maya Okafor" not in text


def test_deterministic():
    for path in EXAMPLE_MAPS:
        assert render(path, "mermaid") == render(path, "mermaid")
