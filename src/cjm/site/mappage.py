"""A map's page on the site: the interactive HTML page ``cjm render -f html``
makes, with the site's bar on top (back to the portfolio, the map's personas,
channels and KPIs, its current/future pair and gap view, its evidence).

The page is the renderer's own, byte for byte, except for three additions:
the bar (between two HTML comments, so the next build can swap it without
redrawing the map), a ``<style>`` block for it, and that block's sha256 hash
in the page's Content-Security-Policy. The bar holds links only: no script.
"""

from __future__ import annotations

import html
import re

from markupsafe import escape

from cjm.render.html import sha256_source

BAR_START = "<!--cjm-site-bar-->"
BAR_END = "<!--/cjm-site-bar-->"
_CSP_META = re.compile(r'<meta\b[^>]*\bhttp-equiv\s*=\s*"Content-Security-Policy"[^>]*>', re.IGNORECASE)
_CONTENT = re.compile(r'(\bcontent\s*=\s*")([^"]*)(")', re.IGNORECASE)
_BODY = re.compile(r"<body\b[^>]*>\n?(<a class=\"skip-link\"[^>]*>.*?</a>\n?)?", re.IGNORECASE | re.DOTALL)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_ID = re.compile(r'\sid="([^"]*)"')


class NotAPage(ValueError):
    """The rendered HTML lacks the <body> (a template override removed it?)."""


def _with_style_hash(csp: str, digest: str) -> str:
    parts = [p.strip() for p in csp.split(";") if p.strip()]
    out, found = [], False
    for part in parts:
        name, _, value = part.partition(" ")
        if name == "style-src":
            found = True
            sources = [s for s in value.split() if s != "'none'"]
            if digest not in sources:
                sources.append(digest)
            part = "style-src " + " ".join(sources)
        out.append(part)
    if not found:
        out.append("style-src " + digest)
    return "; ".join(out)


def inject(page: str, bar: str, css: str) -> str:
    """``page`` (a rendered map page) with the site bar and its style."""
    body = _BODY.search(page)
    if body is None:
        raise NotAPage("the rendered map page has no <body>")
    block = f"{BAR_START}\n{bar}{BAR_END}\n"
    page = page[: body.end()] + block + page[body.end():]
    head = _HEAD_END.search(page)
    if head is not None:
        page = page[: head.start()] + f"<style>{css}</style>\n" + page[head.start():]
    meta = _CSP_META.search(page)
    content = _CONTENT.search(meta.group(0)) if meta is not None else None
    if meta is not None and content is not None:
        policy = _with_style_hash(html.unescape(content.group(2)), sha256_source(css))
        escaped = html.escape(policy, quote=True).replace("&#x27;", "&#39;")
        start, end = meta.start() + content.start(2), meta.start() + content.end(2)
        page = page[:start] + escaped + page[end:]
    return page


def swap_bar(page: str, bar: str) -> str | None:
    """``page`` with its bar replaced by ``bar``; None when it has none."""
    start = page.find(BAR_START)
    end = page.find(BAR_END, start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        return None
    return page[: start + len(BAR_START)] + "\n" + bar + page[end:]


def anchors(page: str) -> set[str]:
    """The element ids of a page (what search results may link to)."""
    return set(_ID.findall(page))


def _e(text) -> str:
    return str(escape("" if text is None else text))


def bar(site_title: str, page: str, *, personas: list[tuple[str, str]], channels: list[tuple[str, str]],
        kpis: list[tuple[str, str]], coverage: int | None, anchor: str,
        current: tuple[str, str] | None = None, gap_page: str | None = None,
        futures: list[tuple[str, str, str]] | None = None) -> str:
    """The bar on top of the map page at ``page``: links only, all relative.

    ``personas``, ``channels``, ``kpis``: (id, name); ``current``: the
    current-state map this one improves on (page, title) and ``gap_page`` the
    gap view; ``futures``: the future-state maps that improve on this one
    (page, title, their gap view)."""
    up = "../" * page.count("/")
    parts = [f'<nav class="cjm-site-bar" aria-label="Portfolio">\n<a class="cjm-site-home" href="{up}index.html">'
             f"\u2190 {_e(site_title)}</a>\n"]
    if personas:
        links = ", ".join(f'<a href="{up}personas/{_e(pid)}.html">{_e(name)}</a>' for pid, name in personas)
        parts.append(f'<span class="cjm-site-group"><span class="cjm-site-label">Personas</span> {links}</span>\n')
    if current is not None:
        parts.append(f'<span class="cjm-site-group"><span class="cjm-site-label">Improves</span> '
                     f'<a href="{up}{_e(current[0])}">{_e(current[1])}</a>'
                     + (f' \u00b7 <a href="{up}{_e(gap_page)}">gap view</a>' if gap_page else "") + "</span>\n")
    if futures:
        links = ", ".join(f'<a href="{up}{_e(f_page)}">{_e(title)}</a> \u00b7 <a href="{up}{_e(gap)}">gap view</a>'
                          for f_page, title, gap in futures)
        parts.append(f'<span class="cjm-site-group"><span class="cjm-site-label">Future state</span> {links}</span>\n')
    if coverage is not None:
        parts.append(f'<span class="cjm-site-group"><span class="cjm-site-label">Evidence</span> '
                     f'<a href="{up}evidence.html#{_e(anchor)}">{coverage} % of claims</a></span>\n')
    if channels or kpis:
        inner = ""
        if channels:
            inner += '<span class="cjm-site-label">Channels</span> ' + ", ".join(
                f'<a href="{up}channels/{_e(cid)}.html">{_e(name)}</a>' for cid, name in channels)
        if kpis:
            inner += (" " if inner else "") + '<span class="cjm-site-label">KPIs</span> ' + ", ".join(
                f'<a href="{up}kpis/{_e(kid)}.html">{_e(name)}</a>' for kid, name in kpis)
        parts.append(f'<details class="cjm-site-more"><summary>Channels and KPIs</summary>{inner}</details>\n')
    parts.append(f'<a class="cjm-site-search" href="{up}search.html">Search</a>\n</nav>\n')
    return "".join(parts)
