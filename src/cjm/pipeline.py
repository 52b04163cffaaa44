"""load -> model -> rules: the validation pipeline. Returns results, never prints.

Inputs are resolved into files grouped by project (the nearest ``cjm.yaml``);
each project's shared catalogues are loaded first so that maps can refer to
their personas, channels and KPIs by id; then every file is checked on its own
(in parallel when there are many), and cross-file checks run last.
"""

from __future__ import annotations

import datetime as _dt
import glob as _glob
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjm.diagnostics import FileReport, Finding, Severity
from cjm.locations import Span
from cjm.project import ConfigError, Project, default_project, find_config, load_project, safe_resolve, walk_yaml

STDIN = "-"
PARALLEL_THRESHOLD = 48


class UsageError(Exception):
    """Bad command-line input (a path that does not exist…): exit code 2."""


@dataclass
class CheckOptions:
    fail_level: Severity | None = None  # None: the project's setting (default error)
    levels: dict[str, str] = field(default_factory=dict)  # extra rule levels from the command line
    force_exclude: bool = False
    jobs: int = 0  # 0: one per core
    today: _dt.date | None = None


@dataclass
class Source:
    """A file to check, with the project it belongs to."""

    path: str  # as shown to the user
    real: Path | None  # None for stdin
    project: Project
    data: bytes | None = None  # stdin's bytes


@dataclass
class CheckedFile:
    report: FileReport
    model: Any = None  # JourneyMap | Catalog when it validated


@dataclass
class ValidationResult:
    reports: list[FileReport]
    fail_level: Severity

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.reports for f in r.findings]

    @property
    def failed(self) -> bool:
        return any(f.severity >= self.fail_level for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def catalogue(self) -> list[tuple[str, str, str, Severity]]:
        """Every code cjm can report, for reporters that list them (SARIF)."""
        return code_catalogue()


def code_catalogue() -> list[tuple[str, str, str, Severity]]:
    """(code, name, summary, default severity) of every code cjm can report,
    sorted by code. Built here, not in a reporter: reporters and rules are
    sibling layers and do not import each other (the import-linter contract)."""
    from cjm.loader import LOAD_CODES
    from cjm.model.errors import SCHEMA_CODES
    from cjm.rules import load_builtin_rules

    rows = [(c, n, text, Severity.ERROR) for (c, n), text in {**LOAD_CODES, **SCHEMA_CODES}.items()]
    rows.append(("CJM001", "config", "The project configuration is invalid.", Severity.ERROR))
    rows += [(r.code, r.name, r.summary, r.severity) for r in load_builtin_rules().values()]
    return sorted(rows)


# --- inputs ------------------------------------------------------------------

_GLOB_CHARS = re.compile(r"[*?\[]")


def display_path(path: Path) -> str:
    """Paths as users typed them; absolute ones relative to the working folder
    when they lie inside it."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


class ProjectCache:
    """One ``Project`` per config file; files outside any project share a default."""

    def __init__(self, config_override: Path | None = None) -> None:
        self.override = config_override
        self.by_config: dict[Path, Project] = {}
        self.default: Project | None = None

    def for_path(self, path: Path) -> Project:
        config = self.override or find_config(path)
        if config is None:
            if self.default is None:
                self.default = default_project(Path.cwd())
            return self.default
        config = config.resolve()
        if config not in self.by_config:
            self.by_config[config] = load_project(config, display_path(config))
        return self.by_config[config]


def resolve_inputs(inputs: list[str], projects: ProjectCache, force_exclude: bool = False) -> list[Source]:
    """Expand files, folders, globs and ``-`` into sources, in a stable order."""
    sources: list[Source] = []
    seen: set[Path] = set()

    def add(path: Path, explicit: bool) -> None:
        resolved = safe_resolve(path)
        if resolved in seen:
            return
        project = projects.for_path(resolved)
        if path.name in ("cjm.yaml", "cjm.yml") and not explicit:
            return
        if project.config_file is not None and (force_exclude or not explicit) and not project.owns(resolved):
            return
        seen.add(resolved)
        sources.append(Source(display_path(path), path, project))

    if not inputs:
        config = projects.override or find_config(Path.cwd())
        if config is None:
            raise UsageError("no files given and no cjm.yaml found here or above; "
                             "name the maps to check, or create a cjm.yaml (cjm init)")
        project = projects.for_path(config)
        for path in project.catalog_files() + project.map_files():
            add(path, True)
        return sources

    for item in inputs:
        if item == STDIN:
            data = sys.stdin.buffer.read()
            sources.append(Source("<stdin>", None, projects.for_path(Path.cwd()), data))
            continue
        path = Path(item)
        if path.is_dir():
            for rel in walk_yaml(path):
                if Path(rel).name in ("cjm.yaml", "cjm.yml"):
                    continue
                add(path / rel, False)
        elif path.exists() or path.is_symlink():  # a broken or looping link: reading it says which
            add(path, not force_exclude)
        elif _GLOB_CHARS.search(item):
            matches = sorted(_glob.glob(item, recursive=True))
            if not matches:
                raise UsageError(f"no files match {item!r}")
            for match in matches:
                if Path(match).is_file():
                    add(Path(match), True)
        else:
            raise UsageError(f"no such file or folder: {item}")
    return sources


# --- one file ----------------------------------------------------------------


def check_source(source: Source, project_index, levels: dict[str, str], today) -> CheckedFile:
    from cjm.loader import load_bytes, load_file

    if source.real is None:
        doc = load_bytes(source.path, source.data or b"")
    else:
        doc = load_file(str(source.real), source.path)
    return check_document(doc, project_index, levels, today)


def check_document(doc, project_index, levels: dict[str, str], today=None) -> CheckedFile:
    """Schema first; the domain rules only on a document that passed it."""
    report = FileReport(doc.file)
    report.findings.extend(doc.findings)
    model = None
    if doc.data is not None and not doc.findings:
        model, findings = validate_data(doc.data, doc.index)
        report.findings.extend(findings)
        if model is not None:
            report.kind = model.kind
            report.findings.extend(run_domain_rules(doc.file, model, doc.index, project_index, today))
    report.findings = apply_policy(report.findings, doc.text, levels, doc.index)
    return CheckedFile(report, model)


def validate_data(data: dict, index) -> tuple[Any, list[Finding]]:
    """Schema-check a loaded document (see ``cjm.model.document``)."""
    from cjm.model.document import validate_document

    return validate_document(data, index)


def run_domain_rules(file: str, model, index, project_index, today=None) -> list[Finding]:
    from cjm.rules import RuleContext, run_rules

    from cjm.locations import format_path

    ctx = RuleContext(file, model, index, project_index, {"today": today})
    out = []
    for r, path, message, hint in run_rules(ctx, model.kind):
        out.append(Finding(r.code, r.name, r.severity, message, index.span(path, key=r.key_position),
                           format_path(path), hint))
    return out


# --- policy: levels and suppression comments ---------------------------------

_SUPPRESS = re.compile(r"#\s*cjm:\s*(disable-line|disable-next-line|disable-file)\b[ \t]*([A-Za-z0-9_,\- \t]*)")


# Line breaks as YAML (and so the loader's line numbers) count them.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _scalar_spans(index) -> list[tuple[int, int, int, int]]:
    """0-based (line, col, end line, end col) of every scalar and key in a
    document: a ``#`` inside one is text, not a comment."""
    parents = {path[:-1] for path in index.values if path}
    spans = [span for path, span in index.values.items() if path not in parents]
    return spans + list(index.keys.values())


def suppressions(text: str, index=None) -> tuple[dict[int, set[str]], set[str]]:
    """Line -> rule names/codes silenced there, and those silenced file-wide.
    An empty list silences every rule (``all``). Only real comments count: a
    ``#`` must start the line or follow a blank, and, when the document's
    position ``index`` is given, must not lie inside a value (map text such as
    ``title: "a # cjm: disable-file"`` must not switch checks off)."""
    by_line: dict[int, set[str]] = {}
    whole: set[str] = set()
    if "cjm:" not in text or "disable" not in text:
        return by_line, whole
    spans = None
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        if "#" not in line:
            continue
        for match in _SUPPRESS.finditer(line):
            col = match.start()
            if col > 0 and line[col - 1] not in " \t":
                continue
            if index is not None:
                if spans is None:
                    spans = _scalar_spans(index)
                where = (number - 1, col)
                if any((sl, sc) <= where < (el, ec) for sl, sc, el, ec in spans):
                    continue
            names = {n.strip().lower() for n in re.split(r"[,\s]+", match.group(2)) if n.strip()} or {"all"}
            if match.group(1) == "disable-file":
                whole |= names
            else:
                target = number if match.group(1) == "disable-line" else number + 1
                by_line.setdefault(target, set()).update(names)
    return by_line, whole


def apply_policy(findings: list[Finding], text: str, levels: dict[str, str], index=None) -> list[Finding]:
    by_line, whole = suppressions(text, index)
    out = []
    for f in findings:
        # Only domain rules can be silenced or re-levelled: a document that
        # cannot be loaded or fails the schema cannot be checked further, so
        # hiding those errors would report a broken map as clean.
        if not f.code.startswith("CJM3"):
            out.append(f)
            continue
        keys = {f.code.lower(), f.rule.lower(), "all"}
        if keys & whole or keys & by_line.get(f.span.line, set()):
            continue
        level = levels.get(f.code) or levels.get(f.rule)
        if level == "off":
            continue
        if level:
            f = Finding(f.code, f.rule, Severity.parse(level), f.message, f.span, f.path, f.hint)
        out.append(f)
    out.sort(key=Finding.sort_key)
    return out


# --- projects: catalogues ----------------------------------------------------


def build_project_index(project: Project, levels: dict[str, str], today) -> tuple[Any, list[CheckedFile]]:
    """Load a project's catalogues; return the id index and their reports."""
    from cjm.rules import CatalogEntry, ProjectIndex
    from cjm.loader import load_file

    index = ProjectIndex()
    checked: list[CheckedFile] = []
    for path in project.catalog_files():
        doc = load_file(str(path), display_path(path))
        result = check_document(doc, ProjectIndex(), levels, today)
        if result.model is not None and result.model.kind != "catalog":
            result.report.findings.append(Finding(
                "CJM205", "format-version", Severity.ERROR,
                "this file is listed under `catalogs:` in the project config but is not a catalogue",
                Span(doc.file, 1, 1), "", "add `kind: catalog` or move it out of the catalogue globs"))
            result.model = None
        checked.append(result)
        if result.model is None:
            continue
        for kind, key in (("persona", "personas"), ("channel", "channels"), ("kpi", "kpis")):
            for i, item in enumerate(getattr(result.model, key)):
                entries = index.entries[kind]
                if item.id in entries:
                    first = entries[item.id]
                    if first.file == doc.file:
                        continue  # twice in one catalogue: CJM301 itself reports that, once
                    result.report.findings.append(Finding(
                        "CJM301", "duplicate-id", Severity.ERROR,
                        f"{kind} '{item.id}' is also defined in {first.file}",
                        doc.index.span((key, i, "id")), f"{key}[{i}].id", "keep one definition"))
                else:
                    entries[item.id] = CatalogEntry(kind, item.id, item, doc.file, (key, i))
        result.report.findings = apply_policy(result.report.findings, doc.text, levels, doc.index)
    return index, checked


# --- the whole run -----------------------------------------------------------


def project_levels(project: Project, extra: dict[str, str]) -> dict[str, str]:
    from cjm.rules import by_name_or_code, load_builtin_rules

    load_builtin_rules()
    levels: dict[str, str] = {}
    problems = []
    for key, level in {**project.config.rules, **extra}.items():
        r = by_name_or_code(key)
        if r is None:
            problems.append(key)
            continue
        levels[r.code] = level
    if problems:
        where = display_path(project.config_file) if project.config_file else "the command line"
        raise ConfigError([Finding("CJM001", "config", Severity.ERROR,
                                   f"unknown rule {p!r} in rule levels (see `cjm rules`)", Span(where))
                           for p in problems])
    return levels


def validate(inputs: list[str], options: CheckOptions | None = None, config: Path | None = None,
             on_progress: Callable[[int, int], None] | None = None) -> ValidationResult:
    options = options or CheckOptions()
    projects = ProjectCache(config)
    sources = resolve_inputs(inputs, projects, options.force_exclude)

    # Catalogues of every project involved, once each.
    indexes: dict[int, Any] = {}
    levels_by_project: dict[int, dict[str, str]] = {}
    reports: dict[str, FileReport] = {}
    catalog_paths: set[Path] = set()
    for source in sources:
        key = id(source.project)
        if key in indexes:
            continue
        levels_by_project[key] = project_levels(source.project, options.levels)
        index, checked = build_project_index(source.project, levels_by_project[key], options.today)
        indexes[key] = index
        for c in checked:
            reports[c.report.file] = c.report
        catalog_paths |= {p.resolve() for p in source.project.catalog_files()}

    todo = [s for s in sources if s.real is None or safe_resolve(s.real) not in catalog_paths]
    results = _run(todo, indexes, levels_by_project, options, on_progress)
    for report in results:
        reports[report.file] = report

    fail = options.fail_level
    if fail is None:
        levels = {s.project.config.fail_level for s in sources} or {"error"}
        fail = min(Severity.parse(level) for level in levels)
    ordered = sorted(reports.values(), key=lambda r: r.file)
    return ValidationResult(ordered, fail)


def _check_one(args) -> FileReport:
    source, index, levels, today = args
    return check_source(source, index, levels, today).report


def _run(todo: list[Source], indexes, levels_by_project, options: CheckOptions,
         on_progress: Callable[[int, int], None] | None) -> Iterable[FileReport]:
    jobs = options.jobs or os.cpu_count() or 1
    work = [(s, indexes[id(s.project)], levels_by_project[id(s.project)], options.today) for s in todo]
    out: list[FileReport] = []
    if jobs > 1 and len(work) >= PARALLEL_THRESHOLD and sys.platform != "win32":
        import multiprocessing

        # Build the validators before forking, so that every worker inherits
        # them instead of building its own.
        _warm()
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            for done, report in enumerate(pool.imap(_check_one, work, chunksize=16), 1):
                out.append(report)
                if on_progress:
                    on_progress(done, len(work))
        return out
    for done, item in enumerate(work, 1):
        out.append(_check_one(item))
        if on_progress:
            on_progress(done, len(work))
    return out


def _warm() -> None:
    from cjm.model.journey import Catalog, JourneyMap

    from cjm.model.validators import validator_for

    for cls in (JourneyMap, Catalog):
        validator_for(cls)
