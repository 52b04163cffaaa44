"""The YAML format of journey analytics: which events mean "the customer was here",
where the event data lives, and the team's funnel defaults.

A touchpoint's ``events:`` (``cjm.model.journey.Touchpoint``) and the ``analytics:``
section of cjm.yaml (``cjm.model.config.ProjectConfig``) use these models;
``cjm.analytics`` turns the validated values into engine requests.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from cjm.model.text import _ONE_LINE, ID_PATTERN, KEY_NAMES, SHORT_TEXT_PATTERN

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$")
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: object) -> int:
    """Seconds in a duration written as ``90s``, ``30m``, ``1h``, ``7d``, ``2w`` or a whole
    number of seconds. Raises ValueError with the accepted forms otherwise."""
    # bool is an int in Python: `window: true` is a mistake, not one second.
    if isinstance(value, bool):
        raise ValueError(f"a duration must be like 30m, 1h, 7d or a number of seconds, not {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a duration cannot be negative: {value}")
        return value
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return int(match.group(1)) * _SECONDS[match.group(2)]
    raise ValueError(f"a duration must be like 90s, 30m, 1h, 7d, 2w or a number of seconds, not {value!r}")


Duration = Annotated[
    int,
    BeforeValidator(parse_duration),
    Field(description="A duration: 90s, 30m, 1h, 7d, 2w, or a whole number of seconds."),
]

# Event names, property names and values are matched against data, so they hold
# what a short text holds: one visible line, no control characters.
Pattern = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        pattern=SHORT_TEXT_PATTERN,
        description="An exact value, or a glob: * any text, ? one character, [abc] one of.",
    ),
    _ONE_LINE,
]
PropertyName = Annotated[
    str,
    Field(min_length=1, max_length=200, pattern=SHORT_TEXT_PATTERN,
          description="A property name, or a dotted path to a nested field such as `device.category`."),
    _ONE_LINE,
]
PropertyValue = Union[Pattern, int, float, bool]
Name = Annotated[
    str,
    Field(min_length=1, max_length=500, pattern=SHORT_TEXT_PATTERN, description="A name on one line."),
    _ONE_LINE,
]
StepId = Annotated[str, Field(pattern=ID_PATTERN, description="A stage or touchpoint id of the map."), _ONE_LINE]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class EventMatch(_Model):
    """An event that means "the customer was here": a name, and optional property conditions."""

    name: Pattern
    """The event name, exact or a glob, e.g. `page_view` or `checkout_*`."""
    where: Annotated[dict[PropertyName, PropertyValue | list[PropertyValue]], KEY_NAMES] = {}
    """Property -> value (or glob, or a list of them: any of). All conditions must hold.
    Values compare as text. A property is looked up in the event's properties (GA4:
    event_params; Segment: properties), then as a column or nested field such as
    `device.category`."""


EventSpec = Union[Pattern, EventMatch]
"""An item of a touchpoint's `events:` list: an event name (or glob), or an EventMatch."""


class Columns(_Model):
    """Which columns of a plain event table hold what."""

    actor: Name = "user_id"
    """The person: the unit of `unit: person`."""
    session: Name = "session_id"
    """The session: with the actor, the unit of `unit: session`."""
    time: Name = "timestamp"
    """When: ISO-8601 text, a TIMESTAMP, or a number (see `time_unit`)."""
    event: Name = "event"
    """The event name."""
    properties: Name | None = None
    """A column holding the event's properties (a struct, map or JSON object). Without it a
    `where:` property is a column of that name."""


class DataSource(_Model):
    """Where the event data is and how to read it."""

    path: Name
    """A file, a glob (`events/*.parquet`) or a folder (hive partitions such as
    `events/dt=2026-11-01/part-0.parquet` are read as columns). Relative to the project root."""
    format: Literal["parquet", "csv", "jsonl"] | None = None
    """From the file suffix when left out: .parquet; .csv, .csv.gz; .json, .jsonl, .ndjson (and .gz)."""
    shape: Literal["events", "ga4", "segment"] = "events"
    """`events`: one row per event with the `columns` below; `ga4`: the GA4 BigQuery export;
    `segment`: Segment track calls."""
    columns: Columns | None = None
    """Column names of an `events` table (defaults: user_id, session_id, timestamp, event).
    For `ga4` and `segment` only `actor` and `session` may be set, to another field."""
    time_unit: Literal["s", "ms", "us"] | None = None
    """The unit of a numeric time column. Left out: the time is ISO-8601 text or a TIMESTAMP.
    GA4's event_timestamp is always microseconds."""
    timezone: Name = "UTC"
    """The IANA zone of timestamps written without an offset, e.g. `Europe/Berlin`."""


class Exclusion(_Model):
    """Attempts where one of these events happens between two steps are removed."""

    events: list[EventSpec] = []
    """The excluded events (names, globs or EventMatch items)."""
    touchpoint: StepId | None = None
    """Or: a mapped touchpoint (not a funnel step) whose events exclude."""
    from_: Annotated[StepId | None, Field(alias="from")] = None
    """The step (stage or touchpoint id) after which the exclusion applies; the first step when left out."""
    to: StepId | None = None
    """The step before which it applies; the last step when left out."""

    model_config = ConfigDict(extra="forbid", defer_build=True, populate_by_name=True)


class StepLimit(_Model):
    """Bounds on the time from the previous step to this one, both inclusive."""

    min: Duration | None = None
    max: Duration | None = None


class Breakdown(_Model):
    """Split every count by a property, read on the entry (step-1) event."""

    by: PropertyName
    """A column, GA4 field or event parameter, or Segment property."""
    personas: Annotated[dict[Name, StepId], KEY_NAMES] = {}
    """Segment value -> persona id of the map. Unlisted values go to `(other)`;
    a missing value to `(none)`."""


class FunnelDefaults(_Model):
    """The funnel semantics a team sets once; every output repeats them."""

    steps: Literal["stages", "touchpoints"] | list[StepId] = "stages"
    """One step per stage with mapped touchpoints, one per mapped touchpoint, or a list of touchpoint ids."""
    unit: Literal["person", "session"] = "person"
    entry: Literal["closed", "open"] = "closed"
    """closed: everyone enters at step 1; open: a unit may enter at any step."""
    order: Literal["ordered", "strict", "any"] = "ordered"
    window: Duration = 7 * 86400
    """The conversion window, measured from the entry event, both bounds inclusive."""
    attempt: Literal["first", "best", "reentry"] = "first"
    ties: Literal["in-order", "strict"] = "in-order"
    """Events at the same time: counted in funnel order, or a later step must be strictly later."""
    limits: Annotated[dict[StepId, StepLimit], KEY_NAMES] = {}
    """Step id -> min/max time from the previous step."""
    exclusions: list[Exclusion] = []
    breakdown: Breakdown | None = None
    since: _dt.datetime | _dt.date | Name | None = None
    """Earliest entry time (ISO-8601 date or timestamp, UTC unless it has an offset)."""
    until: _dt.datetime | _dt.date | Name | None = None
    """Latest entry time (inclusive; a date means the end of that day)."""
    top_paths: Annotated[StrictInt, Field(ge=0, le=1000)] = 10
    path_length: Annotated[StrictInt, Field(ge=1, le=100)] = 10


def _default_funnel() -> FunnelDefaults:
    # A named function: the built validator is pickled (cjm.model.validators).
    return FunnelDefaults.model_construct()


class AnalyticsConfig(_Model):
    """The `analytics:` section of cjm.yaml."""

    source: DataSource | None = None
    funnel: FunnelDefaults = Field(default_factory=_default_funnel)
    snapshot: Name | None = None
    """Path of a map's metrics snapshot, relative to the project; `{map}` is the map's file name
    without .yaml. Default: `metrics/{map}.json`. How old it may be is the stale-metrics rule's
    option (`rules: {stale-metrics: {max_age_days: 30}}`)."""
