"""The project configuration (``cjm.yaml`` or ``[tool.cjm]`` in pyproject.toml).

The model holds the shape. Which formats, lanes, themes, rules and rule
options exist is known to the registries (render, rules), which sit above this
layer: the pipeline checks those choices against them (``cjm.pipeline.choices``)
and reports a wrong one at file:line:column with a suggestion, exactly as the
command line does. The published schema gets the same choices as enums.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cjm.model.analytics import AnalyticsConfig
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


class BacklogWeights(_Model):
    """How much each rating counts in an opportunity's or action's backlog score (0 to 100):
    score = customer_value x customer + business_value x business + effort x (6 - effort rating),
    scaled so that the best possible item scores 100 and the worst 0."""

    customer_value: Annotated[float, Field(ge=0, le=100)] = 2
    business_value: Annotated[float, Field(ge=0, le=100)] = 1
    effort: Annotated[float, Field(ge=0, le=100)] = 1


def _default_weights() -> BacklogWeights:
    return BacklogWeights.model_construct()


class SiteConfig(_Model):
    """Defaults for ``cjm site``: the portfolio site of every map of the project."""

    out: str = "build/site"
    """Folder for the site, relative to the project root."""
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    """The site's title; the project folder's name when left out."""
    metrics: str = "metrics"
    """Folder of metrics snapshots (JSON, format cjm-metrics) whose values give KPI history; skipped when absent."""
    weights: BacklogWeights = Field(default_factory=_default_weights)
    """Weights of the opportunity backlog's score."""


def _default_site() -> SiteConfig:
    return SiteConfig.model_construct()


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
    site: SiteConfig = Field(default_factory=_default_site)
    analytics: AnalyticsConfig | None = None
    """Where event data lives and the funnel semantics, for `cjm analyze`."""
