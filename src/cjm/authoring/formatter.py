"""``cjm fmt``: one canonical layout for maps, catalogues and cjm.yaml.

The layout: keys in the order of the fields of the pydantic models (unknown keys
keep their relative order after the known ones), 2-space indentation with
sequences indented under their key, plain scalars where that is safe, quotes
otherwise, block scalars kept, comments and single blank lines kept, no trailing
spaces, a final newline.

Why not ruamel.yaml's round-trip dumper: its comment model attaches a comment
that sits above key B to the end of key A (``ca.items[A][2]``), so reordering
keys moves comments to the wrong place, and its emitter re-indents comments on
its own rules, so a second run can move them again. Here the document is
composed with the same C parser the loader uses (the nodes keep their style and
positions), comments are read off the text and attached to the entry they
describe (a full-line comment to the next entry, an end-of-line comment to the
entry it ends), and the output is written by a small emitter whose layout
depends only on the tree and those attachments: formatting twice changes
nothing by construction.

Safety net: the result is loaded again with the loader and compared with the
original data (types included); when they differ the file is left untouched and
a finding says why.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cjm.diagnostics import Finding
from cjm.diagnostics.codes import FORMAT_UNSAFE
from cjm.locations import Span

INDENT = 2

# --- what a plain scalar may look like ----------------------------------------

# Strings that YAML 1.1 readers (PyYAML, libyaml, many CI tools) read as booleans,
# null, numbers or special keys, although YAML 1.2 (cjm's loader) reads them as
# text: they are quoted so that every reader sees text.
_YAML11_SPECIAL = re.compile(
    r"""(?x)(?:
      y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    | ~|null|Null|NULL|=|<<
    | [-+]?0b[0-1_]+
    | [-+]?0[0-7_]+
    | [-+]?(?:0|[1-9][0-9_]*)
    | [-+]?0x[0-9a-fA-F_]+
    | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    | [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
    | [0-9]+(?::[0-5]?[0-9])+
    )\Z""")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = set(",[]{}")
# Characters YAML allows in a document unescaped; NEL, LS and PS are line breaks
# for YAML 1.1 readers, and BOM/non-characters are refused, so they are escaped.
_NONPRINTABLE = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_ANCHOR = re.compile(r"(?:![^\s]*\s+)?&([^\s,\[\]{}]+)")
_DASHES_ONLY = re.compile(r"[ \t]*-(?:[ \t]+-)*[ \t]*")
_CANONICAL_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_DQ_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0",
               "\x07": "\\a", "\x08": "\\b", "\x0b": "\\v", "\x0c": "\\f", "\x1b": "\\e",
               "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


@dataclass
class FormatResult:
    """The outcome for one text: ``formatted`` is None when it could not be formatted."""

    file: str
    original: str
    formatted: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.formatted is not None

    @property
    def changed(self) -> bool:
        return self.formatted is not None and self.formatted != self.original


# --- key order from the models ------------------------------------------------


@lru_cache(maxsize=None)
def _schema_tree(root: str) -> dict:
    """{model class name: (field names in order, {field: nested model name})} for
    the models reachable from the root model (``map``, ``catalog`` or ``config``)."""
    import typing

    from pydantic import BaseModel

    from cjm.model.config import ProjectConfig
    from cjm.model.journey import Catalog, JourneyMap

    start = {"map": JourneyMap, "catalog": Catalog, "config": ProjectConfig}[root]
    tree: dict[str, tuple[list[str], dict[str, str]]] = {}

    def model_in(annotation) -> type | None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        for arg in typing.get_args(annotation):
            found = model_in(arg)
            if found is not None:
                return found
        return None

    todo = [start]
    while todo:
        cls = todo.pop()
        if cls.__name__ in tree:
            continue
        children = {}
        for name, info in cls.model_fields.items():
            # dict[...] values (emotion per persona, rule levels) keep the
            # author's order: they are keyed by ids, not by field names.
            if typing.get_origin(info.annotation) is dict:
                continue
            nested = model_in(info.annotation)
            if nested is not None:
                children[name] = nested.__name__
                todo.append(nested)
        tree[cls.__name__] = (list(cls.model_fields), children)
    return {"root": start.__name__, "models": tree}


# --- the composed document ------------------------------------------------------


@dataclass(eq=False)
class _Entry:
    """A mapping pair or a sequence item: what comments attach to and what moves."""

    start: int  # character offset where the entry begins (its key, or the item)
    depth: int
    key: Any = None  # key node for a pair, None for a sequence item
    value: Any = None
    parent: "_Entry | None" = None
    flow_end: int | None = None  # end offset of the flow collection holding it
    leading: list[tuple[bool, str]] = field(default_factory=list)  # (blank line before, comment text)
    trailing: str | None = None  # end-of-line comment
    # Full-line comments below the entry's content and deeper than what follows
    # it: (blank line before, comment text, deeper than the entry itself).
    after: list[tuple[bool, str, bool]] = field(default_factory=list)
    column: int = 0  # the column of its key, or of its '-' in a block list
    first: bool = False  # first in its collection: a blank line before it is not kept
    blank_before: bool = False


class _Doc:
    """A composed document with its entries, comments and blank lines."""

    def __init__(self, file: str, text: str, root) -> None:
        from cjm.loader import _Walker

        self.file = file
        self.text = text
        self.root = root
        self.walker = _Walker(file)
        self.entries: list[_Entry] = []
        self.entry_of: dict[tuple[int, Any], _Entry] = {}  # (id(parent node), key or index) -> entry
        self.use_count: dict[int, int] = {}
        self.scalar_spans: list[tuple[int, int]] = []
        self.header: list[tuple[bool, str]] = []
        self.header_gap = False
        self.footer: list[tuple[bool, str]] = []
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._seen: set[int] = set()
        self._collect(root, None, 0, None)
        self.scalar_spans.sort()
        self._span_starts = [s for s, _ in self.scalar_spans]
        self._attach_comments()

    # positions
    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def _inside_scalar(self, offset: int) -> bool:
        i = bisect.bisect_right(self._span_starts, offset) - 1
        return i >= 0 and self.scalar_spans[i][0] <= offset < self.scalar_spans[i][1]

    def column_of(self, offset: int) -> int:
        return offset - self.line_starts[self.line_of(offset)]

    def _alias_start(self, node, last: int) -> int:
        """Where an alias to ``node`` sits, after offset ``last`` (the node
        carries only its anchor's position): the next `*name` in the text, or
        just after ``last``."""
        match = _ANCHOR.match(self.text, node.start_mark.index)
        if match is not None:
            found = self.text.find("*" + match.group(1), last + 1)
            if found >= 0:
                return found
        return last + 1

    def _collect(self, node, parent: _Entry | None, depth: int, flow_end: int | None, key: bool = False) -> None:
        # Keys are always written out as text, so only uses as values count:
        # an anchor is written only where an alias will refer to it.
        if not key:
            self.use_count[id(node)] = self.use_count.get(id(node), 0) + 1
        if id(node) in self._seen:
            return  # an alias: its text was collected where the anchor is
        self._seen.add(id(node))
        kind = type(node).__name__
        if kind == "ScalarNode":
            start, end = node.start_mark.index, node.end_mark.index
            if node.style in ("|", ">"):
                # The header line may hold a comment; blank lines at the end
                # belong to the next entry unless the scalar keeps them (+).
                start = self.text.find("\n", start)
                start = end if start < 0 else start
                if "+" not in self.text[node.start_mark.index:start]:
                    while end > start and self.text[end - 1] in " \n":
                        end -= 1
            self.scalar_spans.append((start, end))
            return
        inner_flow = flow_end
        if getattr(node, "flow_style", False) and flow_end is None:
            inner_flow = node.end_mark.index
        last = node.start_mark.index
        if kind == "SequenceNode":
            # The items of a block list line up on the list's first '-'.
            dash = None if inner_flow is not None else self.column_of(node.start_mark.index)
            for i, child in enumerate(node.value):
                start = child.start_mark.index if id(child) not in self._seen else self._alias_start(child, last)
                last = max(last, start, child.end_mark.index if id(child) not in self._seen else start)
                entry = _Entry(start, depth, None, child, parent, inner_flow, first=i == 0)
                entry.column = self.column_of(start) if dash is None else dash
                self.entries.append(entry)
                self.entry_of[(id(node), i)] = entry
                self._collect(child, entry, depth + 1, inner_flow)
        else:
            for i, (key, value) in enumerate(node.value):
                start = key.start_mark.index if id(key) not in self._seen else self._alias_start(key, last)
                entry = _Entry(start, depth, key, value, parent, inner_flow, first=i == 0)
                entry.column = self.column_of(start)
                self.entries.append(entry)
                self.entry_of[(id(node), key.value)] = entry
                self._collect(key, entry, depth + 1, inner_flow, key=True)
                self._collect(value, entry, depth + 1, inner_flow)
                last = max(last, start, value.end_mark.index if value.start_mark.index > start else start)

    def _comments(self) -> list[tuple[int, bool, str]]:
        """(offset, full line?, text) of every comment, in order."""
        out = []
        for match in re.finditer("#", self.text):
            pos = match.start()
            if self._inside_scalar(pos):
                continue
            line_start = self.line_starts[self.line_of(pos)]
            before = self.text[line_start:pos]
            if before and before[-1] not in " \t":
                continue
            if out and self.line_of(out[-1][0]) == self.line_of(pos):
                continue  # a '#' inside a comment
            end = self.text.find("\n", pos)
            body = self.text[pos: len(self.text) if end < 0 else end].rstrip()
            out.append((pos, not before.strip(), body))
        return out

    def _blank_lines(self) -> set[int]:
        blank = set()
        for number, start in enumerate(self.line_starts):
            end = self.text.find("\n", start)
            line = self.text[start: len(self.text) if end < 0 else end]
            if not line.strip() and not self._inside_scalar(start):
                blank.add(number)
        return blank

    def _attach_comments(self) -> None:
        blank = self._blank_lines()
        order = sorted(self.entries, key=lambda e: (e.start, e.depth))
        starts = [e.start for e in order]
        # Comments with no entry between them are one run: within a run, a
        # comment never goes below an entry nested deeper than where the one
        # before it went, or a second run would swap them.
        run: list = [None, None]  # [index of the following entry, entry the last comment went below]

        def below(i: int, entry: _Entry, gap: bool, body: str, column: int | None) -> None:
            target = entry
            if run[0] == i and run[1] is not None:
                probe = entry.parent
                while probe is not None and probe is not run[1]:
                    probe = probe.parent
                if probe is run[1]:
                    target = run[1]
            # A second end-of-line comment (no column of its own) goes one level
            # in, so that reading the result again puts it in the same place.
            deeper = column is None or column > target.column
            target.after.append((gap, body, deeper))
            run[0], run[1] = i, target

        def own_line(i: int, pos: int, gap: bool, body: str) -> None:
            """A comment on its own line: above the entry that follows it, or,
            when it is indented deeper than that entry, below the content of the
            deepest entry before it that it lines up with or sits inside."""
            following = order[i] if i < len(order) else None
            column = self.column_of(pos)
            if following is not None and column <= following.column:
                following.leading.append((gap, body))
                return
            enclosing = set()
            probe = following
            while probe is not None:
                enclosing.add(id(probe))
                probe = probe.parent
            probe = order[i - 1] if i > 0 else None
            while probe is not None and id(probe) not in enclosing:
                if probe.column <= column and probe.flow_end is None:
                    below(i, probe, gap, body, column)
                    return
                probe = probe.parent
            if following is not None:
                following.leading.append((gap, body))
            else:
                self.footer.append((gap, body))

        first_root = min((e.start for e in self.entries if e.depth == 0), default=len(self.text))
        for entry in self.entries:
            entry.blank_before = not entry.first and (self.line_of(entry.start) - 1) in blank
        for pos, full_line, body in self._comments():
            line = self.line_of(pos)
            gap = (line - 1) in blank
            if not full_line:
                line_start = self.line_starts[line]
                if _DASHES_ONLY.fullmatch(self.text, line_start, pos):
                    # `- # comment` with the item on the lines below: the comment
                    # belongs to that item, on its dash line.
                    i = bisect.bisect_right(starts, pos)
                    if i < len(order) and order[i].key is None:
                        if order[i].trailing is None:
                            order[i].trailing = body
                        else:
                            order[i].leading.append((gap, body))
                        continue
                # The innermost entry that began before the comment, leaving
                # flow collections that ended before it.
                i = bisect.bisect_right(starts, pos) - 1
                if i < 0:
                    self.header.append((gap, body))
                    continue
                entry = order[i]  # the deepest of those that start there (sorted by depth)
                while entry.flow_end is not None and pos >= entry.flow_end and entry.parent is not None:
                    entry = entry.parent
                if entry.flow_end is not None and pos >= entry.flow_end:
                    self.header.append((gap, body))  # only a flow root could get here
                    continue
                if entry.trailing is None:
                    entry.trailing = body
                else:
                    # A second end-of-line comment for the same entry (its value
                    # sits on the lines below): its own line, never merged.
                    below(bisect.bisect_right(starts, pos), entry, False, body, None)
                continue
            if pos < first_root:
                self.header.append((gap, body))
                continue
            own_line(bisect.bisect_right(starts, pos), pos, gap, body)
        self.header_gap = bool(self.header) and any(
            self.line_of(e.start) - 1 in blank for e in self.entries if e.depth == 0 and e.start == first_root)


# --- the emitter --------------------------------------------------------------


class _Unsafe(Exception):
    """A value that this emitter cannot write without changing it."""


class _Emitter:
    short_flow = False

    def __init__(self, doc: _Doc, root_model: str) -> None:
        self.doc = doc
        self.lines: list[str] = []
        self.anchors: dict[int, str] = {}
        self.used_names: set[str] = set()
        tree = _schema_tree(root_model)
        self.models = tree["models"]
        self.root_model = tree["root"]

    # scalars -----------------------------------------------------------------

    def value_of(self, node) -> Any:
        return self.doc.walker._scalar(node)

    def plain_ok(self, text: str, flow: bool) -> bool:
        if not text or text != text.strip() or "\n" in text or "\t" in text or _NONPRINTABLE.search(text):
            return False
        if _YAML11_SPECIAL.match(text) or text.startswith(("---", "...")):
            return False
        first = text[0]
        if first in _INDICATORS:
            if first not in "-?:" or len(text) == 1 or text[1] in " " or (flow and text[1] in _FLOW_INDICATORS):
                return False
        if ": " in text or " #" in text or text.endswith(":"):
            return False
        if flow and (any(c in _FLOW_INDICATORS for c in text) or ":" in text or "?" in text):
            return False
        # What cjm's loader (YAML 1.2 core schema) makes of it must be the text itself.
        return _resolve_plain(text) == text

    @staticmethod
    def quoted(text: str) -> str:
        """Double quotes, the common habit; single quotes when the text holds
        double quotes or backslashes (fewer escapes to read)."""
        simple = "\n" not in text and "\t" not in text and not _NONPRINTABLE.search(text)
        if simple and ('"' in text or "\\" in text):
            return "'" + text.replace("'", "''") + "'"
        out = []
        for ch in text:
            if ch in _DQ_ESCAPES:
                out.append(_DQ_ESCAPES[ch])
            elif _NONPRINTABLE.match(ch):
                code = ord(ch)
                out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                           else f"\\U{code:08x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'

    def string(self, text: str, flow: bool) -> str:
        return text if self.plain_ok(text, flow) else self.quoted(text)

    def scalar_inline(self, node, flow: bool) -> str:
        """A scalar written on one line (block scalars are handled by the caller)."""
        value = self.value_of(node)
        raw = node.value
        plain = node.tag == "?plain"
        if isinstance(value, str):
            return self.string(value, flow)
        if value is None:
            return "" if plain and raw == "" and not flow else "null"
        if value is True or value is False:
            return "true" if value else "false"
        if isinstance(value, int):
            return raw if plain and _CANONICAL_INT.match(raw) else str(value)
        if isinstance(value, float):
            if math.isnan(value):
                return ".nan"
            if math.isinf(value):
                return ".inf" if value > 0 else "-.inf"
            if plain and _resolve_plain(raw) == value and "_" not in raw:
                return raw.lstrip("+")
            text = repr(value)
            return text if isinstance(_resolve_plain(text), float) else f"{value:.17g}"
        raise _Unsafe(f"a value of type {type(value).__name__}")

    def block_scalar(self, node, indent: int) -> tuple[str, list[str]] | None:
        """(header, content lines) for a string kept or written as a block scalar;
        None when it is better written on one line."""
        value = self.value_of(node)
        if not isinstance(value, str):
            return None
        if node.style == ">":
            kept = self._folded_raw(node, value, indent)
            if kept is not None:
                return kept
        if node.style not in ("|", ">") and "\n" not in value:
            return None
        return self._literal(value, indent)

    def _literal(self, value: str, indent: int) -> tuple[str, list[str]] | None:
        body = value.rstrip("\n")
        tail = len(value) - len(body)
        if not body or _NONPRINTABLE.search(value) or "\r" in value:
            return None
        lines = body.split("\n")
        if any(line != line.rstrip(" \t") for line in lines) or any(ln.startswith("\t") for ln in lines):
            return None
        chomp = "-" if tail == 0 else "" if tail == 1 else "+"
        first = next(line for line in lines if line)
        header = "|" + ("2" if first.startswith(" ") else "") + chomp
        pad = " " * (indent + INDENT)
        out = [pad + line if line else "" for line in lines] + [""] * (tail - 1 if tail > 1 else 0)
        return self._checked(header, out, indent, value)

    def _folded_raw(self, node, value: str, indent: int) -> tuple[str, list[str]] | None:
        """A folded scalar keeps its own line breaks: its lines are re-indented."""
        text = self.doc.text
        start = node.start_mark.index
        eol = text.find("\n", start)
        if eol < 0:
            return None
        head = re.match(r"(?:[&!]\S*\s+)*>([-+]?)\s*(?:#.*)?\Z", text[start:eol])
        if head is None:
            return None  # an explicit indentation indicator: rebuilt as a literal
        raw_lines = text[eol + 1: node.end_mark.index].split("\n")
        if node.end_mark.column == 0 and raw_lines and raw_lines[-1] == "":
            raw_lines.pop()
        content = [ln for ln in raw_lines if ln.strip()]
        if not content:
            return None
        old = min(len(ln) - len(ln.lstrip(" ")) for ln in content)
        first = len(content[0]) - len(content[0].lstrip(" "))
        if first != old or any(ln != ln.rstrip(" \t") for ln in content):
            return None
        pad = " " * (indent + INDENT)
        out = [pad + ln[old:] if ln.strip() else "" for ln in raw_lines]
        if head.group(1) != "+":
            while out and not out[-1]:
                out.pop()
        return self._checked(">" + head.group(1), out, indent, value)

    def _checked(self, header: str, lines: list[str], indent: int, value: str):
        """Block scalars are easy to get subtly wrong: load the snippet back."""
        from cjm.loader import parse_text

        snippet = "k: " + header + "\n" + "\n".join(ln[indent:] if ln else "" for ln in lines) + "\n"
        doc = parse_text("<snippet>", snippet)
        if doc.data is None or doc.data.get("k") != value:
            return None
        return header, lines

    # collections -----------------------------------------------------------

    def anchor(self, node) -> str:
        """'&name ' the first time a node used by aliases is written."""
        if self.doc.use_count.get(id(node), 1) < 2:
            return ""
        if id(node) in self.anchors:
            return ""
        match = re.match(r"&([^\s,\[\]{}]+)", self.doc.text[node.start_mark.index:])
        name = match.group(1) if match else "a"
        base, n = name, 1
        while name in self.used_names:
            n += 1
            name = f"{base}{n}"
        self.used_names.add(name)
        self.anchors[id(node)] = name
        return f"&{name} "

    def alias(self, node) -> str | None:
        name = self.anchors.get(id(node))
        return f"*{name}" if name is not None else None

    def ordered_pairs(self, node, model: str | None) -> list:
        pairs = list(node.value)
        if model is None or model not in self.models:
            return pairs
        order = self.models[model][0]
        rank = {name: i for i, name in enumerate(order)}
        return sorted(pairs, key=lambda kv: (rank.get(kv[0].value, len(rank)),))  # stable

    def child_model(self, model: str | None, key: str) -> str | None:
        if model is None or model not in self.models:
            return None
        return self.models[model][1].get(key)

    def flow_ok(self, node) -> bool:
        """Keep an author's one-line flow collection when it holds only short scalars."""
        kind = type(node).__name__
        if not node.value:
            return False
        if not getattr(node, "flow_style", False):
            if not (self.short_flow and kind == "SequenceNode"
                    and all(type(n).__name__ == "ScalarNode" for n in node.value)
                    and sum(len(n.value) + 2 for n in node.value) <= 60):
                return False
        items = node.value if kind == "SequenceNode" else [n for kv in node.value for n in kv]
        for i, item in enumerate(items):
            if type(item).__name__ != "ScalarNode" or self.doc.use_count.get(id(item), 1) > 1:
                return False
            value = self.value_of(item) if (kind == "SequenceNode" or i % 2) else item.value
            if isinstance(value, str) and ("\n" in value or item.style in ("|", ">")):
                return False
        keys = range(len(node.value)) if kind == "SequenceNode" else [k.value for k, _ in node.value]
        for key in keys:
            entry = self.doc.entry_of.get((id(node), key))
            if entry is not None and (entry.leading or entry.trailing or entry.after):
                return False
        return True

    def flow_text(self, node, model: str | None) -> str:
        if type(node).__name__ == "SequenceNode":
            return "[" + ", ".join(self.scalar_inline(item, True) for item in node.value) + "]"
        parts = []
        for key, value in self.ordered_pairs(node, model):
            parts.append(f"{self.string(key.value, True)}: {self.scalar_inline(value, True)}")
        return "{" + ", ".join(parts) + "}"

    def comments(self, leading: list[tuple[bool, str]], indent: int, first: bool) -> bool:
        """Write leading comments; returns whether anything was written."""
        for n, (gap, body) in enumerate(leading):
            if gap and not (first and n == 0):
                self.lines.append("")
            self.lines.append(" " * indent + body)
        return bool(leading)

    def after(self, entry: _Entry | None, indent: int) -> None:
        """The comments below an entry's content, at its indentation or its
        children's."""
        if entry is None:
            return
        for gap, body, deeper in entry.after:
            if gap and self.lines and self.lines[-1] != "":
                self.lines.append("")
            self.lines.append(" " * (indent + (INDENT if deeper else 0)) + body)

    @staticmethod
    def with_comment(line: str, comment: str | None) -> str:
        line = line.rstrip()
        return f"{line}  {comment}" if comment else line

    def value_after(self, prefix: str, node, indent: int, model: str | None, entry: _Entry | None) -> None:
        """Write ``prefix`` (``key:`` or ``-``) followed by the node; ``indent`` is the
        column of the prefix; nested content goes at ``indent + 2``."""
        trailing = entry.trailing if entry else None
        alias = self.alias(node)
        if alias is not None:
            self.lines.append(self.with_comment(f"{prefix} {alias}", trailing))
            return
        anchor = self.anchor(node)
        kind = type(node).__name__
        if kind == "ScalarNode":
            block = self.block_scalar(node, indent)
            if block is not None:
                header, content = block
                self.lines.append(self.with_comment(f"{prefix} {anchor}{header}", trailing))
                self.lines.extend(content)
                return
            text = self.scalar_inline(node, False)
            self.lines.append(self.with_comment(f"{prefix} {anchor}{text}", trailing))
            return
        if not node.value:
            empty = "[]" if kind == "SequenceNode" else "{}"
            self.lines.append(self.with_comment(f"{prefix} {anchor}{empty}", trailing))
            return
        if self.flow_ok(node):
            self.lines.append(self.with_comment(f"{prefix} {anchor}{self.flow_text(node, model)}", trailing))
            return
        self.lines.append(self.with_comment(f"{prefix} {anchor}".rstrip(), trailing))
        if kind == "SequenceNode":
            self.sequence(node, indent + INDENT, model)
        else:
            self.mapping(node, indent + INDENT, model)

    def mapping(self, node, indent: int, model: str | None, first_line: str | None = None) -> None:
        """Pairs at ``indent``; with ``first_line`` (a sequence dash), the first pair
        goes on the dash's line."""
        for n, (key, value) in enumerate(self.ordered_pairs(node, model)):
            entry = self.doc.entry_of.get((id(node), key.value))
            if n == 0 and first_line is not None:
                prefix = first_line + self.string(key.value, False) + ":"
            else:
                if entry is not None:
                    self.comments(entry.leading, indent, n == 0)
                    if entry.blank_before and n > 0 and (not self.lines or self.lines[-1] != ""):
                        self.lines.append("")
                prefix = " " * indent + self.string(key.value, False) + ":"
            self.value_after(prefix, value, indent, self.child_model(model, key.value), entry)
            self.after(entry, indent)

    def sequence(self, node, indent: int, model: str | None) -> None:
        for i, item in enumerate(node.value):
            entry = self.doc.entry_of.get((id(node), i))
            if entry is not None:
                self.comments(entry.leading, indent, i == 0)
                if entry.blank_before and i > 0 and (not self.lines or self.lines[-1] != ""):
                    self.lines.append("")
            dash = " " * indent + "-"
            kind = type(item).__name__
            if (kind == "MappingNode" and item.value and not self.flow_ok(item)
                    and self.alias(item) is None and self.doc.use_count.get(id(item), 1) < 2):
                first_key = self.ordered_pairs(item, model)[0][0]
                inner = self.doc.entry_of.get((id(item), first_key.value))
                if inner is not None and inner.leading:
                    self.comments(inner.leading, indent, False)
                    inner.leading = []
                if entry is not None and entry.trailing and inner is not None:
                    if inner.trailing:  # two comments for one line: the item's goes above it
                        self.comments([(False, entry.trailing)], indent, False)
                    else:
                        inner.trailing = entry.trailing
                    entry.trailing = None
                self.mapping(item, indent + INDENT, model, first_line=dash + " ")
                self.after(entry, indent)
                continue
            self.value_after(dash, item, indent, model, entry)
            self.after(entry, indent)

    def document(self) -> str:
        doc = self.doc
        for gap, body in doc.header:
            if gap and self.lines:
                self.lines.append("")
            self.lines.append(body)
        if doc.header and doc.header_gap:
            self.lines.append("")
        self.mapping(doc.root, 0, self.root_model)
        for gap, body in doc.footer:
            if gap:
                self.lines.append("")
            self.lines.append(body)
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return "\n".join(self.lines) + "\n"


_RESOLVER: list = []


def _resolve_plain(text: str) -> Any:
    """What cjm's loader makes of a plain scalar (YAML 1.2 core schema)."""
    if not _RESOLVER:
        from cjm.loader import _Walker

        _RESOLVER.append(_Walker("<resolve>"))
    walker = _RESOLVER[0]
    try:
        return walker._plain(None, text)
    except Exception:  # noqa: BLE001 - a number too large to read: not plain-safe
        walker.findings.clear()
        return None


# --- comparing meaning --------------------------------------------------------


def same_data(a: Any, b: Any) -> bool:
    """Deep equality that also compares types (1, 1.0 and true differ) and
    treats NaN as equal to itself."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_data(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if type(a) is not type(b):
        return f"{path or '(document)'}: {type(a).__name__} would become {type(b).__name__}"
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{path or '(document)'}: keys {sorted(set(a) ^ set(b))!r} differ"
        for k in a:
            if not same_data(a[k], b[k]):
                return _first_difference(a[k], b[k], f"{path}.{k}" if path else str(k))
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items would become {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if not same_data(x, y):
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path or '(document)'}: {a!r} would become {b!r}"


# --- entry point ------------------------------------------------------------------


def root_model_for(file: str, data: dict) -> str:
    name = file.replace("\\", "/").rsplit("/", 1)[-1]
    if name in ("cjm.yaml", "cjm.yml"):
        return "config"
    return "catalog" if data.get("kind") == "catalog" else "map"


def format_text(file: str, text: str, short_flow: bool = False) -> FormatResult:
    """Format one document; never raises for bad input. ``short_flow`` writes
    short lists of scalars on one line even when the text has them in block style."""
    from cjm.loader import compose, parse_text

    result = FormatResult(file, text)
    original = parse_text(file, text)
    if original.data is None or original.findings:
        result.findings = list(original.findings)
        return result
    root = compose(text)
    try:
        doc = _Doc(file, text, root)
        emitter = _Emitter(doc, root_model_for(file, original.data))
        emitter.short_flow = short_flow
        out = emitter.document()
    except _Unsafe as exc:
        result.findings.append(_unsafe(file, f"cjm fmt cannot write {exc}; the file is left as it is"))
        return result
    again = parse_text(file, out)
    if again.data is None or again.findings:
        why = again.findings[0].message if again.findings else "the result is not a mapping"
        result.findings.append(_unsafe(file, f"formatting would produce invalid YAML ({why}); "
                                             "the file is left as it is (please report this)"))
        return result
    if not same_data(original.data, again.data):
        result.findings.append(_unsafe(file, "formatting would change what the file means ("
                                       + _first_difference(original.data, again.data)
                                       + "); the file is left as it is (please report this)"))
        return result
    result.formatted = out
    return result


def _unsafe(file: str, message: str) -> Finding:
    return FORMAT_UNSAFE.finding(message, Span(file, 1, 1))


def dump_data(data: dict, header: str = "", file: str = "<generated>") -> str:
    """Plain data (dicts, lists, scalars) as canonically formatted YAML text; used
    by ``cjm init`` so that what it writes is already what ``cjm fmt`` keeps.
    Short lists of scalars are written on one line (``tags: [a, b]``)."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 1_000_000
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    result = format_text(file, header + buffer.getvalue(), short_flow=True)
    if result.formatted is None:
        raise RuntimeError("; ".join(f.message for f in result.findings))
    return result.formatted
