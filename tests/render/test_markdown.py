"""``-f md``: golden files for the examples, and injection through a real
Markdown renderer (markdown-it-py, CommonMark + GFM tables, raw HTML on as on
GitHub before its sanitiser): hostile map text comes out as the same visible
text, and never as a tag, an event handler or a javascript: link.

Regenerate the golden files with ``CJM_UPDATE_GOLDEN=1 pytest tests/test_render_markdown.py``.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT
from render_inputs import EXAMPLE_MAPS, HOSTILE, hostile_map_data, render, write_hostile_map

GOLDEN = ROOT / "tests" / "golden" / "md"
UPDATE = os.environ.get("CJM_UPDATE_GOLDEN") == "1"


def golden_name(path: Path) -> str:
    return path.stem + ".md"


@pytest.mark.parametrize("path", EXAMPLE_MAPS, ids=lambda p: p.stem)
def test_golden(path):
    text = render(path, "md")
    golden = GOLDEN / golden_name(path)
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with CJM_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def test_golden_names_are_unique():
    assert len({golden_name(p) for p in EXAMPLE_MAPS}) == len(EXAMPLE_MAPS)


def to_html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)


class Page(HTMLParser):
    """Tags, attributes and visible text of rendered HTML (code blocks apart)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.code: list[str] = []
        self._in_pre = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == "pre":
            self._in_pre += 1
        if tag == "br":
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_pre -= 1
        if tag in ("p", "td", "th", "li", "h1", "h2", "h3", "blockquote", "tr"):
            self.text.append("\n")

    def handle_data(self, data):
        (self.code if self._in_pre else self.text).append(data)


def page_of(markdown: str) -> Page:
    page = Page()
    page.feed(to_html(markdown))
    return page


def norm(text: str) -> str:
    # A zero-width space keeps @names and #123 from pinging people or linking
    # issues on GitHub; the reader sees the text as written.
    return " ".join(text.replace("\u200b", "").split())


def visible_strings(data) -> list[str]:
    """Every free-text string of the hostile map (ids, URLs and enums apart)."""
    skip = {"id", "url", "cjm", "mode", "status", "channel", "personas", "next", "addresses", "kpis", "unit",
            "color"}
    out = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in skip:
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            out.append(node)

    walk(data)
    return out


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    path = write_hostile_map(tmp_path_factory.mktemp("md"))
    return render(path, "md"), page_of(render(path, "md"))


def test_hostile_text_is_shown_as_text(hostile_page):
    _markdown, page = hostile_page
    shown = norm("".join(page.text))
    for s in visible_strings(hostile_map_data()):
        # A line break may become a <br>: compare with whitespace collapsed.
        assert norm(s) in shown, f"{s!r} is not shown as written"
    assert "49" not in shown  # {{ 7*7 }} was not evaluated


def test_hostile_text_makes_no_markup(hostile_page):
    markdown, page = hostile_page
    allowed = {"h1", "h2", "h3", "p", "strong", "em", "table", "thead", "tbody", "tr", "th", "td", "ul", "li",
               "br", "blockquote", "pre", "code", "hr", "a"}
    for tag, attrs in page.tags:
        assert tag in allowed, f"<{tag}> came out of map text"
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name == "href":
                assert value and value.startswith(("https://", "http://", "mailto:")), value
    # Only our own emphasis: map text never makes <em>/<strong>/<code> of its own.
    assert "alert(1)" not in "".join(v or "" for _t, attrs in page.tags for _n, v in attrs)
    # Every table row has as many cells as its header: no '|' or newline broke out.
    for table in re.findall(r"(?:^\|.*\|$\n?)+", markdown, re.M):
        rows = [r for r in table.splitlines() if not r.startswith("| ---")]
        widths = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
        assert len(widths) == 1, table


def test_hostile_links_are_kept_only_when_safe(hostile_page):
    markdown, page = hostile_page
    hrefs = [dict(attrs).get("href") for tag, attrs in page.tags if tag == "a"]
    assert "https://example.com/a_(b)" in hrefs  # a parenthesis does not end the link
    assert all("javascript" not in (h or "") for h in hrefs)


def test_mermaid_block_is_fenced_and_escaped(hostile_page):
    markdown, page = hostile_page
    code = "".join(page.code)
    assert code.startswith("journey\n")
    for name in HOSTILE:
        # Inside the fence, map text is Mermaid-escaped and never closes the fence.
        assert "\n```" not in code
    assert markdown.count("```mermaid") == 1


def test_md_text_escapes_each_context():
    from cjm.present.escape import md_cell, md_link, md_text

    assert md_text("a *b* <i>c</i> & d &amp;") == r"a \*b\* &lt;i&gt;c&lt;/i&gt; & d &amp;amp;"
    assert md_text("1. x") == r"1\. x" and md_text("- x") == r"\- x" and md_text("# x") == r"\# x"
    assert md_text(" one\ntwo ") == "one<br>two"
    assert md_cell("a | b") == r"a \| b"
    assert md_link("docs", "javascript:alert(1)") == "docs"
    assert md_link("docs", "https://x.example/a b") == "[docs](<https://x.example/a%20b>)"
    assert md_link("docs", "https://x.example/(a)") == "[docs](<https://x.example/(a)>)"


def test_long_journeys_leave_the_mermaid_block_out(tmp_path):
    import json

    from render_inputs import large_map_data

    path = tmp_path / "large.yaml"
    path.write_text(json.dumps(large_map_data(800, 8), indent=1), encoding="utf-8")
    text = render(path, "md")
    assert "```mermaid" not in text and "maxTextSize" in text
    assert text.count("| **Step ") == 800


# --- with a metrics snapshot: the measured funnel and reach as small tables ---------
@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    from measured_inputs import measured_project

    root = tmp_path_factory.mktemp("measured")
    return root, measured_project(root)


def _table_after(html: str, heading: str) -> list[list[str]]:
    """The cells of the first table after ``heading`` in the rendered page."""
    part = html.split(heading, 1)[1]
    table = part[part.index("<table>"):part.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.DOTALL)]
            for r in rows]


def test_the_measured_funnel_table_holds_the_snapshots_numbers(measured):
    from measured_inputs import render_measured

    from cjm.present.numbers import number, percent

    root, project = measured
    text = render_measured(root, "md")
    truth, steps = project["truth"], project["snapshot"]["results"]["steps"]
    rows = _table_after(to_html(text), "<h2>Measured</h2>")
    assert rows[0] == ["Step", "Reached", "Of entrants", "From previous", "Dropped off", "Median time", "p90 time"]
    assert [r[0] for r in rows[1:]] == ["1. Discover", "2. Consider", "3. Cart", "4. Checkout", "5. Purchase"]
    assert [r[1] for r in rows[1:]] == [number(n) for n in truth["reached"]]
    assert [r[2] for r in rows[1:]] == [percent(s["conversion"]) for s in steps]
    assert rows[1][4] == f"{number(steps[0]['dropoff'])} ({percent(steps[0]['dropoff_rate'])})"
    assert rows[-1][4] == "\u2013"
    after = to_html(text).split("<h2>Measured</h2>", 1)[1].split("</table>", 1)[1]
    reach = _table_after(after, "\n")
    touchpoints = project["snapshot"]["results"]["touchpoints"]
    names = {"browse": "Browses the catalogue", "product": "Reads a product page", "help": "Asks for help",
             "cart": "Fills the cart", "checkout": "Checks out", "purchase": "Pays"}
    assert reach[0] == ["Touchpoint", "Reach"]
    assert dict(reach[1:]) == {names[tp]: number(n) for tp, n in touchpoints.items()}
    assert f"{number(truth['users'])} entered the funnel" in text


def test_measured_names_are_escaped_and_stale_steps_named(measured):
    from measured_inputs import measured_model, measured_resolved

    from cjm.render import RenderOptions
    from cjm.render import markdown

    root, _project = measured
    model = measured_model(root)
    stages = [s for s in model.stages if s.id != "checkout"]
    stages[0] = stages[0].model_copy(update={"name": "a | <b>x</b> [y](z) @team"})
    text = markdown.render(measured_resolved(root, model.model_copy(update={"stages": stages})), RenderOptions())
    section = text.split("## Measured", 1)[1].split("## Stages", 1)[0]
    assert "<b>" not in section and "\\|" in section and "@\u200bteam" in section
    assert "this map does not have: checkout." in section
    assert "4\\. Checkout" not in section


def test_no_snapshot_no_measured_section():
    text = render(EXAMPLE_MAPS[0], "md")
    assert "## Measured" not in text
