"""Load one YAML file into plain Python data plus a position index.

Why not ``YAML(typ="rt").load``: round-trip loading is ~5x slower and its
objects slow pydantic down (see shared/performance.md). Instead we let the C
parser of ruamel.yaml.clib compose a node tree (which carries 0-based marks) and
walk it once, building plain dicts and lists with YAML 1.2 core-schema scalars
and recording where every value sits.

Every way a file can be broken becomes a ``Finding`` with a position; nothing
here raises for bad input. Hostile input is bounded before the parser sees it:
size, line length and nesting depth are checked on the raw text first, because
the C composer recurses (a deep enough document crashes the process) and its
parser is quadratic on deeply nested flow collections.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from cjm.diagnostics import Finding, Severity
from cjm.locations import DocPath, PositionIndex, Span

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_LINE_CHARS = 50_000
MAX_DEPTH = 64
MAX_TEXT_DEPTH = 1_000  # a bound on nesting read off the raw text, before parsing
MAX_NODES = 500_000  # after aliases are expanded: stops "billion laughs"
MAX_INT_DIGITS = 100

_STD = "tag:yaml.org,2002:"
_PLAIN = "?plain"  # our marker for "plain scalar without explicit tag"

_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF_RE = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN_RE = re.compile(r"\.(nan|NaN|NAN)\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
_BRACKETS = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_PREFIX = re.compile(r"^[ ?-]*", re.M)

# Codes and names of loading problems (documented in the README).
YAML_SYNTAX = ("CJM101", "yaml-syntax")
DUPLICATE_KEY = ("CJM102", "duplicate-key")
ENCODING = ("CJM103", "encoding")
FILE_LIMIT = ("CJM104", "file-limit")
DOCUMENT_SHAPE = ("CJM105", "document-shape")
UNSUPPORTED_YAML = ("CJM106", "unsupported-yaml")
UNREADABLE = ("CJM107", "unreadable-file")

LOAD_CODES = {
    YAML_SYNTAX: "The file is not valid YAML.",
    DUPLICATE_KEY: "A mapping names the same key twice; YAML keeps only one of them.",
    ENCODING: "The file is not UTF-8 text, or holds NUL or control characters.",
    FILE_LIMIT: "The file is too large, has a too long line, nests too deeply or expands too far.",
    DOCUMENT_SHAPE: "The file is empty, holds several documents, or its top level is not a mapping.",
    UNSUPPORTED_YAML: "Tags, complex keys or values that a journey map cannot hold.",
    UNREADABLE: "The file could not be read (permissions, a folder, a broken link).",
}


@dataclass
class Document:
    """A loaded file: ``data`` is None when it could not be loaded at all."""

    file: str
    text: str = ""
    data: Any = None
    index: PositionIndex | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(f.severity is Severity.ERROR for f in self.findings)


class _Stop(Exception):
    """Raised inside the walk when a limit is hit; the finding is already recorded."""


def _finding(which: tuple[str, str], message: str, span: Span, hint: str = "") -> Finding:
    return Finding(which[0], which[1], Severity.ERROR, message, span, hint=hint)


def _offset_to_span(file: str, text: str, offset: int) -> Span:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Span(file, line, col)


def decode(file: str, raw: bytes) -> tuple[str | None, list[Finding]]:
    """Bytes to text: UTF-8 (a BOM is allowed), no NUL bytes."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [_finding(ENCODING, "the file is UTF-16; cjm reads UTF-8 only", Span(file, 1, 1),
                               "save the file as UTF-8")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", "replace")
        span = _offset_to_span(file, good, len(good))
        return None, [_finding(ENCODING, f"the file is not valid UTF-8: byte 0x{raw[exc.start]:02x} "
                               f"cannot start or continue a character", span, "save the file as UTF-8")]
    nul = text.find("\x00")
    if nul >= 0:
        return None, [_finding(ENCODING, "the file holds a NUL byte; is it a binary file?",
                               _offset_to_span(file, text, nul))]
    return text, []


def _check_text_limits(file: str, text: str) -> Finding | None:
    """Cheap bounds on the raw text that keep the parser out of trouble."""
    longest = max(map(len, text.splitlines()), default=0) if len(text) > MAX_LINE_CHARS else 0
    if longest > MAX_LINE_CHARS:
        for number, line in enumerate(text.splitlines(), 1):
            if len(line) > MAX_LINE_CHARS:
                return _finding(FILE_LIMIT, f"line {number} is {len(line):,} characters long; "
                                f"cjm reads lines of at most {MAX_LINE_CHARS:,}", Span(file, number, 1))
    opens = text.count("[") + text.count("{")
    if opens > MAX_TEXT_DEPTH:
        steps = list(accumulate(map(_BRACKET_STEP.__getitem__, _BRACKETS.sub("", text))))
        if max(steps, default=0) > MAX_TEXT_DEPTH:
            nth = next(i for i, depth in enumerate(steps) if depth > MAX_TEXT_DEPTH)
            match = next(m for i, m in enumerate(re.finditer(r"[\[\]{}]", text)) if i == nth)
            return _finding(FILE_LIMIT, f"flow collections nest more than {MAX_TEXT_DEPTH} deep",
                            _offset_to_span(file, text, match.start()))
    if len(text) > MAX_TEXT_DEPTH:
        widest = max(_PREFIX.finditer(text), key=lambda m: m.end() - m.start())
        if widest.end() - widest.start() > MAX_TEXT_DEPTH:
            return _finding(FILE_LIMIT, f"a line is indented more than {MAX_TEXT_DEPTH} columns",
                            _offset_to_span(file, text, widest.start()))
    return None


def _parser_class():
    # Imported here so that `cjm --version` never loads the YAML stack.
    from _ruamel_yaml import CParser, ScalarNode
    from ruamel.yaml.resolver import BaseResolver

    class _Parser(CParser, BaseResolver):
        """The C composer with a resolver that marks untagged plain scalars, so
        that we can apply YAML 1.2 core-schema rules ourselves (the libyaml
        resolvers follow YAML 1.1, where `no` is false and `010` is octal)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            BaseResolver.__init__(self)

        def resolve(self, kind, value, implicit):
            if kind is ScalarNode and implicit[0]:
                return _PLAIN
            return BaseResolver.resolve(self, kind, value, implicit)

    return _Parser


_PARSER = None


def parse_text(file: str, text: str) -> Document:
    """Parse YAML text into a ``Document``; never raises for bad input."""
    global _PARSER
    doc = Document(file, text)
    limit = _check_text_limits(file, text)
    if limit:
        doc.findings.append(limit)
        return doc
    if _PARSER is None:
        _PARSER = _parser_class()
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        node = _PARSER(text).get_single_node()
    except MarkedYAMLError as exc:
        doc.findings.append(_yaml_error(file, text, exc))
        return doc
    except YAMLError as exc:  # ReaderError: control characters, carries a position
        position = getattr(exc, "position", None)
        span = _offset_to_span(file, text, position) if isinstance(position, int) else Span(file, 1, 1)
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        doc.findings.append(_finding(ENCODING, f"{reason} (character {getattr(exc, 'character', '?')!r})", span))
        return doc
    if node is None:
        doc.findings.append(_finding(DOCUMENT_SHAPE, "the file is empty; a map starts with `cjm: 1`",
                                     Span(file, 1, 1)))
        return doc
    walker = _Walker(file)
    try:
        walker.size(node)
        data = walker.build(node, (), 0)
    except _Stop:
        doc.findings.extend(walker.findings)
        return doc
    doc.findings.extend(walker.findings)
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        doc.findings.append(_finding(DOCUMENT_SHAPE, f"the top level is {what}; it must be a mapping "
                                     "that starts with `cjm: 1`", walker.index.span(())))
        return doc
    doc.data = data
    doc.index = walker.index
    return doc


def load_file(path: str, display: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read and parse a file; I/O problems become findings too."""
    name = display or path
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        doc = Document(name)
        doc.findings.append(_finding(UNREADABLE, f"cannot read the file: {exc.strerror or exc}",
                                     Span(name, 1, 1)))
        return doc
    return load_bytes(name, raw, max_bytes)


def load_bytes(name: str, raw: bytes, max_bytes: int = MAX_FILE_BYTES) -> Document:
    if len(raw) > max_bytes:
        doc = Document(name)
        doc.findings.append(_finding(FILE_LIMIT, f"the file is larger than {max_bytes // (1024 * 1024)} MiB; "
                                     "split the map into several files", Span(name, 1, 1)))
        return doc
    text, problems = decode(name, raw)
    if text is None:
        doc = Document(name)
        doc.findings.extend(problems)
        return doc
    return parse_text(name, text)


def _yaml_error(file: str, text: str, exc) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    span = Span(file, mark.line + 1, mark.column + 1) if mark is not None else Span(file, 1, 1)
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "expected a single document" in context or "but found another document" in problem:
        return _finding(DOCUMENT_SHAPE, "the file holds several YAML documents; put each map in its own file",
                        span)
    if "found character '\\t'" in problem or "tab character" in problem:
        return _finding(YAML_SYNTAX, "a tab character is used for indentation; YAML needs spaces", span,
                        "replace the tab with spaces")
    message = problem or context or "invalid YAML"
    if context and problem:
        message = f"{problem} ({context})"
    if "undefined alias" in message:
        return _finding(YAML_SYNTAX, message, span, "define the anchor (&name) before using the alias (*name)")
    return _finding(YAML_SYNTAX, message, span)


class _Walker:
    """Turn composed nodes into plain data, recording positions and limits."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.index = PositionIndex(file)
        self.findings: list[Finding] = []
        self._active: set[int] = set()
        self._sizes: dict[int, int] = {}

    def _span(self, node) -> Span:
        m = node.start_mark
        e = node.end_mark
        return Span(self.file, m.line + 1, m.column + 1, e.line + 1, e.column + 1)

    def _stop(self, which, message, node, hint="") -> None:
        self.findings.append(_finding(which, message, self._span(node), hint))
        raise _Stop

    def size(self, node, depth: int = 0) -> int:
        """How many values the node expands to once aliases are copied out;
        memoised per node, so a "billion laughs" costs only its own length."""
        key = id(node)
        known = self._sizes.get(key)
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            self._stop(FILE_LIMIT, f"values nest more than {MAX_DEPTH} levels deep", node)
        kind = type(node).__name__
        if kind == "ScalarNode":
            return 1
        if key in self._active:
            self._stop(UNSUPPORTED_YAML, "an alias refers to a collection that contains it (a cycle)", node)
        self._active.add(key)
        if kind == "SequenceNode":
            total = 1 + sum(self.size(child, depth + 1) for child in node.value)
        else:
            total = 1 + sum(self.size(k, depth + 1) + self.size(v, depth + 1) for k, v in node.value)
        self._active.discard(key)
        if total > MAX_NODES:
            self._stop(FILE_LIMIT, f"the document expands to more than {MAX_NODES:,} values "
                       "(an alias repeated too often?)", node)
        self._sizes[key] = total
        return total

    def build(self, node, path: DocPath, depth: int) -> Any:
        s, e = node.start_mark, node.end_mark
        self.index.values[path] = (s.line, s.column, e.line, e.column)
        if depth > MAX_DEPTH:
            self._stop(FILE_LIMIT, f"values nest more than {MAX_DEPTH} levels deep", node)
        kind = type(node).__name__
        if kind == "ScalarNode":
            return self._scalar(node)
        if kind == "SequenceNode":
            self._check_tag(node, "seq")
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        self._check_tag(node, "map")
        return self._mapping(node, path, depth)

    def _check_tag(self, node, expected: str) -> None:
        tag = node.tag
        if tag not in (_STD + expected, _PLAIN, None, "!"):
            self._stop(UNSUPPORTED_YAML, f"unknown tag {tag}; journey maps use plain YAML without tags", node)

    def _mapping(self, node, path: DocPath, depth: int) -> dict:
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node).__name__ != "ScalarNode":
                self._stop(UNSUPPORTED_YAML, "a key is a list or mapping; keys must be plain names", key_node)
            if key_node.tag not in (_PLAIN, _STD + "str", _STD + "int"):
                self._stop(UNSUPPORTED_YAML, f"unknown tag {key_node.tag} on a key", key_node)
            name = key_node.value
            if name in first_seen:
                first = first_seen[name]
                self.findings.append(_finding(
                    DUPLICATE_KEY,
                    f"duplicate key '{name}' (first defined at line {first.start_mark.line + 1}, "
                    f"column {first.start_mark.column + 1}); YAML would keep only one",
                    self._span(key_node), "remove or rename one of them"))
                continue
            first_seen[name] = key_node
            ks, ke = key_node.start_mark, key_node.end_mark
            child = path + (name,)
            self.index.keys[child] = (ks.line, ks.column, ke.line, ke.column)
            result[name] = self.build(value_node, child, depth + 1)
        return result

    def _scalar(self, node) -> Any:
        value: str = node.value
        tag = node.tag
        if tag == _PLAIN:
            return self._plain(node, value)
        if tag in (_STD + "str", "!"):
            return value
        if tag == _STD + "int":
            out = self._plain(node, value)
            if isinstance(out, int) and not isinstance(out, bool):
                return out
            self._stop(UNSUPPORTED_YAML, f"!!int given a value that is not an integer: {value!r}", node)
        if tag == _STD + "float":
            out = self._plain(node, value)
            if isinstance(out, (int, float)) and not isinstance(out, bool):
                return float(out)
            self._stop(UNSUPPORTED_YAML, f"!!float given a value that is not a number: {value!r}", node)
        if tag == _STD + "bool":
            if value in _TRUE or value in _FALSE:
                return value in _TRUE
            self._stop(UNSUPPORTED_YAML, f"!!bool given {value!r}; use true or false", node)
        if tag == _STD + "null":
            return None
        self._stop(UNSUPPORTED_YAML, f"unknown tag {tag}; journey maps use plain YAML without tags", node)
        return None  # unreachable

    def _plain(self, node, value: str) -> Any:
        """YAML 1.2 core schema: `yes`, `no`, `on`, `off` stay strings, as do dates."""
        if value in _NULLS:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        first = value[0]
        if not (first.isdigit() or first in "+-."):
            return value
        try:
            if _INT_RE.match(value):
                if len(value.lstrip("+-")) > MAX_INT_DIGITS:
                    self._stop(FILE_LIMIT, f"a number with {len(value)} digits is too large", node,
                               "quote it if it is meant as text")
                return int(value)
            if _OCT_RE.match(value):
                return int(value[2:], 8)
            if _HEX_RE.match(value):
                return int(value[2:], 16)
            if _FLOAT_RE.match(value):
                if len(value) > MAX_INT_DIGITS:
                    self._stop(FILE_LIMIT, f"a number of {len(value)} characters is too long", node)
                return float(value)
            if _INF_RE.match(value):
                return -math.inf if value.startswith("-") else math.inf
            if _NAN_RE.match(value):
                return math.nan
        except ValueError:
            self._stop(FILE_LIMIT, f"cannot read the number {value[:40]!r}", node)
        return value
