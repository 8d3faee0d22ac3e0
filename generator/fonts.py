"""Vendored fonts and the font environment WeasyPrint renders with.

Every glyph in our output comes from a font file we ship (``themes/fonts/``) or one a
project ships in its own ``themes/``; never from the machine. The mechanism is a
generated fontconfig configuration that lists *only* those folders:

* ``configure_font_environment()`` writes ``fonts-<hash>.conf`` into a cache folder and
  points ``FONTCONFIG_FILE`` at it. WeasyPrint (through Pango) asks fontconfig for
  every font, including the fallback for characters the CSS font lacks, so fallback
  can only ever pick a vendored font: emoji code points fall to Noto Color Emoji,
  Arabic and Hebrew to Noto Sans Arabic / Hebrew, anything else to Inter. No
  ``@font-face`` rule is needed (which also spares WeasyPrint from copying font files
  into a temporary folder for every document).
* The configuration is self-contained: it includes none of the system's
  ``/etc/fonts/conf.d`` snippets. The one snippet colour emoji need (scaling bitmap
  strikes, ``10-scale-bitmap-fonts.conf``: without it Pango lays out Noto Color Emoji
  at its 109 px strike size, about three times too big) is reproduced here.
* ``SOURCE_DATE_EPOCH`` is set to a fixed value, because fontTools (used by WeasyPrint
  to subset fonts, and always for colour emoji fonts) stamps the current time into
  every embedded font's ``head`` table otherwise, and two builds would differ.

Constraints (read before calling):

* Call ``configure_font_environment()`` before ``weasyprint`` is first imported:
  WeasyPrint loads a fontconfig configuration at import time to check that fonts
  exist. Every ``FontConfiguration`` (one per ``HTML.render()``/``write_pdf()`` unless
  one is passed in) reloads it from ``FONTCONFIG_FILE``, so calling it again later,
  e.g. for another project in the same process, takes effect for the next document.
* The process environment is the only state: two configurations cannot be active in
  one process at the same time (threads rendering different projects would race).
* Never name the emoji font (or the generic ``emoji``) in CSS ``font-family``: Noto
  Color Emoji maps digits, space, ``#`` and ``*`` (for keycaps), so a stack like
  ``"Noto Color Emoji", Inter`` draws "10" as emoji glyphs. Fallback finds it for
  emoji on its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from xml.sax.saxutils import escape

from generator.confine import unlinked_path
from generator.emoji import SEQUENCE_GLUE, SKIN_TONES, VARIATION_SELECTOR_15, VARIATION_SELECTOR_16
from generator.resources import builtin_root

# --- Family names, exactly as CSS `font-family` must spell them ---------------------

INTER = "Inter"
LATO = "Lato"
LEAGUE_SPARTAN = "League Spartan"
OPEN_SANS = "Open Sans"
NOTO_SERIF = "Noto Serif"
TEX_GYRE_PAGELLA = "TeX Gyre Pagella"
JETBRAINS_MONO = "JetBrains Mono"
NOTO_SANS_ARABIC = "Noto Sans Arabic"
NOTO_SANS_HEBREW = "Noto Sans Hebrew"
NOTO_COLOR_EMOJI = "Noto Color Emoji"  # fallback only: never name it in CSS (see module doc)


@dataclass(frozen=True)
class FontFamily:
    """One vendored family: its folder under ``themes/fonts/``, CSS name and faces."""

    key: str  # folder name under themes/fonts/
    css_name: str  # the `font-family` value
    role: str  # "sans", "serif", "display", "mono", "script-fallback" or "emoji"
    weights: tuple[int, ...]  # upright weights shipped (CSS font-weight values)
    italic_weights: tuple[int, ...] = ()  # weights that also have a true italic


BUILTIN_FAMILIES: tuple[FontFamily, ...] = (
    FontFamily("inter", INTER, "sans", (400, 700, 800), (400,)),
    FontFamily("lato", LATO, "sans", (400, 700, 900), (400,)),
    FontFamily("open-sans", OPEN_SANS, "sans", (400, 700), (400,)),
    FontFamily("league-spartan", LEAGUE_SPARTAN, "display", (400, 700, 900)),
    FontFamily("noto-serif", NOTO_SERIF, "serif", (400, 700), (400,)),
    FontFamily("tex-gyre-pagella", TEX_GYRE_PAGELLA, "serif", (400, 700), (400,)),
    FontFamily("jetbrains-mono", JETBRAINS_MONO, "mono", (400, 700), (400,)),
    FontFamily("noto-sans-arabic", NOTO_SANS_ARABIC, "script-fallback", (400, 700)),
    FontFamily("noto-sans-hebrew", NOTO_SANS_HEBREW, "script-fallback", (400, 700)),
    FontFamily("noto-color-emoji", NOTO_COLOR_EMOJI, "emoji", (400,)),
)

# Folder key -> CSS family name, for themes ("fonts: {display: League Spartan, ...}").
FAMILIES: Mapping[str, str] = MappingProxyType({f.key: f.css_name for f in BUILTIN_FAMILIES})

# Families a theme may choose for display/text/mono (everything but the fallbacks).
THEME_FAMILIES: frozenset[str] = frozenset(f.css_name for f in BUILTIN_FAMILIES if f.role in ("sans", "serif", "display", "mono"))

# What the generic families resolve to. Every font request also ends with
# `sans-serif`, so a character the requested family lacks (e.g. "→" in Noto Serif)
# comes from Inter, then the script fallbacks, and only then from the emoji font.
# `emoji` matters even though CSS never names it: Pango (>= 1.44) looks up emoji runs
# ("🚀", "1️⃣", "🇫🇷") with the family `emoji`; without this alias a keycap's digit
# is drawn by the text font and only its U+20E3 by the emoji font.
GENERIC_FAMILIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "sans-serif": (INTER, NOTO_SANS_ARABIC, NOTO_SANS_HEBREW),
        "serif": (NOTO_SERIF, NOTO_SANS_ARABIC, NOTO_SANS_HEBREW),
        "monospace": (JETBRAINS_MONO,),
        "system-ui": (INTER,),
        "emoji": (NOTO_COLOR_EMOJI,),
    }
)

# Font files fontconfig + HarfBuzz can use directly from a folder. WOFF/WOFF2 are left
# out on purpose: HarfBuzz cannot read them from disk; use `@font-face` for those
# (WeasyPrint decompresses them itself).
FONT_SUFFIXES: frozenset[str] = frozenset({".ttf", ".otf", ".ttc", ".otc"})

# Any fixed value makes embedded fonts byte-identical; 2000-01-01T00:00:00Z.
DEFAULT_SOURCE_DATE_EPOCH = 946_684_800

HARFBUZZ_SUBSET_PACKAGE = "libharfbuzz-subset0"  # Debian/Ubuntu package name

_CONF_NAME_PREFIX = "fonts-"


# --- Where the fonts are -----------------------------------------------------------


def builtin_font_dir() -> Path:
    """The vendored fonts: ``<builtin root>/themes/fonts`` (wheel or source checkout)."""
    return builtin_root() / "themes" / "fonts"


def find_project_fonts(themes_dir: Path, project_root: Path) -> list[Path]:
    """Font files (``.ttf/.otf/.ttc/.otc``) under a project's ``themes/``, sorted.

    Only regular files whose real path stays inside ``project_root`` are returned: a
    symlink leading out of the project (say to ``/usr/share/fonts``) is skipped, so a
    project cannot smuggle machine fonts back in (SPEC §6).
    """
    if not themes_dir.is_dir():
        return []
    root = project_root.resolve()
    found: list[Path] = []
    for path in sorted(themes_dir.rglob("*")):
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        real = path.resolve()
        if real.is_file() and (real == root or root in real.parents):
            found.append(path)
    return found


STAGED_FONT = re.compile(r"^[0-9a-f]{16}\.(?:ttf|otf|ttc|otc)$")


def discard_corrupt_staged_fonts(cache_dir: Path) -> list[str]:
    """Delete staged project fonts whose bytes no longer match their name (a corrupt cache).

    Each is staged again from the project by the next render; without this, a damaged
    copy would stay forever and its family silently fall back to another font.
    Returns the names discarded, for warnings.
    """
    target = cache_dir / "project-fonts"
    if not target.is_dir() or target.is_symlink():
        return []
    discarded: list[str] = []
    for staged in sorted(target.iterdir()):
        if STAGED_FONT.match(staged.name) and staged.is_file() and not staged.is_symlink():
            if hashlib.sha256(staged.read_bytes()).hexdigest()[:16] != staged.name.split(".")[0]:
                staged.unlink()
                discarded.append(staged.name)
    return discarded


def stage_project_fonts(font_files: Iterable[Path], cache_dir: Path) -> Path:
    """Copy project font files into ``cache_dir/project-fonts`` and return that folder.

    fontconfig scans a listed folder recursively and follows symlinks, so instead of
    listing the project's ``themes/`` we list a private copy holding exactly the files
    ``find_project_fonts`` vetted. Files are named by content hash (deterministic and
    unchanged files are not rewritten); files no longer wanted are removed — only
    files named as this function names them, never through a symlink (a cloned repo
    may commit ``.carousel-cache/fonts/project-fonts`` as a link to anywhere).
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = unlinked_path(cache_dir, "project-fonts")  # raises ConfinementError for a link
    target.mkdir(exist_ok=True)
    wanted: set[str] = set()
    for source in font_files:
        data = source.read_bytes()
        name = f"{hashlib.sha256(data).hexdigest()[:16]}{source.suffix.lower()}"
        wanted.add(name)
        destination = target / name
        if not destination.is_file() or destination.stat().st_size != len(data):
            _atomic_write(destination, data)
    for stale in target.iterdir():
        if stale.name not in wanted and STAGED_FONT.match(stale.name) and (stale.is_symlink() or stale.is_file()):
            stale.unlink()
    return target


# --- The fontconfig configuration --------------------------------------------------


def fontconfig_xml(font_dirs: Sequence[Path], fontconfig_cache: Path) -> str:
    """The text of a self-contained fonts.conf that only knows ``font_dirs`` and keeps
    fontconfig's cache in ``fontconfig_cache``.

    Pure function: same arguments, same text.
    """
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<!-- Generated by Carousel Studio (generator/fonts.py); do not edit. -->",
        "<fontconfig>",
    ]
    lines += [f"  <dir>{escape(str(path.resolve()))}</dir>" for path in font_dirs]
    lines.append(f"  <cachedir>{escape(str(fontconfig_cache.resolve()))}</cachedir>")
    lines.append("  <config><rescan><int>0</int></rescan></config>")
    # Spelling variants, as in fontconfig's own fonts.conf.
    for alias, canonical in (("mono", "monospace"), ("sans serif", "sans-serif"), ("sans", "sans-serif"), ("system ui", "system-ui")):
        lines.append(
            f'  <match target="pattern"><test qual="any" name="family"><string>{alias}</string></test>'
            f'<edit name="family" mode="assign" binding="same"><string>{canonical}</string></edit></match>'
        )
    # Every request ends with sans-serif (like 49-sansserif.conf), *before* the generic
    # aliases below expand it: unknown families and missing characters go to Inter.
    lines.append('  <match target="pattern"><edit name="family" mode="append_last"><string>sans-serif</string></edit></match>')
    for generic, families in GENERIC_FAMILIES.items():
        prefer = "".join(f"<family>{escape(name)}</family>" for name in families)
        lines.append(f'  <alias binding="same"><family>{generic}</family><prefer>{prefer}</prefer></alias>')
    # Colour bitmap fonts (CBDT: Noto Color Emoji) only have a 109 px strike; scale it
    # to the requested size (from fontconfig's 10-scale-bitmap-fonts.conf).
    lines += [
        '  <match target="font">',
        '    <test name="outline" compare="eq"><bool>false</bool></test>',
        '    <edit name="pixelsizefixupfactor" mode="assign">',
        '      <divide><name target="pattern">pixelsize</name><name target="font">pixelsize</name></divide>',
        "    </edit>",
        "  </match>",
        '  <match target="font">',
        '    <test name="outline" compare="eq"><bool>false</bool></test>',
        '    <test name="pixelsizefixupfactor" compare="not_eq"><double>1.0</double></test>',
        '    <edit name="matrix" mode="assign"><times><name>matrix</name>',
        "      <matrix><name>pixelsizefixupfactor</name><double>0</double><double>0</double><name>pixelsizefixupfactor</name></matrix>",
        "    </times></edit>",
        '    <edit name="size" mode="assign"><divide><name>size</name><name>pixelsizefixupfactor</name></divide></edit>',
        "  </match>",
        "</fontconfig>",
        "",
    ]
    return "\n".join(lines)


def configure_font_environment(
    font_dirs: Sequence[Path],
    cache_dir: Path,
    *,
    fontconfig_cache: Path | None = None,
    source_date_epoch: int = DEFAULT_SOURCE_DATE_EPOCH,
) -> Path:
    """Make WeasyPrint see only ``font_dirs`` and embed fonts reproducibly.

    Writes ``cache_dir/fonts-<hash>.conf`` (atomically; the name depends on the content,
    so concurrent processes with different folders do not clash), keeps fontconfig's
    cache in ``fontconfig_cache`` (default ``cache_dir/fontconfig``), and sets in ``os.environ``:

    * ``FONTCONFIG_FILE`` to that file (``FONTCONFIG_SYSROOT`` is removed: it would
      prefix our absolute paths);
    * ``SOURCE_DATE_EPOCH`` to ``source_date_epoch`` (overriding any inherited value, so
      a CI job and a laptop produce the same bytes).

    Call it before ``import weasyprint`` (see the module docstring); calling it again
    applies to documents rendered afterwards. Typical ``font_dirs``:
    ``[builtin_font_dir()]`` plus, for a project shipping fonts,
    ``stage_project_fonts(find_project_fonts(root / "themes", root), cache_dir)``.
    Returns the path of the configuration file.
    """
    missing = [path for path in font_dirs if not path.is_dir()]
    if missing:
        raise FileNotFoundError(f"font folder not found: {missing[0]}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    fontconfig_cache = fontconfig_cache if fontconfig_cache is not None else cache_dir / "fontconfig"
    fontconfig_cache.mkdir(parents=True, exist_ok=True)
    text = fontconfig_xml(font_dirs, fontconfig_cache)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    conf = cache_dir / f"{_CONF_NAME_PREFIX}{digest}.conf"
    if not conf.is_file() or conf.read_text(encoding="utf-8") != text:
        _atomic_write(conf, text.encode())
    os.environ["FONTCONFIG_FILE"] = str(conf.resolve())
    os.environ.pop("FONTCONFIG_SYSROOT", None)
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch)
    return conf


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


# --- HarfBuzz subsetting -----------------------------------------------------------

# The names WeasyPrint itself tries (weasyprint/text/ffi.py), in the same order.
_HB_SUBSET_NAMES = (
    "libharfbuzz-subset-0",
    "harfbuzz-subset",
    "harfbuzz-subset-0.0",
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)
_HB_NAMES = (
    "libharfbuzz-0",
    "harfbuzz",
    "harfbuzz-0.0",
    "libharfbuzz.so.0",
    "libharfbuzz.0.dylib",
    "libharfbuzz-0.dll",
)


def _load_library(names: Sequence[str]) -> ctypes.CDLL | None:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    found = ctypes.util.find_library(names[1])
    if found:
        try:
            return ctypes.CDLL(found)
        except OSError:
            return None
    return None


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint will subset fonts with HarfBuzz (fast) rather than fontTools.

    True when ``libharfbuzz-subset`` loads and HarfBuzz is at least 4.1.0, the
    conditions WeasyPrint checks. Does not import WeasyPrint. Without it every
    ``write_pdf`` is several times slower and WeasyPrint logs a warning per font
    ("Using fontTools instead of HarfBuzz-Subset"); the caller should warn once,
    naming ``HARFBUZZ_SUBSET_PACKAGE``.
    """
    if _load_library(_HB_SUBSET_NAMES) is None:
        return False
    harfbuzz = _load_library(_HB_NAMES)
    if harfbuzz is None:
        return False
    try:
        at_least = harfbuzz.hb_version_atleast
    except AttributeError:
        return False
    at_least.argtypes = (ctypes.c_uint, ctypes.c_uint, ctypes.c_uint)
    at_least.restype = ctypes.c_int
    return bool(at_least(4, 1, 0))


def harfbuzz_subset_hint() -> str:
    """A one-line warning for when ``harfbuzz_subset_available()`` is False."""
    if sys.platform.startswith("linux"):
        how = f"install {HARFBUZZ_SUBSET_PACKAGE} (apt-get install {HARFBUZZ_SUBSET_PACKAGE})"
    elif sys.platform == "darwin":
        how = "install harfbuzz (brew install harfbuzz)"
    else:
        how = "install HarfBuzz with its subset library"
    return f"HarfBuzz subset library not found: PDFs are written with slow fontTools subsetting; {how}"


# --- Emoji presentation ------------------------------------------------------------

# selectors, keycap, ZWJ, skin tones: a selector after them would split the sequence
_NO_SELECTOR_BEFORE = frozenset(SEQUENCE_GLUE | {ord(VARIATION_SELECTOR_15)} | set(range(SKIN_TONES[0], SKIN_TONES[1] + 1)))


def emoji_only_code_points(font_dirs: Sequence[Path]) -> frozenset[int]:
    """Characters with an emoji presentation that no vendored text font can draw.

    That is the base characters of the emoji font's ``U+FE0F`` variation sequences
    (``☺ ✔ ✂ ✈ ♻ …``, also ``👇 ⌚``) minus anything a text font in ``font_dirs``
    covers (``© ™ ↔ ❤ ▶`` and the digits stay text). Costs about 0.1 s (reads cmaps
    with fontTools); compute once per process and pass it to ``add_emoji_presentation``.
    """
    from fontTools.ttLib import TTFont, TTLibError

    emoji: set[int] = set()
    text: set[int] = set()
    for folder in font_dirs:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in (".ttf", ".otf"):
                continue
            try:
                font = TTFont(path, lazy=True)
            except (TTLibError, OSError):
                continue
            with font:
                if any(tag in font for tag in ("CBDT", "COLR", "sbix", "SVG ")):
                    for table in font["cmap"].tables:
                        if table.format == 14:
                            emoji.update(base for base, _ in table.uvsDict.get(0xFE0F, ()))
                else:
                    text.update(font.getBestCmap() or {})
    return frozenset(emoji - text)


def add_emoji_presentation(text: str, emoji_only: frozenset[int]) -> str:
    """Append ``U+FE0F`` to emoji-capable characters that only the emoji font has.

    Works around a Pango itemisation quirk measured with WeasyPrint 70 / Pango 1.50:
    after an emoji, a space followed by a text-presentation character that only Noto
    Color Emoji covers (``"✅ ☺"``, ``"🚀 ✔ done"``) is shaped *with the emoji font*,
    whose space is ~1.2 em wide, leaving a visible hole. With ``U+FE0F`` the character
    is an emoji run of its own and the space stays in the text font. The glyph drawn
    is the same colour emoji as before. Characters already followed by a variation
    selector, a keycap, a ZWJ or a skin-tone modifier are left alone.
    """
    if not text:
        return text
    out: list[str] = []
    for index, char in enumerate(text):
        out.append(char)
        if ord(char) in emoji_only:
            following = text[index + 1] if index + 1 < len(text) else ""
            if not following or ord(following) not in _NO_SELECTOR_BEFORE:
                out.append(VARIATION_SELECTOR_16)
    return "".join(out)


def configure_for_project(project_root: Path, builtin_fonts: Path, cache_dir: Path, *, fontconfig_cache: Path | None = None) -> list[str]:
    """Set up the font environment for one project: built-in fonts plus its own
    (staged, with the configuration, in `cache_dir`; fontconfig's cache in `fontconfig_cache`).

    Returns notices for the user (e.g. how to make PDF writing faster), to show once.
    """
    font_dirs = [builtin_fonts]
    project_fonts = find_project_fonts(project_root / "themes", project_root)
    if project_fonts:
        font_dirs.append(stage_project_fonts(project_fonts, cache_dir))
    configure_font_environment(font_dirs, cache_dir, fontconfig_cache=fontconfig_cache)
    return [] if harfbuzz_subset_available() else [harfbuzz_subset_hint()]


@functools.lru_cache(maxsize=4)
def emoji_only_for(font_dirs: tuple[Path, ...]) -> frozenset[int]:
    """`emoji_only_code_points` computed once per process for a set of font folders."""
    return emoji_only_code_points(font_dirs)
