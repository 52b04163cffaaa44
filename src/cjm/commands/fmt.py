"""``cjm fmt``: rewrite maps, catalogues and cjm.yaml in one canonical layout.

Exit codes: 0 all files formatted (or already were); 1 with ``--check`` when a
file would change, or when a file cannot be formatted (YAML errors, or a
layout that would change its meaning: the file is then left untouched); 2 usage
or configuration errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("fmt")
    def fmt_command(
        paths: Optional[list[str]] = typer.Argument(
            None, help="Files, folders, globs, or - (stdin to stdout); none: the maps and catalogues of the "
                       "project of the nearest cjm.yaml."),
        check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 when a file would change."),
        diff: bool = typer.Option(False, "--diff", help="Write nothing; print a unified diff of the changes."),
        config: Optional[Path] = typer.Option(None, "--config", "-c",
                                              help="Use this cjm.yaml instead of the nearest."),
        force_exclude: bool = typer.Option(False, "--force-exclude",
                                           help="Skip named files that the project's globs do not include "
                                                "(for pre-commit)."),
    ) -> None:
        """Format maps in one canonical layout (key order, indentation, quoting), keeping comments."""
        from cjm.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, STATE, _config_error, fail
        from cjm.formatter import format_text
        from cjm.fsutil import atomic_write
        from cjm.loader import MAX_FILE_BYTES, decode
        from cjm.pipeline import ProjectCache, UsageError, resolve_inputs
        from cjm.project import ConfigError

        try:
            sources = resolve_inputs(list(paths or []), ProjectCache(config), force_exclude)
        except UsageError as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        except ConfigError as exc:
            raise _config_error(exc) from None

        def report(line: str) -> None:
            # Plain text: file names and messages hold user text, never markup.
            sys.stderr.write(line + "\n")

        failed = would_change = 0
        for source in sources:
            if source.real is None:
                raw = source.data or b""
            else:
                try:
                    with open(source.real, "rb") as handle:
                        raw = handle.read(MAX_FILE_BYTES + 1)
                except OSError as exc:
                    report(f"{source.path}:1:1: error CJM107 unreadable-file: cannot read the file: "
                           f"{exc.strerror or exc}")
                    failed += 1
                    continue
            text, problems = decode(source.path, raw)
            if text is None:
                for f in problems:
                    report(f"{f.span}: error {f.code} {f.rule}: {f.message}")
                failed += 1
                continue
            result = format_text(source.path, text)
            if not result.ok:
                for f in result.findings:
                    report(f"{f.span}: error {f.code} {f.rule}: {f.message}" + (f" ({f.hint})" if f.hint else ""))
                failed += 1
                if source.real is None and not (check or diff):
                    sys.stdout.write(text)  # a filter must not swallow its input
                continue
            if diff and result.changed:
                import difflib

                sys.stdout.writelines(difflib.unified_diff(
                    text.splitlines(keepends=True), result.formatted.splitlines(keepends=True),
                    f"a/{source.path}", f"b/{source.path}"))
            if source.real is None:
                if not (check or diff):
                    sys.stdout.write(result.formatted)
            elif not (check or diff) and result.changed:
                # atomic_write follows symlinks, keeps the mode, and skips identical bytes.
                if atomic_write(source.real, result.formatted) and not STATE.quiet:
                    report(f"formatted {source.path}")
            if result.changed:
                would_change += 1
                if check and not STATE.quiet:
                    report(f"would reformat {source.path}")
        if not STATE.quiet and any(s.real is not None for s in sources):
            verb = "would be reformatted" if (check or diff) else "reformatted"
            total = len(sources)
            report(f"{would_change} of {total} file{'s' if total != 1 else ''} {verb}"
                + (f", {failed} could not be formatted" if failed else ""))
        if failed or (check and would_change):
            raise typer.Exit(EXIT_FINDINGS)
        raise typer.Exit(EXIT_OK)
