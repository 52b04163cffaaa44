"""Text metrics (cjm.render.svg.metrics): widths from the bundled font's
advances (generous estimates for characters it lacks, 20 % more when the font
is not embedded), and wrapping that fits the width, breaks words longer than
a line, starts a line at every newline and ends with an ellipsis past the
last line allowed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjm.render import fonts
from cjm.render.svg import metrics
from cjm.render.svg.metrics import ELLIPSIS, LOOSE_MARGIN, Metrics


def advance(text: str, face: str = "regular") -> float:
    table, _ = fonts.advances(face)
    return sum(table[ord(c)] for c in text)


# --- widths --------------------------------------------------------------------------------
def test_text_width_classes():
    assert metrics.text_width("iiii", 12) < metrics.text_width("mmmm", 12)
    assert metrics.text_width("iiii", 12) < metrics.text_width("WWWW", 12)
    assert metrics.text_width("日本語", 12) > metrics.text_width("abc", 12)
    assert metrics.text_width("abc", 12, bold=True) > metrics.text_width("abc", 12)


def test_widths_are_the_bundled_fonts():
    from fontTools.ttLib import TTFont

    font = TTFont(str(fonts.font_dir() / fonts.FACES["bold"]))
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    expected = sum(hmtx[cmap[ord(ch)]][0] for ch in "Checkout") / upem * 12
    assert metrics.text_width("Checkout", 12, bold=True) == pytest.approx(expected)


@pytest.mark.parametrize("bold, italic, face", [(False, False, "regular"), (True, False, "bold"),
                                                (False, True, "italic"), (True, True, "bold")])
def test_each_face_is_measured_with_its_own_widths(bold, italic, face):
    assert Metrics().width("Journey map", 10, bold, italic) == pytest.approx(advance("Journey map", face) * 10)


def test_widths_add_up_and_scale_with_the_size():
    m = Metrics()
    space = fonts.advances("regular")[0][32] * 12
    assert m.width("ab cd", 12) == pytest.approx(m.width("ab", 12) + space + m.width("cd", 12))
    assert m.width("Checkout", 24) == pytest.approx(2 * m.width("Checkout", 12))
    assert m.width("", 12) == 0
    assert m.width("  ", 12) == pytest.approx(2 * space)


def test_letter_spacing_is_added_after_every_character():
    m = Metrics()
    assert m.width("HIGH", 10, spacing=0.05) == pytest.approx(m.width("HIGH", 10) + 4 * 0.05 * 10)


@pytest.mark.parametrize("char, em", [
    ("日", 1.0), ("한", 1.0), ("Ａ", 1.0),  # CJK and full-width forms
    ("🎉", 1.3), ("☂", 1.3),  # emoji and pictographs
    ("\ufe0f", 0.0), ("\ufe0e", 0.0),  # variation selectors (Noto Sans has the zero-width spaces)
    ("\u16a0", 0.8),  # anything else the font lacks (a rune)
])
def test_characters_the_font_lacks_are_estimated_generously(char, em):
    assert not fonts.has_glyph("regular", char)
    assert Metrics().width(char, 10) == pytest.approx(em * 10)


def test_combining_marks_the_font_has_are_measured_by_it():
    # Noto Sans has U+0301: its own (zero) advance counts, not an estimate
    assert fonts.has_glyph("regular", "\u0301")
    assert Metrics().width("e\u0301", 10) == pytest.approx(advance("e\u0301") * 10)


def test_without_the_embedded_font_text_is_measured_wider():
    assert LOOSE_MARGIN == 1.2
    assert Metrics(embedded=False).width("Checkout", 12) == pytest.approx(metrics.text_width("Checkout", 12) * 1.2)
    # ...and so wraps sooner
    text = "The quick brown fox jumps over the lazy dog " * 3
    assert len(Metrics(embedded=False).wrap(text, 172, 12)[0]) > len(Metrics().wrap(text, 172, 12)[0])


def test_a_metrics_caches_what_it_measured():
    m = Metrics()
    first = m.width("Checkout", 12)
    assert m.width("Checkout", 12) is first
    assert ("Checkout", 12, False, False, 0.0) in m._lines
    assert Metrics()._lines == {}  # nothing shared between renderings


# --- wrapping ---------------------------------------------------------------------------------
def test_wrap_fits_the_width():
    text = "The quick brown fox jumps over the lazy dog " * 6
    lines, cut = metrics.wrap(text, 172, 12)
    assert not cut and len(lines) > 3
    assert all(metrics.text_width(line, 12) <= 172 for line in lines)
    assert " ".join(lines) == text.strip()


def test_wrap_breaks_long_words_and_newlines():
    lines, _cut = metrics.wrap("https://example.com/" + "x" * 120 + "\nnext", 100, 12, max_lines=30)
    assert all(metrics.text_width(line, 12) <= 100 for line in lines)
    assert lines[-1] == "next"
    assert "".join(lines[:-1]) == "https://example.com/" + "x" * 120


def test_wrap_truncates_with_an_ellipsis():
    lines, cut = metrics.wrap("word " * 400, 172, 12, max_lines=5)
    assert cut and len(lines) == 5 and lines[-1].endswith(ELLIPSIS)
    assert metrics.text_width(lines[-1], 12) <= 172


def test_exactly_as_many_lines_as_allowed_is_not_cut():
    m = Metrics()
    lines, cut = m.wrap("one\ntwo\nthree", 500, 12, max_lines=3)
    assert (lines, cut) == (["one", "two", "three"], False)
    lines, cut = m.wrap("one\ntwo\nthree\nfour", 500, 12, max_lines=3)
    assert cut and lines == ["one", "two", "three" + ELLIPSIS]


@pytest.mark.parametrize("text, lines", [
    ("a\nb", ["a", "b"]), ("a\r\nb", ["a", "b"]), ("a\rb", ["a", "b"]),
    ("a\n\n\nb", ["a", "b"]),  # blank lines take no room on a card
    ("  a   b\t\tc  ", ["a b c"]),  # runs of white space collapse
    ("", []), ("   \n  ", []), (None, []), (42, ["42"]), (2.5, ["2.5"]),
    ("bell\x07 nul\x00 \ufffe!", ["bell nul !"]),  # what XML cannot hold is dropped
])
def test_wrap_lines(text, lines):
    assert Metrics().wrap(text, 500, 12) == (lines, False)


def test_wrap_hands_out_a_copy_of_its_cache():
    m = Metrics()
    lines, _ = m.wrap("a b c\nd", 500, 12)
    lines.append("mutated")
    assert m.wrap("a b c\nd", 500, 12) == (["a b c", "d"], False)


def test_bold_and_spaced_text_wrap_sooner():
    text = "Checkout fails on the delivery date " * 3
    m = Metrics()
    plain = m.wrap(text, 172, 12)[0]
    assert len(m.wrap(text, 172, 12, bold=True)[0]) >= len(plain)
    assert len(m.wrap(text, 172, 12, spacing=0.2)[0]) > len(plain)
    for line in m.wrap(text, 172, 12, bold=True, spacing=0.2)[0]:
        assert m.width(line, 12, True, spacing=0.2) <= 172


def test_ellipsize():
    m = Metrics()
    out = m.ellipsize("A fairly long line of text ", 60, 12)
    assert out.endswith(ELLIPSIS) and not out[:-1].endswith(" ")
    assert m.width(out, 12) <= 60
    assert m.ellipsize("Hi", 100, 12) == "Hi" + ELLIPSIS


@pytest.mark.parametrize("nbsp", ["\u00a0", "\u202f", "\u2007"])  # no-break, narrow no-break, figure space
def test_a_no_break_space_keeps_its_words_together(nbsp):
    m = Metrics()
    width = m.width("Total 10", 12) + 1  # room for "Total 10" but not "Total 10 EUR"
    lines, _ = m.wrap(f"Total 10{nbsp}EUR", width, 12)
    assert lines == ["Total", f"10{nbsp}EUR"]


@pytest.mark.parametrize("space", ["\t", "\u2003", "\u3000", "\u2009", "\x85"])  # em, ideographic, thin...
def test_other_unicode_spaces_still_break_and_collapse(space):
    assert Metrics().wrap(f"a{space}{space}b", 500, 12) == (["a b"], False)


words = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzWMil.,-/é日🎉"), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(text=st.lists(words, min_size=0, max_size=25).map(" ".join), width=st.floats(30, 400),
       size=st.sampled_from([9.5, 11, 12, 12.5, 24]), bold=st.booleans())
def test_any_text_fits_and_nothing_is_lost(text, width, size, bold):
    m = Metrics()
    lines, cut = m.wrap(text, width, size, bold, max_lines=1000)
    assert not cut
    for line in lines:
        # a line is never wider, but for one character wider than the line itself
        assert m.width(line, size, bold) <= width + 1e-9 or len(line) == 1, (line, width)
        assert line == line.strip() and "  " not in line
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=100, deadline=None)
@given(text=st.lists(words, min_size=1, max_size=60).map(" ".join), max_lines=st.integers(1, 4))
def test_any_cut_text_ends_with_an_ellipsis_that_fits(text, max_lines):
    m = Metrics()
    lines, cut = m.wrap(text, 120, 12, max_lines=max_lines)
    assert len(lines) <= max_lines
    if cut:
        assert len(lines) == max_lines and lines[-1].endswith(ELLIPSIS)
        assert m.width(lines[-1], 12) <= 120
    else:
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
