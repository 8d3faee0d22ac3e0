"""`$…$` and `$$…$$` in a post: LaTeX drawn as vector math (ziamath, pure Python).

Formulas are taken out of the Markdown *before* Markdown reads it (its escapes would
eat `\\{`, `\\\\`, and a table would cut a formula at `|`), each replaced by a
placeholder, and put back into the sanitised HTML as an SVG image — vector paths in
the PDF, sized in em so it scales with the type around it, drawn in an ink that the
renderer recolours with the theme's text colour (`recolour`).

The rules for `$` follow Pandoc's: the opening `$` has a non-space after it, the
closing one a non-space before it and no digit after it, so "$5 and $10" stays money;
and an inline formula must look like math (a command, an operator, a short symbol),
so cashtags ("$AAPL/$TSLA") stay text. A formula that cannot be parsed stays as its
source text, with a warning.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

MAX_FORMULA = 2_000  # characters: a longer "formula" is left as text (and warned about)
# the ink formulas are drawn in until the renderer knows the theme (see recolour)
MATH_INK = "#0b0c0d"
_INK_IN_URL = quote(MATH_INK, safe="")
RENDER_SIZE = 100.0  # px: formulas are drawn at this size, then sized in em
# STIX Two Math looks a little small beside the text faces of the themes
SIZE_ADJUST = 1.06

PLACEHOLDER = re.compile("\ue000m(\\d+)\ue001")
_SCAN = re.compile(
    r"(?P<fence>^[ \t]{0,3}(?P<marks>(?>`{3,}|~{3,}))[^\n]*\n.*?^[ \t]{0,3}(?P=marks)[`~]*[ \t]*$)"
    r"|(?P<code>(?<!`)(?P<ticks>(?>`+)).*?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<escaped>\\\$)"
    r"|\$\$(?P<display>(?:[^$]|\\\$)+?)\$\$"
    r"|(?<![\\$\w])\$(?P<inline>(?=[^\s$])(?:[^$\n]|\\\$)+?(?<=[^\s\\]))\$(?![\d$])",
    re.DOTALL | re.MULTILINE,
)
_COMMAND = re.compile(r"\\[A-Za-z]+")
# "$AAPL/$TSLA": the text between two cashtags (a lone capital, `$L$`, is a variable)
_CASHTAG = re.compile(r"^(?:[A-Z]{2,6}[/,.;:!?]*|[A-Z][/,.;:!?]+)$")
_UNKNOWN = re.compile(r"<m[io][^>]*>(\\[A-Za-z]+)</m[io]>")
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"')


@dataclass(frozen=True)
class Formula:
    """One formula of a text: its LaTeX, display or inline, and its line in the text (0-based)."""

    latex: str
    display: bool
    line: int
    source: str  # as written, with its dollars


@dataclass(frozen=True)
class StashedMath:
    """A text with its formulas replaced by placeholders."""

    text: str
    formulas: tuple[Formula, ...]


def _looks_like_math(content: str) -> bool:
    """Inline `$…$` content that is a formula rather than money or a cashtag."""
    if _CASHTAG.match(content):
        return False
    if _COMMAND.search(content) or re.search(r"[\^_=]|[{}]", content):
        return True
    if len(content) <= 3 and re.search(r"[A-Za-zα-ωΑ-Ω]", content) and not content.isdigit():
        return True
    return bool(re.search(r"[A-Za-z0-9)]\s*[-+*/<>|]\s*[A-Za-z0-9(\\]", content))


def stash_math(text: str) -> StashedMath:
    """Replace each formula of a Markdown text (outside code) by a placeholder."""
    formulas: list[Formula] = []
    out: list[str] = []
    position = 0
    for match in _SCAN.finditer(text):
        kind = match.lastgroup if match.lastgroup in ("display", "inline", "escaped") else None
        if match.group("fence") is not None or match.group("code") is not None:
            kind = None
        if kind is None:
            continue
        out.append(text[position : match.start()])
        position = match.end()
        if kind == "escaped":
            out.append("&#36;")  # an escaped dollar is a dollar (Markdown keeps the backslash)
            continue
        latex = match.group(kind)
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start : match.start()].lstrip().startswith("|"):
            latex = latex.replace("\\|", "|")  # a pipe escaped for the table it sits in
        if kind == "inline" and not _looks_like_math(latex):
            out.append(match.group(0))
            continue
        formulas.append(Formula(latex.replace("\\$", "$").strip(), kind == "display", text.count("\n", 0, match.start()), match.group(0)))
        out.append(f"\ue000m{len(formulas) - 1}\ue001")
    out.append(text[position:])
    return StashedMath("".join(out), tuple(formulas))


class MathError(ValueError):
    """A formula that cannot be drawn."""


@dataclass(frozen=True)
class FormulaImage:
    """A drawn formula: an SVG data URL and its size in em of the surrounding text."""

    url: str
    width_em: float
    height_em: float
    depth_em: float  # below the baseline


@lru_cache(maxsize=1024)
def draw_formula(latex: str, display: bool) -> FormulaImage:
    """The formula as an SVG image. Raises MathError when it cannot be parsed."""
    from ziamath.zmath import Math

    if len(latex) > MAX_FORMULA:
        raise MathError(f"formula is {len(latex)} characters long (at most {MAX_FORMULA})")
    if not latex.strip():
        raise MathError("empty formula")
    try:
        drawn = Math.fromlatex(latex, size=RENDER_SIZE, color=MATH_INK, inline=not display, margin=0)
        svg = drawn.svg()
        mathml = drawn.mathmlstr()
    except RecursionError as error:
        raise MathError("formula nests too deeply") from error
    except Exception as error:  # latex2mathml's many parse errors, ziamath's layout errors
        raise MathError(_parse_message(error)) from error
    unknown = _UNKNOWN.search(mathml)
    if unknown:
        raise MathError(f"unknown command {unknown.group(1)}")
    box = _VIEWBOX.search(svg)
    if box is None:
        raise MathError("the math renderer drew nothing")
    _, top, width, height = (float(value) for value in box.groups())
    scale = SIZE_ADJUST / RENDER_SIZE
    return FormulaImage(
        url="data:image/svg+xml," + quote(svg, safe=""),
        width_em=round(width * scale, 3),
        height_em=round(height * scale, 3),
        depth_em=round(max(0.0, height + top) * scale, 3),
    )


def _parse_message(error: Exception) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).lower().removesuffix(" error")
    detail = str(error).strip()
    return f"{words}{': ' + detail if detail else ''}"


def formula_html(formula: Formula, image: FormulaImage) -> str:
    """The <img> of a drawn formula (alt: its LaTeX), sized in em."""
    style = f"width:{image.width_em:g}em;height:{image.height_em:g}em"
    if not formula.display:
        style += f";vertical-align:-{image.depth_em:g}em"
    css_class = "math math--display" if formula.display else "math"
    return f'<img class="{css_class}" src="{image.url}" alt="{html.escape(formula.latex)}" style="{style}">'


def restore_math(html_text: str, formulas: tuple[Formula, ...]) -> tuple[str, list[tuple[Formula, str]]]:
    """Put drawn formulas back in place of their placeholders; a formula that cannot be
    drawn goes back as its source text. Returns the HTML and the (formula, problem) list."""
    problems: list[tuple[Formula, str]] = []

    def replace(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(formulas):
            return match.group(0)
        formula = formulas[index]
        try:
            return formula_html(formula, draw_formula(formula.latex, formula.display))
        except MathError as error:
            problems.append((formula, str(error)))
            return f'<span class="math-source">{html.escape(formula.source)}</span>'

    return PLACEHOLDER.sub(replace, html_text), problems


def restore_source(text: str, formulas: tuple[Formula, ...]) -> str:
    """Put formulas back as their source (`$…$`) into a plain text (captions)."""
    return PLACEHOLDER.sub(lambda m: formulas[int(m.group(1))].source if int(m.group(1)) < len(formulas) else m.group(0), text)


def recolour(document: str, colour: str) -> str:
    """Draw every formula of a rendered document in `colour` (a #rrggbb theme colour)."""
    if _INK_IN_URL not in document:
        return document
    return document.replace(_INK_IN_URL, quote(colour, safe=""))
