"""Text metrics: how wide a line of text is, and wrapping text to a width.

An SVG cannot wrap text by itself, so cjm measures it, with the advance
widths of the bundled font (``cjm.render.fonts``: Noto Sans, read through
fontTools). The font is embedded in the picture, so the widths measured here
are the widths drawn. Characters the font lacks (CJK, emoji…) are drawn by a
fallback font and estimated on the generous side.

With the font left out (``--no-embed-font``) the reader's fonts draw the
text; widths then get ``LOOSE_MARGIN``: DejaVu Sans, the widest common
fallback, runs 8-15 % wider than Noto Sans on ordinary text.

A ``Metrics`` holds the caches of one rendering; nothing is process-global
but the font tables themselves.
"""

from __future__ import annotations

import re

from cjm.present.escape import xml_text as clean
from cjm.render import fonts

ELLIPSIS = "\u2026"
LOOSE_MARGIN = 1.2
# Where a line may break: any run of white space but the no-break spaces
# (U+00A0 no-break space, U+2007 figure space, U+202F narrow no-break space),
# which hold their words together ("10\u00a0EUR") and stay in the text.
BREAKABLE_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def _estimate(code: int) -> float:
    """Width in em of a character the bundled font does not have."""
    if 0x300 <= code < 0x370 or 0x200B <= code <= 0x200F or 0xFE00 <= code <= 0xFE0F or code in (0x2060, 0xFEFF):
        return 0.0  # combining marks, zero-width characters, variation selectors
    if (0x1100 <= code <= 0x115F or 0x2E80 <= code <= 0xA4CF or 0xAC00 <= code <= 0xD7A3
            or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFF60
            or 0xFFE0 <= code <= 0xFFE6 or 0x20000 <= code <= 0x3FFFF):
        return 1.0  # CJK and full-width forms
    if code >= 0x1F000 or 0x2600 <= code <= 0x27BF:
        return 1.3  # emoji and pictographs
    return 0.8


class Metrics:
    """Widths and wrapping for one rendering (``margin`` 1 when the font is embedded)."""

    def __init__(self, embedded: bool = True) -> None:
        self.margin = 1.0 if embedded else LOOSE_MARGIN
        self._words: dict[tuple[str, str], float] = {}
        self._wrapped: dict[tuple, tuple[tuple[str, ...], bool]] = {}
        self._space: dict[str, float] = {}
        self._lines: dict[tuple, float] = {}

    # -- widths -----------------------------------------------------------------
    def _word_em(self, word: str, face: str) -> float:
        key = (word, face)
        got = self._words.get(key)
        if got is None:
            table, _notdef = fonts.advances(face)
            got = 0.0
            for ch in word:
                w = table.get(ord(ch))
                got += _estimate(ord(ch)) if w is None else w
            self._words[key] = got
        return got

    def _space_em(self, face: str) -> float:
        got = self._space.get(face)
        if got is None:
            got = self._space[face] = fonts.advances(face)[0].get(32, 0.26)
        return got

    def width(self, text: str, size: float, bold: bool = False, italic: bool = False, spacing: float = 0.0) -> float:
        """Rendered width of one line of ``text`` in px at font ``size``;
        ``spacing`` is CSS letter-spacing in em (added after every character)."""
        key = (text, size, bold, italic, spacing)
        got = self._lines.get(key)
        if got is not None:
            return got
        face = fonts.face_of(bold, italic)
        words = text.split(" ")
        em = sum(self._word_em(w, face) for w in words) + self._space_em(face) * (len(words) - 1)
        if spacing:
            em += spacing * len(text)
        got = self._lines[key] = em * size * self.margin
        return got

    # -- wrapping ---------------------------------------------------------------
    def wrap(self, text: object, width: float, size: float, bold: bool = False, max_lines: int = 10,
             italic: bool = False, spacing: float = 0.0) -> tuple[list[str], bool]:
        """Lines of ``text`` that each fit ``width`` px, and whether it was cut.

        Newlines in the text start new lines; runs of white space collapse
        (SVG shows them collapsed anyway) and are where lines break, but for
        no-break spaces, which are kept and never broken at. Past ``max_lines`` the last line
        ends with an ellipsis."""
        s = clean(text)
        key = (s, width, size, bold, italic, max_lines, spacing)
        got = self._wrapped.get(key)
        if got is None:
            got = self._wrapped[key] = self._wrap(s, width, size, bold, italic, max_lines, spacing)
        return list(got[0]), got[1]

    def _break_word(self, word: str, width: float, size: float, bold: bool, italic: bool,
                    spacing: float = 0.0) -> list[str]:
        """A word wider than the line, cut into pieces that fit."""
        pieces, cur, cur_w = [], "", 0.0
        for ch in word:
            w = self.width(ch, size, bold, italic, spacing)
            if cur and cur_w + w > width:
                pieces.append(cur)
                cur, cur_w = ch, w
            else:
                cur, cur_w = cur + ch, cur_w + w
        if cur:
            pieces.append(cur)
        return pieces

    def ellipsize(self, line: str, width: float, size: float, bold: bool = False, italic: bool = False,
                  spacing: float = 0.0) -> str:
        line = line.rstrip()
        while line and self.width(line + ELLIPSIS, size, bold, italic, spacing) > width:
            line = line[:-1].rstrip()
        return line + ELLIPSIS

    def _wrap(self, s: str, width: float, size: float, bold: bool, italic: bool,
              max_lines: int, spacing: float = 0.0) -> tuple[tuple[str, ...], bool]:
        space = (self._space_em(fonts.face_of(bold, italic)) + spacing) * size * self.margin
        lines: list[str] = []
        for para in s.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            cur, cur_w = "", 0.0
            for word in BREAKABLE_SPACE.split(para):
                if not word:
                    continue  # white space at either end of the paragraph
                w = self.width(word, size, bold, italic, spacing)
                if cur and cur_w + space + w <= width:
                    cur, cur_w = f"{cur} {word}", cur_w + space + w
                    continue
                if cur:
                    lines.append(cur)
                if w > width:
                    *full, cur = self._break_word(word, width, size, bold, italic, spacing)
                    lines.extend(full)
                    cur_w = self.width(cur, size, bold, italic, spacing)
                else:
                    cur, cur_w = word, w
            if cur:
                lines.append(cur)
            if len(lines) > max_lines:
                break
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.ellipsize(lines[-1], width, size, bold, italic, spacing)
            return tuple(lines), True
        return tuple(lines), False


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """The width of ``text`` with the embedded font (a fresh cache each call: for tests and one-offs)."""
    return Metrics().width(text, size, bold, italic)


def wrap(text: object, width: float, size: float, bold: bool = False, max_lines: int = 10,
         italic: bool = False) -> tuple[list[str], bool]:
    return Metrics().wrap(text, width, size, bold, max_lines, italic)
