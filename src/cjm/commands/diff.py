"""``cjm diff``: what changed for the customer between two versions of a map,
or the gap between a current-state map and its future-state map.

    cjm diff OLD NEW            two files
    cjm diff REV [PATH…]        each map as it is at git revision REV against the
                                working tree (no PATH: the project's maps)
    cjm diff --gap FUTURE       a future-state map against the map it `improves:`

The first form is used when OLD is an existing file. Both sides are loaded and
checked against the schema with the same loader and models as ``cjm validate``
(the domain rules are ``cjm validate``'s job); a side that fails is reported at
file:line:column on stderr.

Exit codes: 0 compared (with or without changes); 1 with ``--exit-code`` when
something changed, or when a side could not be loaded or failed the schema;
2 usage error (missing file, unknown revision, not a git repository, a map
without ``improves:`` for ``--gap``); 3 git is not installed.
"""

from __future__ import annotations

import enum
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_ENV = 0, 1, 2, 3


class DiffFormat(str, enum.Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


class Problem(Exception):
    """A user-caused failure with its exit code; ``findings`` when a file is broken."""

    def __init__(self, message: str, code: int, findings: list | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.findings = findings or []


def load_model(display: str, path: str | Path | None = None, data: bytes | None = None,
               kinds: tuple[str, ...] = ("map",)) -> tuple[Any, list]:
    """Load a map (or catalogue) from a file or bytes and check it against the
    schema, as ``cjm validate`` does. Returns (model or None, findings)."""
    from cjm.diagnostics import Finding, Severity
    from cjm.loader import load_bytes, load_file
    from cjm.locations import Span
    from cjm.pipeline import validate_data

    doc = load_bytes(display, data) if data is not None else load_file(str(path), display)
    if doc.data is None or doc.findings:
        return None, list(doc.findings)
    model, findings = validate_data(doc.data, doc.index)
    if model is None:
        return None, findings
    if model.kind not in kinds:
        return None, [Finding("CJM205", "format-version", Severity.ERROR,
                              f"this file is a {model.kind}, not a {' or '.join(kinds)}", Span(display, 1, 1))]
    return model, []


def print_findings(findings: list) -> None:
    from cjm.cli import err

    for f in sorted(findings, key=lambda f: f.sort_key()):
        hint = f" ({f.hint})" if f.hint else ""
        err(f"[bold]{f.span}[/]: [bold red]{f.severity.label}[/] {f.code} {f.rule}: {f.message}{hint}")


# --- git -------------------------------------------------------------------------


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, timeout=60)
    except FileNotFoundError:
        raise Problem("git is not installed (needed to compare with a revision)", EXIT_ENV) from None


def check_revision(rev: str, cwd: Path) -> None:
    if rev.startswith("-") or not rev.strip():
        raise Problem(f"not a revision: {rev!r}", EXIT_USAGE)
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise Problem(f"{rev!r} is not a file, and {cwd} is not inside a git repository "
                      "(give two files: cjm diff OLD NEW)", EXIT_USAGE)
    ok = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd)
    if ok.returncode != 0:
        raise Problem(f"{rev!r} is neither an existing file nor a known git revision", EXIT_USAGE)


def read_at_revision(rev: str, path: Path) -> bytes | None:
    """The file's bytes at ``rev``; None when it did not exist there."""
    folder, name = path.parent, path.name
    spec = f"{rev}:./{name}"
    if _git(["cat-file", "-e", "--end-of-options", spec], folder).returncode != 0:
        return None
    shown = _git(["show", "--end-of-options", spec], folder)
    if shown.returncode != 0:
        raise Problem(f"git could not read {path} at {rev}: "
                      f"{shown.stderr.decode('utf-8', 'replace').strip()}", EXIT_USAGE)
    return shown.stdout


# --- the command -----------------------------------------------------------------


def _diff_files(old: str, new: str) -> list[dict]:
    from cjm.diffing import diff_maps

    for p in (old, new):
        if not Path(p).is_file():
            raise Problem(f"no such file: {p}", EXIT_USAGE)
    a, fa = load_model(old, old)
    b, fb = load_model(new, new)
    if a is None or b is None:
        raise Problem("cannot compare: a map does not load or fails the schema", EXIT_FINDINGS, fa + fb)
    return [diff_maps(a, b, old, new)]


def _diff_revision(rev: str, paths: list[str], config: Optional[Path]) -> tuple[list[dict], list]:
    from cjm.diffing import diff_maps
    from cjm.pipeline import ProjectCache, UsageError, resolve_inputs
    from cjm.project import ConfigError

    if "-" in paths:
        raise Problem("cjm diff cannot read a map from stdin; name the file", EXIT_USAGE)
    check_revision(rev, Path.cwd())
    try:
        sources = resolve_inputs(paths, ProjectCache(config))
    except UsageError as exc:
        raise Problem(str(exc), EXIT_USAGE) from None
    except ConfigError as exc:
        raise Problem("; ".join(f"{f.span}: {f.message}" for f in exc.findings), EXIT_USAGE) from None
    diffs, broken = [], []
    for source in sources:
        new, fb = load_model(source.path, source.real, kinds=("map", "catalog"))
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
        diffs.append(diff_maps(old, new, label, source.path))
    return diffs, broken


def _gap(future_path: str, fmt: str) -> str:
    from cjm.diffing import format_gap_markdown, format_gap_text, gap, to_json

    if not Path(future_path).is_file():
        raise Problem(f"no such file: {future_path}", EXIT_USAGE)
    future, ff = load_model(future_path, future_path)
    if future is None:
        raise Problem("cannot compare: the future-state map does not load or fails the schema", EXIT_FINDINGS, ff)
    if not future.improves:
        raise Problem(f"{future_path} has no `improves:` naming the current-state map it improves on "
                      "(or compare two files: cjm diff OLD NEW)", EXIT_USAGE)
    from cjm.pipeline import display_path

    current_path = Path(future_path).parent / future.improves
    shown = display_path(current_path)
    if not current_path.is_file():
        raise Problem(f"{future_path}: `improves: {future.improves}` names {shown}, which does not exist",
                      EXIT_USAGE)
    current, fc = load_model(shown, current_path)
    if current is None:
        raise Problem(f"cannot compare: {shown} (named by `improves:`) does not load or fails the schema",
                      EXIT_FINDINGS, fc)
    result = gap(current, future, shown, future_path)
    return {"text": format_gap_text, "markdown": format_gap_markdown, "json": to_json}[fmt](result)


def register(app: typer.Typer) -> None:
    @app.command("diff")
    def diff_command(
        targets: Optional[list[str]] = typer.Argument(
            None, metavar="OLD NEW | REV [PATH…] | --gap FUTURE",
            help="Two map files; or a git revision and the maps to compare with the working tree "
                 "(none: the project's maps); or, with --gap, a future-state map."),
        output_format: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f",
                                                 help="text, markdown (for a pull-request comment) or json."),
        gap_mode: bool = typer.Option(False, "--gap",
                                      help="Compare a future-state map with the map its `improves:` names, "
                                           "stage by stage."),
        exit_code: bool = typer.Option(False, "--exit-code",
                                       help="Exit 1 when something changed (like git diff --exit-code)."),
        config: Optional[Path] = typer.Option(None, "--config", "-c",
                                              help="Use this cjm.yaml instead of the nearest (REV form)."),
    ) -> None:
        """Show what changed for the customer: touchpoints, emotions, pain points, actions, KPIs."""
        from cjm.cli import fail

        args = list(targets or [])
        fmt = output_format.value
        try:
            if gap_mode:
                if len(args) != 1:
                    raise Problem("--gap takes one future-state map: cjm diff --gap FUTURE", EXIT_USAGE)
                if exit_code:
                    raise Problem("--exit-code does not apply to --gap", EXIT_USAGE)
                sys.stdout.write(_gap(args[0], fmt))
                raise typer.Exit(EXIT_OK)
            if not args:
                raise Problem("give two maps (cjm diff OLD NEW) or a git revision (cjm diff REV [PATH…])",
                              EXIT_USAGE)
            broken: list = []
            if Path(args[0]).is_file():
                if len(args) != 2:
                    raise Problem("comparing files takes exactly two: cjm diff OLD NEW", EXIT_USAGE)
                diffs = _diff_files(args[0], args[1])
            else:
                diffs, broken = _diff_revision(args[0], args[1:], config)
        except Problem as exc:
            print_findings(exc.findings)
            raise fail(str(exc), exc.code) from None

        from cjm.diffing import format_markdown, format_text, has_changes, to_json

        if fmt == "json":
            from cjm.diffing import DIFF_FORMAT, VERSION

            sys.stdout.write(to_json({"format": DIFF_FORMAT, "version": VERSION,
                                      "changes": sum(d["summary"]["changes"] for d in diffs),
                                      "files": diffs}))
        elif fmt == "markdown":
            sys.stdout.write(format_markdown(diffs) if diffs else "### Journey map changes\n\nNo maps compared.\n")
        else:
            sys.stdout.write(format_text(diffs) if diffs else "no maps compared\n")
        if broken:
            print_findings(broken)
            raise fail("some maps could not be compared: they do not load or fail the schema", EXIT_FINDINGS)
        raise typer.Exit(EXIT_FINDINGS if exit_code and any(has_changes(d) for d in diffs) else EXIT_OK)
