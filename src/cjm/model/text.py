"""What text in the format may hold: the patterns every text type uses (the
map's and the analytics section's alike), in one place."""

from __future__ import annotations

from dataclasses import dataclass

# --- what text may hold ---------------------------------------------------------
#
# Every pattern below means the same in the three regex dialects that read it:
# pydantic's (Rust's regex crate), Python's `re` (the jsonschema package) and
# ECMA-262 (editors, ajv), with or without the `u` flag. So character classes
# are spelled out code point by code point (`\s` differs between all three), and
# only `\xHH` and `\uHHHH` escapes are used. One difference cannot be spelled
# away: Python's `$` also matches before a final line break, so every pattern
# that refuses line breaks also carries `"not": {"pattern": "\\n"}` in the
# published schema (``_NoLineBreak``). tests/model/test_journey.py and tests/model/test_text.py check the
# accepted sets against each other on generated strings.
#
# Refused in every text: C0 controls except tab and line feed, DEL, C1 controls
# (NEL included), the line and paragraph separators U+2028/U+2029, and the
# non-characters U+FDD0-U+FDEF (cjm's placeholders, refused in files too) and
# U+FFFE/U+FFFF. Lone surrogates never get this far: the loader
# refuses them (CJM103).
CONTROL_CHARS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff"
# Short texts (names, titles, a feeling, labels) sit on one line: no tab, no line feed either.
SHORT_TEXT_REFUSED = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff"
# Characters that show nothing on their own: white space, zero-width and
# formatting characters, fillers. A text made only of these is blank.
INVISIBLE_CHARS = (r"\x09\x0a\x20\xa0\xad\u034f\u115f\u1160\u1680\u180e\u2000-\u200f\u202a-\u202f"
                   r"\u205f-\u206f\u2800\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0")
# A short text names something, so it shows at least one visible character.
SHORT_TEXT_PATTERN = f"^[^{SHORT_TEXT_REFUSED}]*[^{SHORT_TEXT_REFUSED}{INVISIBLE_CHARS}][^{SHORT_TEXT_REFUSED}]*$"
# A long text, or a KPI's unit, may be blank: a blank goal is the missing-goal
# rule's warning, an empty unit is no unit (kpi-target-without-unit).
TEXT_PATTERN = f"^[^{CONTROL_CHARS}]*$"
ONE_LINE_PATTERN = f"^[^{SHORT_TEXT_REFUSED}]*$"
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
# A link holds no white space, control or invisible character (they would end
# it, or hide part of it, wherever it is shown).
URL_PATTERN = f"^(https?://|mailto:)[^{CONTROL_CHARS}{INVISIBLE_CHARS}]+$"
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"


@dataclass(frozen=True)
class _NoLineBreak:
    """In the published schema, refuse a line break anywhere: Python's `$`
    (jsonschema) would let one through at the very end, Rust's and ECMA's do not."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        schema["not"] = {"pattern": "\\n"}
        return schema


_ONE_LINE = _NoLineBreak()


@dataclass(frozen=True)
class _KeyNames:
    """A mapping whose keys follow a pattern: pydantic publishes the key pattern as
    `patternProperties`, which lets any other key through unchecked; say it in
    `propertyNames` instead (with the line-break guard of ``_NoLineBreak`` and the
    key's length bounds), so that the schema refuses what cjm refuses."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        (pattern, values), = schema.pop("patternProperties").items()
        names = schema.setdefault("propertyNames", {})
        names["pattern"] = pattern
        names["not"] = {"pattern": "\\n"}
        keys = core_schema.get("keys_schema", {})
        for ours, theirs in (("min_length", "minLength"), ("max_length", "maxLength")):
            if keys.get(ours) is not None:
                names[theirs] = keys[ours]
        schema["additionalProperties"] = values
        return schema


KEY_NAMES = _KeyNames()
