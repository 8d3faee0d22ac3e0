"""Prepare the vendored fonts: common characters' glyphs first, so PDF subsets stay small.

    .venv/bin/python tools/prepare_fonts.py [--check]

WeasyPrint subsets embedded fonts keeping glyph IDs (HarfBuzz ``RETAIN_GIDS``) and drops
only the glyphs after the last one used: a font whose space sits at glyph 1682 (Inter)
embeds 1,700 glyph slots for a slide of plain text, about 14 KB per face in every PDF.
This script reorders the glyphs of the fonts whose licence allows it (OFL without a
Reserved Font Name) so that ASCII, Latin-1, common punctuation and arrows
come first, then every other mapped character by code point, then the unmapped glyphs
(ligatures, alternates) in their original order. Outlines, metrics, kerning and
OpenType features are unchanged (fontTools rewrites every table's glyph references), so
text sets exactly as before. Lato (Reserved Font Name "Lato") and TeX Gyre Pagella (the
GUST licence asks for a new name) are left as shipped, and so is Open Sans (its `kern`
table overflows its own length field; fontTools would rewrite it, HarfBuzz reads it as is).

Idempotent and deterministic: running it again changes no byte. `--check` exits 1 when a
font is not prepared (for CI).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

FONTS = Path(__file__).resolve().parents[1] / "themes" / "fonts"

# Folders whose licence allows modified versions under the same name.
PREPARED = ("inter", "jetbrains-mono", "league-spartan", "noto-serif", "noto-sans-arabic", "noto-sans-hebrew")

# Characters of ordinary posts, in the order their glyphs should come.
PRIORITY = (
    list(range(0x20, 0x7F))  # ASCII
    + list(range(0xA0, 0x100))  # Latin-1: nbsp (our no-widow ties), accents, ©, «»
    + list(range(0x2010, 0x2028))
    + list(range(0x2030, 0x203B))  # dashes, quotes, bullets, ellipsis, ‰, ‹›
    + [0x2190, 0x2191, 0x2192, 0x2193, 0x20AC, 0x2122]  # arrows (swipe hint), €, ™
    + list(range(0x100, 0x250))  # Latin Extended-A and -B
)


def glyph_order(font: TTFont) -> list[str]:
    """.notdef, then the PRIORITY characters' glyphs, the other mapped ones, the rest."""
    original = font.getGlyphOrder()
    cmap = font.getBestCmap() or {}
    order = [original[0]]
    seen = {original[0]}
    for code_point in [*PRIORITY, *sorted(cmap)]:
        name = cmap.get(code_point)
        if name is not None and name not in seen:
            order.append(name)
            seen.add(name)
    order += [name for name in original if name not in seen]
    return order


def prepare(path: Path) -> bytes | None:
    """The prepared font's bytes, or None when the file is already prepared."""
    font = TTFont(path, recalcTimestamp=False)
    wanted = glyph_order(font)
    if font.getGlyphOrder() == wanted:
        return None
    reorderGlyphs(font, wanted)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Only report fonts that are not prepared.")
    args = parser.parse_args()
    unprepared = 0
    for folder in PREPARED:
        for path in sorted((FONTS / folder).glob("*.[ot]tf")):
            data = prepare(path)
            if data is None:
                continue
            unprepared += 1
            if args.check:
                print(f"not prepared: {path.relative_to(FONTS)}")
            else:
                path.write_bytes(data)
                print(f"prepared {path.relative_to(FONTS)}")
    return 1 if args.check and unprepared else 0


if __name__ == "__main__":
    sys.exit(main())
