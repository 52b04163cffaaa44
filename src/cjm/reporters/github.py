"""``--format github``: GitHub Actions workflow commands, one per finding, which
GitHub shows as annotations on the pull request's changed lines. Chosen
automatically when ``GITHUB_ACTIONS=true``."""

from __future__ import annotations

from cjm.diagnostics import Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def write(result, stream, *, color: bool = False, tool_version: str = "", summary: bool = True) -> None:
    for f in result.findings:
        s = f.span
        props = [f"file={_prop(s.file)}", f"line={s.line}", f"col={s.column}"]
        if s.end_line:
            props += [f"endLine={s.end_line}", f"endColumn={s.end_column}"]
        props.append(f"title={_prop(f'{f.code} {f.rule}')}")
        message = f.message + (f" ({f.hint})" if f.hint else "")
        stream.write(f"::{_LEVEL[f.severity]} {','.join(props)}::{_data(message)}\n")
