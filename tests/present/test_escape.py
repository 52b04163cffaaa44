"""One escaper per output context: Markdown, Mermaid, XML, the terminal, links.

Each is checked with generated text for what it must guarantee, whatever the
input: Markdown never carries live HTML, mentions, issue links or maths; the
terminal never receives a control character; a link is either refused or
safe to put in an attribute or a Markdown link.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.present.escape import md_cell, md_link, md_text, safe_url, terminal_text, xml_text

AWKWARD = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80) | st.sampled_from([
    "@sales-team", "see #123", "GH-42", "$5 and $6", "<script>alert(1)</script>", "&amp; &#60;", "**bold**",
    "[x](javascript:alert(1))", "| a | b |", "# heading", "- item", "1. item", "`code`", "~~strike~~",
    "line\nbreak", "\x1b[31mred\x1b[0m", "\u202etxt.exe", "a\u2028b", " lead and trail ",
])


@settings(max_examples=300, deadline=None)
@given(AWKWARD)
def test_markdown_text_is_inert(text):
    out = md_text(text)
    assert "\n" not in out and "\r" not in out
    assert "<" not in out.replace("<br>", "")  # no raw HTML, whatever the input
    # GitHub names are ASCII: @name is broken by a zero-width space
    assert not re.search(r"(?<![\\\w])@[A-Za-z0-9]", out, re.ASCII), out
    assert not re.search(r"(?<!\\)#\d", out), out  # #123 likewise
    assert not re.search(r"(?<!\\)\$", out), out  # no maths
    assert not re.search(r"(?<!\\)[`*_\[\]|~]", out), out  # no code, emphasis, links, tables, strikethrough
    assert md_cell(text) == out


def test_markdown_reads_as_written():
    assert md_text("Pay $5 to @sales-team, see #123") == "Pay \\$5 to @\u200bsales-team, see \\#\u200b123"
    assert md_text("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; & y"
    assert md_text("a\nb") == "a<br>b"
    assert md_text("- not a list") == "\\- not a list"


def test_markdown_links_only_for_allowed_schemes():
    assert md_link("Notes", "https://example.com/a(b)") == "[Notes](<https://example.com/a(b)>)"
    assert md_link("Evil", "javascript:alert(1)") == "Evil"
    assert md_link(None, "ftp://x") == "ftp://x"


@settings(max_examples=300, deadline=None)
@given(AWKWARD)
def test_terminal_text_has_no_control_character(text):
    out = terminal_text(text)
    assert not any(unicodedata.category(c) == "Cc" for c in out), repr(out)
    assert not any(c in out for c in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_terminal_text_shows_what_it_removes():
    assert terminal_text("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert terminal_text("key\n::error file=x::fake") == "key\\n::error file=x::fake"
    assert terminal_text("\u202eevil") == "\\u202eevil"
    assert terminal_text("plain text é ✓") == "plain text é ✓"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_safe_url_is_refused_or_safe_in_attributes_and_markdown(url):
    out = safe_url(url)
    if out is not None:
        assert out.lower().startswith(("http://", "https://", "mailto:"))
        assert not re.search(r'[\s"<>`\\\x00-\x1f\x7f]', out), out


@pytest.mark.parametrize("url,expected", [
    ("https://example.com/x", "https://example.com/x"),
    ('https://example.com/a"b', "https://example.com/a%22b"),
    ("https://example.com/<tag>", "https://example.com/%3Ctag%3E"),
    ("mailto:cx@example.com", "mailto:cx@example.com"),
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    ("java\x00script:alert(1)", None),
    ("data:text/html,x", None),
    ("", None),
])
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_xml_text_drops_what_xml_cannot_hold():
    assert xml_text("a\x00b\x07c\ufffed\uffffe") == "abcde"
    assert xml_text("tab\tand\nline") == "tab\tand\nline"
    assert xml_text(None) == ""
