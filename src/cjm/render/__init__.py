"""Renderers: a registry, one module each.

Every renderer module exposes ``render(resolved: ResolvedMap, options:
RenderOptions) -> str`` and never prints or writes files (``cjm.build`` does
that, atomically). Adding a format is one module and one entry in
``RENDERERS``; the CLI's ``--format`` choices are its keys.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path


class RenderError(Exception):
    """A renderer cannot do its job; ``exit_code`` 3 for a missing tool."""

    def __init__(self, message: str, exit_code: int = 3) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class RenderOptions:
    theme: str = "light"
    lanes: tuple[str, ...] | None = None  # None: every lane with content
    template_dir: Path | None = None
    persona: str | None = None  # already applied to the map by the pipeline; shown in titles


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    extension: str
    description: str


RENDERERS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("svg", "cjm.render.svg", ".svg", "the journey map drawn as an SVG picture"),
        Format("flow", "cjm.render.flow", ".flow.svg", "a flow diagram of the touchpoints, through Graphviz"),
        Format("dot", "cjm.render.flow", ".dot", "the flow diagram's Graphviz source"),
        Format("md", "cjm.render.markdown", ".md", "Markdown for GitHub/GitLab, with a Mermaid journey"),
        Format("html", "cjm.render.html", ".html", "one self-contained interactive HTML page"),
        Format("mermaid", "cjm.render.mermaid", ".mmd", "the Mermaid journey diagram alone"),
        Format("json", "cjm.render.json", ".json", "the resolved model as JSON"),
    )
}
# What `-f all` means: every format that needs nothing outside Python.
ALL_FORMATS = ("svg", "flow", "md", "html", "mermaid", "json")


def render(fmt: str, resolved, options: RenderOptions) -> str:
    module = importlib.import_module(RENDERERS[fmt].module)
    try:
        if fmt == "dot":
            return module.to_dot(resolved, options)
        return module.render(resolved, options)
    except Exception as exc:
        # A broken or forbidden template (most often a user's override) is the
        # user's to fix: say which template and line, exit 2, no traceback.
        if type(exc).__module__.startswith("jinja2"):
            raise RenderError(_template_problem(exc), exit_code=2) from None
        raise


def _template_problem(exc: Exception) -> str:
    where = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    place = f"{where}:{line}: " if where and line else (f"{where}: " if where else "")
    kind = "unsafe template" if type(exc).__name__ == "SecurityError" else "template error"
    return f"{kind}: {place}{exc}"
