"""Vendored fonts, colour emoji and reproducible font embedding (generator/fonts.py).

These tests render real PDFs with WeasyPrint. The font environment is set up once for
the session by tests/conftest.py (before WeasyPrint is imported).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import os
import re
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import weasyprint
from fontTools.ttLib import TTFont

from generator import fonts

FONT_DIR = fonts.builtin_font_dir()
EMOJI = ["🚀", "💡", "🧵", "👇", "♻️", "✔️", "👩🏽‍💻", "🇫🇷", "1️⃣"]


from tests.pdfread import embedded_fonts, fonts_for  # noqa: E402


def render(body: str, family: str = "Inter", css: str = "", size: str = "1080px 540px") -> bytes:
    html = (
        f'<html lang="en"><head><meta charset="utf-8"><style>@page {{ size: {size}; margin: 40px }}'
        f"body {{ font-family: {family}; font-size: 40px; line-height: 1.4 }} {css}</style></head>"
        f"<body>{body}</body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()


# --- The environment ---------------------------------------------------------------


def test_session_uses_generated_fontconfig_file():
    conf = Path(os.environ["FONTCONFIG_FILE"])
    assert conf.name.startswith("fonts-") and conf.suffix == ".conf"
    text = conf.read_text()
    assert f"<dir>{FONT_DIR.resolve()}</dir>" in text
    assert "<include" not in text  # nothing from /etc/fonts
    assert os.environ["SOURCE_DATE_EPOCH"] == str(fonts.DEFAULT_SOURCE_DATE_EPOCH)


def _fontconfig_files() -> list[str]:
    """Every font file fontconfig knows under the current FONTCONFIG_FILE."""
    fc = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcPatternCreate.restype = ctypes.c_void_p
    fc.FcObjectSetBuild.restype = ctypes.c_void_p
    fc.FcObjectSetBuild.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    fc.FcFontList.restype = ctypes.c_void_p
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    fc.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]

    class FcFontSet(ctypes.Structure):
        _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]

    config = fc.FcInitLoadConfigAndFonts()
    font_set = ctypes.cast(
        fc.FcFontList(config, fc.FcPatternCreate(), fc.FcObjectSetBuild(b"file", None)), ctypes.POINTER(FcFontSet)
    ).contents
    files = []
    for index in range(font_set.nfont):
        value = ctypes.c_char_p()
        fc.FcPatternGetString(font_set.fonts[index], b"file", 0, ctypes.byref(value))
        files.append(value.value.decode())
    return sorted(files)


def test_fontconfig_sees_only_vendored_files():
    files = _fontconfig_files()
    vendored = sorted(str(p.resolve()) for p in FONT_DIR.rglob("*") if p.suffix in fonts.FONT_SUFFIXES)
    assert files == vendored


def test_harfbuzz_subset_detection_agrees_with_weasyprint():
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    expected = harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))
    assert fonts.harfbuzz_subset_available() is expected
    if sys.platform.startswith("linux"):
        assert fonts.HARFBUZZ_SUBSET_PACKAGE in fonts.harfbuzz_subset_hint()


# --- The vendored files ------------------------------------------------------------


@pytest.mark.parametrize("family", fonts.BUILTIN_FAMILIES, ids=lambda f: f.key)
def test_vendored_family_files_and_licence(family: fonts.FontFamily):
    folder = FONT_DIR / family.key
    files = sorted(p for p in folder.iterdir() if p.suffix in fonts.FONT_SUFFIXES)
    assert files, folder
    licences = [p for p in folder.iterdir() if p.suffix == ".txt"]
    assert licences and (folder / "copyright.debian").is_file()
    names = set()
    for path in files:
        font = TTFont(path, lazy=True)
        names.add(font["name"].getDebugName(16) or font["name"].getDebugName(1))
        assert "fvar" not in font, f"{path.name}: static instances only"
    assert family.css_name in names
    assert family.key in (FONT_DIR / "README.md").read_text()


# --- Rendering ---------------------------------------------------------------------

MIXED = (
    "<p>Hello World 0123456789 #hashtag *star* 100% → done.</p>"
    f"<p>{' '.join(EMOJI)}</p>"
    "<p><code>def f(x): return 42</code></p>"
    '<p class="serif">Serif 2024 <i>italic</i> <b>bold</b></p>'
    '<p class="unknown">Unknown family 123</p>'
    "<p>עברית שלום and العربية مرحبا</p>"
)
MIXED_CSS = "code { font-family: monospace } .serif { font-family: serif } .unknown { font-family: 'No Such Family' }"


@pytest.fixture(scope="module")
def mixed_pdf() -> bytes:
    return render(MIXED, css=MIXED_CSS, size="1080px 1350px")


def test_only_vendored_fonts_are_embedded(mixed_pdf: bytes):
    embedded = embedded_fonts(mixed_pdf)
    assert {font.family for font in embedded} == {
        fonts.INTER,
        fonts.JETBRAINS_MONO,
        fonts.NOTO_SERIF,
        fonts.NOTO_SANS_ARABIC,
        fonts.NOTO_SANS_HEBREW,
        fonts.NOTO_COLOR_EMOJI,
    }
    for font in embedded:
        assert font.data, f"{font.base_font} is not embedded"
        assert font.base_font.replace("-", " ").startswith(font.family), font.base_font


def test_digits_spaces_and_latin_never_use_the_emoji_font(mixed_pdf: bytes):
    drawn = fonts_for(mixed_pdf)
    for text in drawn[fonts.NOTO_COLOR_EMOJI]:
        assert not re.fullmatch(r"[\w\s#*%→.]+", text), f"{text!r} drawn with the emoji font"
    assert set("0123456789 #*%→HeloWrd") <= drawn[fonts.INTER]
    assert {"1\ufe0f\u20e3", "🇫🇷", "👩🏽\u200d💻", "♻\ufe0f", "✔\ufe0f", "🚀"} <= drawn[fonts.NOTO_COLOR_EMOJI]
    assert "4" in drawn[fonts.JETBRAINS_MONO] and "2" in drawn[fonts.NOTO_SERIF]


@pytest.mark.parametrize("family", sorted(fonts.THEME_FAMILIES))
def test_each_theme_family_keeps_digits_and_falls_back_cleanly(family: str):
    drawn = fonts_for(render("<p>Step 1: 10x → 🚀 ✔️ done</p>", family=f'"{family}"'))
    assert set("Step 1:0x") <= drawn[family]
    assert "🚀" in drawn[fonts.NOTO_COLOR_EMOJI] and not any(re.fullmatch(r"[\w\s:]+", t) for t in drawn[fonts.NOTO_COLOR_EMOJI])
    assert "→" in drawn.get(family, set()) | drawn.get(fonts.INTER, set())


@pytest.mark.parametrize(
    ("family", "weight", "italic"),
    [(f.css_name, w, False) for f in fonts.BUILTIN_FAMILIES if f.role != "emoji" for w in f.weights]
    + [(f.css_name, w, True) for f in fonts.BUILTIN_FAMILIES for w in f.italic_weights],
)
def test_declared_faces_are_the_ones_embedded(family: str, weight: int, italic: bool):
    sample = "Ábc 123" if "Arabic" not in family and "Hebrew" not in family else ("مرحبا" if "Arabic" in family else "שלום")
    style = "italic" if italic else "normal"
    pdf = render(f'<p style="font-weight: {weight}; font-style: {style}">{sample}</p>', family=f'"{family}"')
    (font,) = [f for f in embedded_fonts(pdf) if f.family == family]
    program = TTFont(io.BytesIO(font.data))
    assert abs(program["OS/2"].usWeightClass - weight) <= 50
    assert bool(program["OS/2"].fsSelection & 1) is italic or (program["post"].italicAngle != 0) is italic


def _saturated(image, box) -> int:
    """Pixels in `box` with HSV saturation above 50/255 (grey anti-aliased text has 0)."""
    histogram = image.crop(box).convert("HSV").getchannel("S").histogram()
    return sum(histogram[51:])


def test_emoji_render_in_colour_and_text_in_grey(tmp_path: Path):
    cells = "".join(
        f'<div style="position:absolute; left:{40 + 110 * i}px; top:40px; width:100px; height:100px; font-size:64px; line-height:100px">{e}</div>'
        for i, e in enumerate(EMOJI)
    )
    text = '<div style="position:absolute; left:40px; top:200px; font-size:48px">Plain text 0123456789</div>'
    pdf = render(cells + text, size="1080px 300px", css="body { margin: 0 } @page { margin: 0 }")
    image = pdfium.PdfDocument(pdf)[0].render(scale=1).to_pil()
    image.save(tmp_path / "emoji.png")
    assert image.size == (810, 225)  # 1080 x 300 CSS px at 72 dpi = 0.75 px per CSS px
    for index, emoji in enumerate(EMOJI):
        left = (40 + 110 * index) * 0.75
        box = (round(left), 30, round(left + 75), 105)
        assert _saturated(image, box) > 300, f"{emoji} is not in colour"
    text_box = (30, 150, 800, 200)
    assert _saturated(image, text_box) == 0
    dark = sum(image.crop(text_box).convert("L").histogram()[:128])
    assert dark > 500  # the text is there


def test_pdf_bytes_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch):
    body = f"<p>Same bytes 123 {' '.join(EMOJI)} <b>bold</b> <code style='font-family: monospace'>x</code></p>"
    first = render(body)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 10_000_000)  # what fontTools stamps without SOURCE_DATE_EPOCH
    second = render(body)
    assert first == second


# --- Emoji presentation helper -----------------------------------------------------


@pytest.fixture(scope="module")
def emoji_only() -> frozenset[int]:
    return fonts.emoji_only_code_points([FONT_DIR])


def test_emoji_only_code_points(emoji_only: frozenset[int]):
    assert {ord("☺"), ord("✔"), ord("✂")} <= emoji_only
    assert not {ord(c) for c in "0123456789#*©®™→❤▶ "} & emoji_only


def test_add_emoji_presentation(emoji_only: frozenset[int]):
    add = fonts.add_emoji_presentation
    assert add("✅ ☺ x", emoji_only) == "✅ ☺\ufe0f x"
    for unchanged in ("☺\ufe0f", "☺\ufe0e", "👇🏽", "1\ufe0f\u20e3", "🇫🇷", "© 2024 → ❤", "", "plain"):
        assert add(unchanged, emoji_only) == unchanged


def test_emoji_presentation_keeps_the_space_in_the_text_font(emoji_only: frozenset[int]):
    text = "✅ ☺ and 🚀 ✔ done"
    drawn = fonts_for(render(f"<p>{fonts.add_emoji_presentation(text, emoji_only)}</p>"))
    assert " " not in drawn[fonts.NOTO_COLOR_EMOJI]
    assert " " in drawn[fonts.INTER]


# --- Project fonts -----------------------------------------------------------------


def _renamed_font(source: Path, family: str, target: Path) -> None:
    font = TTFont(source)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = family.replace(" ", "")
    font.save(target)


def test_project_fonts_are_staged_and_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FONTCONFIG_FILE", os.environ["FONTCONFIG_FILE"])  # restored after the test
    monkeypatch.setenv("SOURCE_DATE_EPOCH", os.environ["SOURCE_DATE_EPOCH"])
    project = tmp_path / "project"
    (project / "themes" / "brand" / "fonts").mkdir(parents=True)
    _renamed_font(FONT_DIR / "lato" / "Lato-Regular.ttf", "Carousel Test Sans", project / "themes" / "brand" / "fonts" / "Test.ttf")
    outside = tmp_path / "elsewhere.ttf"
    _renamed_font(FONT_DIR / "lato" / "Lato-Bold.ttf", "Outside Sans", outside)
    (project / "themes" / "brand" / "fonts" / "link.ttf").symlink_to(outside)

    found = fonts.find_project_fonts(project / "themes", project)
    assert [p.name for p in found] == ["Test.ttf"]
    cache = tmp_path / "cache"
    staged = fonts.stage_project_fonts(found, cache)
    fonts.configure_font_environment([FONT_DIR, staged], cache)

    drawn = fonts_for(render("<p>Brand 2024</p><p style=\"font-family: 'Outside Sans'\">Not allowed</p>", family='"Carousel Test Sans"'))
    assert set("Brand 2024") <= drawn["Carousel Test Sans"]
    assert "Outside Sans" not in drawn and set("Not alowed") <= drawn[fonts.INTER]

    # Restaging without the font removes it again.
    assert list(fonts.stage_project_fonts([], cache).iterdir()) == []


def test_configure_rejects_missing_folder(tmp_path: Path):
    before = os.environ.get("FONTCONFIG_FILE")
    with pytest.raises(FileNotFoundError):
        fonts.configure_font_environment([tmp_path / "missing"], tmp_path)
    assert os.environ.get("FONTCONFIG_FILE") == before


# --- Prepared fonts (tools/prepare_fonts.py) -----------------------------------------


def test_prepared_fonts_put_common_characters_first():
    """The glyphs of plain Latin text have low IDs, so PDF subsets stay small."""
    sys.path.insert(0, str(FONT_DIR.parents[1] / "tools"))
    from prepare_fonts import PREPARED

    for folder in PREPARED:
        for path in sorted((FONT_DIR / folder).glob("*.[ot]tf")):
            font = TTFont(path, lazy=True)
            cmap = font.getBestCmap()
            gids = [font.getGlyphID(cmap[ord(c)]) for c in " aZ0.,\u00a0\u2014\u2019\u2192" if ord(c) in cmap]
            assert max(gids) < 300, (path.name, gids)
