"""The bundled font (cjm.render.fonts): real glyph widths read from the font
files, subsets that hold exactly the glyphs a picture draws and are the same
bytes on every run, a CSS name per glyph set, and the disk cache of both
(kept, reused, rebuilt when corrupt, optional)."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys

import pytest

from cjm.render import fonts

TEXT = "Checkout fails: café, 12 € — ﬁne"
CHARS = "".join(sorted(set(TEXT)))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache folder of this test's own, and empty in-process caches before
    and after (a test that leaves a bad value in them would hand it to others)."""
    monkeypatch.setenv("CJM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CJM_NO_CACHE", raising=False)
    fonts.advances.cache_clear()
    fonts.subset_woff.cache_clear()
    yield tmp_path / "cache" / "fonts"
    fonts.advances.cache_clear()
    fonts.subset_woff.cache_clear()


def open_font(data: bytes):
    from fontTools.ttLib import TTFont

    return TTFont(io.BytesIO(data))


def substitutes(font) -> set[str]:
    """Every glyph the font's GSUB lookups can put in place of others."""
    out: set[str] = set()
    if "GSUB" not in font or not font["GSUB"].table.LookupList:
        return out
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            sub = getattr(sub, "ExtSubTable", sub)
            if hasattr(sub, "mapping"):  # single substitution
                out.update(sub.mapping.values())
            if hasattr(sub, "alternates"):
                out.update(g for alts in sub.alternates.values() for g in alts)
            if hasattr(sub, "ligatures"):
                out.update(lig.LigGlyph for ligs in sub.ligatures.values() for lig in ligs)
    return out


def closure(font, glyphs: set[str]) -> set[str]:
    """``glyphs`` with their substitutes and composite parts, transitively."""
    glyf = font["glyf"]
    extra = substitutes(font)
    done: set[str] = set()
    todo = set(glyphs) | extra
    while todo:
        g = todo.pop()
        if g in done:
            continue
        done.add(g)
        if glyf[g].isComposite():
            todo.update(c.glyphName for c in glyf[g].components)
    return done


def hmtx_width(face: str, ch: str) -> float:
    """The advance of ``ch`` read straight from the font file (the oracle)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(fonts.font_dir() / fonts.FACES[face]))
    glyph = font.getBestCmap()[ord(ch)]
    return font["hmtx"][glyph][0] / font["head"].unitsPerEm


# --- the files ---------------------------------------------------------------------
def test_the_bundled_faces_and_their_licence_are_there():
    assert set(fonts.FACES) == set(fonts.FACE_CSS) == {"regular", "bold", "italic"}
    files = fonts.font_files()
    assert len(files) == 3 and all(os.path.isfile(f) for f in files)
    assert (fonts.font_dir() / fonts.LICENCE).is_file()
    assert "SIL OPEN FONT LICENSE" in (fonts.font_dir() / fonts.LICENCE).read_text(encoding="utf-8").upper()


@pytest.mark.parametrize("face", list(fonts.FACES))
def test_the_bundled_faces_carry_only_the_layout_features_cjm_keeps(face):
    """scripts/prune_fonts.py took the kerning out of the upstream files: every subset (one per
    picture) then skips decompiling it, about half of a subset's time. The upstream files
    dropped in again would pass every other test and only be slower."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(fonts.font_dir() / fonts.FACES[face]), lazy=True)
    assert "kern" not in font
    for table in ("GSUB", "GPOS"):
        tags = {r.FeatureTag for r in font[table].table.FeatureList.FeatureRecord}
        assert tags <= set(fonts.KEEP_FEATURES), (table, tags)
    assert len(font.getBestCmap()) > 2800  # every character stayed (Latin, Greek, Cyrillic)


@pytest.mark.parametrize("bold, italic, face", [
    (False, False, "regular"), (True, False, "bold"), (False, True, "italic"), (True, True, "bold"),
])
def test_face_of(bold, italic, face):
    assert fonts.face_of(bold, italic) == face


def test_font_stack_names_the_subset_first_only_when_embedded():
    assert fonts.font_stack(True).startswith(f'"{fonts.EMBEDDED_FAMILY}", "Noto Sans"')
    assert fonts.font_stack(True, "cjm-noto-sans-abc").startswith('"cjm-noto-sans-abc", ')
    assert fonts.font_stack(False) == fonts.FALLBACK_STACK
    assert fonts.EMBEDDED_FAMILY not in fonts.font_stack(False)
    assert fonts.FALLBACK_STACK.endswith("sans-serif")


# --- metrics -------------------------------------------------------------------------
@pytest.mark.parametrize("face", list(fonts.FACES))
def test_advances_are_the_fonts_own(face, cache):
    table, notdef = fonts.advances(face)
    for ch in "AaWi1 €é":
        assert table[ord(ch)] == pytest.approx(hmtx_width(face, ch)), ch
    assert 0 < notdef < 2
    assert len(table) > 500  # Latin, Greek, Cyrillic…


def test_bold_is_wider_than_regular():
    regular, _ = fonts.advances("regular")
    bold, _ = fonts.advances("bold")
    assert sum(bold[ord(c)] for c in TEXT if ord(c) in bold) > sum(regular[ord(c)] for c in TEXT if ord(c) in regular)
    assert bold[ord("a")] > regular[ord("a")]
    assert fonts.advances("italic")[0] != regular


def test_unknown_glyphs_are_known_to_be_missing():
    assert fonts.has_glyph("regular", "a") and fonts.has_glyph("bold", "€")
    for ch in ("日", "🎉", "\U0010fffd"):
        assert not fonts.has_glyph("regular", ch)
        assert ord(ch) not in fonts.advances("regular")[0]


def test_the_subset_has_no_kerning_or_ligatures():
    """So a line is as wide as the sum of its advances in every renderer: the
    widths cjm adds up are the widths drawn."""
    font = open_font(fonts.subset_woff("regular", "".join(sorted(set("AVATAR Wave fi ffl Té")))))
    assert "kern" not in font
    for table in ("GSUB", "GPOS"):
        if table in font and font[table].table.FeatureList:
            tags = {r.FeatureTag for r in font[table].table.FeatureList.FeatureRecord}
            assert not tags & {"kern", "liga", "clig", "dlig", "calt"}, (table, tags)
            assert tags <= set(fonts.KEEP_FEATURES), tags


# --- subsets ---------------------------------------------------------------------------
@pytest.mark.parametrize("face", list(fonts.FACES))
def test_the_subset_holds_exactly_the_glyphs_used(face, cache):
    data = fonts.subset_woff(face, CHARS + "日")
    assert data[:4] == b"wOFF"
    font = open_font(data)
    cmap = font.getBestCmap()
    assert set(cmap) == {ord(c) for c in CHARS}  # 日 is not in the font: left out, no error
    # its glyphs: those characters', what the kept features (locl, ccmp…) put
    # in their place, and the parts composite glyphs are built of
    wanted = closure(font, {".notdef"} | set(cmap.values()))
    assert set(font.getGlyphOrder()) == wanted
    assert len(wanted) <= 2 * len(CHARS)
    # the copyright and licence records stay (SIL OFL 1.1)
    names = {n.nameID for n in font["name"].names}
    assert {0, 13} <= names


def test_a_subset_of_nothing_is_only_notdef(cache):
    font = open_font(fonts.subset_woff("regular", ""))
    assert font.getGlyphOrder() == [".notdef"]


def test_the_subset_is_the_same_bytes_every_time(cache, monkeypatch):
    monkeypatch.setenv("CJM_NO_CACHE", "1")
    first = fonts.subset_woff("bold", CHARS)
    fonts.subset_woff.cache_clear()
    assert fonts.subset_woff("bold", CHARS) == first
    # another process, another hash seed: no timestamp, no set order leaks in
    code = ("import hashlib, sys; from cjm.render import fonts; "
            f"sys.stdout.write(hashlib.sha256(fonts.subset_woff('bold', {CHARS!r})).hexdigest())")
    env = {**os.environ, "CJM_NO_CACHE": "1", "PYTHONHASHSEED": "12345"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    import hashlib

    assert proc.stdout == hashlib.sha256(first).hexdigest()


def test_different_characters_give_different_subsets(cache):
    assert fonts.subset_woff("regular", "ab") != fonts.subset_woff("regular", "abc")
    assert fonts.subset_woff("regular", "ab") != fonts.subset_woff("bold", "ab")


# --- the CSS of a picture's subset ----------------------------------------------------------
def test_embedded_family_names_each_glyph_set():
    a = fonts.embedded_family({"regular": "ab", "bold": "x"})
    assert re.fullmatch(r"cjm-noto-sans-[0-9a-f]{12}", a)
    assert fonts.embedded_family({"bold": "x", "regular": "ab"}) == a  # the order of the dict does not matter
    others = [fonts.embedded_family(u) for u in (
        {"regular": "abc", "bold": "x"},  # one more glyph
        {"regular": "ab"},  # one face less
        {"regular": "x", "bold": "ab"},  # the same glyphs in other faces
        {"italic": "ab", "bold": "x"},
        {},
    )]
    assert len({a, *others}) == 6
    assert fonts.embedded_family({}) == fonts.embedded_family({"regular": "", "bold": "", "italic": ""})


def test_font_face_css_has_one_rule_per_face_used(cache):
    css = fonts.font_face_css({"regular": "ab", "bold": "", "italic": "c"}, "fam")
    rules = css.splitlines()
    assert len(rules) == 2
    assert rules[0].startswith('@font-face { font-family: "fam"; font-weight: 400; font-style: normal;')
    assert rules[1].startswith('@font-face { font-family: "fam"; font-weight: 400; font-style: italic;')
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\) format\(\"woff\"\)", rules[0]).group(1)
    assert base64.b64decode(data) == fonts.subset_woff("regular", "ab")
    assert fonts.font_face_css({}) == ""
    assert 'font-family: "cjm-noto-sans"' in fonts.font_face_css({"bold": "x"})


# --- the disk cache ---------------------------------------------------------------------
def _forbid_fonttools(monkeypatch):
    """Building a width table or a subset now fails: only the cache can answer."""
    import fontTools.subset
    import fontTools.ttLib

    def refuse(*_a, **_k):
        raise AssertionError("fontTools was used: the cache was not")

    monkeypatch.setattr(fontTools.ttLib, "TTFont", refuse)
    monkeypatch.setattr(fontTools.subset, "Subsetter", refuse)


def test_widths_and_subsets_are_cached_on_disk_and_read_back(cache, monkeypatch):
    widths = fonts.advances("regular")
    subset = fonts.subset_woff("regular", CHARS)
    names = sorted(p.name for p in cache.iterdir())
    assert len(names) == 2
    assert names[0].startswith("subset-regular-") and names[0].endswith(".woff")
    assert names[1].startswith("widths-NotoSans-Regular.ttf-") and names[1].endswith(".json")
    assert (cache / names[0]).read_bytes() == subset
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]  # written through a temporary file
    fonts.advances.cache_clear()
    fonts.subset_woff.cache_clear()
    _forbid_fonttools(monkeypatch)
    assert fonts.advances("regular") == widths
    assert fonts.subset_woff("regular", CHARS) == subset


def test_subsets_of_other_characters_or_faces_are_other_entries(cache):
    fonts.subset_woff("regular", "ab")
    fonts.subset_woff("regular", "abc")
    fonts.subset_woff("bold", "ab")
    assert len([p for p in cache.iterdir() if p.name.startswith("subset-")]) == 3


def test_no_cache_writes_nothing(cache, monkeypatch):
    monkeypatch.setenv("CJM_NO_CACHE", "1")
    fonts.advances("bold")
    fonts.subset_woff("bold", "xyz")
    assert not cache.exists()


def test_an_unwritable_cache_is_only_slower(tmp_path, monkeypatch, cache):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CJM_CACHE_DIR", str(blocker))
    assert fonts.advances("italic")[0][ord("a")] == pytest.approx(hmtx_width("italic", "a"))
    assert open_font(fonts.subset_woff("italic", "ab")).getBestCmap().keys() == {ord("a"), ord("b")}


BROKEN_WIDTHS = [
    pytest.param(b"", id="empty"),
    pytest.param(b'{"widths": {"97": 0.5', id="truncated"),
    pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
    pytest.param(b'{"widths": {"a": 1}, "notdef": 0.6}', id="bad-key"),
    pytest.param(b'{"notdef": 0.6}', id="no-widths"),
    pytest.param(b"[]", id="a-list"),
    pytest.param(b"null", id="null"),
    pytest.param(b'{"widths": [], "notdef": 0.6}', id="widths-a-list"),
    pytest.param(b'{"widths": {"97": "wide"}, "notdef": 0.6}', id="width-a-string"),
    pytest.param(b'{"widths": {"97": 0.5}, "notdef": null}', id="notdef-null"),
]


@pytest.mark.parametrize("content", BROKEN_WIDTHS)
def test_a_corrupt_width_cache_is_rebuilt(cache, content):
    fresh = fonts.advances("regular")
    (entry,) = cache.glob("widths-*.json")
    entry.write_bytes(content)
    fonts.advances.cache_clear()
    assert fonts.advances("regular") == fresh
    assert json.loads(entry.read_text(encoding="utf-8"))["notdef"] == fresh[1]  # and written again, whole


BROKEN_SUBSETS = [
    pytest.param(b"", id="empty"),
    pytest.param(b"garbage", id="garbage"),
    pytest.param("half", id="truncated"),
    pytest.param("flipped", id="one-byte-changed"),
]


@pytest.mark.parametrize("content", BROKEN_SUBSETS)
def test_a_corrupt_subset_cache_is_rebuilt(cache, content):
    fresh = fonts.subset_woff("regular", CHARS)
    (entry,) = cache.glob("subset-*.woff")
    if content == "half":
        content = fresh[: len(fresh) // 2]
    elif content == "flipped":  # same length, same header: only a table's checksum tells
        import struct

        count = struct.unpack_from(">H", fresh, 12)[0]
        tables = [struct.unpack_from(">4sLLLL", fresh, 44 + 20 * i) for i in range(count)]
        _, offset, length, _, _ = max(tables, key=lambda t: t[2])  # inside the largest table, not in padding
        middle = offset + length // 2
        content = fresh[:middle] + bytes([fresh[middle] ^ 0xFF]) + fresh[middle + 1:]
    entry.write_bytes(content)
    fonts.subset_woff.cache_clear()
    assert fonts.subset_woff("regular", CHARS) == fresh
