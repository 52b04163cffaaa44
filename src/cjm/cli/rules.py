"""``cjm rules``: every code cjm reports, and each rule's documentation."""

from __future__ import annotations

import json
import sys
from typing import Optional

import typer

from cjm.cli.errors import handle_errors
from cjm.diagnostics.errors import UsageError


def register(app: typer.Typer) -> None:
    app.command("rules")(command)


@handle_errors()
def command(
    name: Optional[str] = typer.Argument(None, metavar="[RULE]", help="A code or name: print its documentation."),
    output_format: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="text or json."),
) -> None:
    """List every code cjm reports (loading, schema, config, rules, fmt, import),
    or print one rule's documentation and options.

    \b
    Examples:
      cjm rules                    the table: code, name, family, severity, silenceable, summary
      cjm rules unknown-persona    the rule's documentation, with a bad and a good example
      cjm rules CJM315 -f json
    """
    from cjm.diagnostics.codes import lookup, ordered
    from cjm.pipeline.choices import problem
    from cjm.rules import load_builtin_rules

    if output_format not in ("text", "json"):
        raise UsageError(f"--format takes text or json; got {output_format!r}")
    registry = load_builtin_rules()
    codes = ordered()
    if name:
        row = lookup(name)
        if row is None:
            message, hint = problem("code or rule", name, [c.name for c in codes])
            raise UsageError(message + " (`cjm rules` lists them)", hint)
        codes = [row]
    rows = []
    for c in codes:
        rule = registry.get(c.code)
        rows.append({"code": c.code, "name": c.name, "family": c.family, "severity": c.severity.label,
                     "silenceable": c.silenceable, "summary": c.summary,
                     "applies_to": list(rule.applies_to) if rule else [],
                     "options": {k: {"type": o.kind.__name__, "default": o.default, "help": o.help}
                                 for k, o in (rule.options.items() if rule else ())},
                     "doc": rule.doc if rule else c.summary})
    if output_format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    if name:
        r = rows[0]
        sys.stdout.write(f"{r['code']} {r['name']} ({r['family']}, default {r['severity']}"
                         f"{'' if r['silenceable'] else ', cannot be silenced'})\n\n{r['doc']}\n")
        if r["options"]:
            sys.stdout.write("\nOptions (in cjm.yaml: rules: {" + r["name"] + ": {option: value}}):\n")
            for key, opt in r["options"].items():
                sys.stdout.write(f"  {key} ({opt['type']}, default {opt['default']}): {opt['help']}\n")
        return
    header = {"code": "CODE", "name": "NAME", "family": "FAMILY", "severity": "SEVERITY", "silenceable": "SILENCE",
              "summary": "SUMMARY"}
    widths = {k: max(len(header[k]), *(len(str(_cell(r, k))) for r in rows)) for k in header if k != "summary"}
    for r in [header, *rows]:
        cells = [str(_cell(r, k)).ljust(widths[k]) for k in widths]
        sys.stdout.write("  ".join(cells) + "  " + r["summary"] + "\n")


def _cell(row: dict, key: str) -> str:
    value = row[key]
    if key == "silenceable" and isinstance(value, bool):
        return "yes" if value else "no"
    return value
