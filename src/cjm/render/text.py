"""Escaping and link filters shared by the renderers (and jinja2 templates).

Each output context has its own rules: HTML/SVG/XML text is escaped by
jinja2's autoescape; Markdown table cells, Markdown prose and Mermaid tokens
are escaped here. Links are allow-listed: only http, https and mailto survive.
"""

from __future__ import annotations

import re
from html import escape as _html_escape

SAFE_SCHEMES = ("http://", "https://", "mailto:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_url(url: str | None) -> str | None:
    """The URL if its scheme is allowed (http, https, mailto), else None."""
    if not url:
        return None
    candidate = _CONTROL.sub("", url).strip()
    lowered = candidate.lower()
    if lowered.startswith(SAFE_SCHEMES) and not any(c in candidate for c in ' "<>`'):
        return candidate
    return None


def md_text(text: object) -> str:
    """Markdown prose: no raw HTML, no accidental emphasis, links or headings."""
    s = _html_escape("" if text is None else str(text), quote=False)
    s = re.sub(r"([\\`*_{}\[\]()#+!|~])", r"\\\1", s)
    return s.replace("\r\n", "\n").replace("\r", "\n")


def md_cell(text: object) -> str:
    """A Markdown table cell: pipes escaped, newlines as <br>, no raw HTML."""
    s = md_text(text)
    return s.replace("\n", "<br>").strip()


FILTERS = {"md_text": md_text, "md_cell": md_cell, "safe_url": safe_url}
