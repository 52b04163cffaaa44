"""Checking one document: schema first, then the domain rules, then policy.

The rules run only on a document that passed the schema (mkdocs' lesson: no
cascade of follow-on errors). A future-state map's ``improves:`` target is
loaded here, not in the rule: rules do no I/O.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjm.diagnostics import FileReport, Finding
from cjm.locations import format_path
from cjm.model.catalog import ProjectIndex


@dataclass
class CheckedFile:
    report: FileReport
    model: Any = None  # JourneyMap | Catalog when it validated
    doc: Any = None  # the loaded document (text, data, positions)


@dataclass
class CheckSettings:
    """What a check needs besides the document: the project's catalogues, rule
    levels and options, and the date the stale-review rule counts from."""

    project: ProjectIndex = field(default_factory=ProjectIndex)
    levels: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    today: _dt.date | None = None
    home: Any = None  # the Project its files belong to (where their metrics snapshots are)


def validator_for(cls: type) -> Any:
    from cjm.infra.validators import validator_for as cached

    return cached(cls)


def schema_check(doc, kinds: tuple[str, ...] = ("map", "catalog")) -> tuple[Any, list[Finding]]:
    """The model of a loaded document, or its load and schema findings."""
    from cjm.model.document import validate_document

    if doc.data is None or doc.findings:
        return None, list(doc.findings)
    return validate_document(doc.data, doc.index, validator_for, kinds)


def check_document(doc, settings: CheckSettings, kinds: tuple[str, ...] = ("map", "catalog")) -> CheckedFile:
    """Schema, rules and policy for one loaded document."""
    from cjm.pipeline.policy import apply_policy

    report = FileReport(doc.file)
    model, findings = schema_check(doc, kinds)
    report.findings.extend(findings)
    if model is not None:
        report.kind = model.kind
        report.findings.extend(run_rules(doc, model, settings))
    report.findings = apply_policy(report.findings, doc.text, settings.levels, doc.index)
    return CheckedFile(report, model, doc)


def run_rules(doc, model, settings: CheckSettings) -> list[Finding]:
    from cjm.rules import RuleContext, run_rules as run

    improved = improved_map(doc.file, model) if getattr(model, "improves", None) else None
    metrics = None
    if model.kind == "map" and any(k.metric for k in model.kpis):
        from cjm.pipeline.metrics import metrics_for

        metrics = metrics_for(settings.home, doc.file)

    def context(rule) -> RuleContext:
        options = settings.options.get(rule.code.code) or rule.defaults()
        return RuleContext(doc.file, model, doc.index, settings.project, options, improved, settings.today,
                           metrics)

    out = []
    for r, path, message, hint in run(context, model.kind):
        out.append(r.code.finding(message, doc.index.span(path, key=r.key_position), path=format_path(path),
                                  hint=hint))
    return out


# The improved-on map of a future-state map, by path, modification time and
# size: a project with several future maps of one current map loads it once.
_IMPROVED: dict[tuple[str, int, int], Any] = {}


def improved_map(file: str, model) -> Any:
    """The map ``improves:`` names, relative to ``file``, checked against the
    schema (its rules are its own run's business), as a ``cjm.rules.Improved``."""
    from cjm.pipeline.inputs import Source, display_path, read_document
    from cjm.rules import Improved

    target = model.improves
    base = Path(file).parent if not file.startswith("<") else Path(".")
    path = base / target
    shown = display_path(path) if path.is_absolute() else path.as_posix()
    try:
        st = os.stat(path)
    except OSError:
        return Improved(None, shown, f"`improves: {target}` names {shown}, which does not exist")
    if not path.is_file():
        return Improved(None, shown, f"`improves: {target}` names {shown}, which is not a file")
    key = (os.path.realpath(path), st.st_mtime_ns, st.st_size)
    if key not in _IMPROVED:
        doc = read_document(Source(shown, path, None))  # type: ignore[arg-type]
        current, findings = schema_check(doc, ("map",))
        why = ""
        if current is None:
            first = sorted(findings, key=Finding.sort_key)[0]
            loaded = doc.data is not None and not doc.findings
            why = (f"`improves: {target}`: {shown} is not a valid map ({first.span}: {first.message})" if loaded
                   else f"`improves: {target}`: {shown} cannot be loaded ({first.span}: {first.message})")
        _IMPROVED[key] = Improved(current, shown, why)
    return _IMPROVED[key]
