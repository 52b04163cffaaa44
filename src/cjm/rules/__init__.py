"""Domain rules: one module each, registered against their row in the code table.

A rule (as in yamllint) is small: a function that takes a ``RuleContext``
(the validated map or catalogue, the project's shared catalogues, this
rule's options, and for a future-state map the map it improves on) and
yields ``(path, message)`` or ``(path, message, hint)``, where ``path`` is
the place inside the document (``("stages", 0, "touchpoints", 2)``). The
pipeline turns paths into file:line:column and applies levels and
suppression comments in one place. Rules never print, never read files and
never read configuration: their options arrive validated in ``ctx.options``.

The docstring of each rule is its user documentation (``cjm rules NAME``);
its first line is the code table's summary and it must hold a "Bad:" and a
"Good:" YAML example.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Union

from cjm.diagnostics import Severity
from cjm.diagnostics.codes import CODES, Code
from cjm.locations import DocPath, PositionIndex
from cjm.model.catalog import ProjectIndex

Yielded = Union[tuple[DocPath, str], tuple[DocPath, str, str]]


@dataclass(frozen=True)
class Option:
    """A rule option: its type, default and meaning (documented by `cjm rules NAME`)."""

    kind: type
    default: Any
    help: str
    minimum: float | None = None

    def check(self, value: Any) -> str:
        """'' when ``value`` is acceptable, else why not."""
        if self.kind is int and (type(value) is not int):
            return f"must be a whole number, not {value!r}"
        if self.kind is float and (type(value) not in (int, float)):
            return f"must be a number, not {value!r}"
        if self.kind is bool and type(value) is not bool:
            return f"must be true or false, not {value!r}"
        if self.kind is str and not isinstance(value, str):
            return f"must be text, not {value!r}"
        if self.minimum is not None and value < self.minimum:
            return f"must be at least {self.minimum:g}, not {value!r}"
        return ""


@dataclass(frozen=True)
class Rule:
    code: Code
    applies_to: tuple[str, ...]  # of "map", "catalog"
    check: Callable[["RuleContext"], Iterable[Yielded]]
    doc: str
    options: dict[str, Option] = field(default_factory=dict)
    key_position: bool = False  # report at the key rather than the value

    @property
    def name(self) -> str:
        return self.code.name

    @property
    def severity(self) -> Severity:
        return self.code.severity

    @property
    def summary(self) -> str:
        return self.code.summary

    def defaults(self) -> dict[str, Any]:
        return {key: opt.default for key, opt in self.options.items()}


REGISTRY: dict[str, Rule] = {}


def rule(code: str, applies_to: tuple[str, ...] = ("map",), key_position: bool = False,
         options: dict[str, Option] | None = None):
    """Register the check function of the rule ``code`` (a row of the code table)."""
    row = CODES[code]
    if row.family != "rule":
        raise ValueError(f"{code} is not a rule code")

    def wrap(func: Callable[["RuleContext"], Iterable[Yielded]]):
        if code in REGISTRY:
            raise ValueError(f"rule {code} registered twice")
        REGISTRY[code] = Rule(row, applies_to, func, inspect.cleandoc(func.__doc__ or ""), dict(options or {}),
                              key_position)
        return func

    return wrap


@dataclass
class Improved:
    """The map a future-state map improves on, as the pipeline found it."""

    model: Any  # JourneyMap, or None when it could not be used
    shown: str  # its path as shown to the user
    why: str = ""  # why it could not be used


@dataclass
class RuleContext:
    file: str
    model: Any  # JourneyMap | Catalog
    index: PositionIndex | None = None  # where the document's values sit (for "first defined at line N")
    project: ProjectIndex = field(default_factory=ProjectIndex)
    options: dict[str, Any] = field(default_factory=dict)  # this rule's options, validated
    improved: Improved | None = None
    today: Any = None  # datetime.date; None: the real today
    metrics: Any = None  # cjm.model.metrics.Metrics of the map's snapshot, when a KPI binds a metric


def suggest(word: str, choices: Iterable[str]) -> str:
    """'did you mean …?' for the closest of ``choices``, or ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def known_ids(kind: str, ctx: RuleContext, local: Iterable[Any]) -> set[str]:
    """Ids of ``kind`` defined on the map (``local``) or in the project's catalogues."""
    return {item.id for item in local} | ctx.project.ids(kind)


def by_name_or_code(key: str) -> Rule | None:
    from cjm.diagnostics.codes import lookup

    row = lookup(key)
    return load_builtin_rules().get(row.code) if row is not None else None


def load_builtin_rules() -> dict[str, Rule]:
    """Import the rule modules (each registers itself) and return the registry."""
    from cjm.rules import (  # noqa: F401
        dropped_pain_point,
        duplicate_id,
        emotion_out_of_scale,
        emotion_persona_not_on_step,
        empty_stage,
        improves_not_found,
        invalid_scale,
        kpi_target_missed,
        kpi_target_without_unit,
        missing_goal,
        missing_metric,
        persona_without_goals,
        stale_metrics,
        stale_review,
        unaddressed_pain_point,
        unknown_channel,
        unknown_kpi,
        unknown_pain_point,
        unknown_persona,
        unknown_research,
        unknown_touchpoint,
        unreachable_step,
        unsupported_claim,
    )

    return REGISTRY


def run_rules(ctx_for: Callable[[Rule], RuleContext], applies_to: str) -> Iterator[tuple[Rule, DocPath, str, str]]:
    """Every finding of every rule that applies to documents of kind ``applies_to``;
    ``ctx_for(rule)`` gives each rule its context (its own options)."""
    for r in load_builtin_rules().values():
        if applies_to not in r.applies_to:
            continue
        for item in r.check(ctx_for(r)):
            path, message = item[0], item[1]
            hint = item[2] if len(item) > 2 else ""
            yield r, path, message, hint
