"""The project configuration (``cjm.yaml`` or ``[tool.cjm]`` in pyproject.toml)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cjm.model.journey import FormatVersion

RuleLevel = Literal["error", "warning", "info", "off"]
RenderFormat = Literal["svg", "flow", "md", "html", "mermaid", "json"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class RenderConfig(_Model):
    """Defaults for ``cjm render`` when it renders the whole project."""

    out: str = "build/cjm"
    """Folder for rendered files, relative to the project root."""
    formats: list[RenderFormat] = ["svg", "md", "html"]
    theme: str = "light"
    template_dir: str | None = None
    """A folder of templates that override the built-in ones by file name."""
    lanes: list[str] | None = None
    """Lanes to draw in the SVG map; all that have content when left out."""


def _every_yaml_file() -> list[str]:
    # A named function, not a lambda: the built validator is pickled (cjm.model.validators).
    return ["**/*.yaml", "**/*.yml"]


def _default_render() -> RenderConfig:
    # model_construct and a named function: see journey._default_scale.
    return RenderConfig.model_construct()


class ProjectConfig(_Model):
    """Which files are maps, where shared catalogues live, rule levels, render defaults."""

    cjm: FormatVersion = 1
    maps: list[str] = Field(default_factory=_every_yaml_file)
    """Glob patterns, relative to the project root, of the map files."""
    catalogs: list[str] = []
    """Glob patterns of catalogue files (shared personas, channels, KPIs)."""
    exclude: list[str] = []
    """Glob patterns of files that are never maps."""
    rules: dict[str, RuleLevel] = {}
    """Rule code or name -> level, e.g. `unaddressed-pain-point: error`."""
    fail_level: Literal["error", "warning", "info"] = "error"
    render: RenderConfig = Field(default_factory=_default_render)
