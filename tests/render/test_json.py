"""``-f json`` (cjm.render.json): the resolved model (catalogue personas,
channels and KPIs in place) as stable JSON: sorted keys, two-space indent,
text as written (no \\u escapes), a final newline, the same bytes every run."""

from __future__ import annotations

import json

import pytest

from cjm.render import RenderOptions
from cjm.render import json as json_renderer
from conftest import EXAMPLES
from render_inputs import EXAMPLE_MAPS, hostile_map_data, render, resolved_map, write_hostile_map


def keys_sorted(value) -> bool:
    if isinstance(value, dict):
        return list(value) == sorted(value) and all(keys_sorted(v) for v in value.values())
    if isinstance(value, list):
        return all(keys_sorted(v) for v in value)
    return True


@pytest.mark.parametrize("path", EXAMPLE_MAPS, ids=lambda p: p.stem)
def test_the_resolved_model_as_stable_json(path):
    resolved = resolved_map(path)
    out = json_renderer.render(resolved, RenderOptions())
    data = json.loads(out)
    assert data == resolved.to_json()
    assert keys_sorted(data)
    assert out == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert out.endswith("}\n") and not out.endswith("\n\n")
    assert json_renderer.render(resolved_map(path), RenderOptions()) == out


def test_catalogue_personas_channels_and_kpis_are_in_place():
    data = json.loads(render(EXAMPLES / "project" / "maps" / "booking.yaml", "json"))
    assert [p["id"] for p in data["personas"]] == ["family-planner", "business-traveller"]
    assert all(p["name"] and p["goals"] for p in data["personas"])  # the catalogue's entries, not bare ids
    assert data["channels"] and all("name" in c for c in data["channels"])
    assert {k["id"] for k in data["kpis"]} >= {k for s in data["stages"] for k in s.get("kpis", [])}


def test_text_is_written_as_is_and_read_back_exactly(tmp_path):
    out = render(write_hostile_map(tmp_path), "json")
    assert "日本語" in out and "🎉" in out and "\\u65e5" not in out  # no ASCII escapes
    data = json.loads(out)
    original = hostile_map_data()
    assert data["title"] == original["title"]
    assert [tp["name"] for s in data["stages"] for tp in s["touchpoints"]] == \
        [tp["name"] for s in original["stages"] for tp in s["touchpoints"]]
    assert data["personas"][0]["name"] == 'Maya, "O": #1 <b>'


def test_options_change_nothing():
    resolved = resolved_map(EXAMPLE_MAPS[0])
    plain = json_renderer.render(resolved, RenderOptions())
    assert json_renderer.render(resolved, RenderOptions(theme="dark", lanes=("actions",), split="stage")) == plain


def test_a_persona_view_keeps_that_persona_only(cjm):
    ran = cjm("render", str(EXAMPLES / "b2b-saas.yaml"), "-f", "json", "-o", "-", "--persona", "it-admin")
    assert ran.returncode == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert [p["id"] for p in data["personas"]] == ["it-admin"]
    steps = [tp for s in data["stages"] for tp in s["touchpoints"]]
    assert steps and all(tp.get("personas") is None or "it-admin" in tp["personas"] for tp in steps)
