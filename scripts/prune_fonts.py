"""Make cjm's bundled fonts from the upstream Noto Sans files.

    python scripts/prune_fonts.py UPSTREAM_DIR src/cjm/fonts

UPSTREAM_DIR holds NotoSans-Regular.ttf, NotoSans-Bold.ttf and NotoSans-Italic.ttf as
released by Google (version 2.004, https://github.com/notofonts/latin-greek-cyrillic). Every
character and every advance width is kept; what goes is what cjm never uses: the kerning and
the other OpenType layout features besides those that place combining marks
(``cjm.render.fonts.KEEP_FEATURES``), and the glyphs only those features reach (alternates,
small capitals). cjm lays text out with the advance widths alone and tells every renderer
not to kern, so the pictures do not change; what changes is the cost of each embedded subset:
fontTools no longer decompiles ~60 KB of kerning pairs for every picture (about half of a
subset's time, which a site of 1,000 maps pays ~430 times on a machine that never ran cjm).

The SIL Open Font License allows modified versions; Noto Sans has no Reserved Font Name.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from fontTools import subset  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402

from cjm.render.fonts import FACES, KEEP_FEATURES  # noqa: E402


def prune(source: Path, target: Path) -> None:
    options = subset.Options()
    options.layout_features = KEEP_FEATURES
    options.layout_scripts = ["*"]
    options.hinting = True
    options.glyph_names = True
    options.legacy_kern = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_glyph = True
    options.notdef_outline = True
    options.drop_tables = []
    options.recalc_timestamp = False
    font = TTFont(str(source), recalcTimestamp=False)
    before = {code: font["hmtx"][glyph][0] for code, glyph in font.getBestCmap().items()}
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=before.keys())
    subsetter.subset(font)
    after = {code: font["hmtx"][glyph][0] for code, glyph in font.getBestCmap().items()}
    if after != before:
        raise SystemExit(f"{source.name}: the characters or their advance widths changed")
    font.save(str(target), reorderTables=True)


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    upstream, out = Path(sys.argv[1]), Path(sys.argv[2])
    for name in FACES.values():
        prune(upstream / name, out / name)
        print(f"{name}: {(upstream / name).stat().st_size:,} -> {(out / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
