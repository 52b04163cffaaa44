"""``cjm init``: start a project with a cjm.yaml and a realistic starter map."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer

from cjm.cli.errors import console, handle_errors
from cjm.diagnostics.errors import UsageError


def register(app: typer.Typer) -> None:
    app.command("init")(command)


@handle_errors()
def command(
    directory: Path = typer.Argument(Path("."), metavar="[DIR]", help="The project folder (created when missing)."),
    template: str = typer.Option("ecommerce", "--template", "-t", metavar="INDUSTRY",
                                 help="The industry of the starter map: ecommerce, retail, travel, banking, "
                                      "b2b-saas."),
    map_type: str = typer.Option("current-state", "--type", metavar="TYPE",
                                 help="current-state, future-state (also writes the current-state map it improves "
                                      "on), day-in-the-life or service-blueprint."),
    schema_file: bool = typer.Option(False, "--schema-file", help="Also write the JSON Schemas beside the files and "
                                                                  "point the editor comment at them (offline use)."),
    date: Optional[str] = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                       help="The map's `reviewed:` date [default: today]."),
    git: bool = typer.Option(True, "--git/--no-git", help="Make the folder a git repository unless it is in one."),
    force: bool = typer.Option(False, "--force", help="Overwrite files that exist."),
) -> None:
    """Write a cjm.yaml and a starter map for an industry and map type.

    \b
    Examples:
      cjm init journeys --template ecommerce --type current-state
      cjm init . -t b2b-saas --type service-blueprint --schema-file
    """
    from cjm.authoring.starters import TEMPLATES
    from cjm.model.journey import MAP_TYPES
    from cjm.pipeline.choices import problem
    from cjm.pipeline.init import MAPS_DIR, InitRequest, init

    if template not in TEMPLATES:
        message, hint = problem("template", template, TEMPLATES)
        raise UsageError(message, hint)
    if map_type not in MAP_TYPES:
        message, hint = problem("map type", map_type, MAP_TYPES)
        raise UsageError(message, hint)
    try:
        reviewed = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise UsageError(f"--date takes a real date written YYYY-MM-DD; got {date!r}") from None
    result = init(InitRequest(directory, template, map_type, reviewed, schema_file, force, git))
    out = console()
    for path in result.written:
        out.say(f"wrote {path.as_posix()}")
    if result.git:
        out.say(result.git)
    where = "" if directory == Path(".") else f"cd {directory.as_posix()} && "
    out.say(f"next: {where}cjm validate   (then edit the map under {MAPS_DIR}/ and run cjm fmt)")
