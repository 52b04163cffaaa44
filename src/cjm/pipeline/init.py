"""The init stage: a cjm.yaml and a realistic starter map, in a git repository.

The project is made a git repository (``git init``) unless it already lies in
one, so the README's walk from ``cjm init`` to a reviewed pull request works
as written; without git installed, that step is skipped and said so.
"""

from __future__ import annotations

import datetime as _dt
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from cjm.diagnostics.errors import UsageError

MAPS_DIR = "maps"
SCHEMA_COMMENT = "# yaml-language-server: $schema={}\n"


@dataclass
class InitRequest:
    directory: Path = Path(".")
    template: str = "ecommerce"
    map_type: str = "current-state"
    reviewed: _dt.date | None = None  # None: today
    schema_file: bool = False
    force: bool = False
    git: bool = True


@dataclass
class InitResult:
    written: list[Path] = field(default_factory=list)
    git: str = ""  # "initialised", "already a repository", "git is not installed", "" (not asked)


def plan(directory: Path, template: str, map_type: str, reviewed: _dt.date, schema_file: bool) -> dict[Path, str]:
    """Every file ``cjm init`` writes, with its content, in writing order."""
    from cjm.authoring.formatter import dump_data
    from cjm.authoring.starters import build_map, map_file_name
    from cjm.pipeline import schemas

    files: dict[Path, str] = {}
    maps = directory / MAPS_DIR
    map_url = schemas.BASE_ID + schemas.SCHEMA_FILES["map"]
    config_url = schemas.BASE_ID + schemas.SCHEMA_FILES["config"]
    if schema_file:
        map_url = schemas.SCHEMA_FILES["map"]
        config_url = schemas.SCHEMA_FILES["config"]
    config = {
        "cjm": 1,
        "maps": [f"{MAPS_DIR}/**/*.yaml", f"{MAPS_DIR}/**/*.yml"],
        "catalogs": ["shared/**/*.yaml"],
        "render": {"out": "build/cjm", "formats": ["svg", "md", "html"]},
    }
    if template == "ecommerce":
        # The starter's touchpoints name GA4's recommended e-commerce events:
        # with a GA4 BigQuery export here, `cjm analyze` gives the funnel.
        config["analytics"] = {
            "source": {"path": "data/ga4/*.parquet", "shape": "ga4"},
            "funnel": {"steps": ["product-page", "cart", "checkout", "tracking"], "window": "7d"},
            "snapshot": "metrics/{map}.json",
        }
    header = (SCHEMA_COMMENT.format(config_url)
              + "# The cjm project: which files are maps and catalogues, rule levels, render defaults.\n")
    files[directory / "cjm.yaml"] = dump_data(config, header, "cjm.yaml")
    types = ["current-state", map_type] if map_type == "future-state" else [map_type]
    for kind in types:
        data = build_map(template, kind, reviewed)
        files[maps / map_file_name(template, kind)] = dump_data(data, SCHEMA_COMMENT.format(map_url))
    if schema_file:
        files[maps / schemas.SCHEMA_FILES["map"]] = schemas.dumps(schemas.map_schema())
        files[directory / schemas.SCHEMA_FILES["config"]] = schemas.dumps(schemas.config_schema())
    return files


def init(request: InitRequest) -> InitResult:
    from cjm.infra.files import OutputRefused, OutputSet
    from cjm.pipeline.render import output_error

    directory = request.directory
    if (directory.exists() or directory.is_symlink()) and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a folder")
    files = plan(directory, request.template, request.map_type, request.reviewed or _dt.date.today(),
                 request.schema_file)
    existing = [p for p in files if p.exists() or p.is_symlink()]
    if existing and not request.force:
        names = ", ".join(p.as_posix() for p in existing)
        raise UsageError(f"{names} already exist{'s' if len(existing) == 1 else ''}; nothing was written",
                         "use --force to overwrite")
    out = OutputSet(root=directory.resolve() if directory.exists() else None)
    try:
        for path, content in files.items():
            out.stage(path, content)
        out.commit()
    except OutputRefused as exc:
        out.discard()
        raise UsageError(str(exc)) from None
    except OSError as exc:
        out.discard()
        raise output_error(exc) from None
    result = InitResult(list(files))
    if request.git:
        result.git = _git_init(directory)
    return result


def _git_init(directory: Path) -> str:
    git = shutil.which("git")
    if git is None:
        return "git is not installed: run `git init` yourself to review maps in pull requests"
    inside = subprocess.run([git, "-C", str(directory), "rev-parse", "--is-inside-work-tree"], capture_output=True)
    if inside.returncode == 0:
        return "already in a git repository"
    made = subprocess.run([git, "init", "-q", str(directory)], capture_output=True)
    if made.returncode != 0:
        return f"git init failed: {made.stderr.decode('utf-8', 'replace').strip()}"
    return "initialised a git repository"
