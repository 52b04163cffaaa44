"""The JSON Schemas of the file format, generated from the pydantic models.

The committed copies under ``schemas/`` must equal what this produces; a test
fails when they are stale (regenerate with ``python -m cjm schema --write``).
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE_ID = "https://raw.githubusercontent.com/cjm-cli/cjm/main/schemas/"
SCHEMA_FILES = {"map": "cjm.schema.json", "config": "cjm-config.schema.json"}


def map_schema() -> dict[str, Any]:
    """One schema for every cjm document: a journey map or a catalogue."""
    from pydantic import TypeAdapter

    from cjm.model.journey import Catalog, JourneyMap

    core = TypeAdapter(JourneyMap | Catalog).json_schema(ref_template="#/$defs/{model}")
    # Pick the branch by `kind` instead of "any of": validators and editors then
    # report an error at its real place inside a map, not at the document root.
    branches = core.pop("anyOf")
    core["if"] = {"properties": {"kind": {"const": "catalog"}}, "required": ["kind"]}
    core["then"] = branches[1]
    core["else"] = branches[0]
    return {
        "$schema": SCHEMA_DRAFT,
        "$id": BASE_ID + SCHEMA_FILES["map"],
        "title": "cjm journey map or catalogue",
        "description": "A customer journey map (kind: map, the default) or a catalogue of shared personas, "
                       "channels and KPIs (kind: catalog). See the cjm README for the format.",
        **core,
    }


def config_schema() -> dict[str, Any]:
    from cjm.model.config import ProjectConfig

    core = ProjectConfig.model_json_schema(ref_template="#/$defs/{model}")
    return {"$schema": SCHEMA_DRAFT, "$id": BASE_ID + SCHEMA_FILES["config"], **core}


def dumps(schema: dict[str, Any]) -> str:
    """Stable text: sorted keys, so that regenerating it gives the same bytes."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
