"""Domain rules: small functions registered with a code, a name and a severity.

A rule takes a ``RuleContext`` (a validated map or catalogue, where its values
sit in the file, and the project's shared catalogues) and yields
``(path, message)`` or ``(path, message, hint)``; the context turns paths into
file:line:column. Rules never print and never read configuration: levels and
suppression comments are applied in one place, ``cjm.pipeline``.

The docstring of each rule is its user documentation (``cjm rules NAME``); it
must hold a "Bad:" and a "Good:" YAML example.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Union

from cjm.diagnostics import Severity
from cjm.locations import DocPath, PositionIndex

Yielded = Union[tuple[DocPath, str], tuple[DocPath, str, str]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    applies_to: tuple[str, ...]  # of "map", "catalog"
    check: Callable[["RuleContext"], Iterable[Yielded]]
    summary: str
    doc: str
    key_position: bool = False  # report at the key rather than the value


REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity, applies_to: tuple[str, ...] = ("map",),
         key_position: bool = False):
    """Register a rule; the first docstring line is its summary."""

    def wrap(func: Callable[["RuleContext"], Iterable[Yielded]]):
        doc = inspect.cleandoc(func.__doc__ or "")
        if code in REGISTRY or any(r.name == name for r in REGISTRY.values()):
            raise ValueError(f"rule {code} {name} registered twice")
        REGISTRY[code] = Rule(code, name, severity, applies_to, func, doc.split("\n", 1)[0], doc, key_position)
        return func

    return wrap


@dataclass
class CatalogEntry:
    """An item a map may refer to by id, and where it was defined."""

    kind: str  # persona | channel | kpi
    id: str
    value: Any
    file: str
    path: DocPath


@dataclass
class ProjectIndex:
    """The shared catalogues of a project: kind -> id -> entry."""

    entries: dict[str, dict[str, CatalogEntry]] = field(
        default_factory=lambda: {"persona": {}, "channel": {}, "kpi": {}}
    )

    def get(self, kind: str, id_: str) -> CatalogEntry | None:
        return self.entries[kind].get(id_)


@dataclass
class RuleContext:
    file: str
    model: Any  # JourneyMap | Catalog
    index: PositionIndex
    project: ProjectIndex = field(default_factory=ProjectIndex)
    options: dict = field(default_factory=dict)


def by_name_or_code(key: str) -> Rule | None:
    key = key.strip()
    if key.upper() in REGISTRY:
        return REGISTRY[key.upper()]
    for r in REGISTRY.values():
        if r.name == key:
            return r
    return None


def load_builtin_rules() -> dict[str, Rule]:
    """Import the rule modules (each registers itself) and return the registry."""
    from cjm.rules import journey  # noqa: F401
    from cjm.rules import future  # noqa: F401

    return REGISTRY


def run_rules(ctx: RuleContext, applies_to: str) -> Iterator[tuple[Rule, DocPath, str, str]]:
    for r in load_builtin_rules().values():
        if applies_to not in r.applies_to:
            continue
        for item in r.check(ctx):
            path, message = item[0], item[1]
            hint = item[2] if len(item) > 2 else ""
            yield r, path, message, hint
