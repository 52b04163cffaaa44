"""The choices only the registries know, checked in one place for the command
line and the config alike: render formats, lanes, themes, rules, rule levels
and rule options. A wrong one is refused with the same words and the same
suggestion wherever it was written: an option on the command line (a usage
error, exit 2) or a key in cjm.yaml (a finding at file:line:column, exit 2).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cjm.diagnostics import Finding
from cjm.diagnostics.codes import CONFIG
from cjm.diagnostics.errors import UsageError
from cjm.locations import PositionIndex

LEVELS = ("error", "warning", "info", "off")


def formats() -> tuple[str, ...]:
    from cjm.render import ALL, RENDERERS

    return (*RENDERERS, ALL)


def lanes() -> tuple[str, ...]:
    from cjm.model.resolve import LANES

    return tuple(LANES)


def themes() -> tuple[str, ...]:
    from cjm.render import theme_names

    return theme_names()


def reporters() -> tuple[str, ...]:
    from cjm.reporters import REPORTERS

    return tuple(REPORTERS)


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else ""


def problem(what: str, value: object, choices: Iterable[str]) -> tuple[str, str]:
    """(message, hint) for a value that is not one of ``choices``."""
    choices = list(choices)
    hint = _suggest(str(value), choices)
    return f"unknown {what} {value!r}; choose from {', '.join(choices)}", hint


def split_list(values: Iterable[str] | None) -> list[str]:
    """``-f svg,md -f html`` -> ['svg', 'md', 'html']."""
    out: list[str] = []
    for item in values or []:
        out += [part.strip() for part in str(item).split(",") if part.strip()]
    return out


def expand_formats(names: Iterable[str]) -> list[str]:
    """Formats in the order given, ``all`` expanded, each once; unknown ones raise ``ValueError(name)``."""
    from cjm.render import ALL, RENDERERS, all_formats

    out: list[str] = []
    for name in names:
        if name == ALL:
            out += [f for f in all_formats() if f not in out]
        elif name in RENDERERS:
            if name not in out:
                out.append(name)
        else:
            raise ValueError(name)
    return out


def cli_formats(values: Iterable[str] | None) -> list[str] | None:
    names = split_list(values)
    if not names:
        return None
    try:
        return expand_formats(names)
    except ValueError as exc:
        message, hint = problem("format", exc.args[0], formats())
        raise UsageError(message, hint) from None


def cli_lanes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    chosen = tuple(split_list([value]))
    for lane in chosen:
        if lane not in lanes():
            message, hint = problem("lane", lane, lanes())
            raise UsageError(message, hint)
    return chosen


def cli_theme(value: str | None) -> str | None:
    if value is not None and value not in themes():
        message, hint = problem("theme", value, themes())
        raise UsageError(message, hint)
    return value


def cli_levels(items: Iterable[str] | None) -> dict[str, str]:
    """``--level RULE=LEVEL`` options, as rule code -> level."""
    from cjm.rules import by_name_or_code, load_builtin_rules

    out: dict[str, str] = {}
    for item in items or []:
        name, _, value = item.partition("=")
        if not name or value not in LEVELS:
            raise UsageError(f"--level takes RULE=LEVEL with LEVEL one of {', '.join(LEVELS)}; got {item!r}")
        found = by_name_or_code(name)
        if found is None:
            message, hint = problem("rule", name, [r.name for r in load_builtin_rules().values()])
            raise UsageError(message + " (see `cjm rules`)", hint)
        out[found.code.code] = value
    return out


# --- the config ------------------------------------------------------------------------------


def rule_settings(raw: dict[str, Any], index: PositionIndex | None = None,
                  problems: list[Finding] | None = None) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Levels and options of every rule from the config's ``rules:`` (its data,
    not the model, so positions are known): (code -> level, code -> options
    with defaults filled in). Problems are appended to ``problems``."""
    from cjm.rules import by_name_or_code, load_builtin_rules

    registry = load_builtin_rules()
    levels: dict[str, str] = {}
    options = {code: r.defaults() for code, r in registry.items()}
    for key, value in (raw or {}).items():
        path = ("rules", key)
        found = by_name_or_code(str(key))
        if found is None:
            if problems is not None and index is not None:
                message, hint = problem("rule", key, [r.name for r in registry.values()])
                problems.append(CONFIG.finding(message + " (see `cjm rules`)", index.span(path, key=True),
                                               path=f"rules.{key}", hint=hint))
            continue
        code = found.code.code
        if isinstance(value, str):
            levels[code] = value
            continue
        if not isinstance(value, dict):
            continue  # the model reported it
        for name, setting in value.items():
            if name == "level":
                if setting is not None:
                    levels[code] = setting
                continue
            declared = found.options.get(name)
            where = path + (name,)
            if declared is None:
                if problems is not None and index is not None:
                    known = list(found.options)
                    message = (f"rule {found.name} has no option {name!r}; "
                               + (f"its options: {', '.join(known)}" if known else "it takes no options"))
                    problems.append(CONFIG.finding(message, index.span(where, key=True), path=f"rules.{key}.{name}",
                                                   hint=_suggest(name, known)))
                continue
            why = declared.check(setting)
            if why:
                if problems is not None and index is not None:
                    problems.append(CONFIG.finding(f"option {name} of rule {found.name} {why}", index.span(where),
                                                   path=f"rules.{key}.{name}"))
                continue
            options[code][name] = setting
    return levels, options


def check_config(project, data: dict, index: PositionIndex) -> list[Finding]:
    """The config's choices against the registries; fills in the project's rule
    levels and options. Returns the problems, in file order."""
    found: list[Finding] = []

    def refuse(path: tuple, what: str, value: object, choices: Iterable[str]) -> None:
        message, hint = problem(what, value, choices)
        found.append(CONFIG.finding(message, index.span(path), path=".".join(map(str, path)), hint=hint))

    render = data.get("render") if isinstance(data.get("render"), dict) else {}
    for i, name in enumerate(render.get("formats") or []):
        try:
            expand_formats([name])
        except ValueError:
            refuse(("render", "formats", i), "format", name, formats())
    for i, lane in enumerate(render.get("lanes") or []):
        if lane not in lanes():
            refuse(("render", "lanes", i), "lane", lane, lanes())
    if "theme" in render and render["theme"] not in themes():
        refuse(("render", "theme"), "theme", render["theme"], themes())
    out = project.config.render.out
    if out and project.config_file is not None and _escapes(project.root, out):
        found.append(CONFIG.finding(f"render.out {out!r} lies outside the project folder; cjm writes rendered "
                                    "files only inside the project (a contributed cjm.yaml must not make CI "
                                    "write elsewhere)", index.span(("render", "out")), path="render.out",
                                    hint="use a folder inside the project, or pass -o on the command line"))
    project.levels, project.options = rule_settings(data.get("rules") or {}, index, found)
    found.sort(key=Finding.sort_key)
    return found


def _escapes(root: Path, out: str) -> bool:
    if Path(out).is_absolute():
        return True
    resolved = (root / out).resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        return True
    return False
