"""The journey map file format, as pydantic models.

These models are the single source of truth for the format: the JSON Schema in
``schemas/`` is generated from them (``cjm schema``), and every renderer reads
them. They hold structure and types only; cross-references (persona ids,
channel ids, pain-point ids…) are checked by the rules in ``cjm.rules``, after
the schema passed, so that a user never sees a cascade of follow-on errors.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictFloat, StrictInt

from cjm.model.analytics import EventSpec

FORMAT_VERSION = 1

from cjm.model.text import (  # noqa: F401 - these names are part of this module's interface
    KEY_NAMES,
    _ONE_LINE,
    COLOR_PATTERN,
    CONTROL_CHARS,
    ID_PATTERN,
    INVISIBLE_CHARS,
    ONE_LINE_PATTERN,
    SHORT_TEXT_PATTERN,
    SHORT_TEXT_REFUSED,
    TEXT_PATTERN,
    URL_PATTERN,
)

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=64,
        description="An identifier: lowercase letters, digits, '-' and '_', starting with a letter or digit.",
    ),
    _ONE_LINE,
]
Text = Annotated[
    str,
    Field(
        max_length=10_000,
        pattern=TEXT_PATTERN,
        description="Text, on one or several lines: no control characters except tab and line feed.",
    ),
]
ShortText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=300,
        pattern=SHORT_TEXT_PATTERN,
        description="A short text on one line: not blank, no tab, line break or other control character.",
    ),
    _ONE_LINE,
]
Unit = Annotated[
    str,
    Field(max_length=40, pattern=ONE_LINE_PATTERN,
          description="A unit on one line, e.g. '%', 'EUR', 'score 1-5'; empty for none."),
    _ONE_LINE,
]
Score = Union[StrictInt, StrictFloat]
Url = Annotated[
    str,
    Field(
        pattern=URL_PATTERN,
        max_length=2_000,
        description="An http, https or mailto link, without spaces or control characters; other schemes "
                    "are refused.",
    ),
    _ONE_LINE,
]
Color = Annotated[str, Field(pattern=COLOR_PATTERN, description="A colour as #rrggbb."), _ONE_LINE]


def _whole_number_version(value):
    # Literal[1] alone accepts `true` and `1.0` (they equal 1 in Python).
    if type(value) is not int:
        raise ValueError(f"the format version must be the whole number 1, not {value!r}")
    return value


FormatVersion = Annotated[Literal[1], BeforeValidator(_whole_number_version)]

MapType = Literal["current-state", "future-state", "day-in-the-life", "service-blueprint"]
MAP_TYPES: tuple[str, ...] = MapType.__args__  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Link(_Model):
    """A piece of evidence or a reference: research notes, a dashboard, a recording."""

    url: Url
    title: ShortText | None = None


class Scale(_Model):
    """The emotion scale the map uses: every emotion score must lie within it."""

    min: StrictInt = -2
    max: StrictInt = 2
    low_label: ShortText | None = None
    """What the lowest score means, e.g. 'frustrated'."""
    high_label: ShortText | None = None
    """What the highest score means, e.g. 'delighted'."""


def _default_scale() -> Scale:
    # model_construct: the default needs no validation, and building Scale's own
    # validator just for it would cost a validator build on every run. A named
    # function (not a lambda) so that the built validator can be pickled.
    return Scale.model_construct()


class Persona(_Model):
    """A fictional customer who stands for a segment."""

    id: Id
    name: ShortText
    segment: ShortText | None = None
    age: Annotated[StrictInt, Field(ge=0, le=130)] | None = None
    gender: ShortText | None = None
    occupation: ShortText | None = None
    location: ShortText | None = None
    generation: ShortText | None = None
    personality: list[ShortText] = []
    description: Text | None = None
    quote: Text | None = None
    goals: list[Text] = []
    challenges: list[Text] = []
    pain_points: list[Text] = []
    motivations: list[Text] = []
    interests: list[Text] = []
    sources: list[Link] = []
    """Where the persona comes from: analytics, surveys, interviews."""
    color: Color | None = None
    """The colour of this persona's emotion curve."""
    based_on: list[Id] = []
    """Ids of the research (from a `research:` list) this persona is built from."""


class Channel(_Model):
    """Where the customer meets the business: website, app, store, phone…"""

    id: Id
    name: ShortText
    mode: Literal["online", "offline"] | None = None
    description: Text | None = None


METRIC_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"


class Kpi(_Model):
    """A measure that tells whether a stage or touchpoint works."""

    id: Id
    name: ShortText
    unit: Unit | None = None
    target: Score | None = None
    actual: Score | None = None
    direction: Literal["higher-is-better", "lower-is-better"] | None = None
    source: ShortText | None = None
    """Where the actual value comes from, e.g. 'GA4, October'."""
    description: Text | None = None
    metric: Annotated[str, Field(pattern=METRIC_PATTERN, max_length=200)] | None = None
    """The key of the value in metrics snapshots that measures this KPI, e.g. `funnel.conversion`."""


class PainPoint(_Model):
    """What blocks or annoys the customer at a touchpoint."""

    id: Id
    title: ShortText
    description: Text | None = None
    severity: Literal["low", "medium", "high", "critical"] | None = None
    evidence: list[Link] = []
    based_on: list[Id] = []
    """Ids of the research (from a `research:` list) that found this pain point."""


Rating = Annotated[StrictInt, Field(ge=1, le=5, description="A rating from 1 (low) to 5 (high).")]


class Opportunity(_Model):
    """An idea for making a touchpoint better, possibly addressing pain points."""

    id: Id
    title: ShortText
    description: Text | None = None
    addresses: list[Id] = []
    """Ids of the pain points this opportunity addresses."""
    customer_value: Rating | None = None
    """How much it would help customers, 1 (a little) to 5 (a lot); estimated from what it addresses when left out."""
    business_value: Rating | None = None
    """How much it would help the business, 1 to 5."""
    effort: Rating | None = None
    """How much work it takes, 1 (a day or two) to 5 (a quarter or more)."""


class Touchpoint(_Model):
    """One step of the journey: where and how the customer meets the business."""

    id: Id
    name: ShortText
    channel: Id | None = None
    """Id of a channel from the map's or the project's channel catalogue."""
    mode: Literal["online", "offline"] | None = None
    """Overrides the channel's mode for this step."""
    description: Text | None = None
    action: Text | None = None
    """What the customer does."""
    thoughts: list[Text] = []
    """What the customer thinks or asks at this step."""
    emotion: Score | Annotated[dict[Id, Score], KEY_NAMES] | None = None
    """A score on the map's scale, or one per persona id."""
    feeling: ShortText | None = None
    """A word for the emotion: frustrated, delighted…"""
    expectation: Literal["exceeded", "met", "failed"] | None = None
    personas: list[Id] | None = None
    """The personas this step applies to; all of the map's personas when left out."""
    pain_points: list[PainPoint] = []
    opportunities: list[Opportunity] = []
    kpis: list[Id] = []
    events: list[EventSpec] = []
    """Which events mean "the customer was here" (for `cjm analyze`): event names or globs,
    or `{name, where: {property: value}}`."""
    next: list[Id] = []
    """Ids of the touchpoints that may come next (branches); the following step when left out."""
    evidence: list[Link] = []
    frontstage: Text | None = None
    """Service blueprint: what employees do in view of the customer."""
    backstage: Text | None = None
    """Service blueprint: what employees do out of view."""
    support: Text | None = None
    """Service blueprint: the support processes and systems behind the step."""
    policy: Text | None = None
    """Service blueprint: rules and policies that shape the step."""
    based_on: list[Id] = []
    """Ids of the research (from a `research:` list) behind this step's emotions."""


class Stage(_Model):
    """A phase of the journey, such as awareness or purchase."""

    id: Id
    name: ShortText
    description: Text | None = None
    goal: Text | None = None
    """What the customer wants to achieve in this stage."""
    questions: list[Text] = []
    """The customer's questions in this stage."""
    kpis: list[Id] = []
    touchpoints: list[Touchpoint] = []


class Action(_Model):
    """An initiative the business takes to address pain points."""

    id: Id
    title: ShortText
    description: Text | None = None
    owner: ShortText | None = None
    status: Literal["idea", "planned", "in-progress", "done", "dropped"] = "idea"
    addresses: list[Id] = []
    """Ids of the pain points this action addresses."""
    kpis: list[Id] = []
    """Ids of the KPIs this action should move."""
    due: _dt.date | None = None
    customer_value: Rating | None = None
    """How much it would help customers, 1 (a little) to 5 (a lot); estimated from what it addresses when left out."""
    business_value: Rating | None = None
    """How much it would help the business, 1 to 5; estimated from the KPIs it should move when left out."""
    effort: Rating | None = None
    """How much work it takes, 1 (a day or two) to 5 (a quarter or more)."""


ResearchMethod = Literal["interview", "survey", "analytics", "usability-test", "support-tickets", "observation",
                         "diary-study", "desk-research", "other"]


class Research(_Model):
    """A piece of research that claims on maps cite by id: interviews, a survey, an analytics snapshot…"""

    id: Id
    title: ShortText
    method: ResearchMethod | None = None
    """How it was done: interview, survey, analytics, usability-test, support-tickets, observation,
    diary-study, desk-research or other."""
    date: _dt.date | None = None
    """When it was done (the end of fieldwork, or the day of the data snapshot), YYYY-MM-DD;
    evidence older than the unsupported-claim rule's `max_age_days` counts as stale."""
    participants: Annotated[StrictInt, Field(ge=0)] | None = None
    """How many people took part (or, for analytics, how many sessions or customers)."""
    url: Url | None = None
    """Where the report, recordings or dashboard are."""
    owner: ShortText | None = None
    description: Text | None = None


class JourneyMap(_Model):
    """A customer journey map: one goal, its personas, stages and touchpoints."""

    cjm: FormatVersion
    """The format version."""
    kind: Literal["map"] = "map"
    id: Id | None = None
    title: ShortText
    goal: Text | None = None
    """The one goal that fixes the map's start and end point."""
    type: MapType = "current-state"
    description: Text | None = None
    industry: ShortText | None = None
    market: Literal["b2b", "b2c", "b2b2c"] | None = None
    owner: ShortText | None = None
    reviewed: _dt.date | None = None
    """When the map was last reviewed against reality (YYYY-MM-DD)."""
    tags: list[ShortText] = []
    improves: ShortText | None = None
    """For a future-state map: the path of the current-state map it improves on."""
    scale: Scale = Field(default_factory=_default_scale)
    personas: list[Persona | Id] = []
    """Personas defined here, or ids of personas from the project's catalogues."""
    channels: list[Channel] = []
    kpis: list[Kpi] = []
    stages: Annotated[list[Stage], Field(min_length=1)]
    actions: list[Action] = []
    research: list[Research] = []
    """The research this map's emotions, pain points and personas cite by id (`based_on:`)."""


class Catalog(_Model):
    """Shared personas, channels and KPIs that any map of the project may use by id."""

    cjm: FormatVersion
    kind: Literal["catalog"]
    personas: list[Persona] = []
    channels: list[Channel] = []
    kpis: list[Kpi] = []
    research: list[Research] = []
    """Research any map of the project may cite by id (`based_on:`)."""
