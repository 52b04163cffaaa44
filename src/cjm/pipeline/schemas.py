"""The JSON Schemas of the file format and the config, generated from the
pydantic models and the registries (formats, lanes, themes, rules).

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
    """The config's schema, with the choices of the registries as enums, so
    that editors complete exactly what cjm accepts."""
    from cjm.model.config import ProjectConfig
    from cjm.pipeline import choices
    from cjm.rules import load_builtin_rules

    core = ProjectConfig.model_json_schema(ref_template="#/$defs/{model}")
    render = core["$defs"]["RenderConfig"]["properties"]
    render["formats"]["items"] = {"enum": list(choices.formats()), "type": "string"}
    render["theme"]["enum"] = list(choices.themes())
    lanes = next(branch for branch in render["lanes"]["anyOf"] if branch.get("type") == "array")
    lanes["items"] = {"enum": list(choices.lanes()), "type": "string"}
    # rules: each rule by name or code, with its own options.
    core["$defs"]["RuleLevel"] = {"enum": list(choices.LEVELS), "type": "string"}
    level = {"$ref": "#/$defs/RuleLevel"}
    properties: dict[str, Any] = {}
    for rule in load_builtin_rules().values():
        options = {name: {"type": _JSON_TYPES[opt.kind], "default": opt.default, "description": opt.help,
                          **({"minimum": opt.minimum} if opt.minimum is not None else {})}
                   for name, opt in rule.options.items()}
        setting = {"type": "object", "additionalProperties": False,
                   "properties": {"level": level, **options}}
        core["$defs"][f"Rule-{rule.name}"] = {"description": rule.summary, "anyOf": [level, setting]}
        for key in (rule.name, rule.code.code):
            properties[key] = {"$ref": f"#/$defs/Rule-{rule.name}"}
    core["properties"]["rules"] = {"type": "object", "additionalProperties": False, "properties": properties,
                                   "description": core["properties"]["rules"].get("description", "")}
    core["$defs"].pop("RuleSetting", None)
    return {"$schema": SCHEMA_DRAFT, "$id": BASE_ID + SCHEMA_FILES["config"], **core}


_JSON_TYPES = {int: "integer", float: "number", bool: "boolean", str: "string"}


def dumps(schema: dict[str, Any]) -> str:
    """Stable text: sorted keys, so that regenerating it gives the same bytes."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
