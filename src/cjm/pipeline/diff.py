"""The diff stage: what changed for the customer between two versions of a map,
or the gap between a current-state map and its future-state map.

    OLD NEW            two files
    REV [PATH…]        each map as it is at git revision REV against the working
                       tree (no PATH: the project's maps)
    --gap FUTURE       a future-state map against the map it ``improves:``

Both sides are loaded and checked against the schema as ``cjm validate`` does
(the domain rules are validate's job); a side that fails is a finding.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjm.diagnostics import Finding, Report
from cjm.diagnostics.errors import EnvironmentProblem, InputError, UsageError
from cjm.pipeline.check import schema_check
from cjm.pipeline.inputs import STDIN, Source, display_path, read_document, resolve_inputs
from cjm.pipeline.project import ProjectCache


@dataclass
class DiffRequest:
    targets: list[str] = field(default_factory=list)
    gap: bool = False
    config: Path | None = None


@dataclass
class DiffResult:
    diffs: list[dict[str, Any]] = field(default_factory=list)
    gap: dict[str, Any] | None = None
    report: Report = field(default_factory=lambda: Report([]))  # sides that do not load or fail the schema
    sides: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # new file -> (model, position index)

    def locate(self, file: str, kind: str, ident: str, persona: str | None = None):
        """Where a changed thing sits in the new file (what held it, for a removed one)."""
        from cjm.locations import Span

        model, index = self.sides.get(file, (None, None))
        if model is None or index is None:
            return Span(file, 1, 1)
        return index.span(_path_of(model, kind, ident, persona))

    @property
    def changed(self) -> bool:
        from cjm.authoring.diff import has_changes

        return any(has_changes(d) for d in self.diffs)


def load_side(display: str, path: Path | None = None, data: bytes | None = None,
              kinds: tuple[str, ...] = ("map",)) -> tuple[Any, list[Finding], Any]:
    """A map (or catalogue) from a file or bytes, checked against the schema as
    ``cjm validate`` does: (model or None, findings, position index)."""
    from cjm.loader import load_bytes

    if data is not None:
        doc = load_bytes(display, data)
    else:
        doc = read_document(Source(display, path, None))  # type: ignore[arg-type]
    model, findings = schema_check(doc, kinds)
    return model, findings, doc.index


def load_model(display: str, path: Path | None = None, data: bytes | None = None,
               kinds: tuple[str, ...] = ("map",)) -> tuple[Any, list[Finding]]:
    """``load_side`` without the positions."""
    model, findings, _index = load_side(display, path, data, kinds)
    return model, findings


def _path_of(model, kind: str, ident: str, persona: str | None) -> tuple:
    """The document path of a thing in a map, found by kind and id."""
    from cjm.model.walk import opportunities, pain_points, touchpoints

    if kind == "map":
        return (ident,)
    if kind == "stage":
        return next((("stages", i) for i, s in enumerate(model.stages) if s.id == ident), ())
    if kind in ("touchpoint", "emotion"):
        for path, _stage, tp in touchpoints(model):
            if tp.id == ident:
                if kind == "emotion":
                    return path + ("emotion",) + ((persona,) if isinstance(tp.emotion, dict) and persona else ())
                return path
        return ()
    if kind == "pain_point":
        return next((path for path, _tp, p in pain_points(model) if p.id == ident), ())
    if kind == "opportunity":
        return next((path for path, _tp, o in opportunities(model) if o.id == ident), ())
    table = {"persona": "personas", "action": "actions", "kpi": "kpis"}.get(kind)
    if table:
        items = getattr(model, table)
        return next(((table, i) for i, x in enumerate(items) if (x if isinstance(x, str) else x.id) == ident),
                    (table,))
    return ()


def diff(request: DiffRequest) -> DiffResult:
    args = list(request.targets)
    if request.gap:
        if len(args) != 1:
            raise UsageError("--gap takes one future-state map: cjm diff --gap FUTURE")
        return _gap(args[0])
    if not args:
        raise UsageError("give two maps (cjm diff OLD NEW) or a git revision (cjm diff REV [PATH…])")
    if Path(args[0]).is_file():
        if len(args) != 2:
            raise UsageError("comparing files takes exactly two: cjm diff OLD NEW")
        return _diff_files(args[0], args[1])
    if Path(args[0]).is_dir():
        raise UsageError(f"{args[0]} is a folder: cjm diff compares two map files, or a git revision with the "
                         "working tree")
    return _diff_revision(args[0], args[1:], request.config)


def _diff_files(old: str, new: str) -> DiffResult:
    from cjm.authoring.diff import diff_maps

    for p in (old, new):
        if Path(p).is_dir():
            raise UsageError(f"{p} is a folder; cjm diff OLD NEW compares two map files")
        if not Path(p).is_file():
            raise UsageError(f"no such file: {p}")
    a, fa = load_model(old, Path(old))
    b, fb, index = load_side(new, Path(new))
    if a is None or b is None:
        raise InputError("cannot compare: a map does not load or fails the schema", findings=fa + fb)
    return DiffResult([diff_maps(a, b, old, new)], sides={new: (b, index)})


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, timeout=60)
    except FileNotFoundError:
        raise EnvironmentProblem("git is not installed (needed to compare with a revision)",
                                 "install git, or compare two files: cjm diff OLD NEW") from None


def check_revision(rev: str, cwd: Path) -> None:
    if rev.startswith("-") or not rev.strip():
        raise UsageError(f"not a revision: {rev!r}")
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise UsageError(f"{rev!r} is not a file, and {cwd} is not inside a git repository",
                         "give two files: cjm diff OLD NEW")
    ok = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd)
    if ok.returncode != 0:
        raise UsageError(f"{rev!r} is neither an existing file nor a known git revision")


def read_at_revision(rev: str, path: Path) -> bytes | None:
    """The file's bytes at ``rev``; None when it did not exist there."""
    folder, name = path.parent, path.name
    spec = f"{rev}:./{name}"
    if _git(["cat-file", "-e", "--end-of-options", spec], folder).returncode != 0:
        return None
    shown = _git(["show", "--end-of-options", spec], folder)
    if shown.returncode != 0:
        raise UsageError(f"git could not read {path} at {rev}: {shown.stderr.decode('utf-8', 'replace').strip()}")
    return shown.stdout


def _diff_revision(rev: str, paths: list[str], config: Path | None) -> DiffResult:
    from cjm.authoring.diff import diff_maps

    if STDIN in paths:
        raise UsageError("cjm diff cannot read a map from stdin; name the file")
    check_revision(rev, Path.cwd())
    sources = resolve_inputs(paths, ProjectCache(config), stdin=False)
    result = DiffResult()
    broken: list[Finding] = []
    for source in sources:
        new, fb, index = load_side(source.path, source.real, kinds=("map", "catalog"))
        if new is not None and new.kind == "catalog":
            continue
        raw = read_at_revision(rev, source.real)
        label = f"{rev}:{source.path}"
        old, fa = (None, []) if raw is None else load_model(label, data=raw, kinds=("map", "catalog"))
        if old is not None and old.kind == "catalog":
            old, fa = None, []
        if new is None or (raw is not None and old is None and fa):
            broken.extend(fa + fb)
            continue
        result.diffs.append(diff_maps(old, new, label, source.path))
        result.sides[source.path] = (new, index)
    result.report = Report.of(broken)
    return result


def _gap(future_path: str) -> DiffResult:
    from cjm.authoring.diff import gap

    if not Path(future_path).is_file():
        raise UsageError(f"no such file: {future_path}")
    future, ff = load_model(future_path, Path(future_path))
    if future is None:
        raise InputError("cannot compare: the future-state map does not load or fails the schema", findings=ff)
    if not future.improves:
        raise UsageError(f"{future_path} has no `improves:` naming the current-state map it improves on",
                         "or compare two files: cjm diff OLD NEW")
    current_path = Path(os.path.normpath(Path(future_path).parent / future.improves))
    shown = display_path(current_path)
    if not current_path.is_file():
        raise UsageError(f"{future_path}: `improves: {future.improves}` names {shown}, which does not exist")
    current, fc = load_model(shown, current_path)
    if current is None:
        raise InputError(f"cannot compare: {shown} (named by `improves:`) does not load or fails the schema",
                         findings=fc)
    return DiffResult(gap=gap(current, future, shown, future_path))
