"""The validate stage: inputs -> projects -> catalogues -> each file -> a report.

Each project's shared catalogues are checked first so that maps can refer to
their personas, channels and KPIs by id; then every file is checked on its own
(in parallel when there are many), and the report is returned, never printed.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cjm.diagnostics import FileReport, Report, Severity
from cjm.diagnostics.errors import UsageError
from cjm.pipeline.check import CheckSettings, check_document
from cjm.pipeline.inputs import Source, read_document, resolve_inputs
from cjm.pipeline.project import Project, ProjectCache, safe_resolve

PARALLEL_THRESHOLD = 48
MAX_JOBS = 64  # more processes than this only costs memory: the work is CPU-bound


@dataclass
class ValidateRequest:
    inputs: list[str] = field(default_factory=list)
    config: Path | None = None
    fail_level: Severity | None = None  # None: the project's setting (default error)
    levels: dict[str, str] = field(default_factory=dict)  # rule code -> level, from the command line
    force_exclude: bool = False
    jobs: int = 0  # 0: one per core
    today: _dt.date | None = None
    on_progress: Callable[[int, int], None] | None = None


@dataclass
class ValidateResult:
    report: Report
    projects: list[Project] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # file -> map | catalog | unknown


def check_jobs(jobs: int) -> int:
    """The number of processes for ``jobs`` (0: one per core), within 1..MAX_JOBS."""
    if jobs < 0 or jobs > MAX_JOBS:
        raise UsageError(f"--jobs takes 0 (one per core) to {MAX_JOBS}; got {jobs}")
    return jobs or os.cpu_count() or 1


def settings_for(project: Project, extra_levels: dict[str, str], today=None) -> tuple[CheckSettings, list]:
    """The project's catalogues (checked) and its rule levels: what each of its files is checked with."""
    from cjm.pipeline.catalogues import build_project_index

    levels = {**project.levels, **extra_levels}
    index, checked = build_project_index(project, levels, today)
    return CheckSettings(index, levels, project.options, today, project), checked


def validate(request: ValidateRequest) -> ValidateResult:
    jobs = check_jobs(request.jobs)
    projects = ProjectCache(request.config)
    sources = resolve_inputs(request.inputs, projects, request.force_exclude)

    settings: dict[int, CheckSettings] = {}
    reports: dict[str, FileReport] = {}
    catalog_paths: set[Path] = set()
    seen_projects: list[Project] = []
    for source in sources:
        key = id(source.project)
        if key in settings:
            continue
        seen_projects.append(source.project)
        settings[key], checked = settings_for(source.project, request.levels, request.today)
        for c in checked:
            reports[c.report.file] = c.report
        catalog_paths |= {safe_resolve(p) for p in source.project.catalog_files()}

    todo = [s for s in sources if s.real is None or safe_resolve(s.real) not in catalog_paths]
    for report in _run(todo, settings, jobs, request.on_progress):
        reports[report.file] = report

    fail = request.fail_level
    if fail is None:
        chosen = {p.fail_level for p in seen_projects} or {"error"}
        fail = min(Severity.parse(level) for level in chosen)
    ordered = sorted(reports.values(), key=lambda r: r.file)
    return ValidateResult(Report(ordered, fail), seen_projects, {r.file: r.kind for r in ordered})


def _check_one(args) -> FileReport:
    source, settings = args
    return check_document(read_document(source), settings).report


def _run(todo: list[Source], settings: dict[int, CheckSettings], jobs: int,
         on_progress: Callable[[int, int], None] | None) -> list[FileReport]:
    work = [(s, settings[id(s.project)]) for s in todo]
    out: list[FileReport] = []
    jobs = min(jobs, max(1, len(work) // 16))  # a process per 16 files at least: forking is not free
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
    from cjm.pipeline.check import validator_for

    for cls in (JourneyMap, Catalog):
        validator_for(cls)
