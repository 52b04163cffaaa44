"""Evidence coverage of checked maps, for ``cjm validate -v``.

The counting is ``cjm.model.evidence``'s (the unsupported-claim rule and the
site count the same way); this stage only loads the maps again with their
project's catalogues (research and personas) and its rule options (the age
after which research is stale). Only maps that validated are counted.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from cjm.model.evidence import Coverage


def coverage_of(files: list[str], projects: list[Any], today: _dt.date | None = None) -> dict[str, Coverage]:
    """Map file (as shown) -> its coverage, for each of ``files`` that is a valid map."""
    from cjm.model.catalog import ProjectIndex
    from cjm.model.evidence import coverage, research_of
    from cjm.model.resolve import resolve
    from cjm.pipeline.catalogues import build_project_index
    from cjm.pipeline.check import schema_check
    from cjm.pipeline.inputs import Source, read_document
    from cjm.pipeline.project import safe_resolve

    indexes = []
    for project in projects:
        index, _checked = build_project_index(project, project.levels, today)
        indexes.append((project, index))
    out: dict[str, Coverage] = {}
    for file in files:
        path = Path(file)
        if not path.is_file():
            continue
        project, index = next(((p, i) for p, i in indexes if p.config_file is not None and p.owns(safe_resolve(path))),
                              (projects[0] if projects else None, ProjectIndex()))
        model, findings = schema_check(read_document(Source(file, path, project)), ("map",))
        if model is None:
            continue
        options = project.options.get("CJM318", {}) if project is not None else {}
        resolved = resolve(model, file, index)
        listed = {p for p in model.personas if isinstance(p, str)}
        out[file] = coverage(model, research_of(model, index), today=today,
                             max_age_days=options.get("max_age_days", 365),
                             catalog_personas=[p for p in resolved.personas if p.id in listed])
    return out
