"""Renderers: a registry, one module each.

A render format is one module with ``render(resolved, options) -> str`` (it
never prints or writes files: the pipeline writes atomically) and one
``Format`` entry in ``RENDERERS``. The command line's ``--format`` and the
config's ``render.formats`` offer exactly the registry's names (checked in
``cjm.pipeline.choices``). Modules are imported when a format is used, through
explicit import statements, so the import-linter contract sees every edge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from cjm.diagnostics.errors import EnvironmentProblem, TemplateError


@dataclass(frozen=True)
class RenderOptions:
    theme: str = "light"
    lanes: tuple[str, ...] | None = None  # None: every lane with content
    template_dir: Path | None = None
    persona: str | None = None  # already applied to the map by the pipeline; shown in titles
    embed_font: bool = True  # a subset of the bundled font inside the SVG and HTML (--no-embed-font: not)
    scale: float = 1.0  # PNG: 1 or 2 pixels per px of the map
    paper: str = "a4"  # PDF: a4, a3, letter or poster, landscape
    split: str | None = None  # svg, png: "stage" or a number of steps per poster; None: one picture


@dataclass(frozen=True)
class Piece:
    """One file of a format that writes several (posters of a split map):
    ``suffix`` goes before the format's extension (``.part2``)."""

    suffix: str
    content: str | bytes
    note: str = ""  # why the format wrote several files when nobody asked (said once, by the first piece)


@dataclass
class Shared:
    """What the formats of one map in one run share: the SVG map drawn once is
    inlined by the HTML page. It lives as long as one map's rendering."""

    svg: dict[RenderOptions, str] = field(default_factory=dict)
    scenes: dict[RenderOptions, Any] = field(default_factory=dict)  # the laid-out map, for svg, png and html


def _svg() -> ModuleType:
    from cjm.render import svg

    return svg


def _flow() -> ModuleType:
    from cjm.render import flow

    return flow


def _markdown() -> ModuleType:
    from cjm.render import markdown

    return markdown


def _html() -> ModuleType:
    from cjm.render import html

    return html


def _mermaid() -> ModuleType:
    from cjm.render import mermaid

    return mermaid


def _json() -> ModuleType:
    from cjm.render import json

    return json


def _png() -> ModuleType:
    from cjm.render import png

    return png


def _pdf() -> ModuleType:
    from cjm.render import pdf

    return pdf


def _overview() -> ModuleType:
    from cjm.render import overview

    return overview


@dataclass(frozen=True)
class Format:
    name: str
    load: Callable[[], ModuleType]
    extension: str
    description: str
    function: str = "render"  # the module's function that renders this format
    binary: bool = False  # the renderer returns bytes
    needs: str = ""  # a program outside Python it needs, if any
    in_all: bool = True  # part of `-f all`


RENDERERS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("svg", _svg, ".svg", "the journey map drawn as an SVG picture"),
        Format("png", _png, ".png", "the journey map as a PNG picture (1x or 2x, for slides), drawn by resvg",
               binary=True),
        Format("pdf", _pdf, ".pdf", "the journey map on landscape pages (A4, A3, Letter, poster), split by stage",
               binary=True),
        Format("overview", _overview, ".overview.svg", "the map at a glance: stages, step counts, emotion curves "
                                                       "and the worst pain points on one screen"),
        Format("flow", _flow, ".flow.svg", "a flow diagram of the touchpoints, through Graphviz", needs="dot"),
        Format("dot", _flow, ".dot", "the flow diagram's Graphviz source", function="to_dot", in_all=False),
        Format("md", _markdown, ".md", "Markdown for GitHub/GitLab, with a Mermaid journey"),
        Format("html", _html, ".html", "one self-contained interactive HTML page"),
        Format("mermaid", _mermaid, ".mmd", "the Mermaid journey diagram alone"),
        Format("json", _json, ".json", "the resolved model as JSON"),
    )
}
ALL = "all"  # every format with in_all


def all_formats() -> tuple[str, ...]:
    return tuple(name for name, f in RENDERERS.items() if f.in_all)


def theme_names() -> tuple[str, ...]:
    from cjm.render.themes import THEMES

    return tuple(THEMES)


def render(fmt: str, resolved: Any, options: RenderOptions,
           shared: Shared | None = None) -> str | bytes | list[Piece]:
    entry = RENDERERS[fmt]
    function = getattr(entry.load(), entry.function)
    try:
        return function(resolved, options, shared or Shared())
    except (EnvironmentProblem, TemplateError):
        raise
    except Exception as exc:
        # A broken or forbidden template (most often a user's override) is the
        # user's to fix: say which template and line, exit 2, no traceback.
        if type(exc).__module__.startswith("jinja2"):
            raise TemplateError(_template_problem(exc)) from None
        raise


def _template_problem(exc: Exception) -> str:
    where = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    place = f"{where}:{line}: " if where and line else (f"{where}: " if where else "")
    kind = "unsafe template" if type(exc).__name__ == "SecurityError" else "template error"
    return f"{kind}: {place}{exc}"
