"""The fmt stage: rewrite maps, catalogues and cjm.yaml in one canonical layout.

A file that cannot be formatted (YAML errors, or a layout that would change
its meaning) is left untouched and reported; with ``check``, every file that
would change is a finding (CJM191), so CI sees it through any reporter. A
byte-order mark is kept, whether the text came from a file or stdin.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from cjm.diagnostics import FileReport, Finding, Report
from cjm.diagnostics.codes import UNFORMATTED, UNREADABLE
from cjm.locations import Span
from cjm.pipeline.inputs import read_bytes, resolve_inputs
from cjm.pipeline.project import ProjectCache

BOM = "\ufeff"


@dataclass
class FmtRequest:
    inputs: list[str] = field(default_factory=list)
    config: Path | None = None
    check: bool = False  # write nothing; a file that would change is a finding
    diff: bool = False  # write nothing; return a unified diff
    force_exclude: bool = False


@dataclass
class FmtFile:
    path: str
    stdin: bool
    changed: bool = False  # would change (check/diff) or was rewritten
    ok: bool = True


@dataclass
class FmtResult:
    files: list[FmtFile]
    report: Report
    stdout: str = ""  # the formatted text (stdin) or the unified diff

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if not f.ok)

    @property
    def changed(self) -> int:
        return sum(1 for f in self.files if f.changed)


def fmt(request: FmtRequest) -> FmtResult:
    from cjm.authoring.formatter import format_text
    from cjm.infra.files import OutputSet
    from cjm.loader import MAX_FILE_BYTES, decode

    sources = resolve_inputs(request.inputs, ProjectCache(request.config), request.force_exclude)
    files: list[FmtFile] = []
    reports: list[FileReport] = []
    out: list[str] = []
    writes = OutputSet(follow_links=True)  # the user's own files: a linked map formats its target
    for source in sources:
        entry = FmtFile(source.path, source.real is None)
        files.append(entry)
        report = FileReport(source.path)
        reports.append(report)
        if source.real is None:
            raw = source.data or b""
        else:
            raw, why = read_bytes(source.real, MAX_FILE_BYTES)
            if raw is None:
                report.findings.append(UNREADABLE.finding(f"cannot read the file: {why}", Span(source.path, 1, 1)))
                entry.ok = False
                continue
        text, problems = decode(source.path, raw)
        if text is None:
            report.findings.extend(problems)
            entry.ok = False
            if entry.stdin and not (request.check or request.diff):
                out.append(raw.decode("utf-8", "replace"))  # a filter must not swallow its input
            continue
        bom = BOM if raw.startswith(b"\xef\xbb\xbf") else ""
        result = format_text(source.path, text)
        if not result.ok:
            report.findings.extend(result.findings)
            entry.ok = False
            if entry.stdin and not (request.check or request.diff):
                out.append(bom + text)
            continue
        entry.changed = result.changed
        if request.diff and result.changed:
            out.extend(difflib.unified_diff(text.splitlines(keepends=True), result.formatted.splitlines(keepends=True),
                                            f"a/{source.path}", f"b/{source.path}"))
        if request.check and result.changed:
            report.findings.append(_unformatted(source.path, text, result.formatted))
        if entry.stdin:
            if not (request.check or request.diff):
                out.append(bom + result.formatted)
        elif result.changed and not (request.check or request.diff):
            writes.stage(source.real, bom + result.formatted)
    try:
        writes.commit()
    except OSError as exc:
        writes.discard()
        from cjm.pipeline.render import output_error

        raise output_error(exc) from None
    return FmtResult(files, Report(reports), "".join(out))


def _unformatted(path: str, before: str, after: str) -> Finding:
    """Where the file first differs from its formatted layout."""
    old, new = before.splitlines(), after.splitlines()
    line = next((i for i, (a, b) in enumerate(zip(old, new), 1) if a != b), min(len(old), len(new)) + 1)
    return UNFORMATTED.finding("the file is not in cjm fmt's layout; run `cjm fmt` to rewrite it",
                               Span(path, max(1, min(line, max(len(old), 1))), 1),
                               hint="`cjm fmt --diff` shows what would change")
