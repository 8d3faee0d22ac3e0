"""A syntax-highlighting palette derived from a theme, for Pygments' token classes.

Every token class gets a colour of the theme: keywords in the accent, strings,
numbers, names and built-ins in hues turned from the accent's, comments in the muted
text; each then moved in lightness until it reads at ≥ 4.5:1 on the code surface
(`generator.colour.readable`). So a theme's code is legible in light and dark themes
alike, and a brand accent recolours the code with the rest of the slide.
"""

from __future__ import annotations

from functools import lru_cache

from pygments.token import STANDARD_TYPES, Comment, Error, Generic, Keyword, Name, Number, Operator, Punctuation, String, Token, _TokenType

from generator.colour import from_hue, hls_of, readable

CODE_CONTRAST = 4.5

# token type -> (role, font weight, italic); a token takes its nearest ancestor's entry
TOKEN_ROLES: dict[_TokenType, tuple[str, int, bool]] = {
    Token: ("text", 400, False),
    Keyword: ("accent", 600, False),
    Keyword.Constant: ("number", 600, False),
    Keyword.Type: ("type", 400, False),
    Name.Builtin: ("builtin", 400, False),
    Name.Function: ("function", 400, False),
    Name.Class: ("type", 600, False),
    Name.Decorator: ("builtin", 400, False),
    Name.Exception: ("type", 600, False),
    Name.Tag: ("accent", 400, False),
    Name.Attribute: ("function", 400, False),
    Name.Namespace: ("type", 400, False),
    Name.Constant: ("number", 400, False),
    Name.Variable: ("text", 400, False),
    String: ("string", 400, False),
    String.Doc: ("muted", 400, True),
    String.Escape: ("number", 600, False),
    String.Interpol: ("accent", 400, False),
    Number: ("number", 400, False),
    Operator: ("text", 400, False),
    Operator.Word: ("accent", 600, False),
    Punctuation: ("text", 400, False),
    Comment: ("muted", 400, True),
    Comment.Preproc: ("accent", 400, False),
    Generic.Deleted: ("deleted", 400, False),
    Generic.Inserted: ("inserted", 400, False),
    Generic.Heading: ("accent", 700, False),
    Generic.Subheading: ("accent", 600, False),
    Generic.Emph: ("text", 400, True),
    Generic.Strong: ("text", 700, False),
    Generic.Prompt: ("muted", 600, False),
    Generic.Output: ("muted", 400, False),
    Generic.Traceback: ("deleted", 400, False),
    Generic.Error: ("deleted", 400, False),
    Error: ("deleted", 400, False),
}

# hue turns from the accent's hue for the roles that are not theme colours
HUE_TURNS = {"string": 0.36, "number": 0.14, "function": 0.62, "type": 0.5, "builtin": 0.8}
# fixed hues where meaning matters more than harmony (diffs: red out, green in)
FIXED_HUES = {"deleted": 0.0, "inserted": 0.36}


def _role_of(token_type: _TokenType) -> tuple[str, int, bool]:
    current: _TokenType | None = token_type
    while current is not None:
        if current in TOKEN_ROLES:
            return TOKEN_ROLES[current]
        current = current.parent
    return TOKEN_ROLES[Token]


def palette(colours: dict[str, str]) -> dict[str, str]:
    """The colour of every syntax role for a theme's colours, each ≥ 4.5:1 on `surface`."""
    surface = colours["surface"]
    accent_hue, accent_lightness, accent_saturation = hls_of(colours["accent"])
    saturation = min(0.85, max(0.45, accent_saturation))
    lightness = min(0.7, max(0.35, accent_lightness))
    roles = {"text": colours["text"], "muted": colours["muted"], "accent": colours["accent"]}
    roles.update({role: from_hue(accent_hue + turn, lightness, saturation) for role, turn in HUE_TURNS.items()})
    roles.update({role: from_hue(hue, lightness, 0.65) for role, hue in FIXED_HUES.items()})
    return {role: readable(colour, (surface,), CODE_CONTRAST, fallback=colours["text"]) for role, colour in roles.items()}


@lru_cache(maxsize=32)
def _syntax_css(colour_items: tuple[tuple[str, str], ...], scope: str) -> str:
    colours = dict(colour_items)
    roles = palette(colours)
    rules = [f"{scope} {{ color: {colours['text']}; }}"]
    for token_type, short in sorted(STANDARD_TYPES.items(), key=lambda item: item[1]):
        if not short:
            continue
        role, weight, italic = _role_of(token_type)
        style = f"color: {roles[role]}; font-weight: {weight}; font-style: {'italic' if italic else 'normal'}; background: none; border: 0;"
        rules.append(f"{scope} .{short} {{ {style} }}")
    return "\n".join(rules) + "\n"


def syntax_css(colours: dict[str, str], scope: str = ".highlight") -> str:
    """The stylesheet of highlighted code (Pygments' classes) in a theme's colours."""
    return _syntax_css(tuple(sorted(colours.items())), scope)


def token_colours(colours: dict[str, str]) -> dict[str, str]:
    """Pygments' short class name -> its colour, for every token class (tests, previews)."""
    roles = palette(colours)
    return {short: roles[_role_of(token_type)[0]] for token_type, short in STANDARD_TYPES.items() if short}
