"""The render registry (cjm.render): one ``Format`` entry per format, each
loading its module when used; ``all_formats`` and ``theme_names`` for the
choices; ``render`` calls the format's function with a ``Shared`` of the run,
returns text, bytes or ``Piece``s, and turns a template's jinja2 error into a
``TemplateError`` (exit 2) naming the template and line."""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import types

import jinja2
import jinja2.sandbox
import pytest

from cjm.diagnostics.errors import EnvironmentProblem, TemplateError
from cjm.model.journey import JourneyMap
from cjm.model.resolve import resolve
from cjm.render import (ALL, RENDERERS, Format, Piece, RenderOptions, Shared, all_formats, render, theme_names)
from cjm.render.themes import THEMES

SMALL = {"cjm": 1, "title": "Small", "goal": "Buy",
         "personas": [{"id": "ann", "name": "Ann", "goals": ["g"]}],
         "stages": [{"id": "s1", "name": "One", "touchpoints": [
             {"id": "t1", "name": "First", "emotion": 1, "pain_points": [{"id": "p1", "title": "Slow"}]}]},
             {"id": "s2", "name": "Two", "touchpoints": [{"id": "t2", "name": "Second", "emotion": -1}]}]}


def make():
    return resolve(JourneyMap.model_validate(copy.deepcopy(SMALL)), "small.yaml")


# --- the registry ----------------------------------------------------------------------------------
def test_every_entry_is_named_as_its_key_and_loads_its_function():
    assert list(RENDERERS) == ["svg", "png", "pdf", "overview", "flow", "dot", "md", "html", "mermaid", "json"]
    for name, entry in RENDERERS.items():
        assert entry.name == name
        module = entry.load()
        assert isinstance(module, types.ModuleType) and module.__name__.startswith("cjm.render.")
        assert callable(getattr(module, entry.function)), name
        assert entry.description and entry.extension.startswith(".")


def test_every_format_writes_files_of_its_own():
    extensions = [f.extension for f in RENDERERS.values()]
    assert len(set(extensions)) == len(extensions)
    assert RENDERERS["overview"].extension == ".overview.svg" and RENDERERS["flow"].extension == ".flow.svg"
    assert RENDERERS["md"].extension == ".md" and RENDERERS["mermaid"].extension == ".mmd"


def test_binary_formats_and_needs():
    assert {n for n, f in RENDERERS.items() if f.binary} == {"png", "pdf"}
    assert {n: f.needs for n, f in RENDERERS.items() if f.needs} == {"flow": "dot"}
    assert RENDERERS["dot"].function == "to_dot" and RENDERERS["dot"].load is RENDERERS["flow"].load


def test_all_formats_is_every_format_but_dot_in_order():
    assert ALL == "all"
    assert all_formats() == tuple(n for n in RENDERERS if n != "dot")


def test_theme_names_are_the_themes():
    assert theme_names() == tuple(THEMES) == ("light", "dark")


def test_render_options_are_frozen_hashable_values():
    a, b = RenderOptions(), RenderOptions()
    assert a == b and hash(a) == hash(b) and {a: 1}[b] == 1  # the key of what a run shares
    assert RenderOptions(theme="dark") != a
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.theme = "dark"
    assert (a.theme, a.lanes, a.embed_font, a.scale, a.paper, a.split) == ("light", None, True, 1.0, "a4", None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Piece(".part1", "x").suffix = ".part2"


# --- render -----------------------------------------------------------------------------------------
@pytest.fixture
def fake(monkeypatch):
    """A format added the documented way: a module with a function and one registry entry."""
    module = types.ModuleType("cjm.render.fake")
    module.calls = []

    def draw(resolved, options, shared):
        module.calls.append((resolved, options, shared))
        if module.raises is not None:
            raise module.raises
        return f"fake:{resolved.title}:{options.theme}"

    module.render = draw
    module.raises = None
    monkeypatch.setitem(RENDERERS, "fake", Format("fake", lambda: module, ".fake", "a format for tests"))
    return module


def test_a_format_is_one_module_and_one_entry(fake):
    resolved = make()
    assert render("fake", resolved, RenderOptions(theme="dark")) == "fake:Small:dark"
    (call,) = fake.calls
    assert call[0] is resolved and isinstance(call[2], Shared)  # a Shared of its own when none is given
    shared = Shared()
    render("fake", resolved, RenderOptions(), shared)
    assert fake.calls[-1][2] is shared
    assert "fake" in all_formats()


@pytest.mark.parametrize("error, message", [
    (jinja2.TemplateSyntaxError("unexpected '}'", 3, name="svg/map.svg.j2", filename="/t/svg/map.svg.j2"),
     "template error: /t/svg/map.svg.j2:3: unexpected '}'"),
    (jinja2.UndefinedError("'nope' is undefined"), "template error: 'nope' is undefined"),
    (jinja2.TemplateNotFound("html/page.html.j2"), "template error: html/page.html.j2: html/page.html.j2"),
    (jinja2.sandbox.SecurityError("access to attribute '__class__' of 'str' object is unsafe"),
     "unsafe template: access to attribute '__class__' of 'str' object is unsafe"),
])
def test_a_jinja2_error_becomes_a_template_error(fake, error, message):
    fake.raises = error
    with pytest.raises(TemplateError) as caught:
        render("fake", make(), RenderOptions())
    assert caught.value.message.split("\n")[0] == message
    assert caught.value.exit_code == 2
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # no traceback to show


@pytest.mark.parametrize("error", [EnvironmentProblem("dot is missing"), TemplateError("already said")])
def test_errors_of_cjms_own_pass_unchanged(fake, error):
    fake.raises = error
    with pytest.raises(type(error)) as caught:
        render("fake", make(), RenderOptions())
    assert caught.value is error


def test_other_errors_are_bugs_and_pass_unchanged(fake):
    fake.raises = ValueError("a bug")
    with pytest.raises(ValueError, match="a bug"):
        render("fake", make(), RenderOptions())


def _override(tmp_path, text: str):
    (tmp_path / "svg").mkdir(exist_ok=True)
    (tmp_path / "svg" / "map.svg.j2").write_text(text, encoding="utf-8")
    return RenderOptions(template_dir=tmp_path)


def test_a_broken_override_names_its_file_and_line(tmp_path):
    with pytest.raises(TemplateError, match=r"template error: .*map\.svg\.j2:2: "):
        render("svg", make(), _override(tmp_path, "<svg>\n{% if %}</svg>\n"))


def test_an_unsafe_override_is_refused(tmp_path):
    with pytest.raises(TemplateError, match="unsafe template"):
        render("svg", make(), _override(tmp_path, "<svg>{{ ''.__class__.__mro__ }}</svg>\n"))


def test_an_override_that_fails_while_it_runs_is_a_template_error(tmp_path):
    with pytest.raises(TemplateError, match=r"map\.svg\.j2") as caught:
        render("svg", make(), _override(tmp_path, "<svg>{{ 1 / 0 }}</svg>\n"))
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("text, line, what", [
    ("<svg>\n\n{{ 1 / 0 }}</svg>\n", 3, "ZeroDivisionError: division by zero"),
    ("<svg>\n{{ 'a' + 1 }}</svg>\n", 2, "TypeError: "),
    ("<svg>\n{{ nope }}</svg>\n", 2, "'nope' is undefined"),
])
def test_a_run_time_error_names_the_users_template_and_line(tmp_path, text, line, what):
    with pytest.raises(TemplateError) as caught:
        render("svg", make(), _override(tmp_path, text))
    path = tmp_path / "svg" / "map.svg.j2"
    assert caught.value.message.startswith(f"template error: {path}:{line}: {what}")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_run_time_error_in_a_template_the_override_includes_names_that_one(tmp_path):
    options = _override(tmp_path, "<svg>\n{% include 'svg/part.j2' %}</svg>\n")
    (tmp_path / "svg" / "part.j2").write_text("one\ntwo {{ 1 / 0 }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"part\.j2:2: ZeroDivisionError"):
        render("svg", make(), options)


def _failing_filter(*args, **kwargs):
    raise ValueError("a bug in cjm")


def test_a_run_time_error_in_cjms_own_template_stays_a_bug_with_a_template_folder(tmp_path, monkeypatch):
    """Only the user's templates are the user's to fix: when one of cjm's own
    templates fails, with or without an override folder, it is a bug (exit 4)."""
    from cjm.render.templating import environment

    options = _override(tmp_path, "<svg></svg>\n")  # overrides the SVG; the Markdown template is cjm's own
    monkeypatch.setitem(environment(tmp_path).filters, "md_text", _failing_filter)
    with pytest.raises(ValueError, match="a bug in cjm"):
        render("md", make(), options)


def test_cjms_own_template_included_by_an_override_stays_a_bug(tmp_path, monkeypatch):
    """The override includes one of cjm's templates, which fails inside: the
    innermost template is cjm's, so it is a bug of cjm's."""
    from cjm.render.templating import environment

    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "page.html.j2").write_text("mine\n{% include 'html/steps.html.j2' %}\n")
    monkeypatch.setitem(environment(tmp_path).filters, "length", _failing_filter)  # used by steps.html.j2
    with pytest.raises(ValueError, match="a bug in cjm"):
        render("html", make(), RenderOptions(template_dir=tmp_path))


def test_a_filter_called_from_the_users_template_is_theirs(tmp_path, monkeypatch):
    """...but when the user's template is the innermost one (it called the
    filter that failed), the user is shown their template and line."""
    from cjm.render.templating import environment

    (tmp_path / "markdown").mkdir()
    (tmp_path / "markdown" / "map.md.j2").write_text("mine\n{% include 'markdown/part.md.j2' %}\n")
    (tmp_path / "markdown" / "part.md.j2").write_text("{{ 'x'|md_text }}\n")
    monkeypatch.setitem(environment(tmp_path).filters, "md_text", _failing_filter)
    with pytest.raises(TemplateError, match=r"part\.md\.j2:1: ValueError: a bug in cjm"):
        render("md", make(), RenderOptions(template_dir=tmp_path))


# --- what each format returns ----------------------------------------------------------------------
TEXT = ["svg", "overview", "dot", "md", "html", "mermaid", "json"] + (["flow"] if shutil.which("dot") else [])


@pytest.mark.parametrize("fmt", TEXT)
def test_text_formats_return_text(fmt):
    out = render(fmt, make(), RenderOptions())
    assert isinstance(out, str) and "Small" in out


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")])
def test_binary_formats_return_bytes(fmt, magic):
    out = render(fmt, make(), RenderOptions())
    assert isinstance(out, bytes) and out.startswith(magic)


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_split_formats_return_pieces(fmt):
    pieces = render(fmt, make(), RenderOptions(split="stage"))
    assert [p.suffix for p in pieces] == [".part1", ".part2"]
    assert all(isinstance(p.content, str if fmt == "svg" else bytes) for p in pieces)


@pytest.mark.parametrize("fmt", ["md", "json", "overview"])
def test_other_formats_draw_the_whole_map_whatever_the_split(fmt):
    assert render(fmt, make(), RenderOptions(split="stage")) == render(fmt, make(), RenderOptions())


def test_json_through_the_registry_is_the_resolved_model():
    assert json.loads(render("json", make(), RenderOptions())) == make().to_json()
