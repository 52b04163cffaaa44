"""The font cjm draws with: Noto Sans, bundled in ``cjm/fonts`` (SIL OFL 1.1,
see ``cjm/fonts/OFL.txt``).

Why a bundled font: an SVG cannot wrap text, so cjm measures every line
itself; measured with one font and shown with another, text runs out of its
card. With the font bundled, cjm measures with the real advance widths of the
glyphs it draws, and embeds a subset of the font (only the glyphs the picture
uses) in the SVG and the HTML page, so every browser, resvg (PNG) and
svg2pdf (PDF) draw the same glyphs at the same widths.

Everything heavy is lazy: fontTools is imported only to build a width table
or a subset that is not cached yet. Both are cached on disk under cjm's cache
folder (``CJM_NO_CACHE=1`` turns that off), keyed by the font file and, for
subsets, by the characters and the fontTools version; an in-process cache
holds what one run computed. A cache entry is checked before it is used (a
width table must have the shape cjm writes, a subset must be a whole WOFF
file whose tables match their checksums); a corrupt one is rebuilt. Subsets
are built without timestamps, kerning or ligatures, so the same text gives
the same bytes and every renderer advances exactly by the glyph widths cjm
measured.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import zlib
from functools import lru_cache
from pathlib import Path

FAMILY = "Noto Sans"
# The name the embedded subset goes by in CSS: its own name, so that it never
# shadows a Noto Sans installed on the reader's system (the subset lacks most
# glyphs) and the page's own text is not drawn with it.
EMBEDDED_FAMILY = "cjm-noto-sans"
# After the bundled font: for characters it does not have (CJK, emoji…) and
# when the font is left out (--no-embed-font).
FALLBACK_STACK = ('"Noto Sans", -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", '
                  'Arial, "Liberation Sans", "DejaVu Sans", sans-serif')
FACES = {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf", "italic": "NotoSans-Italic.ttf"}
# CSS of each face: (font-weight, font-style)
FACE_CSS = {"regular": ("400", "normal"), "bold": ("700", "normal"), "italic": ("400", "italic")}
LICENCE = "OFL.txt"
# Layout features kept in subsets: those that place combining marks. Kerning
# and ligatures are dropped so that a line is exactly as wide as the sum of
# its advances in every renderer.
KEEP_FEATURES = ["ccmp", "locl", "mark", "mkmk"]


def font_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "fonts"


def font_files() -> list[str]:
    return [str(font_dir() / name) for name in FACES.values()]


def face_of(bold: bool, italic: bool) -> str:
    # There is no bold italic face: bold wins (the map never uses both).
    return "bold" if bold else ("italic" if italic else "regular")


def _cache_file(*parts: str) -> str | None:
    from cjm.infra.cache import cache_dir

    folder = cache_dir("fonts")
    return None if folder is None else os.path.join(folder, *parts)


def _font_key(face: str) -> str:
    path = font_dir() / FACES[face]
    st = path.stat()
    return f"{FACES[face]}-{st.st_size}"


def _write_cache(path: str | None, data: bytes) -> None:
    if path is None:
        return
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written is only slower


def _is_width(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 100


def _read_widths(path: str) -> tuple[dict[int, float], float] | None:
    """The width table a cache file holds, or None when the file is unreadable
    or is not exactly the shape ``advances`` writes (a corrupt entry is
    rebuilt, never trusted: any JSON value may be found there)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON
        return None
    if not isinstance(data, dict):
        return None
    raw, notdef = data.get("widths"), data.get("notdef")
    if not isinstance(raw, dict) or not raw or not _is_width(notdef):
        return None
    widths: dict[int, float] = {}
    for key, value in raw.items():
        if not (key.isascii() and key.isdigit()) or not _is_width(value):
            return None
        widths[int(key)] = value
    return widths, notdef


@lru_cache(maxsize=None)
def advances(face: str) -> tuple[dict[int, float], float]:
    """(code point -> advance width in em, the font's .notdef width in em)."""
    cached = _cache_file(f"widths-{_font_key(face)}.json")
    if cached and os.path.exists(cached):
        table = _read_widths(cached)
        if table is not None:
            return table
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_dir() / FACES[face]), lazy=True)
    upem = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {cp: metrics[glyph][0] / upem for cp, glyph in font.getBestCmap().items()}
    notdef = metrics[".notdef"][0] / upem
    font.close()
    _write_cache(cached, json.dumps({"widths": {str(k): v for k, v in sorted(widths.items())},
                                     "notdef": notdef}).encode("utf-8"))
    return widths, notdef


def has_glyph(face: str, ch: str) -> bool:
    return ord(ch) in advances(face)[0]


@lru_cache(maxsize=1)
def _fonttools_version() -> str:
    # importlib.metadata scans sys.path (~10 ms): once per process, not once per subset.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fonttools")
    except PackageNotFoundError:  # pragma: no cover - a vendored copy
        return "unknown"


def _checksum(data: bytes) -> int:
    """The sfnt table checksum: the sum of the big-endian uint32 words, the
    last one padded with zeros."""
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}L", data)) & 0xFFFFFFFF


def _is_whole_woff(data: bytes) -> bool:
    """True when ``data`` is a complete WOFF 1.0 file whose every table is
    intact: the signature, the length the header records, each table inside
    the file, inflating to the length and the checksum its directory entry
    records. A cache file cut short, emptied or overwritten fails this (it is
    then rebuilt rather than embedded as the picture's font)."""
    header = struct.Struct(">4sLLHH")  # signature, flavor, length, numTables, reserved
    entry = struct.Struct(">4sLLLL")  # tag, offset, compLength, origLength, origChecksum
    if len(data) < 44 or data[:4] != b"wOFF":
        return False
    _, _, length, num_tables, reserved = header.unpack_from(data)
    if length != len(data) or reserved != 0 or num_tables == 0 or 44 + num_tables * entry.size > len(data):
        return False
    try:
        for i in range(num_tables):
            tag, offset, comp_length, orig_length, orig_checksum = entry.unpack_from(data, 44 + i * entry.size)
            if offset % 4 or offset + comp_length > len(data) or comp_length > orig_length:
                return False
            table = data[offset:offset + comp_length]
            if comp_length < orig_length:
                table = zlib.decompress(table)
            if len(table) != orig_length:
                return False
            if tag == b"head" and len(table) >= 12:
                table = table[:8] + b"\0\0\0\0" + table[12:]  # checkSumAdjustment is not in its own checksum
            if _checksum(table) != orig_checksum:
                return False
    except zlib.error:
        return False
    return True


@lru_cache(maxsize=64)
def subset_woff(face: str, chars: str) -> bytes:
    """A WOFF font holding only the glyphs of ``chars`` (plus .notdef)."""
    key = hashlib.sha256(f"{_font_key(face)}|{_fonttools_version()}|{chars}".encode("utf-8")).hexdigest()[:32]
    cached = _cache_file(f"subset-{face}-{key}.woff")
    if cached and os.path.exists(cached):
        try:
            with open(cached, "rb") as fh:
                data = fh.read()
        except OSError:
            pass
        else:
            if _is_whole_woff(data):
                return data
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = KEEP_FEATURES
    options.hinting = False  # smaller, and hinting is ignored at most sizes anyway
    options.drop_tables += ["DSIG"]
    options.name_IDs = ["*"]  # keep the copyright and licence records (OFL)
    options.notdef_outline = True
    options.flavor = "woff"
    # lazy: tables are read as the subsetter asks for them (the same bytes out, ~40 % sooner)
    font = TTFont(str(font_dir() / FACES[face]), recalcTimestamp=False, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff"
    font.save(out, reorderTables=True)
    data = out.getvalue()
    _write_cache(cached, data)
    return data


def embedded_family(used: dict[str, str]) -> str:
    """The CSS name of one picture's subset: its own, derived from the glyphs
    it holds, so that two pictures in one page (the map and its overview, two
    maps) never take each other's subset, and a browser never reuses a subset
    it loaded for another picture."""
    key = "|".join(f"{face}:{used.get(face, '')}" for face in FACES)
    return f"{EMBEDDED_FAMILY}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}"


def font_stack(embedded: bool, family: str = EMBEDDED_FAMILY) -> str:
    return f'"{family}", {FALLBACK_STACK}' if embedded else FALLBACK_STACK


def font_face_css(used: dict[str, str], family: str = EMBEDDED_FAMILY) -> str:
    """``@font-face`` rules with the subsets as data: URLs, one per face used."""
    rules = []
    for face in FACES:
        chars = used.get(face)
        if not chars:
            continue
        weight, style = FACE_CSS[face]
        data = base64.b64encode(subset_woff(face, chars)).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
                     f'src: url(data:font/woff;base64,{data}) format("woff"); }}')
    return "\n".join(rules)
