"""Text metrics: how wide a line of text is, and wrapping text to a width.

An SVG cannot wrap text by itself, so cjm measures it. The widths here are
Helvetica's (from its AFM), with a safety margin for wider fonts.
"""

from __future__ import annotations

from functools import lru_cache

from cjm.present.escape import xml_text as clean

# A system font stack: the output must be self-contained (no web fonts).
# Arial/Helvetica/Liberation Sans share metrics; the others are close to them
# and the width estimate below keeps a margin for the wider ones.
FONT_STACK = ('-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
              '"Liberation Sans", "Noto Sans", sans-serif')

# Arial/Helvetica advance widths (1/1000 em) for printable ASCII, from the
# Helvetica AFM; other characters fall into classes in ``_char_width``.
_ASCII_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # space ! " # $ % & ' ( ) * + , - . /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0-9 : ; < = > ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @ A-O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P-Z [ \ ] ^ _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # ` a-o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  # p-z { | } ~
)
# The same for Helvetica-Bold: bold is not a constant factor wider (i, l, t
# and r widen far more than m or w).
_ASCII_BOLD_WIDTHS = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)
# Segoe UI, San Francisco and DejaVu (Linux's usual fallback) run wider than
# Arial: estimate on the generous side so that text never overflows a card.
_SAFETY = 1.06
_BOLD = 1.1  # for characters outside the tables


def _char_width(ch: str, bold: bool = False) -> float:
    """Width of one character in em."""
    code = ord(ch)
    if 32 <= code < 127:
        return (_ASCII_BOLD_WIDTHS if bold else _ASCII_WIDTHS)[code - 32] / 1000
    factor = _BOLD if bold else 1.0
    if 0x300 <= code < 0x370 or 0x200B <= code <= 0x200F:  # combining marks, zero-width
        return 0.0
    if (0x1100 <= code <= 0x115F or 0x2E80 <= code <= 0xA4CF or 0xAC00 <= code <= 0xD7A3
            or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFF60
            or 0xFFE0 <= code <= 0xFFE6):
        return 1.0 * factor  # CJK and full-width forms
    if code >= 0x1F000:
        return 1.25 * factor  # emoji and pictographs
    if 0x2190 <= code <= 0x2BFF:
        return 0.85 * factor  # arrows, symbols
    if ch.isupper():
        return 0.72 * factor
    return 0.6 * factor


@lru_cache(maxsize=65536)
def _word_em(word: str, bold: bool = False) -> float:
    return sum(_char_width(c, bold) for c in word)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated rendered width of ``text`` in px at font ``size``."""
    em = sum(_word_em(w, bold) for w in text.split(" ")) + 0.278 * text.count(" ")
    return em * size * _SAFETY


ELLIPSIS = "\u2026"


def _break_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word wider than the line, cut into pieces that fit."""
    pieces, cur = [], ""
    for ch in word:
        if cur and text_width(cur + ch, size, bold) > width:
            pieces.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        pieces.append(cur)
    return pieces


def _ellipsize(line: str, width: float, size: float, bold: bool) -> str:
    line = line.rstrip()
    while line and text_width(line + ELLIPSIS, size, bold) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def wrap(text: object, width: float, size: float, bold: bool = False, max_lines: int = 10) -> tuple[list[str], bool]:
    """Lines of ``text`` that each fit ``width`` px, and whether it was cut.

    Newlines in the text start new lines; runs of spaces collapse (SVG shows
    them collapsed anyway). Past ``max_lines`` the last line ends with an
    ellipsis.
    """
    lines, cut = _wrap(clean(text), width, size, bold, max_lines)
    return list(lines), cut


@lru_cache(maxsize=4096)  # channel names, feelings, repeated labels: wrapped once
def _wrap(s: str, width: float, size: float, bold: bool, max_lines: int) -> tuple[tuple[str, ...], bool]:
    space = 0.278 * size * _SAFETY
    lines: list[str] = []
    for para in s.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        cur, cur_w = "", 0.0
        for word in para.split():
            w = text_width(word, size, bold)
            if cur and cur_w + space + w <= width:
                cur, cur_w = f"{cur} {word}", cur_w + space + w
                continue
            if cur:
                lines.append(cur)
            if w > width:
                *full, cur = _break_word(word, width, size, bold)
                lines.extend(full)
                cur_w = text_width(cur, size, bold)
            else:
                cur, cur_w = word, w
        if cur:
            lines.append(cur)
        if len(lines) > max_lines:
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _ellipsize(lines[-1], width, size, bold)
        return tuple(lines), True
    return tuple(lines), False


