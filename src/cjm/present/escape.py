"""One escaper per output context, for everything cjm writes or prints.

- HTML, SVG and XML text: jinja2's autoescape (and ``markupsafe.escape`` in
  the SVG drawing code); ``xml_text`` first drops what XML cannot carry.
- Markdown (``cjm render -f md`` and ``cjm diff -f markdown``): ``md_text`` /
  ``md_cell``: no raw HTML, no emphasis, links, code, maths, tables, headings
  or lists, no @mentions or #issue references that would ping people or
  link issues on GitHub.
- Mermaid: ``mermaid_text`` (entity codes Mermaid's grammar reads back).
- The terminal: ``terminal_text`` shows control characters as visible escapes,
  so map text can neither move the cursor, clear the screen, retitle the
  window nor start a new line that CI would read as a command.

Links are allow-listed: only http, https and mailto survive (``safe_url``).
"""

from __future__ import annotations

import re

SAFE_SCHEMES = ("http://", "https://", "mailto:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_url(url: str | None) -> str | None:
    """The URL if its scheme is allowed (http, https, mailto), else None.
    Characters that would end an attribute, a tag or a Markdown link (``"``,
    ``<``, ``>``, a backtick, spaces) are percent-encoded, so a link that
    passed validation is shown, safely, instead of vanishing."""
    if not url:
        return None
    candidate = _CONTROL.sub("", url).strip()
    if not candidate.lower().startswith(SAFE_SCHEMES):
        return None
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", candidate)


_URL_UNSAFE = re.compile(r'[\s"<>`\\]')


# --- Markdown ------------------------------------------------------------------
# Inline syntax, escaped wherever it appears: emphasis, code, links and images
# ('(' and '!' are harmless once '[' and ']' are escaped), tables, strikethrough,
# '#' (a heading's closing sequence eats trailing '#'s) and '$' (GitHub renders
# $…$ as math). '<' and '>' are HTML-escaped (raw HTML must stay text), and '&'
# where it could start an entity reference ("&amp;", "&#60;").
_MD_INLINE = re.compile(r"([\\`*_\[\]#|~$])")
_MD_ENTITY = re.compile(r"&(?=[#A-Za-z0-9])")
# Syntax that only counts at the start of a line: lists ('-', '+', "1." and
# "1)") and setext heading underlines ('=').
_MD_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")
_NEWLINES = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")


# GitHub turns @name into a mention (a notification) and #123 / GH-123 into a
# link to an issue; a zero-width space after the sign keeps the text as it
# reads and stops both.
_MENTION = re.compile(r"([@#])(?=[A-Za-z0-9_])|\b(GH)-(?=[0-9])", re.IGNORECASE)


def _unping(line: str) -> str:
    return _MENTION.sub(lambda m: (m.group(1) or m.group(2) + "-") + "\u200b", line)


def md_text(text: object) -> str:
    """Markdown inline text, on one line: no raw HTML (``<``, ``>`` and
    entity-like ``&`` HTML-escaped), no emphasis, links, headings, lists, tables, code or math,
    no @mentions or issue references;
    line breaks become ``<br>``, so the text can sit in a heading, a list item
    or a table cell without breaking out of it. Leading and trailing spaces are
    dropped (they would make an indented code block)."""
    s = "" if text is None else str(text)
    lines = []
    for line in _NEWLINES.split(s):
        line = _MD_ENTITY.sub("&amp;", line.strip()).replace("<", "&lt;").replace(">", "&gt;")
        line = _MD_INLINE.sub(r"\\\1", _unping(xml_text(line)))
        line = _MD_LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}",
                                  line)
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "<br>".join(lines)


def md_cell(text: object) -> str:
    """A GFM table cell: like ``md_text`` (pipes are escaped as ``\\|``)."""
    return md_text(text)


def md_link(title: object, url: str | None) -> str:
    """``[title](<url>)`` when the URL is allowed (``safe_url``), else the
    title (or the URL) as plain text. The angle brackets keep parentheses and
    spaces in the URL from ending the link."""
    label = md_text(title if title else url)
    href = safe_url(url)
    if href is None:
        return label
    return f"[{label}](<{href}>)"


# --- Mermaid ---------------------------------------------------------------------
# Mermaid's journey lexer (mermaid 11, journey.jison) ends a task or section
# name at ':', ';', '#' or a line break; reads '%' at the start of a token
# (and 'x%%' anywhere a token starts) as a comment; splits actors at ','; and
# reads a line that starts with journey/title/section/accTitle/accDescr as
# that statement. Before the lexer runs, Mermaid turns entity codes such as
# ``#58;`` into placeholders (encodeEntities) and writes them back as
# ``&#58;`` into the SVG (decodeEntities): so every such character is written
# as its decimal entity code, and the reader sees the original character.
# '&', '<', '>' and no-break space are coded too: the title goes through
# DOMPurify, which would show them as '&amp;' or drop a '<tag>' altogether,
# and Mermaid rewrites ``="`` inside anything that looks like a tag. '#' is
# always coded, so a literal "#58;" in a map stays that text. U+FB02 and
# U+00B6 start Mermaid's own placeholders, so they are coded as well.
_MERMAID_CODED = frozenset(":;#%&<>\xa0\r\n\x85\u2028\u2029\ufb02\xb6")
_MERMAID_KEYWORD = re.compile(r"(journey|title|section|acctitle|accdescr)", re.IGNORECASE)


def _code(ch: str) -> str:
    return f"#{ord(ch)};"


def mermaid_text(text: object, actor: bool = False) -> str:
    """A title, section, task or (``actor=True``, commas coded too) actor name
    that Mermaid's journey parser reads back as exactly ``text`` once entity
    codes are decoded."""
    s = "" if text is None else str(text)
    coded = _MERMAID_CODED | {","} if actor else _MERMAID_CODED
    chars = [_code(c) if c in coded else c for c in s]
    # Leading and trailing whitespace would be skipped or trimmed by Mermaid.
    for i in range(len(s)):
        if not s[i].isspace():
            break
        chars[i] = _code(s[i])
    for i in range(len(s) - 1, -1, -1):
        if not s[i].isspace():
            break
        chars[i] = _code(s[i])
    if not actor and s and _MERMAID_KEYWORD.match(s) and not s[0].isspace():
        chars[0] = _code(s[0])
    return "".join(chars)


FILTERS = {"md_text": md_text, "md_cell": md_cell, "md_link": md_link, "safe_url": safe_url,
           "mermaid_text": mermaid_text}


# --- XML, Graphviz ---------------------------------------------------------------
# XML 1.0 cannot carry most C0 controls, U+FFFE/U+FFFF or lone surrogates (the
# format refuses them, but text can also come from a catalogue or an import).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: object) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    s = "" if text is None else str(text)
    return _XML_BAD.sub("", s) if _XML_BAD.search(s) else s


# --- the terminal -----------------------------------------------------------------
# C0 and C1 controls (escape sequences, bell, backspace, carriage return and
# line breaks), DEL, and the bidirectional overrides that make text read
# differently than it is ("Trojan Source").
_TERMINAL_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def terminal_text(text: object) -> str:
    """User text made safe to print: every control character is shown as a
    visible escape (``\\x1b``, ``\\n``, ``\\u202e``)."""
    s = "" if text is None else str(text)
    if not _TERMINAL_BAD.search(s):
        return s
    return _TERMINAL_BAD.sub(_visible, s)


def _visible(m: re.Match) -> str:
    c = m.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if c in named:
        return named[c]
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
