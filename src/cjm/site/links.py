"""Links between pages: relative hrefs (so the site works wherever it is
copied, and from file://), and the checker behind ``cjm site --check``."""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass

EXTERNAL = ("http://", "https://", "mailto:")
_ATTR = re.compile(r"""\s(href|src|xlink:href)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ID = re.compile(r"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def href(from_page: str, to: str) -> str:
    """The link from page ``from_page`` to ``to`` (both relative to the site root,
    ``to`` with an optional ``#fragment``): up to the root, then down. Always
    relative, so the site works wherever it is copied."""
    path, sep, fragment = to.partition("#")
    if not path:
        return to
    if path == from_page:
        return sep + fragment if sep else posixpath.basename(from_page)
    return "../" * from_page.count("/") + to


def root_of(page: str) -> str:
    """The link from ``page`` to the site root's folder: '', '../', '../../'…"""
    depth = page.count("/")
    return "../" * depth


@dataclass(frozen=True)
class Problem:
    page: str
    link: str
    why: str

    def __str__(self) -> str:
        return f"{self.page}: {self.why}: {self.link}"


def links_of(text: str) -> list[tuple[str, str]]:
    """(attribute, URL) of every href and src in a page, URLs unescaped."""
    return [(m.group(1).lower(), html.unescape(m.group(2) if m.group(2) is not None else m.group(3)))
            for m in _ATTR.finditer(text)]


def ids_of(text: str) -> set[str]:
    return {html.unescape(a if a is not None else b) for a, b in _ID.findall(text)}


def check(pages: dict[str, str | None]) -> list[Problem]:
    """Every broken link and missing asset of a site.

    ``pages`` maps every file of the site (a path relative to its root) to its
    text for HTML pages, or None for other files (they must exist, and cannot
    be linked into with a #fragment). Links to http, https and mailto are not
    followed (the site works offline; the world is not checked)."""
    problems: list[Problem] = []
    ids: dict[str, set[str]] = {}

    def ids_for(page: str) -> set[str]:
        if page not in ids:
            ids[page] = ids_of(pages[page] or "")
        return ids[page]

    for page in sorted(pages):
        text = pages[page]
        if text is None:
            continue
        seen: set[tuple[str, str]] = set()
        for attr, url in links_of(text):
            if (attr, url) in seen:
                continue
            seen.add((attr, url))
            kind = "missing asset" if attr == "src" else "broken link"
            if not url:
                problems.append(Problem(page, url, f"{kind} (empty)"))
                continue
            if url.lower().startswith(EXTERNAL) or url.lower().startswith("data:"):
                continue
            if _SCHEME.match(url) or url.startswith("//"):
                problems.append(Problem(page, url, f"{kind} (a scheme the site does not allow)"))
                continue
            if url.startswith("/"):
                problems.append(Problem(page, url, f"{kind} (absolute: the site would break when moved)"))
                continue
            path, _hash, fragment = url.partition("#")
            path = path.split("?", 1)[0]
            target = page if not path else posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            if target.startswith("../") or target == "..":
                problems.append(Problem(page, url, f"{kind} (outside the site)"))
                continue
            if target not in pages:
                problems.append(Problem(page, url, f"{kind} (no such file)"))
                continue
            if fragment and pages[target] is not None and fragment not in ids_for(target):
                problems.append(Problem(page, url, f"{kind} (no element with id {fragment!r} in {target})"))
    return problems
