"""The project configuration (``cjm.yaml`` or ``[tool.cjm]`` in pyproject.toml).

The model holds the shape. Which formats, lanes, themes, rules and rule
options exist is known to the registries (render, rules), which sit above this
layer: the pipeline checks those choices against them (``cjm.pipeline.choices``)
and reports a wrong one at file:line:column with a suggestion, exactly as the
command line does. The published schema gets the same choices as enums.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cjm.model.journey import FormatVersion

RuleLevel = Literal["error", "warning", "info", "off"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class RuleSetting(BaseModel):
    """A rule's level and options, e.g. `{level: warning, max_age_days: 90}`;
    the options each rule takes are listed by `cjm rules NAME`."""

    model_config = ConfigDict(extra="allow", defer_build=True)
    level: RuleLevel | None = None


class RenderConfig(_Model):
    """Defaults for ``cjm render`` when it renders the whole project."""

    out: str = "build/cjm"
    """Folder for rendered files, relative to the project root."""
    formats: list[str] = ["svg", "md", "html"]
    """Formats to write (see `cjm render --help`), or `all`."""
    theme: str = "light"
    """The colour theme."""
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
    rules: dict[str, RuleLevel | RuleSetting] = {}
    """Rule code or name -> level (`unaddressed-pain-point: error`) or level and options
    (`stale-review: {level: warning, max_age_days: 90}`)."""
    fail_level: Literal["error", "warning", "info"] = "error"
    render: RenderConfig = Field(default_factory=_default_render)
