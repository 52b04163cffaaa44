"""The engine's request: the journey's shape, the data source, the funnel semantics.

Plain frozen dataclasses, so that the integrator builds them from the validated map and
config (see the ``from_*`` helpers) and tests build them directly. ``plan()`` checks that a
request fits together and resolves ids to step numbers once, for every engine.
"""

from __future__ import annotations

import datetime as _dt
import glob as _glob
import os
from dataclasses import dataclass, field
from typing import Callable, Literal, Sequence

from cjm.analytics.errors import InputNotFoundError, NoEventsMappedError, RequestError

Unit = Literal["person", "session"]
Entry = Literal["closed", "open"]
Order = Literal["ordered", "strict", "any"]
Attempt = Literal["first", "best", "reentry"]
Ties = Literal["in-order", "strict"]
Steps = Literal["stages", "touchpoints"] | tuple[str, ...]

US = 1_000_000  # microseconds per second: every time inside the engine is epoch microseconds


def _as_text(value: object) -> str:
    # Property values compare as text; YAML's true/false must read as the engines print them.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Matcher:
    """One event pattern: a name (exact or glob) and property conditions (each: any of values)."""

    name: str
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(cls, spec: object) -> "Matcher":
        """From a YAML item: a string, a mapping {name, where}, or a model EventMatch."""
        if isinstance(spec, Matcher):
            return spec
        if isinstance(spec, str):
            return cls(spec)
        if hasattr(spec, "model_dump"):
            spec = spec.model_dump()
        if isinstance(spec, dict) and isinstance(spec.get("name"), str):
            where = []
            for key, value in sorted((spec.get("where") or {}).items()):
                values = value if isinstance(value, (list, tuple)) else [value]
                where.append((str(key), tuple(_as_text(v) for v in values)))
            return cls(spec["name"], tuple(where))
        raise RequestError(f"an event item must be a name or {{name:, where:}}, not {spec!r}")

    def describe(self) -> str:
        if not self.where:
            return self.name
        conds = ", ".join(f"{k}={'|'.join(v)}" for k, v in self.where)
        return f"{self.name}[{conds}]"


@dataclass(frozen=True)
class TouchpointShape:
    id: str
    stage: str
    matchers: tuple[Matcher, ...] = ()


@dataclass(frozen=True)
class JourneyShape:
    """What the engine needs of a map: touchpoints in map order with their stage and event
    matchers, stage ids in order, the transitions the map allows (`edges`: explicit `next:`
    targets, else the following touchpoint), the explicit branches, the persona ids."""

    touchpoints: tuple[TouchpointShape, ...]
    stages: tuple[str, ...]
    edges: frozenset[tuple[str, str]] = frozenset()
    branches: frozenset[tuple[str, str]] = frozenset()
    personas: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        stages: Sequence[tuple[str, Sequence[tuple[str, Sequence[object], Sequence[str]]]]],
        personas: Sequence[str] = (),
    ) -> "JourneyShape":
        """From [(stage id, [(touchpoint id, events items, next ids)])] in map order."""
        tps: list[TouchpointShape] = []
        nexts: list[tuple[str, ...]] = []
        for stage_id, touchpoints in stages:
            for tp_id, events, nxt in touchpoints:
                tps.append(TouchpointShape(tp_id, stage_id, tuple(Matcher.of(e) for e in events)))
                nexts.append(tuple(nxt))
        edges, branches = set(), set()
        for i, tp in enumerate(tps):
            if nexts[i]:
                for target in nexts[i]:
                    edges.add((tp.id, target))
                    branches.add((tp.id, target))
            elif i + 1 < len(tps):
                edges.add((tp.id, tps[i + 1].id))
        return cls(tuple(tps), tuple(s for s, _ in stages), frozenset(edges), frozenset(branches), tuple(personas))

    @classmethod
    def from_map(cls, journey_map: object, events: dict[str, Sequence[object]]) -> "JourneyShape":
        """From a validated ``cjm.model.journey.JourneyMap`` and touchpoint id -> `events:` items
        (the map format has no `events:` key yet; the integrator passes them here)."""
        stages = [
            (st.id, [(tp.id, events.get(tp.id, ()), tp.next) for tp in st.touchpoints])
            for st in journey_map.stages  # type: ignore[attr-defined]
        ]
        personas = [p if isinstance(p, str) else p.id for p in journey_map.personas]  # type: ignore[attr-defined]
        return cls.build(stages, personas)


@dataclass(frozen=True)
class ColumnMap:
    actor: str = "user_id"
    session: str = "session_id"
    time: str = "timestamp"
    event: str = "event"
    properties: str | None = None


_SHAPE_COLUMNS = {
    "events": ColumnMap(),
    # GA4: event_params are looked up by key; the session id is an event parameter.
    "ga4": ColumnMap("user_pseudo_id", "ga_session_id", "event_timestamp", "event_name", "event_params"),
    # Segment: no standard session field exists; context.sessionId is cjm's documented choice.
    "segment": ColumnMap("userId", "context.sessionId", "timestamp", "event", "properties"),
}

_SUFFIX_FORMATS = (
    (".parquet", "parquet"), (".csv", "csv"), (".csv.gz", "csv"),
    (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "jsonl"),
    (".jsonl.gz", "jsonl"), (".ndjson.gz", "jsonl"), (".json.gz", "jsonl"),
)


def _format_of(path: str) -> str | None:
    lower = path.lower()
    found = [fmt for suffix, fmt in _SUFFIX_FORMATS if lower.endswith(suffix)]
    return found[0] if found else None


@dataclass(frozen=True)
class Source:
    """Resolved input: the files (sorted), their format and shape, the column mapping."""

    files: tuple[str, ...]
    format: Literal["parquet", "csv", "jsonl"]
    shape: Literal["events", "ga4", "segment"] = "events"
    columns: ColumnMap = ColumnMap()
    time_unit: Literal["s", "ms", "us"] | None = None
    timezone: str = "UTC"
    root: str | None = None
    """The folder the user named, so that hive partition folders below it become columns."""

    @classmethod
    def resolve(
        cls,
        path: str,
        format: str | None = None,
        shape: str = "events",
        columns: ColumnMap | dict | None = None,
        time_unit: str | None = None,
        timezone: str = "UTC",
        base: str = ".",
    ) -> "Source":
        """Expand a file, glob or folder (relative to `base`) and decide the format."""
        full = path if os.path.isabs(path) else os.path.join(base, path)
        root = None
        if os.path.isdir(full):
            root = full
            files = [
                p for p in _glob.glob(os.path.join(full, "**", "*"), recursive=True)
                if os.path.isfile(p) and _format_of(p) and not os.path.basename(p).startswith((".", "_"))
            ]
            if format:
                files = [p for p in files if _format_of(p) == format]
        elif any(ch in path for ch in "*?["):
            files = [p for p in _glob.glob(full, recursive=True) if os.path.isfile(p)]
        else:
            files = [full] if os.path.isfile(full) else []
        if not files:
            what = "folder" if root else ("glob" if any(ch in path for ch in "*?[") else "file")
            raise InputNotFoundError(
                f"the analytics source {what} {path!r} matches no event file",
                "check analytics.source.path in cjm.yaml (relative to the project root); "
                "a folder is searched for .parquet, .csv(.gz) and .jsonl/.json(.gz) files",
            )
        files.sort()
        fmt = format or _format_of(files[0])
        if fmt is None:
            raise RequestError(
                f"cannot tell the format of {files[0]!r} from its name",
                "set analytics.source.format to parquet, csv or jsonl",
            )
        kinds = {_format_of(p) for p in files} - {None}
        if not format and len(kinds) > 1:
            raise RequestError(
                f"the source mixes formats ({', '.join(sorted(kinds))})",
                "point analytics.source.path at files of one format, or set analytics.source.format",
            )
        if shape not in _SHAPE_COLUMNS:
            raise RequestError(f"unknown source shape {shape!r}", "use events, ga4 or segment")
        if shape != "events" and fmt == "csv":
            raise RequestError(
                f"the {shape} shape has nested fields, which CSV cannot hold",
                "export it as Parquet or JSON Lines",
            )
        cols = _SHAPE_COLUMNS[shape]
        if isinstance(columns, dict):
            given = {k: v for k, v in columns.items() if v is not None}
            if shape != "events" and set(given) - {"actor", "session"}:
                raise RequestError(
                    f"for the {shape} shape only columns.actor and columns.session may be set",
                    "remove the other columns from analytics.source.columns",
                )
            cols = ColumnMap(**{**cols.__dict__, **given})
        elif isinstance(columns, ColumnMap):
            cols = columns
        unit = "us" if shape == "ga4" else time_unit
        return cls(tuple(files), fmt, shape, cols, unit, timezone, root)  # type: ignore[arg-type]

    @classmethod
    def from_config(cls, source: object, base: str = ".") -> "Source":
        """From a validated ``cjm.model.analytics.DataSource``."""
        columns = source.columns.model_dump() if source.columns else None  # type: ignore[attr-defined]
        if columns is not None and source.shape != "events":  # type: ignore[attr-defined]
            # The model fills every column with the events defaults: keep only what differs.
            defaults = ColumnMap().__dict__
            columns = {k: v for k, v in columns.items() if v != defaults.get(k)}
        return cls.resolve(
            source.path, source.format, source.shape, columns,  # type: ignore[attr-defined]
            source.time_unit, source.timezone, base,  # type: ignore[attr-defined]
        )


@dataclass(frozen=True)
class Exclusion:
    """Events that remove an attempt when they happen strictly between steps `from_step` and
    `to_step` (ids; the first and last step when None)."""

    matchers: tuple[Matcher, ...] = ()
    touchpoint: str | None = None
    from_step: str | None = None
    to_step: str | None = None


@dataclass(frozen=True)
class StepLimit:
    step: str
    min_seconds: int | None = None
    max_seconds: int | None = None


def parse_time(value: object, end_of_day: bool = False) -> int:
    """Epoch microseconds of an ISO date or timestamp (UTC unless it has an offset).
    A bare date means its start, or with end_of_day its last microsecond."""
    if isinstance(value, _dt.datetime):
        moment = value
    elif isinstance(value, _dt.date):
        moment = _dt.datetime.combine(value, _dt.time.max if end_of_day else _dt.time.min)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                day = _dt.date.fromisoformat(text)
                moment = _dt.datetime.combine(day, _dt.time.max if end_of_day else _dt.time.min)
            else:
                moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise RequestError(f"{value!r} is not an ISO-8601 date or time", "write e.g. 2026-11-01 or 2026-11-01T08:00:00Z") from None
    else:
        raise RequestError(f"{value!r} is not a date or time", "write e.g. 2026-11-01")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    delta = moment - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * US + delta.microseconds


@dataclass(frozen=True)
class Semantics:
    """How units move through the funnel. Defaults: see docs/analytics.md (and `to_dict`)."""

    unit: Unit = "person"
    entry: Entry = "closed"
    order: Order = "ordered"
    window_seconds: int = 7 * 86400
    attempt: Attempt = "first"
    ties: Ties = "in-order"
    limits: tuple[StepLimit, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    since_us: int | None = None
    until_us: int | None = None
    breakdown: str | None = None
    personas: tuple[tuple[str, str], ...] = ()
    """Breakdown value -> persona id."""
    path_length: int = 10

    @classmethod
    def from_defaults(cls, funnel: object) -> "Semantics":
        """From a validated ``cjm.model.analytics.FunnelDefaults``."""
        f = funnel
        return cls(
            unit=f.unit, entry=f.entry, order=f.order, window_seconds=f.window,  # type: ignore[attr-defined]
            attempt=f.attempt, ties=f.ties,  # type: ignore[attr-defined]
            limits=tuple(
                StepLimit(step, lim.min, lim.max) for step, lim in sorted(f.limits.items())  # type: ignore[attr-defined]
            ),
            exclusions=tuple(
                Exclusion(tuple(Matcher.of(e) for e in x.events), x.touchpoint, x.from_, x.to)
                for x in f.exclusions  # type: ignore[attr-defined]
            ),
            since_us=parse_time(f.since) if f.since else None,  # type: ignore[attr-defined]
            until_us=parse_time(f.until, end_of_day=True) if f.until else None,  # type: ignore[attr-defined]
            breakdown=f.breakdown.by if f.breakdown else None,  # type: ignore[attr-defined]
            personas=tuple(sorted(f.breakdown.personas.items())) if f.breakdown else (),  # type: ignore[attr-defined]
            path_length=f.path_length,  # type: ignore[attr-defined]
        )

    def to_dict(self) -> dict:
        """The semantics as printed in every output."""
        return {
            "unit": self.unit,
            "entry": self.entry,
            "order": self.order,
            "window_seconds": self.window_seconds,
            "attempt": self.attempt,
            "counts": "attempts" if self.attempt == "reentry" else "units",
            "ties": self.ties,
            "limits": [
                {"step": x.step, "min_seconds": x.min_seconds, "max_seconds": x.max_seconds} for x in self.limits
            ],
            "exclusions": [
                {
                    "events": [m.describe() for m in x.matchers],
                    "touchpoint": x.touchpoint,
                    "from": x.from_step,
                    "to": x.to_step,
                }
                for x in self.exclusions
            ],
            "since": _iso(self.since_us),
            "until": _iso(self.until_us),
            "breakdown": self.breakdown,
            "personas": dict(self.personas),
            "path_length": self.path_length,
            "window_start": "the entry event",
            "bounds": "inclusive",
        }


def _iso(us: int | None) -> str | None:
    if us is None:
        return None
    moment = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(microseconds=us)
    return moment.isoformat().replace("+00:00", "Z")


iso_time = _iso


@dataclass(frozen=True)
class EngineOptions:
    """DuckDB: memory_limit (e.g. "2GB"), temp_directory (spill), threads.
    Spark: master (e.g. "local[*]", "spark://host:7077"), remote (Spark Connect "sc://host"),
    conf (extra Spark settings)."""

    memory_limit: str | None = None
    temp_directory: str | None = None
    threads: int | None = None
    master: str | None = None
    remote: str | None = None
    conf: tuple[tuple[str, str], ...] = ()


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FunnelRequest:
    source: Source
    journey: JourneyShape
    steps: Steps = "stages"
    semantics: Semantics = field(default_factory=Semantics)
    engine: Literal["duckdb", "spark"] = "duckdb"
    options: EngineOptions = field(default_factory=EngineOptions)
    top_paths: int = 10
    progress: Progress | None = field(default=None, compare=False)
    """Called as progress(done, total) after each stage of the engine's work."""

    @classmethod
    def from_config(
        cls, analytics: object, journey: JourneyShape, base: str = ".", engine: str = "duckdb",
        options: EngineOptions | None = None, progress: Progress | None = None,
    ) -> "FunnelRequest":
        """From a validated ``cjm.model.analytics.AnalyticsConfig`` (its source and funnel
        defaults); paths are relative to `base`, the project root."""
        source_config = analytics.source  # type: ignore[attr-defined]
        if source_config is None:
            raise RequestError("cjm.yaml has no analytics.source", "add analytics: {source: {path: <event files>}} to cjm.yaml")
        funnel = analytics.funnel  # type: ignore[attr-defined]
        steps = tuple(funnel.steps) if isinstance(funnel.steps, list) else funnel.steps
        return cls(
            Source.from_config(source_config, base), journey, steps, Semantics.from_defaults(funnel),
            engine, options or EngineOptions(), funnel.top_paths, progress,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Step:
    id: str
    kind: Literal["stage", "touchpoint"]
    touchpoints: tuple[str, ...]


@dataclass(frozen=True)
class ResolvedExclusion:
    matchers: tuple[Matcher, ...]
    touchpoint: int | None  # index into JourneyShape.touchpoints
    from_k: int  # 1-based step numbers
    to_k: int


@dataclass(frozen=True)
class Plan:
    """A request resolved to numbers: what every engine and the reference compute from."""

    journey: JourneyShape
    semantics: Semantics
    steps: tuple[Step, ...]
    step_of_tp: tuple[int | None, ...]
    """For each touchpoint (map order): its 1-based step number, or None."""
    window_us: int
    min_us: tuple[int | None, ...]
    """Per step (index 0 = step 1): minimum time from the previous step."""
    max_us: tuple[int | None, ...]
    exclusions: tuple[ResolvedExclusion, ...]
    top_paths: int

    @property
    def n(self) -> int:
        return len(self.steps)


def plan(journey: JourneyShape, steps: Steps, semantics: Semantics, top_paths: int = 10) -> Plan:
    """Check the request and resolve ids; raises RequestError or NoEventsMappedError."""
    s = semantics
    tps = journey.touchpoints
    ids = [tp.id for tp in tps]
    mapped = [tp for tp in tps if tp.matchers]
    if not mapped:
        raise NoEventsMappedError(
            "no touchpoint of the map has `events:`, so no event can be matched to the journey",
            "add e.g. `events: [view_item]` or `events: [{name: page_view, where: {page_location: \"*/checkout*\"}}]` "
            "to the touchpoints (under stages[].touchpoints[]) of the map",
        )
    if steps == "stages":
        step_list = []
        for stage in journey.stages:
            members = tuple(tp.id for tp in tps if tp.stage == stage and tp.matchers)
            if members:
                step_list.append(Step(stage, "stage", members))
    elif steps == "touchpoints":
        step_list = [Step(tp.id, "touchpoint", (tp.id,)) for tp in mapped]
    else:
        chosen = tuple(steps)
        unknown = [x for x in chosen if x not in ids]
        if unknown:
            raise RequestError(f"unknown touchpoint id(s) in steps: {', '.join(unknown)}", f"known ids: {', '.join(ids)}")
        if len(set(chosen)) != len(chosen):
            raise RequestError("a touchpoint appears twice in steps", "list each touchpoint once")
        unmapped = [x for x in chosen if not tps[ids.index(x)].matchers]
        if unmapped:
            raise RequestError(
                f"step touchpoint(s) without `events:`: {', '.join(unmapped)}",
                "add `events:` to them in the map, or leave them out of steps",
            )
        step_list = [Step(x, "touchpoint", (x,)) for x in chosen]
    if not step_list:
        raise RequestError("the funnel has no step", "name at least one mapped touchpoint")
    step_ids = [st.id for st in step_list]
    step_of_tp: list[int | None] = [None] * len(tps)
    for k, st in enumerate(step_list, start=1):
        for tp_id in st.touchpoints:
            step_of_tp[ids.index(tp_id)] = k

    def step_number(step_id: str | None, default: int, what: str) -> int:
        if step_id is None:
            return default
        if step_id not in step_ids:
            raise RequestError(f"{what} names {step_id!r}, which is not a step", f"steps: {', '.join(step_ids)}")
        return step_ids.index(step_id) + 1

    for name, value in (("unit", s.unit), ("entry", s.entry), ("order", s.order), ("attempt", s.attempt), ("ties", s.ties)):
        allowed = {
            "unit": ("person", "session"), "entry": ("closed", "open"), "order": ("ordered", "strict", "any"),
            "attempt": ("first", "best", "reentry"), "ties": ("in-order", "strict"),
        }[name]
        if value not in allowed:
            raise RequestError(f"unknown {name} {value!r}", f"use one of: {', '.join(allowed)}")
    if s.window_seconds <= 0:
        raise RequestError("the conversion window must be longer than 0", "e.g. window: 7d")
    if s.order == "any" and s.entry == "open":
        raise RequestError("order: any has no entry step, so entry: open does not apply", "use entry: closed with order: any")
    n = len(step_list)
    mins: list[int | None] = [None] * n
    maxs: list[int | None] = [None] * n
    for lim in s.limits:
        k = step_number(lim.step, 1, "a step limit")
        if k == 1:
            raise RequestError(f"a limit on the first step {lim.step!r} has no previous step", "put limits on steps 2 and later")
        if s.order == "any":
            raise RequestError("step limits need an order", "use order: ordered or strict with limits")
        if lim.min_seconds is not None and lim.max_seconds is not None and lim.min_seconds > lim.max_seconds:
            raise RequestError(f"the limit on {lim.step!r} has min above max", "swap or fix min and max")
        mins[k - 1] = None if lim.min_seconds is None else lim.min_seconds * US
        maxs[k - 1] = None if lim.max_seconds is None else lim.max_seconds * US
    exclusions = []
    for x in s.exclusions:
        tp_index = None
        if x.touchpoint is not None:
            if x.touchpoint not in ids:
                raise RequestError(f"unknown exclusion touchpoint {x.touchpoint!r}", f"known ids: {', '.join(ids)}")
            tp_index = ids.index(x.touchpoint)
            if step_of_tp[tp_index] is not None:
                raise RequestError(
                    f"the exclusion touchpoint {x.touchpoint!r} is a funnel step",
                    "exclude a touchpoint that is not a step, or an event by name",
                )
        elif not x.matchers:
            raise RequestError("an exclusion names no event and no touchpoint", "add events: [...] or touchpoint: <id>")
        lo = step_number(x.from_step, 1, "an exclusion's from")
        hi = step_number(x.to_step, n, "an exclusion's to")
        if lo >= hi:
            raise RequestError("an exclusion's from must come before its to", "exclusions apply between two different steps")
        exclusions.append(ResolvedExclusion(x.matchers, tp_index, lo, hi))
    if len(exclusions) > 30:
        raise RequestError("more than 30 exclusions", "merge them: one exclusion may list several events")
    if s.since_us is not None and s.until_us is not None and s.since_us > s.until_us:
        raise RequestError("since is after until", "swap them")
    if s.path_length < 1 or top_paths < 0:
        raise RequestError("path_length must be at least 1 and top_paths at least 0", "e.g. top_paths: 10, path_length: 10")
    return Plan(
        journey, s, tuple(step_list), tuple(step_of_tp), s.window_seconds * US,
        tuple(mins), tuple(maxs), tuple(exclusions), top_paths,
    )
