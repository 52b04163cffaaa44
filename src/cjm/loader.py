"""Load one YAML file into plain Python data plus a position index.

Why not ``YAML(typ="rt").load``: round-trip loading is ~5x slower and its
objects slow pydantic down (see shared/performance.md). Instead we let the C
parser of ruamel.yaml.clib compose a node tree (which carries 0-based marks) and
walk it once, building plain dicts and lists with YAML 1.2 core-schema scalars
and recording where every value sits.

Every way a file can be broken becomes a ``Finding`` with a position; nothing
here raises for bad input. Hostile input is bounded before the parser sees it:
size, control characters, line length, nesting depth and the number of values
are checked on the raw text first, because the C composer recurses (a deep
enough document crashes the process), its parser is quadratic on deeply nested
flow collections, and every composed node costs about a kilobyte.
"""

from __future__ import annotations

import gc
import math
import re
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from cjm.diagnostics import Finding, Severity
from cjm.diagnostics.codes import (
    DOCUMENT_SHAPE,
    DUPLICATE_KEY,
    ENCODING,
    FILE_LIMIT,
    UNSUPPORTED_YAML,
    YAML_SYNTAX,
    Code,
)
from cjm.locations import DocPath, PositionIndex, Span

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_LINE_CHARS = 50_000
MAX_DEPTH = 64
MAX_TEXT_DEPTH = 1_000  # a bound on nesting read off the raw text, before parsing
# Values in one document, counted before parsing (an upper bound read off the
# text) and again after aliases are expanded (stops "billion laughs"). A
# 2,000-touchpoint map has about 75,000; every value costs ~1 KB and ~10 µs
# while loading, so this keeps any file within 256 MB and about a second.
MAX_NODES = 200_000
# Items in one list or keys in one mapping. The largest real maps hold a few
# thousand touchpoints; a list of 60,000 wrong items would make the schema step
# produce 120,000 errors (hundreds of MB) before a single one is shown.
MAX_ITEMS = 10_000
MAX_NUMBER_CHARS = 100

_STD = "tag:yaml.org,2002:"
_STR = _STD + "str"
_SEQ = _STD + "seq"
_MAP = _STD + "map"
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
_NUMBER_START = frozenset("0123456789+-.")
_LINE_BREAK = re.compile("\r\n|[\r\n]")  # YAML 1.2's line breaks (cjm.pipeline.policy counts the same)
_BRACKETS = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# Indentation and block indicators at the start of a line: each unit is one
# more level of nesting (or one more column) for the composer.
_DEEP_LINE = re.compile(r"^(?: |[?:-] ){%d}" % MAX_TEXT_DEPTH, re.M)
# Characters YAML 1.2 does not allow in a stream (tab, LF, CR and NEL are fine),
# and the non-characters U+FDD0-U+FDEF, which cjm keeps for itself: they stand in
# for characters that libyaml reads the YAML 1.1 way while it parses (see
# ``compose``). Unicode reserves them for exactly such internal use.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_CONTROL_NAMES = {0x07: "bell", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed", 0x1B: "escape",
                  0x7F: "delete"}

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


def _finding(which: Code, message: str, span: Span, hint: str = "") -> Finding:
    return which.finding(message, span, hint=hint)


def _offset_to_span(file: str, text: str, offset: int) -> Span:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Span(file, line, col)


def _line_at(text: str, line: int) -> str:
    """The 1-based ``line`` of ``text`` (empty past the end)."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _describe_char(char: str) -> str:
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or ("a Unicode non-character" if 0xFDD0 <= code <= 0xFDEF else "")
    return f"U+{code:04X}, {name}" if name else f"U+{code:04X}"


def decode(file: str, raw: bytes) -> tuple[str | None, list[Finding]]:
    """Bytes to text: UTF-8 (a BOM is allowed), no NUL bytes, no control characters."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return None, [_finding(ENCODING, "the file is UTF-32; cjm reads UTF-8 only", Span(file, 1, 1),
                               "save the file as UTF-8")]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [_finding(ENCODING, "the file is UTF-16; cjm reads UTF-8 only", Span(file, 1, 1),
                               "save the file as UTF-8 (in most editors: Save with encoding, UTF-8)")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", "replace")
        span = _offset_to_span(file, good, len(good))
        return None, [_finding(ENCODING, f"the file is not valid UTF-8: byte 0x{raw[exc.start]:02x} on line "
                               f"{span.line} cannot start or continue a character (is it Latin-1 or Windows-1252?)",
                               span, "save the file as UTF-8")]
    nul = text.find("\x00")
    if nul >= 0:
        span = _offset_to_span(file, text, nul)
        return None, [_finding(ENCODING, f"the file holds a NUL byte on line {span.line}; is it a binary file, "
                               "or saved as UTF-16?", span, "save the file as UTF-8 text")]
    bad = _CONTROL.search(text)
    if bad:
        span = _offset_to_span(file, text, bad.start())
        return None, [_finding(ENCODING, f"line {span.line} holds a control character ({_describe_char(bad.group())})"
                               " that YAML does not allow", span,
                               "delete it; such characters often come from copying out of a terminal or a PDF")]
    return text, []


def _check_text_limits(file: str, text: str) -> Finding | None:
    """Cheap bounds on the raw text that keep the parser out of trouble."""
    opens = text.count("[") + text.count("{")
    if opens > MAX_TEXT_DEPTH:
        steps = list(accumulate(map(_BRACKET_STEP.__getitem__, _BRACKETS.sub("", text))))
        if max(steps, default=0) > MAX_TEXT_DEPTH:
            nth = next(i for i, depth in enumerate(steps) if depth > MAX_TEXT_DEPTH)
            match = next(m for i, m in enumerate(re.finditer(r"[\[\]{}]", text)) if i == nth)
            return _finding(FILE_LIMIT, f"[ ] and {{ }} brackets nest more than {MAX_TEXT_DEPTH:,} deep; "
                            f"journey maps nest fewer than {MAX_DEPTH} levels",
                            _offset_to_span(file, text, match.start()),
                            "is a closing bracket missing?")
    if len(text) > MAX_TEXT_DEPTH:
        deep = _DEEP_LINE.search(text)
        if deep:
            span = _offset_to_span(file, text, deep.start())
            return _finding(FILE_LIMIT, f"line {span.line} is indented more than {MAX_TEXT_DEPTH:,} columns or list "
                            f"levels; journey maps nest fewer than {MAX_DEPTH} levels", span)
    if len(text) > MAX_LINE_CHARS:
        for number, line in enumerate(text.split("\n"), 1):
            if len(line) > MAX_LINE_CHARS:
                return _finding(FILE_LIMIT, f"line {number} is {len(line):,} characters long; "
                                f"cjm reads lines of at most {MAX_LINE_CHARS:,}", Span(file, number, 1),
                                "break the text over several lines (a `>` folded block keeps it one paragraph)")
    # Every value comes with a ':' (a key and its value), a '-' (a list item),
    # a '?' (an explicit key) or a ',' '[' '{' (flow items, a key and its
    # value in a flow mapping): an upper bound read off the text. Only when it
    # is too high are the parser's events counted exactly.
    if len(text) > MAX_NODES // 2:
        bound = 1 + 2 * (text.count(":") + text.count(",") + text.count("{") + text.count("?")) \
            + text.count("-") + text.count("[")
        if bound > MAX_NODES:
            exact = _count_nodes(text)
            if exact is not None and exact > MAX_NODES:
                return _finding(FILE_LIMIT, f"the file holds more than {MAX_NODES:,} values; "
                                "split the map into several files", Span(file, 1, 1))
    return None


def _count_nodes(text: str, colons: bool = False) -> int | None:
    """The number of values in ``text``, counted on the parser's events
    without building anything; None when the text does not parse (the real
    parse then reports why)."""
    from _ruamel_yaml import CParser
    from ruamel.yaml.error import YAMLError

    parser = CParser(_with_placeholders(text, colons)[0])
    count = 0
    try:
        while True:
            event = parser.get_event()
            name = type(event).__name__
            if name in ("ScalarEvent", "SequenceStartEvent", "MappingStartEvent", "AliasEvent"):
                count += 1
                if count > MAX_NODES:
                    return count
            elif name == "StreamEndEvent":
                return count
    except YAMLError as exc:
        if "found unexpected ':'" in str(exc) and not colons:
            return _count_nodes(text, colons=True)
        return None


def _parser_class():
    # Imported here so that `cjm --version` never loads the YAML stack.
    from _ruamel_yaml import CParser, ScalarNode, SequenceNode
    from ruamel.yaml.tag import Tag

    # One shared Tag per kind instead of one per node: a third less memory and
    # time while composing. Nothing here mutates them.
    plain, string, seq, mapping = (Tag(suffix=t) for t in (_PLAIN, _STR, _SEQ, _MAP))

    class _Parser(CParser):
        """The C composer with a resolver that marks untagged plain scalars, so
        that we can apply YAML 1.2 core-schema rules ourselves (the libyaml
        resolvers follow YAML 1.1, where `no` is false and `010` is octal).
        It never consults ruamel's resolver tables: they are process-wide."""

        def resolve(self, kind, value, implicit):
            if kind is ScalarNode:
                return plain if implicit[0] else string
            return seq if kind is SequenceNode else mapping

        def descend_resolver(self, parent, index):
            pass

        def ascend_resolver(self):
            pass

    return _Parser


_PARSER = None

# YAML 1.2 reads NEL, LS and PS (U+0085, U+2028, U+2029) as ordinary
# characters; libyaml follows YAML 1.1 and breaks lines at them, which shifts
# every later line number and breaks comments that hold one. While parsing,
# each stands in as a non-character of the same length (refused in files by
# ``decode``), so positions stay exact, and values get the real character back.
_LINE_BREAKS_1_1 = {0x85: 0xFDD0, 0x2028: 0xFDD1, 0x2029: 0xFDD2}
# YAML 1.2 lets a plain scalar in a flow collection hold ':' followed by a
# non-space (`[{url: https://example.com/x}]`); libyaml refuses it ("found
# unexpected ':'"). When it does, such colons stand in as U+FDD3 and the text is
# parsed again. A colon right after a quote or bracket stays: it may be a
# JSON-like value indicator (`{"a":1}`).
_COLON = 0xFDD3
_FLOW_COLON = re.compile(r"(?<![\"'\]}]):(?=[^\s,\[\]{}])")
_PLACEHOLDERS = re.compile("[\ufdd0-\ufdd3]")


class _EscapedPlaceholder(Exception):
    """A double-quoted text escapes one of the non-characters cjm uses as placeholders."""

    def __init__(self, node) -> None:
        super().__init__()
        self.node = node


def _with_placeholders(text: str, colons: bool = False) -> tuple[str, dict[int, int] | None]:
    """``text`` as libyaml should see it, and the table that turns placeholders back."""
    restore: dict[int, int] = {}
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = text.translate(_LINE_BREAKS_1_1)
        restore.update({v: k for k, v in _LINE_BREAKS_1_1.items()})
    if colons:
        text = _FLOW_COLON.sub("\ufdd3", text)
        restore[_COLON] = ord(":")
    return text, restore or None


def compose(text: str):
    """The node tree of a one-document YAML text, read the YAML 1.2 way by the
    C parser: line breaks are LF, CR LF and CR only; ':' may sit inside a flow
    plain scalar; an anchor may be defined again (the later one counts for the
    aliases after it). Raises ruamel's YAMLError (with libyaml's marks) for
    invalid YAML; scalar values hold the text as written."""
    global _PARSER
    if _PARSER is None:
        _PARSER = _parser_class()
    from ruamel.yaml.error import MarkedYAMLError

    colons = events = False
    while True:  # at most three parses: as it is, with flow colons stood in, composed from events
        source, restore = _with_placeholders(text, colons)
        try:
            node = _compose_events(_PARSER(source)) if events else _PARSER(source).get_single_node()
            break
        except MarkedYAMLError as exc:
            problem = f"{exc.problem} {exc.context}"
            if "found unexpected ':'" in problem and not colons:
                colons = True
            elif "duplicate anchor" in problem and not events:
                events = True
            else:
                raise  # with colons stood in, the real error, at the same place
    if restore is not None and node is not None:
        _restore(node, restore, text)
    return node


def _restore(root, table: dict[int, int], text: str) -> None:
    """Put the real characters back in place of the placeholders, in every
    scalar (keys included). A placeholder that no character of the text stood
    for came from an escape in a double-quoted text (`"\\ufdd0"`): refused."""
    from _ruamel_yaml import ScalarNode

    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if type(node) is ScalarNode:
            value = node.value
            if _PLACEHOLDERS.search(value):
                if node.style == '"':
                    raw = text[node.start_mark.index:node.end_mark.index]
                    for placeholder, real in table.items():
                        if value.count(chr(placeholder)) > raw.count(chr(real)):
                            raise _EscapedPlaceholder(node)
                node.value = value.translate(table)
        elif type(node.value) is list:
            for child in node.value:
                if type(child) is tuple:
                    stack.extend(child)
                else:
                    stack.append(child)


class _SeveralDocuments(Exception):
    def __init__(self, mark) -> None:
        super().__init__()
        self.mark = mark


def _compose_events(parser):
    """Compose nodes from the C parser's events in Python, as its own composer
    does, except that an anchor may be defined again (YAML 1.2; libyaml's
    composer refuses it). Used only for files that redefine an anchor; the
    text bounds keep them under MAX_NODES events, a second at most."""
    from _ruamel_yaml import MappingNode, ScalarNode, SequenceNode
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.events import (AliasEvent, MappingEndEvent, ScalarEvent, SequenceEndEvent,
                                    SequenceStartEvent, StreamEndEvent)

    resolve = parser.resolve
    get_event, peek_event = parser.get_event, parser.peek_event
    anchors: dict[str, object] = {}

    def compose_node(depth: int):
        event = get_event()
        kind = type(event)
        if kind is AliasEvent:
            if event.anchor not in anchors:
                raise MarkedYAMLError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
            return anchors[event.anchor]
        if depth > MAX_DEPTH:
            raise RecursionError
        tag = event.tag
        if kind is ScalarEvent:
            if tag is None or tag == "!":
                tag = resolve(ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
            if event.anchor is not None:
                anchors[event.anchor] = node
            return node
        sequence = kind is SequenceStartEvent
        cls = SequenceNode if sequence else MappingNode
        if tag is None or tag == "!":
            tag = resolve(cls, None, event.implicit)
        node = cls(tag, [], event.start_mark, None, event.flow_style)
        if event.anchor is not None:
            anchors[event.anchor] = node
        items = node.value
        end = SequenceEndEvent if sequence else MappingEndEvent
        while type(peek_event()) is not end:
            if len(items) >= MAX_ITEMS:
                raise _TooMany(node)
            if sequence:
                items.append(compose_node(depth + 1))
            else:
                key = compose_node(depth + 1)
                items.append((key, compose_node(depth + 1)))
        node.end_mark = get_event().end_mark
        return node

    get_event()  # stream start
    if type(peek_event()) is StreamEndEvent:
        return None
    get_event()  # document start
    root = compose_node(0)
    get_event()  # document end
    following = get_event()
    if type(following) is not StreamEndEvent:
        raise _SeveralDocuments(following.start_mark)
    return root


class _TooMany(Exception):
    """A list or mapping with more than MAX_ITEMS entries, met while composing."""

    def __init__(self, node) -> None:
        super().__init__()
        self.node = node


def parse_text(file: str, text: str) -> Document:
    """Parse YAML text into a ``Document``; never raises for bad input."""
    doc = Document(file, text)
    limit = _check_text_limits(file, text)
    if limit:
        doc.findings.append(limit)
        return doc
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    # Composing and walking allocate one object per value and no cycles:
    # the cyclic collector only slows that down (by about a third).
    paused = gc.isenabled()
    gc.disable()
    try:
        try:
            node = compose(text)
        except MarkedYAMLError as exc:
            doc.findings.append(_yaml_error(file, text, exc))
            return doc
        except YAMLError as exc:  # ReaderError: the characters were checked above; kept as a net
            doc.findings.append(_reader_error(file, text, exc))
            return doc
        except _EscapedPlaceholder as exc:
            doc.findings.append(_finding(
                ENCODING, "an escape in this double-quoted text makes a Unicode non-character (U+FDD0 to U+FDEF); "
                "cjm does not allow them", Span(file, exc.node.start_mark.line + 1, exc.node.start_mark.column + 1),
                "remove the escape"))
            return doc
        except _TooMany as exc:
            what = "list" if type(exc.node).__name__ == "SequenceNode" else "mapping"
            mark = exc.node.start_mark
            doc.findings.append(_finding(FILE_LIMIT, f"this {what} holds more than {MAX_ITEMS:,} "
                                         f"{'items' if what == 'list' else 'keys'}; cjm reads at most {MAX_ITEMS:,}",
                                         Span(file, mark.line + 1, mark.column + 1), "split the map into several files"))
            return doc
        except _SeveralDocuments as exc:
            doc.findings.append(_finding(DOCUMENT_SHAPE, "the file holds several YAML documents (separated by "
                                         "`---`); put each map in its own file",
                                         Span(file, exc.mark.line + 1, exc.mark.column + 1)))
            return doc
        if node is None or (node.ctag.suffix == _PLAIN and node.value == ""):
            doc.findings.append(_finding(DOCUMENT_SHAPE, "the file is empty; a map starts with `cjm: 1`",
                                         Span(file, 1, 1)))
            return doc
        walker = _Walker(file, text)
        try:
            if "*" in text:  # only aliases can make the data bigger than the text
                walker.size(node)
            data = walker.build(node, (), 0)
        except _Stop:
            doc.findings.extend(walker.findings)
            return doc
        except RecursionError:
            doc.findings.append(_finding(FILE_LIMIT, f"values nest more than {MAX_DEPTH} levels deep",
                                         Span(file, 1, 1)))
            return doc
    finally:
        if paused:
            gc.enable()
    doc.findings.extend(walker.findings)
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else "a single value"
        doc.findings.append(_finding(DOCUMENT_SHAPE, f"the top level is {what}; it must be a mapping "
                                     "that starts with `cjm: 1`", walker.index.span(())))
        return doc
    doc.data = data
    doc.index = walker.index
    return doc


def load_bytes(name: str, raw: bytes, max_bytes: int = MAX_FILE_BYTES) -> Document:
    if len(raw) > max_bytes:
        doc = Document(name)
        doc.findings.append(_finding(FILE_LIMIT, f"the file is larger than {max_bytes / (1024 * 1024):g} MiB; "
                                     "split the map into several files", Span(name, 1, 1)))
        return doc
    text, problems = decode(name, raw)
    if text is None:
        doc = Document(name)
        doc.findings.extend(problems)
        return doc
    return parse_text(name, text)


def _reader_error(file: str, text: str, exc) -> Finding:
    position = getattr(exc, "position", None)
    if isinstance(position, int):  # a byte offset into the UTF-8 text
        chars = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        span = _offset_to_span(file, text, chars)
    else:
        span = Span(file, 1, 1)
    reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
    return _finding(ENCODING, f"the YAML reader refused a character on line {span.line}: {reason}", span)


def _yaml_error(file: str, text: str, exc) -> Finding:
    """libyaml's messages, in words a map author understands."""
    mark = exc.problem_mark or exc.context_mark
    span = Span(file, mark.line + 1, mark.column + 1) if mark is not None else Span(file, 1, 1)
    start = exc.context_mark
    opened = f"line {start.line + 1}, column {start.column + 1}" if start is not None else "above"
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()

    def syntax(message: str, hint: str = "", where: Span = span) -> Finding:
        return _finding(YAML_SYNTAX, message, where, hint)

    if "expected a single document" in context or "but found another document" in problem:
        return _finding(DOCUMENT_SHAPE, "the file holds several YAML documents (separated by `---`); "
                        "put each map in its own file", span)
    if "expected <document start>" in problem:
        return _finding(DOCUMENT_SHAPE, "there is more after the end of the document (`...`); "
                        "put each map in its own file", span)
    if "cannot start any token" in problem or "tab character" in problem or "found character '\\t'" in problem:
        line = _line_at(text, span.line)
        char = line[span.column - 1] if 0 < span.column <= len(line) else ""
        if char == "\t" or "\t" in problem:
            return syntax("a tab character is used for indentation; YAML allows only spaces there",
                          "replace the tab with spaces (two per level)")
        shown = repr(char) if char else "this character"
        return syntax(f"a plain value cannot start with {shown}", "put the value in quotes")
    if "mapping values are not allowed" in problem:
        deeper = _indented_too_far(text, span)
        if deeper:
            return syntax(deeper, "line it up with the key above it")
        return syntax("unexpected ':' here: a value that holds ': ' must be quoted, or this line is indented "
                      "more than the key above it", 'put the value in quotes, e.g. title: "Step 1: sign up"')
    if "undefined alias" in problem:
        match = re.match(r"\*([^\s,\[\]{}]+)", _line_at(text, span.line)[span.column - 1:])
        name = match.group(1) if match else "name"
        return syntax(f"the alias *{name} refers to no anchor: nothing before it is marked &{name}",
                      f"define the anchor (&{name}) before using the alias, or quote the text if '*' is meant "
                      "literally")
    if "end of stream" in problem and "quoted scalar" in context:
        return syntax(f"the quoted text that starts at {opened} is never closed", "add the closing quote",
                      Span(file, start.line + 1, start.column + 1) if start is not None else span)
    if "expected ',' or ']'" in problem:
        return syntax(f"the [ list ] opened at {opened} is not closed, or two of its items lack a ',' between them",
                      "add the missing ']' or ','")
    if "expected ',' or '}'" in problem:
        return syntax(f"the {{ mapping }} opened at {opened} is not closed, or two of its entries lack a ',' "
                      "between them", "add the missing '}' or ','")
    if "expected '-' indicator" in problem:
        return _misindented_in_list(file, text, exc, span)
    if "expected key" in problem:
        return syntax(f"this line does not fit the mapping that starts at {opened}: keys of one mapping line up "
                      "in the same column", "check the indentation of this line")
    if "could not find expected ':'" in problem:
        return syntax("a line is neither `key: value` nor a list item: a ':' is missing, or the indentation "
                      "of a multi-line text is off", "add the ':', or quote the text")
    if "invalid Unicode character escape" in problem:
        return _finding(ENCODING, "a \\u escape in this double-quoted text names half of a UTF-16 surrogate pair "
                        "(U+D800 to U+DFFF) or no character at all; such text cannot be stored as UTF-8",
                        Span(file, start.line + 1, start.column + 1) if start is not None else span,
                        "write the character itself, or escape it whole as \\U0001F600")
    if "unknown escape" in problem:
        return syntax("unknown escape sequence (a backslash) in a double-quoted text",
                      "write \\\\ for a backslash, or use single quotes")
    message = problem or context or "invalid YAML"
    if context and problem:
        message = f"{problem} ({context})"
    return syntax(f"invalid YAML: {message}")


def _indented_too_far(text: str, span: Span) -> str:
    """When a `key:` line sits deeper than the `key: value` line above it,
    libyaml reads it as more of that value and then trips on its ':'."""
    line = _line_at(text, span.line)
    head = line[: span.column - 1]
    key = head.strip()
    if not key or ": " in key or key.startswith(("-", "#", "'", '"')):
        return ""
    indent = len(head) - len(head.lstrip(" "))
    number = span.line - 1
    while number >= 1:
        above = _line_at(text, number)
        if above.strip() and not above.lstrip().startswith("#"):
            break
        number -= 1
    else:
        return ""
    body = above.lstrip(" ")
    above_indent = len(above) - len(body)
    if body.startswith("- "):
        above_indent += 2
        body = body[2:].lstrip(" ")
    match = re.match(r"([^\s:#][^:#]*):(\s|$)", body)
    if match is None or indent <= above_indent:
        return ""
    return (f"'{key}' is indented {indent - above_indent} more than the key '{match.group(1).strip()}' on line "
            f"{number} (column {indent + 1}, not {above_indent + 1}), so YAML reads it as part of that key's value")


def _misindented_in_list(file: str, text: str, exc, span: Span) -> Finding:
    """libyaml's "expected '-' indicator": a line inside a block list that is
    neither a new item nor lined up with the keys of the item above."""
    line = _line_at(text, span.line)
    content = line.lstrip(" ")
    if content.startswith("- ") or content == "-":
        return _finding(YAML_SYNTAX, f"this list item starts at column {span.column}, but the items of its list "
                        "start further left; items of one list line up", span, "check the indentation of this line")
    dash = exc.context_mark
    where = ""
    shown = content.split(":", 1)[0] if ":" in content else content[:30]
    if dash is not None and span.column <= dash.column + 1:
        return _finding(YAML_SYNTAX, f"'{shown}' is not a list item, but it is where the next item of the list "
                        f"that starts at line {dash.line + 1}, column {dash.column + 1} would be: items of one list "
                        "line up and start with '- '", span,
                        "start it with '- ', or indent it under the item above")
    if dash is not None:
        item_line = _line_at(text, dash.line + 1)
        after = item_line[dash.column + 1:]
        keys_at = dash.column + 2 + len(after) - len(after.lstrip(" "))
        where = (f"; the keys of the list item above start at column {keys_at}, and a new item would start "
                 f"with '- ' at column {dash.column + 1}")
    return _finding(YAML_SYNTAX, f"'{shown}' is indented to column {span.column}, which fits neither the list "
                    f"item above nor a new item{where}", span,
                    "line it up with the keys of the item above, or start a new item with '- '")


def _tag_name(tag: str | None) -> str:
    if tag and tag.startswith(_STD):
        return "!!" + tag[len(_STD):]
    return str(tag)


class _Walker:
    """Turn composed nodes into plain data, recording positions and limits."""

    def __init__(self, file: str, text: str = "") -> None:
        from _ruamel_yaml import MappingNode, ScalarNode, SequenceNode

        self._scalar_cls, self._seq_cls, self._map_cls = ScalarNode, SequenceNode, MappingNode
        self.file = file
        self.text = text
        self.index = PositionIndex(file)
        self.findings: list[Finding] = []
        self._active: set[int] = set()
        self._sizes: dict[int, int] = {}

    def _span(self, node) -> Span:
        m = node.start_mark
        line, column = self._end(node)
        return Span(self.file, m.line + 1, m.column + 1, line + 1, column + 1)

    def _end(self, node) -> tuple[int, int]:
        """0-based end of a node. libyaml ends a block collection (and a block
        scalar) at the start of the line after it, which for the last one is
        a line past the end of the file: end it after its last character."""
        e = node.end_mark
        if e.column or e.line == node.start_mark.line or not self.text:
            return e.line, e.column
        text = self.text
        start = node.start_mark.index
        end = e.index
        while end > start and text[end - 1] in " \t\r\n":
            end -= 1
        line = e.line - len(_LINE_BREAK.findall(text, end, e.index))
        line_start = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
        return line, end - line_start

    def _stop(self, which, message, node, hint="") -> None:
        span = self._span(node) if node is not None else Span(self.file, 1, 1)
        self.findings.append(_finding(which, message, span, hint))
        raise _Stop

    def size(self, node, depth: int = 0) -> int:
        """How many values the node expands to once aliases are copied out;
        memoised per node, so a "billion laughs" costs only its own length."""
        cls = type(node)
        if cls is self._scalar_cls:
            return 1
        key = id(node)
        known = self._sizes.get(key)
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            self._stop(FILE_LIMIT, f"values nest more than {MAX_DEPTH} levels deep", node)
        if key in self._active:
            self._stop(UNSUPPORTED_YAML, "an alias refers to a list or mapping that contains it (a cycle)", node,
                       "a value cannot contain itself: copy the values out instead")
        self._active.add(key)
        if cls is self._seq_cls:
            total = 1 + sum(self.size(child, depth + 1) for child in node.value)
        else:
            total = 1 + sum(self.size(k, depth + 1) + self.size(v, depth + 1) for k, v in node.value)
        self._active.discard(key)
        if total > MAX_NODES:
            self._stop(FILE_LIMIT, f"the aliases (*name) here expand to more than {MAX_NODES:,} values",
                       node, "copy the values out instead of repeating an alias")
        self._sizes[key] = total
        return total

    def build(self, node, path: DocPath, depth: int) -> Any:
        s, e = node.start_mark, node.end_mark
        if e.column or e.line == s.line:
            self.index.values[path] = (s.line, s.column, e.line, e.column)
        else:
            self.index.values[path] = (s.line, s.column, *self._end(node))
        cls = type(node)
        if cls is self._scalar_cls:
            return self._scalar(node)
        if depth >= MAX_DEPTH:
            self._stop(FILE_LIMIT, f"values nest more than {MAX_DEPTH} levels deep", node)
        if len(node.value) > MAX_ITEMS:
            what = "items" if cls is self._seq_cls else "keys"
            self._stop(FILE_LIMIT, f"this {'list' if cls is self._seq_cls else 'mapping'} holds "
                       f"{len(node.value):,} {what}; cjm reads at most {MAX_ITEMS:,}", node,
                       "split the map into several files")
        if cls is self._seq_cls:
            self._check_tag(node, _SEQ)
            depth += 1
            return [self.build(child, path + (i,), depth) for i, child in enumerate(node.value)]
        self._check_tag(node, _MAP)
        return self._mapping(node, path, depth + 1)

    def _check_tag(self, node, expected: str) -> None:
        tag = node.ctag.suffix
        if tag != expected and tag not in ("!", None):
            self._stop(UNSUPPORTED_YAML, f"the tag {_tag_name(tag)} is not supported; journey maps use plain YAML "
                       "without tags", node, "remove the tag")

    def _mapping(self, node, path: DocPath, depth: int) -> dict:
        result: dict[str, Any] = {}
        keys = self.index.keys
        scalar_cls = self._scalar_cls
        for key_node, value_node in node.value:
            if type(key_node) is not scalar_cls:
                self._stop(UNSUPPORTED_YAML, "a key is a list or mapping; keys must be plain names", key_node,
                           "use a plain name as the key")
            tag = key_node.ctag.suffix
            name = key_node.value
            if tag not in (_PLAIN, _STR, _STD + "int"):
                self._stop(UNSUPPORTED_YAML, f"the tag {_tag_name(tag)} on a key is not supported", key_node)
            if name == "<<" and tag == _PLAIN:
                self._stop(UNSUPPORTED_YAML, "merge keys (<<) are not part of YAML 1.2; journey maps do not use "
                           "them", key_node, "write the keys out, or share personas and channels through a "
                           "catalogue")
            child = path + (name,)
            if name in result:
                first = keys[child]
                self.findings.append(_finding(
                    DUPLICATE_KEY,
                    f"duplicate key '{name}' (first defined at line {first[0] + 1}, column {first[1] + 1}); "
                    "YAML would keep only one",
                    self._span(key_node), "remove or rename one of them"))
                continue
            ks, ke = key_node.start_mark, key_node.end_mark
            keys[child] = (ks.line, ks.column, ke.line, ke.column)
            result[name] = self.build(value_node, child, depth)
        return result

    def _scalar(self, node) -> Any:
        value: str = node.value
        tag = node.ctag.suffix
        if tag == _PLAIN:
            return self._plain(node, value)
        if tag == _STR or tag == "!":
            return value
        if tag == _STD + "int":
            out = self._plain(node, value)
            if isinstance(out, int) and not isinstance(out, bool):
                return out
            self._stop(UNSUPPORTED_YAML, f"!!int given a value that is not an integer: {value[:40]!r}", node)
        if tag == _STD + "float":
            out = self._plain(node, value)
            if isinstance(out, (int, float)) and not isinstance(out, bool):
                return float(out)
            self._stop(UNSUPPORTED_YAML, f"!!float given a value that is not a number: {value[:40]!r}", node)
        if tag == _STD + "bool":
            if value in _TRUE or value in _FALSE:
                return value in _TRUE
            self._stop(UNSUPPORTED_YAML, f"!!bool given {value[:40]!r}; use true or false", node)
        if tag == _STD + "null":
            return None
        self._stop(UNSUPPORTED_YAML, f"the tag {_tag_name(tag)} is not supported; journey maps use plain YAML "
                   "without tags", node, "remove the tag; quote the value if it is text")
        return None  # unreachable

    def _plain(self, node, value: str) -> Any:
        """YAML 1.2 core schema: `yes`, `no`, `on`, `off` stay strings, as do dates."""
        if value in _NULLS:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if value[0] not in _NUMBER_START:
            return value
        if len(value) > MAX_NUMBER_CHARS and (_INT_RE.match(value) or _FLOAT_RE.match(value)
                                              or _HEX_RE.match(value) or _OCT_RE.match(value)):
            self._stop(FILE_LIMIT, f"a number of {len(value):,} digits is too large for a journey map", node,
                       "quote it if it is meant as text")
        if _INT_RE.match(value):
            return int(value)
        if _OCT_RE.match(value):
            return int(value[2:], 8)
        if _HEX_RE.match(value):
            return int(value[2:], 16)
        if _FLOAT_RE.match(value):
            number = float(value)
            if math.isinf(number):
                self._stop(FILE_LIMIT, f"the number {value} is too large to represent", node,
                           "quote it if it is meant as text")
            return number
        if _INF_RE.match(value):
            self._stop(UNSUPPORTED_YAML, f"{value} (infinity) cannot be used in a journey map", node,
                       "write a number, or quote it if it is meant as text")
        if _NAN_RE.match(value):
            self._stop(UNSUPPORTED_YAML, f"{value} (not a number) cannot be used in a journey map", node,
                       "write a number, or quote it if it is meant as text")
        return value
