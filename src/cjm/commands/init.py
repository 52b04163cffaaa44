"""``cjm init``: start a project with a cjm.yaml and a realistic starter map.

Exit codes: 0 written; 2 a file exists (without --force), or a bad option.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Optional

import typer

TEMPLATES = ("ecommerce", "retail", "travel", "banking", "b2b-saas")  # = cjm.starters.TEMPLATES
MAP_TYPES = ("current-state", "future-state", "day-in-the-life", "service-blueprint")

Template = enum.Enum("Template", {t: t for t in TEMPLATES}, type=str)  # type: ignore[misc]
MapType = enum.Enum("MapType", {t: t for t in MAP_TYPES}, type=str)  # type: ignore[misc]

MAPS_DIR = "maps"
SCHEMA_COMMENT = "# yaml-language-server: $schema={}\n"


def plan(directory: Path, template: str, map_type: str, reviewed, schema_file: bool) -> dict[Path, str]:
    """Every file ``cjm init`` writes, with its content, in writing order."""
    from cjm import schema
    from cjm.formatter import dump_data
    from cjm.starters import build_map, map_file_name

    files: dict[Path, str] = {}
    maps = directory / MAPS_DIR
    map_url = schema.BASE_ID + schema.SCHEMA_FILES["map"]
    config_url = schema.BASE_ID + schema.SCHEMA_FILES["config"]
    if schema_file:
        map_url = f"{schema.SCHEMA_FILES['map']}"
        config_url = f"{schema.SCHEMA_FILES['config']}"
    config = {
        "cjm": 1,
        "maps": [f"{MAPS_DIR}/**/*.yaml", f"{MAPS_DIR}/**/*.yml"],
        "catalogs": ["shared/**/*.yaml"],
        "render": {"out": "build/cjm", "formats": ["svg", "md", "html"]},
    }
    header = (SCHEMA_COMMENT.format(config_url)
              + "# The cjm project: which files are maps and catalogues, rule levels, render defaults.\n")
    files[directory / "cjm.yaml"] = dump_data(config, header, "cjm.yaml")
    types = ["current-state", map_type] if map_type == "future-state" else [map_type]
    for kind in types:
        data = build_map(template, kind, reviewed)
        files[maps / map_file_name(template, kind)] = dump_data(data, SCHEMA_COMMENT.format(map_url))
    if schema_file:
        files[maps / schema.SCHEMA_FILES["map"]] = schema.dumps(schema.map_schema())
        files[directory / schema.SCHEMA_FILES["config"]] = schema.dumps(schema.config_schema())
    return files


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init_command(
        directory: Path = typer.Argument(Path("."), help="The project folder (created when missing)."),
        template: Template = typer.Option("ecommerce", "--template", "-t",  # type: ignore[valid-type]
                                          help="The industry of the starter map."),
        map_type: MapType = typer.Option("current-state", "--type",  # type: ignore[valid-type]
                                         help="The kind of map; future-state also writes the current-state "
                                              "map it improves on."),
        schema_file: bool = typer.Option(False, "--schema-file",
                                         help="Also write the JSON Schemas beside the files and point the "
                                              "editor comment at them (offline use)."),
        date: Optional[str] = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                           help="The map's `reviewed:` date [default: today]."),
        force: bool = typer.Option(False, "--force", help="Overwrite files that exist."),
    ) -> None:
        """Write a cjm.yaml and a starter map for an industry and map type."""
        import datetime as dt

        from cjm.cli import EXIT_OK, EXIT_USAGE, STATE, err, fail
        from cjm.fsutil import atomic_write

        try:
            reviewed = dt.date.fromisoformat(date) if date else dt.date.today()
        except ValueError:
            raise fail(f"--date takes a date as YYYY-MM-DD; got {date!r}", EXIT_USAGE) from None
        if directory.exists() and not directory.is_dir():
            raise fail(f"{directory} exists and is not a folder", EXIT_USAGE)
        files = plan(directory, template.value, map_type.value, reviewed, schema_file)
        existing = [p for p in files if p.exists() or p.is_symlink()]
        if existing and not force:
            names = ", ".join(p.as_posix() for p in existing)
            raise fail(f"{names} already exist{'s' if len(existing) == 1 else ''}; "
                       "nothing was written (use --force to overwrite)", EXIT_USAGE)
        for path, content in files.items():
            atomic_write(path, content)
            if not STATE.quiet:
                err(f"wrote {path.as_posix()}")
        if not STATE.quiet:
            where = "" if directory == Path(".") else f"cd {directory.as_posix()} && "
            err(f"next: {where}cjm validate   (then edit the map under {MAPS_DIR}/ and run cjm fmt)")
        sys.stdout.flush()
        raise typer.Exit(EXIT_OK)
