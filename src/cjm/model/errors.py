"""Turn pydantic's validation errors into findings a map author understands.

pydantic reports ``loc`` paths that include union-branch labels (``int``,
``dict[str,...]``) and messages written for programmers ("Input should be a
valid string"). Here each error is mapped back onto the document path, union
noise is folded into one message per place, and the words are rewritten.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import unicodedata
from typing import Any

from cjm.diagnostics import Finding
from cjm.diagnostics.codes import FORMAT_VERSION, INVALID_VALUE, MISSING_KEY, UNKNOWN_KEY, WRONG_TYPE
from cjm.locations import DocPath, PositionIndex, format_path

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "datetime_type": "a date and time",
}

URL_SCHEMES = ("http://", "https://", "mailto:")
_ID_WORDS = "an id (lowercase letters, digits, '-' and '_', starting with a letter or digit)"
_METRIC_WORDS = ("a metric key such as funnel.conversion (lowercase letters, digits, '.', '-' and '_', starting with "
                 "a letter or digit)")


def _pattern_words(pattern: str) -> str | None:
    from cjm.model.journey import COLOR_PATTERN, ID_PATTERN, METRIC_PATTERN, URL_PATTERN

    return {ID_PATTERN: _ID_WORDS,
            URL_PATTERN: "an http, https or mailto link",
            COLOR_PATTERN: "a colour written #rrggbb",
            METRIC_PATTERN: _METRIC_WORDS}.get(pattern)

# What a union-typed field accepts, in words, by its key.
_UNION_WORDS = {
    "emotion": "a number on the map's scale, or a mapping of persona id to such a number",
    "personas": "a persona (a mapping with at least id and name) or the id of a catalogue persona",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _doc_path(data: Any, loc: tuple, kind: str = "missing") -> tuple[DocPath, bool]:
    """Drop union-branch labels from ``loc``; report whether the full loc exists."""
    path: list = []
    node = data
    for i, part in enumerate(loc):
        if part == "[key]":
            break  # the error is about the mapping key that ``path`` ends with, not its value
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and i == len(loc) - 1 and isinstance(part, str) and kind == "missing":
            # A missing key: the last part names it. Only for "missing": for any
            # other error a trailing label is a union branch (`constrained-str`
            # of `Persona | Id`, `int` of `int | float`), not a key.
            path.append(part)
            return tuple(path), False
        else:
            continue  # a union label such as 'int' or 'function-after[...]'
    return tuple(path), True


def _value_at(data: Any, path: DocPath) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _allowed_keys(model_cls, data: Any, path: DocPath) -> list[str]:
    """The keys the model accepts at ``path`` (for 'did you mean')."""
    cls = model_cls
    for part in path[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(cls, "model_fields", {}).get(part)
        if field is None:
            return []
        cls = _model_in(field.annotation)
        if cls is None:
            return []
    return list(getattr(cls, "model_fields", {}))


def _model_in(annotation) -> Any:
    from pydantic import BaseModel

    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        stack.extend(getattr(t, "__args__", ()) or ())
    return None


_ROOT_NOUNS = {"JourneyMap": "the map", "Catalog": "the catalogue", "ProjectConfig": "the configuration"}


def _noun(path: DocPath, model_cls=None) -> str:
    """'touchpoint', 'stage'… for the mapping that holds the last key."""
    names = {"stages": "stage", "touchpoints": "touchpoint", "personas": "persona", "channels": "channel",
             "kpis": "KPI", "actions": "action", "pain_points": "pain point", "opportunities": "opportunity",
             "evidence": "link", "sources": "link", "scale": "scale", "render": "render settings"}
    for part in reversed(path[:-1]):
        if isinstance(part, str):
            return names.get(part, part)
    return _ROOT_NOUNS.get(getattr(model_cls, "__name__", ""), "the document")


def findings_from_validation_error(exc, data: Any, index: PositionIndex, model_cls) -> list[Finding]:
    """One finding per place, all at once, in document order."""
    per_path: dict[DocPath, list[tuple[dict, bool]]] = {}
    for err in exc.errors(include_url=False, include_context=True):
        path, exists = _doc_path(data, tuple(err["loc"]), err["type"])
        if "[key]" in err["loc"]:
            err = {**err, "type": "key:" + err["type"]}
        per_path.setdefault(path, []).append((err, exists))

    # An error deeper inside a value beats a type complaint about the value
    # itself: for `personas: [{id: x}]` the useful message is "missing name",
    # not "expected a string".
    paths = list(per_path)
    # (Proper prefixes of the other paths: linear, where comparing every pair
    # took minutes for a list of 30,000 wrong items.)
    deeper = {q[:i] for q in paths for i in range(len(q))} & set(paths)

    findings: list[Finding] = []
    for path, errs in per_path.items():
        # (A choice refused for a mapping is a union branch too: `rules: {x: {level: fatal}}`.)
        if path in deeper and all(e["type"] in _TYPE_WORDS or e["type"].endswith("_type")
                                  or (e["type"] == "literal_error" and not isinstance(e.get("input"), str))
                                  for e, _ in errs):
            continue
        findings.extend(_translate(path, errs, data, index, model_cls))
    findings.sort(key=Finding.sort_key)
    return findings


_TEXT_KINDS = ("string_pattern_mismatch", "string_too_short", "string_too_long")


def _translate(path: DocPath, errs: list[tuple[dict, bool]], data, index: PositionIndex, model_cls) -> list[Finding]:
    where = format_path(path)
    value = _value_at(data, path)
    first, _exists = errs[0]
    kind = first["type"]
    key = next((p for p in reversed(path) if isinstance(p, str)), "")

    def make(which, message, hint="", at_key=False) -> Finding:
        return which.finding(message, index.span(path, key=at_key), path=where, hint=hint)

    if path == ("cjm",) or (path and path[0] == "cjm" and len(path) == 1):
        if kind == "missing":
            return [make(FORMAT_VERSION, "the document does not say its format version", "start the file with `cjm: 1`")]
        return [make(FORMAT_VERSION, f"the format version is {_describe(value)}; this cjm reads version 1",
                     "write `cjm: 1`")]
    if kind.startswith("key:"):
        # A mapping key that is not allowed, e.g. `emotion: {Sam: 1}`: blame the key.
        pattern = first.get("ctx", {}).get("pattern", "")
        what = (_pattern_words(pattern) or "of the form " + pattern) if pattern else "valid"
        parent = next((p for p in reversed(path[:-1]) if isinstance(p, str)), "")
        if parent == "emotion":
            what = "a persona id (lowercase letters, digits, '-' and '_', starting with a letter or digit)"
        hint = _id_hint(path[-1]) if pattern else ""
        problem = _text_problem(pattern, path[-1])  # a property name or a text key, not an id
        if problem is not None:
            what, hint = problem
            return [make(INVALID_VALUE, f"the key {_quote(path[-1])} in {parent or 'this mapping'} {what}", hint,
                         at_key=True)]
        if kind == "key:string_too_short":
            return [make(INVALID_VALUE, f"the key {_quote(path[-1])} in {parent or 'this mapping'} must not be empty",
                         at_key=True)]
        return [make(INVALID_VALUE, f"the key {_quote(path[-1])} in {parent or 'this mapping'} must be {what}",
                     hint, at_key=True)]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model_cls, data, path)
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else ("allowed keys: " + ", ".join(allowed) if allowed else "")
        return [make(UNKNOWN_KEY, f"unknown key '{path[-1]}' in {_noun(path, model_cls)}", hint, at_key=True)]
    if kind == "missing":
        return [make(MISSING_KEY, f"{_noun(path, model_cls)} is missing the required key '{path[-1]}'",
                     f"add `{path[-1]}:`")]
    literal = next((e for e, _ in errs if e["type"] == "literal_error"), None)
    persona = _emotion_persona(path)
    if persona is not None and kind not in ("string_pattern_mismatch", "string_too_long"):
        # `emotion: {sam: bad}`: a union error on the score for one persona.
        return [make(WRONG_TYPE, f"the emotion for persona {_quote(persona)} must be a number on the map's scale, "
                     f"not {_describe(value)}", "write a number, such as -1 or 2")]
    if len(errs) > 1 and literal is not None and isinstance(value, str):
        # A choice or something else (a rule's level, or its level and options):
        # a text that is no choice is a misspelt choice.
        first = literal
        kind = "literal_error"
    elif len(errs) > 1 and isinstance(value, str) and any(e["type"] in _TEXT_KINDS for e, _ in errs):
        # Text where text is one of the choices (an event name or an EventMatch): the text's
        # own problem (blank, a tab) is the one to tell, not the list of accepted types.
        first = next(e for e, _ in errs if e["type"] in _TEXT_KINDS)
        kind = first["type"]
    elif len(errs) > 1 or kind.startswith("union"):
        accepted = {_TYPE_WORDS.get(e["type"], "another value") for e, _ in errs}
        if "a number" in accepted:
            accepted.discard("a whole number")  # int | float: "a number" says it all
        words = _UNION_WORDS.get(key) or " or ".join(sorted(accepted))
        return [make(WRONG_TYPE, f"{key or 'value'} must be {words}, not {_describe(value)}")]
    if kind in _TYPE_WORDS:
        return [make(WRONG_TYPE, f"{key or 'value'} must be {_TYPE_WORDS[kind]}, not {_describe(value)}",
                     _type_hint(kind, value))]
    if kind == "literal_error":
        expected = first.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.5)
        return [make(INVALID_VALUE, f"{key} must be one of {', '.join(choices)}; got {_describe(value)}",
                     f"did you mean '{close[0]}'?" if close else "")]
    if kind == "string_pattern_mismatch":
        pattern = first.get("ctx", {}).get("pattern", "")
        text_problem = _text_problem(pattern, value)
        if text_problem is not None:
            message, hint = text_problem
            return [make(INVALID_VALUE, f"{key} {message}", hint)]
        words = _pattern_words(pattern) or "of the form " + pattern
        if words == _METRIC_WORDS and isinstance(value, str) and re.fullmatch(pattern, value.lower()):
            return [make(INVALID_VALUE, f"{key} must be {words}; got {_describe(value)}",
                         f"did you mean '{value.lower()}'?")]
        if words.endswith("mailto link") and isinstance(value, str) and value.startswith(URL_SCHEMES):
            return [make(INVALID_VALUE, f"{key} must be an http, https or mailto link without spaces, control "
                         f"or invisible characters; got {_describe(value)}", "write a space as %20")]
        return [make(INVALID_VALUE, f"{key} must be {words}; got {_describe(value)}",
                     _id_hint(value) if words == _ID_WORDS else "")]
    if kind in ("string_too_short", "too_short"):
        if isinstance(value, list):
            return [make(INVALID_VALUE, f"{key} must not be empty")]
        return [make(INVALID_VALUE, f"{key} must not be empty text")]
    if kind in ("string_too_long", "too_long"):
        limit = first.get("ctx", {}).get("max_length")
        return [make(INVALID_VALUE, f"{key} is too long (at most {limit} characters)")]
    if kind.startswith("date") or kind.startswith("datetime"):
        missing = _impossible_date(value)
        if missing:
            return [make(INVALID_VALUE, f"{key}: the date {value} does not exist ({missing})",
                         "check the day and the month")]
        return [make(INVALID_VALUE, f"{key} must be a date written YYYY-MM-DD; got {_describe(value)}")]
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return [make(INVALID_VALUE, f"{key} is out of range: {first['msg'].replace('Input should be', 'it should be')}")]
    # A validator's own ValueError (a duration, a format version) is worded for users already.
    return [make(INVALID_VALUE, f"{key or 'value'}: {first['msg'].removeprefix('Value error, ')}")]


def _quote(value: Any) -> str:
    """A user's text in a message: quoted, every unprintable character escaped."""
    return repr(value) if isinstance(value, str) else str(value)


def _emotion_persona(path: DocPath) -> str | None:
    """The persona id when ``path`` is a score inside ``emotion: {id: score}``."""
    if len(path) >= 2 and path[-2] == "emotion" and isinstance(path[-1], str):
        return path[-1]
    return None


def _id_hint(value: Any) -> str:
    """'did you mean ...' with the id form of a text that is not an id."""
    if not isinstance(value, str):
        return ""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    suggestion = re.sub(r"[^a-z0-9_-]+", "-", folded).strip("-_")[:64].strip("-_")
    if not suggestion or suggestion == value:
        return ""
    return f"did you mean '{suggestion}'?"


_CHAR_NAMES = {0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x09: "tab", 0x0A: "line break",
               0x0B: "vertical tab", 0x0C: "form feed", 0x0D: "carriage return", 0x1B: "escape", 0x7F: "delete",
               0x85: "next line", 0x2028: "line separator", 0x2029: "paragraph separator",
               0xFFFE: "non-character", 0xFFFF: "non-character"}


def _text_problem(pattern: str, value: Any) -> tuple[str, str] | None:
    """What is wrong with a text that a text pattern refused, in words: a
    character it may not hold, a line break in a one-line text, or blankness."""
    from cjm.model.journey import (CONTROL_CHARS, INVISIBLE_CHARS, ONE_LINE_PATTERN, SHORT_TEXT_PATTERN,
                                   SHORT_TEXT_REFUSED, TEXT_PATTERN)

    if pattern not in (TEXT_PATTERN, SHORT_TEXT_PATTERN, ONE_LINE_PATTERN) or not isinstance(value, str):
        return None
    short = pattern != TEXT_PATTERN
    bad = re.search(f"[{SHORT_TEXT_REFUSED if short else CONTROL_CHARS}]", value)
    if bad:
        char = bad.group()
        where = f"at character {bad.start() + 1}"
        if short and char in "\t\n":
            if char == "\t":
                return f"must be text on one line without tabs, but it holds a tab {where}", "use spaces instead"
            return (f"must be one line of text, but it holds a line break {where}",
                    "write it on one line; longer text belongs in `description:`")
        code = ord(char)
        name = _CHAR_NAMES.get(code) or unicodedata.name(char, "control character")
        return (f"holds the character U+{code:04X} ({name.lower()}) {where}, which cjm does not allow in text",
                "remove it; in YAML, escapes such as \\x07, \\e or \\u2028 inside double quotes make such "
                "characters")
    if not re.search(f"[^{CONTROL_CHARS}{INVISIBLE_CHARS}]", value):
        return ("is blank: it holds only spaces or invisible characters",
                "write the text, or leave the key out")
    return None


def _impossible_date(value: Any) -> str:
    """Why a text written YYYY-MM-DD is no date ('' when it is not written so)."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return ""
    year, month, day = (int(part) for part in value.split("-"))
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if year == 0:
        return "there is no year 0"
    if day == 0:
        return "there is no day 0"
    try:
        _dt.date(year, month, day)
    except ValueError:
        last = ((_dt.date(year + (month == 12), month % 12 + 1, 1)) - _dt.timedelta(days=1)).day
        return f"{_dt.date(2000, month, 1):%B} {year} has {last} days"
    return ""


def _type_hint(kind: str, value: Any) -> str:
    if kind == "list_type" and isinstance(value, str):
        return "write a list: one '- item' per line, or [a, b]"
    if kind == "string_type" and isinstance(value, (int, float, bool)):
        return "quote it to make it text"
    if kind in ("model_type", "dict_type") and isinstance(value, str):
        return "write a mapping of keys (key: value) here"
    return ""
