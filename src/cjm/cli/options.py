"""Options several commands share, with choices from the registries."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from cjm.diagnostics.errors import UsageError


def report_format(value: Optional[str]) -> str:
    """The reporter to use: as given, else github inside GitHub Actions, else text."""
    from cjm.pipeline.choices import problem, reporters

    if value is None:
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if value not in reporters():
        message, hint = problem("format", value, reporters())
        raise UsageError(message, hint)
    return value


def format_option(help_text: str = "Output format: text, json, github or sarif [default: text, or github "
                                   "inside GitHub Actions].") -> typer.models.OptionInfo:
    return typer.Option(None, "--format", "-f", metavar="FORMAT", help=help_text)


def config_option() -> typer.models.OptionInfo:
    return typer.Option(None, "--config", "-c", metavar="FILE", help="Use this cjm.yaml (or pyproject.toml) instead "
                                                                     "of the nearest one.")


def force_exclude_option() -> typer.models.OptionInfo:
    return typer.Option(False, "--force-exclude", help="Skip named files that the project's globs do not include "
                                                       "(for pre-commit).")


ConfigPath = Optional[Path]
