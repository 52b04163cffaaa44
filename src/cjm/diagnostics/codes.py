"""The one table of every code cjm reports.

Each code has a readable name (as sqlfluff learnt, bare numbers are hard to
live with), a one-line summary, a default severity and whether a user may
silence it. Only domain rules can be silenced or re-levelled: a file that
does not load, fails the schema, or a broken configuration cannot be checked
further, so hiding those errors would report a broken map as clean.

The loader, the schema step, the formatter and the rules all make their
findings from these entries (``Code.finding``); ``cjm rules`` prints this
table; SARIF's rule list is this table. A rule module registers its check
function against its row here (``cjm.rules.rule("CJM302")``), so a new rule is
one row and one module.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjm.diagnostics import Finding, Severity
from cjm.locations import Span

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# What a code is about; also the order of `cjm rules`.
FAMILIES = {
    "config": "the project configuration (cjm.yaml or [tool.cjm])",
    "load": "reading the file as YAML",
    "schema": "the file format",
    "rule": "domain rules",
    "format": "cjm fmt",
    "import": "cjm import",
    "diff": "cjm diff (changes shown as notes)",
}


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    family: str
    severity: Severity
    summary: str

    @property
    def silenceable(self) -> bool:
        return self.family == "rule"

    def finding(self, message: str, span: Span, *, path: str = "", hint: str = "",
                severity: Severity | None = None) -> Finding:
        return Finding(self.code, self.name, severity or self.severity, message, span, path, hint)


_ROWS = (
    Code("CJM001", "config", "config", ERROR, "The project configuration (cjm.yaml or [tool.cjm]) is invalid."),
    Code("CJM101", "yaml-syntax", "load", ERROR, "The file is not valid YAML."),
    Code("CJM102", "duplicate-key", "load", ERROR,
         "A mapping names the same key twice; YAML keeps only one of them."),
    Code("CJM103", "encoding", "load", ERROR, "The file is not UTF-8 text, or holds NUL or control characters."),
    Code("CJM104", "file-limit", "load", ERROR,
         "The file is too large, has a too long line, nests too deeply, expands too far or holds a number "
         "too large."),
    Code("CJM105", "document-shape", "load", ERROR,
         "The file is empty, holds several documents, or its top level is not a mapping."),
    Code("CJM106", "unsupported-yaml", "load", ERROR,
         "Tags, complex keys, merge keys, alias cycles, .nan or .inf: YAML that a journey map cannot hold."),
    Code("CJM107", "unreadable-file", "load", ERROR,
         "The file could not be read (permissions, a folder, a named pipe, a broken or looping link)."),
    Code("CJM201", "unknown-key", "schema", ERROR, "A key that the format does not know (often a typo)."),
    Code("CJM202", "missing-key", "schema", ERROR, "A required key is missing."),
    Code("CJM203", "wrong-type", "schema", ERROR,
         "A value has the wrong type: text where a list belongs, and so on."),
    Code("CJM204", "invalid-value", "schema", ERROR,
         "A value has the right type but is not allowed: a bad id, date, link, text or choice."),
    Code("CJM205", "format-version", "schema", ERROR,
         "The document does not start with a known format version (`cjm: 1`)."),
    Code("CJM206", "wrong-kind", "schema", ERROR,
         "A map stands where a catalogue belongs, or a catalogue where a map belongs."),
    Code("CJM301", "duplicate-id", "rule", ERROR,
         "Two things of the same kind share an id, so references to it are ambiguous."),
    Code("CJM302", "unknown-persona", "rule", ERROR,
         "A touchpoint or emotion names a persona that is not on the map."),
    Code("CJM303", "unknown-channel", "rule", ERROR,
         "A touchpoint names a channel that neither the map nor a catalogue defines."),
    Code("CJM304", "unknown-kpi", "rule", ERROR,
         "A stage, touchpoint or action refers to a KPI id that is not defined."),
    Code("CJM305", "unknown-touchpoint", "rule", ERROR,
         "A touchpoint's `next:` names a touchpoint that is not on the map."),
    Code("CJM306", "unknown-pain-point", "rule", ERROR,
         "An action or opportunity addresses a pain point id that is not on the map."),
    Code("CJM307", "emotion-out-of-scale", "rule", ERROR, "An emotion score lies outside the map's declared scale."),
    Code("CJM308", "invalid-scale", "rule", ERROR, "The emotion scale is empty or too wide to draw."),
    Code("CJM309", "emotion-persona-not-on-step", "rule", WARNING,
         "An emotion is given for a persona that the touchpoint does not apply to."),
    Code("CJM310", "empty-stage", "rule", ERROR, "A stage has no touchpoints, so the map says nothing about it."),
    Code("CJM311", "unaddressed-pain-point", "rule", WARNING,
         "A pain point has no opportunity or action addressing it."),
    Code("CJM312", "kpi-target-without-unit", "rule", ERROR,
         "A KPI has a target but no unit, so 3.5 could mean %, seconds or euros."),
    Code("CJM313", "missing-goal", "rule", WARNING,
         "The map has no goal; the goal fixes where the journey starts and ends."),
    Code("CJM314", "persona-without-goals", "rule", WARNING,
         "A persona has no goals; a persona is defined by what it wants."),
    Code("CJM315", "stale-review", "rule", INFO,
         "The map was last reviewed too long ago (by default more than 120 days); maps go stale."),
    Code("CJM316", "unreachable-step", "rule", WARNING,
         "A touchpoint that no step leads to: every path through the map skips it."),
    Code("CJM317", "unknown-research", "rule", ERROR,
         "`based_on:` names research that neither the map nor a catalogue lists under `research:`."),
    Code("CJM318", "unsupported-claim", "rule", INFO,
         "An emotion, pain point or persona cites no research, or only research older than `max_age_days`."),
    Code("CJM330", "kpi-target-missed", "rule", WARNING,
         "A KPI bound to a metric misses its target in the latest metrics snapshot."),
    Code("CJM331", "stale-metrics", "rule", WARNING,
         "The metrics snapshot a map's KPIs bind to was computed from old data."),
    Code("CJM332", "missing-metric", "rule", WARNING,
         "A KPI binds a metric, but there is no snapshot, or the snapshot has no such metric."),
    Code("CJM320", "dropped-pain-point", "rule", WARNING,
         "A future-state map drops a pain point of the current map, and no action addresses it."),
    Code("CJM321", "improves-not-found", "rule", ERROR,
         "`improves:` names a map that does not exist, cannot be loaded or is not valid."),
    Code("CJM190", "format-unsafe", "format", ERROR,
         "cjm fmt would change what the file means, so the file is left as it is."),
    Code("CJM191", "unformatted", "format", ERROR, "The file is not in cjm fmt's layout (cjm fmt --check)."),
    Code("CJM401", "import-syntax", "import", ERROR,
         "The file to import is not a valid Mermaid journey or cjm CSV sheet."),
    Code("CJM501", "map-change", "diff", INFO,
         "What changed for the customer (cjm diff -f github or sarif shows each change at its place)."),
)

CODES: dict[str, Code] = {row.code: row for row in _ROWS}
BY_NAME: dict[str, Code] = {row.name: row for row in _ROWS}
if len(CODES) != len(_ROWS) or len(BY_NAME) != len(_ROWS):  # a copy-paste slip must not ship
    raise RuntimeError("cjm.diagnostics.codes: a code or name appears twice")


def lookup(key: str) -> Code | None:
    """A code by its code (``CJM302``, any case) or its name (``unknown-persona``)."""
    key = key.strip()
    return CODES.get(key.upper()) or BY_NAME.get(key.lower())


def ordered() -> list[Code]:
    """Every code, by family (in ``FAMILIES`` order), then by code."""
    families = list(FAMILIES)
    return sorted(_ROWS, key=lambda c: (families.index(c.family), c.code))


# Named handles for the codes other modules raise directly.
CONFIG = CODES["CJM001"]
YAML_SYNTAX = CODES["CJM101"]
DUPLICATE_KEY = CODES["CJM102"]
ENCODING = CODES["CJM103"]
FILE_LIMIT = CODES["CJM104"]
DOCUMENT_SHAPE = CODES["CJM105"]
UNSUPPORTED_YAML = CODES["CJM106"]
UNREADABLE = CODES["CJM107"]
UNKNOWN_KEY = CODES["CJM201"]
MISSING_KEY = CODES["CJM202"]
WRONG_TYPE = CODES["CJM203"]
INVALID_VALUE = CODES["CJM204"]
FORMAT_VERSION = CODES["CJM205"]
WRONG_KIND = CODES["CJM206"]
FORMAT_UNSAFE = CODES["CJM190"]
UNFORMATTED = CODES["CJM191"]
IMPORT_SYNTAX = CODES["CJM401"]
MAP_CHANGE = CODES["CJM501"]
