"""``cjm doctor``: what cjm runs on, and whether anything is missing."""

from __future__ import annotations

import json
import sys

import typer

from cjm.cli.errors import handle_errors
from cjm.cli.options import ConfigPath, config_option
from cjm.diagnostics.errors import UsageError
from cjm.diagnostics.exits import ExitCode


def register(app: typer.Typer) -> None:
    app.command("doctor")(command)


@handle_errors()
def command(
    output_format: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="text or json."),
    config: ConfigPath = config_option(),
) -> None:
    """Print versions, optional tools found (Graphviz, Chromium) and the config in use.

    \b
    Examples:
      cjm doctor
      cjm doctor -f json
    """
    from cjm.pipeline.doctor import collect

    if output_format not in ("text", "json"):
        raise UsageError(f"--format takes text or json; got {output_format!r}")
    checks, code = collect(config)
    if output_format == "json":
        sys.stdout.write(json.dumps({"ok": code == ExitCode.OK, "checks": checks}, indent=2) + "\n")
    else:
        from cjm.present.escape import terminal_text

        width = max(len(c["name"]) for c in checks)
        marks = {"ok": "ok", "warning": "warning", "missing": "MISSING", "error": "ERROR"}
        for c in checks:
            sys.stdout.write(f"{c['name']:<{width}}  {marks[c['status']]:<7}  {terminal_text(c['detail'])}\n")
    raise typer.Exit(int(code))
