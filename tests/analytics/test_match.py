"""Event patterns (cjm.analytics.match): exact names and globs, the one
translation of a glob into a regular expression, and the promise that a
pattern matches the same names in the reference (Python's `re`) as in DuckDB
(RE2). Spark (Java's regex) is checked on the same grid in test_engine_spark.py.

How `where:` conditions combine is the reference's `matches` (test_reference.py)."""

from __future__ import annotations

import re

import pytest

from cjm.analytics.errors import RequestError
from cjm.analytics.match import glob_to_regex, is_glob, text_matches

# Patterns and names that probe every corner of the translation: regex
# metacharacters that must stay literal, sets with `]`, `!`, `^` and `-`,
# unclosed sets, newlines, non-ASCII text.
PATTERNS = ["a*", "a?c", "*", "?", "[abc]x", "[!a]x", "[^a]x", "[]]x", "[!]]x", "[^]]x", "[!]", "[]", "a[", "x[]y]",
            "[a-c]z", "[!a-c]z", "[a-]", "[-a]", "[!-]", "a.b", "a+b", "(x)", "\\d", "a\\*", "a|b", "^a$", "a{2}",
            "$*", "[a\\]]", "*.*", "[*]", "[?]", "[[]", "[&&]", "[~]", "[.]", "é*", "*€", "[é]", "page_view",
            "*/checkout*", "a\nb", "a*\n"]
NAMES = ["", "a", "ax", "]x", "bx", "^x", "!x", "-", "abc", "a\nc", "a\nb", "a\n", "axb", "a.b", "aab", "a+b", "(x)",
         "\\d", "d", "a\\x", "a*", "a|b", "^a$", "aa", "a{2}", "$", "$$", "a]", "\\]", "*", "?", "[", "a[", "x]y",
         "xy", "&", "~", ".", "éé", "é", "x€", "bz", "az", "page_view", "page_views", "https://x/checkout/1",
         "[]", "[!]", "!"]


@pytest.mark.parametrize("text, glob", [("page_view", False), ("checkout_*", True), ("step?", True), ("[ab]", True),
                                        ("a.b+c(d)|e^$", False), ("", False), ("]", False)])
def test_is_glob(text, glob):
    assert is_glob(text) is glob


@pytest.mark.parametrize("glob, regex", [
    ("a*", "a.*"),
    ("a?c", "a.c"),
    ("[abc]", "[abc]"),
    ("[!a]", "[^a]"),
    ("[^a]", "[^a]"),
    ("[a-c]", "[a-c]"),
    ("[]]", "[\\]]"),
    ("[!]]", "[^\\]]"),  # `]` first after `!` is in the set too
    ("[!]", "\\[\\!\\]"),  # unclosed: literal
    ("a[", "a\\["),
    ("a.b+c", "a\\.b\\+c"),
    ("(x)|{y}", "\\(x\\)\\|\\{y\\}"),
    ("^a$", "\\^a\\$"),
    ("\\d", "\\\\d"),
    ("[a\\]", "[a\\\\]"),
    ("[&&~^]", "[\\&\\&\\~\\^]"),
    ("é_1", "é_1"),  # letters, digits and _ are never escaped: `\\é` or `\\1` mean other things in each dialect
])
def test_the_translation(glob, regex):
    assert glob_to_regex(glob) == regex


def test_exact_names_compare_as_text():
    assert text_matches("page_view", "page_view")
    assert not text_matches("page_view", "page_views") and not text_matches("page_view", "Page_view")
    assert text_matches("a.b", "a.b") and not text_matches("a.b", "axb")  # no regex without glob characters
    assert not text_matches("page_view", None) and not text_matches("*", None)  # a missing value matches nothing
    assert text_matches("", "") and not text_matches("", "a")


def test_globs_match_the_whole_text():
    assert text_matches("checkout_*", "checkout_step_1") and text_matches("checkout_*", "checkout_")
    assert not text_matches("checkout_*", "begin_checkout_1")
    assert text_matches("*/checkout*", "https://shop.example/checkout?x=1")
    assert text_matches("step?", "step2") and not text_matches("step?", "step") and not text_matches("step?", "step10")
    assert text_matches("[!a]x", "bx") and not text_matches("[!a]x", "ax")
    # `.` spans line breaks: a glob matches a value with a newline like any other character.
    assert text_matches("a*", "a\nb") and text_matches("a?b", "a\nb")
    assert not text_matches("a*", "b\na")  # and nothing lets a match start after a line break


@pytest.mark.parametrize("pattern", ["[z-a]", "x[!9-0]", "[a-cz-x]"])
def test_a_range_that_runs_backwards_is_a_request_error(pattern):
    with pytest.raises(RequestError) as err:
        glob_to_regex(pattern)
    assert "runs backwards" in err.value.message and err.value.exit_code == 2
    with pytest.raises(RequestError):
        text_matches(pattern, "a")


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_translation_is_a_valid_python_regex(pattern):
    re.compile(glob_to_regex(pattern), re.DOTALL)


def test_duckdb_matches_what_the_reference_matches():
    """The grid of hostile patterns and names, in one query: RE2 (DuckDB's
    regexp_full_match, as the DuckDB dialect writes it) gives Python's answer."""
    import duckdb

    from cjm.analytics.dialect import DIALECTS

    d = DIALECTS["duckdb"]
    globs = [p for p in PATTERNS if is_glob(p)]
    tests = ", ".join(f"{d.regex('n', glob_to_regex(p))} AS m{i}" for i, p in enumerate(globs))
    con = duckdb.connect()
    try:
        rows = con.execute(f"SELECT n, {tests} FROM (SELECT unnest(?) AS n)", [NAMES]).fetchall()
    finally:
        con.close()
    wrong = [(p, n, got) for n, *hits in rows for p, got in zip(globs, hits) if got != text_matches(p, n)]
    assert not wrong, wrong
    assert sum(hit for _n, *hits in rows for hit in hits) > 40  # the grid does match things
