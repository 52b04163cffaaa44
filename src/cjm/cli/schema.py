"""``cjm schema``: the JSON Schemas of the file format and the config."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from cjm.cli.errors import handle_errors
from cjm.diagnostics.errors import UsageError


def register(app: typer.Typer) -> None:
    app.command("schema")(command)


@handle_errors()
def command(
    which: str = typer.Argument("map", metavar="[map|config]", help="map (maps and catalogues) or config (cjm.yaml)."),
    write: bool = typer.Option(False, "--write", help="Write the schemas into ./schemas/ instead of printing."),
) -> None:
    """Print the JSON Schema (draft 2020-12) of the file format, for editors and other validators.

    \b
    Examples:
      cjm schema > cjm.schema.json
      cjm schema config
    """
    from cjm.pipeline import schemas

    builders = {"map": schemas.map_schema, "config": schemas.config_schema}
    if which not in builders:
        raise UsageError(f"unknown schema {which!r}: use map or config")
    if write:
        from cjm.infra.files import atomic_write

        folder = Path("schemas")
        if folder.exists() and not folder.is_dir():
            raise UsageError("./schemas is not a folder; --write puts the schemas into ./schemas/")
        for key, build in builders.items():
            atomic_write(Path("schemas") / schemas.SCHEMA_FILES[key], schemas.dumps(build()))
        return
    sys.stdout.write(schemas.dumps(builders[which]()))
