"""Choices from the registries: the command line and cjm.yaml accept exactly
the same formats, lanes, themes, rules and rule options, and refuse a wrong
one with the same words, a suggestion, and (in cjm.yaml) file:line:column."""

from __future__ import annotations

import sys
import types

import pytest
from conftest import MINIMAL_MAP

from cjm.pipeline import choices
from cjm.render import RENDERERS, Format


def write(root, config: str) -> None:
    (root / "cjm.yaml").write_text(config)
    (root / "maps").mkdir(exist_ok=True)
    (root / "maps" / "shop.yaml").write_text(MINIMAL_MAP)


@pytest.mark.parametrize("config,where,words,hint", [
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrender:\n  lanes: [actions, thougths]\n", "cjm.yaml:4:20",
     "unknown lane 'thougths'", "did you mean 'thoughts'?"),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrender:\n  theme: sepia\n", "cjm.yaml:4:10", "unknown theme 'sepia'", ""),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrender:\n  theme: drak\n", "cjm.yaml:4:10", "unknown theme 'drak'",
     "did you mean 'dark'?"),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrender:\n  formats: [svg, htlm]\n", "cjm.yaml:4:18", "unknown format 'htlm'",
     "did you mean 'html'?"),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrules:\n  stale-review: {level: info, max_age_dayz: 9}\n", "cjm.yaml:4:31",
     "rule stale-review has no option 'max_age_dayz'", "did you mean 'max_age_days'?"),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrules:\n  stale-review: {max_age_days: soon}\n", "cjm.yaml:4:32",
     "option max_age_days of rule stale-review must be a whole number", ""),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrules:\n  stale-review: {max_age_days: 0}\n", "cjm.yaml:4:32",
     "must be at least 1", ""),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrules:\n  unadressed-pain-point: off\n", "cjm.yaml:4:3",
     "unknown rule 'unadressed-pain-point'", "did you mean 'unaddressed-pain-point'?"),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrules:\n  missing-goal: loud\n", "cjm.yaml:4:17",
     "must be one of error, warning, info, off", ""),
    ("cjm: 1\nmaps: ['maps/*.yaml']\nrender:\n  out: ../../elsewhere\n", "cjm.yaml:4:8",
     "lies outside the project folder", "-o"),
])
def test_a_wrong_choice_in_cjm_yaml_is_a_finding_with_its_place(tmp_path, cjm, config, where, words, hint):
    write(tmp_path, config)
    for command in (["validate"], ["render", "-o", "out"]):
        ran = cjm(*command, cwd=tmp_path)
        assert ran.returncode == 2, ran
        first = ran.stderr.splitlines()[0]
        assert first.startswith(f"{where}: error CJM001 config: "), ran.stderr
        assert words in first
        if hint:
            assert hint in ran.stderr
        assert not (tmp_path / "out").exists()


def test_the_same_words_on_the_command_line(tmp_path, cjm):
    (tmp_path / "shop.yaml").write_text(MINIMAL_MAP)
    cases = [(["--lanes", "actions,thougths"], "unknown lane 'thougths'", "did you mean 'thoughts'?"),
             (["--theme", "drak"], "unknown theme 'drak'", "did you mean 'dark'?"),
             (["-f", "htlm"], "unknown format 'htlm'", "did you mean 'html'?")]
    for args, words, hint in cases:
        ran = cjm("render", "shop.yaml", "-o", "out", *args, cwd=tmp_path)
        assert ran.returncode == 2 and words in ran.stderr and hint in ran.stderr, ran
    ran = cjm("validate", "shop.yaml", "--level", "unadressed-pain-point=off", cwd=tmp_path)
    assert ran.returncode == 2 and "did you mean 'unaddressed-pain-point'?" in ran.stderr


def test_config_and_command_line_accept_exactly_the_registries(tmp_path, cjm):
    from cjm.model.resolve import LANES
    from cjm.render import all_formats, theme_names

    assert choices.formats() == (*RENDERERS, "all")
    assert choices.lanes() == tuple(LANES)
    assert choices.themes() == theme_names()
    fmts = ", ".join(f for f in RENDERERS)  # every format, dot included, is a config choice too
    write(tmp_path, f"cjm: 1\nmaps: ['maps/*.yaml']\nrender:\n  formats: [{fmts}]\n  lanes: [{', '.join(LANES)}]\n"
                    f"  theme: {theme_names()[-1]}\n")
    ran = cjm("render", "--check", cwd=tmp_path)
    assert ran.returncode in (0, 1) and "CJM001" not in ran.stderr, ran
    assert set(all_formats()) < set(RENDERERS)


def test_the_published_config_schema_lists_the_same_choices():
    from cjm.pipeline.schemas import config_schema

    schema = config_schema()
    render = schema["$defs"]["RenderConfig"]["properties"]
    assert render["formats"]["items"]["enum"] == list(choices.formats())
    assert render["theme"]["enum"] == list(choices.themes())
    rules = schema["properties"]["rules"]["properties"]
    assert "stale-review" in rules and "CJM315" in rules
    options = schema["$defs"]["Rule-stale-review"]["anyOf"][1]["properties"]
    assert options["max_age_days"]["default"] == 120


def test_a_new_render_format_is_one_module_and_one_registry_entry(tmp_path, cjm, monkeypatch):
    """What the README promises: register a format and every door offers it."""
    module = types.ModuleType("cjm_test_outline")
    module.render = lambda resolved, options, shared=None: "".join(
        f"{stage.name}: {', '.join(tp.name for tp in stage.touchpoints)}\n" for stage in resolved.stages)
    monkeypatch.setitem(sys.modules, "cjm_test_outline", module)
    monkeypatch.setitem(RENDERERS, "outline", Format("outline", lambda: module, ".outline.txt", "stages and steps"))
    (tmp_path / "shop.yaml").write_text(MINIMAL_MAP)
    ran = cjm("render", "shop.yaml", "-f", "outline", "-o", "-", cwd=tmp_path)
    assert ran.returncode == 0 and ran.stdout == "Buy: Shop\n"
    ran = cjm("render", "shop.yaml", "-f", "all", "-o", "out", cwd=tmp_path)
    assert (tmp_path / "out" / "shop.outline.txt").read_text() == "Buy: Shop\n"
    write(tmp_path, "cjm: 1\nmaps: ['maps/*.yaml']\nrender:\n  formats: [outline]\n  out: build\n")
    assert cjm("render", cwd=tmp_path).returncode == 0
    assert (tmp_path / "build" / "shop.outline.txt").exists()
    assert "outline" in choices.formats()


def test_split_and_expand():
    assert choices.split_list(["svg,md", " html ", ""]) == ["svg", "md", "html"]
    assert choices.expand_formats(["md", "all", "md"])[0] == "md"
    assert choices.cli_formats(None) is None
    with pytest.raises(ValueError):
        choices.expand_formats(["nope"])
