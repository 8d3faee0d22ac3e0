"""Formulas and diagrams in pasted notes: found once, then kept verbatim.

Notes about papers quote LaTeX in several ways: `$…$`, `\\(…\\)`, `\\[…\\]`, or bare
(`∆A(C) := A(C,x)−A(x) \\tag{1}`). Each becomes a `Verbatim` math span, written
back as `$…$` (or `$$…$$`) for the renderer to draw. A pasted Mermaid one-liner
(`flowchart LR A --> B`) becomes a `mermaid` span, written as a fenced block.

Every finder is conservative: prices ("$5 and $10"), paths ("C:\\Users") and
fractions ("1/2 cup") are not formulas.
"""

from __future__ import annotations

import re

from generator.importers.model import Verbatim

# LaTeX commands that mark bare text as a formula (a path like C:\Users is not one).
LATEX_COMMANDS = frozenset(
    [
        "frac",
        "dfrac",
        "tfrac",
        "tag",
        "sum",
        "prod",
        "int",
        "oint",
        "lim",
        "sqrt",
        "log",
        "ln",
        "exp",
        "min",
        "max",
        "arg",
        "argmin",
        "argmax",
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "varepsilon",
        "zeta",
        "eta",
        "theta",
        "vartheta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "pi",
        "rho",
        "sigma",
        "tau",
        "upsilon",
        "phi",
        "varphi",
        "chi",
        "psi",
        "omega",
        "Gamma",
        "Delta",
        "Theta",
        "Lambda",
        "Xi",
        "Pi",
        "Sigma",
        "Phi",
        "Psi",
        "Omega",
        "nabla",
        "partial",
        "cdot",
        "cdots",
        "ldots",
        "dots",
        "times",
        "div",
        "pm",
        "mp",
        "le",
        "leq",
        "ge",
        "geq",
        "neq",
        "ne",
        "approx",
        "equiv",
        "sim",
        "simeq",
        "propto",
        "in",
        "notin",
        "subset",
        "subseteq",
        "cup",
        "cap",
        "forall",
        "exists",
        "infty",
        "to",
        "mapsto",
        "rightarrow",
        "leftarrow",
        "mathbf",
        "mathrm",
        "mathcal",
        "mathbb",
        "boldsymbol",
        "operatorname",
        "text",
        "textbf",
        "hat",
        "bar",
        "tilde",
        "vec",
        "dot",
        "top",
        "left",
        "right",
        "big",
        "Big",
        "langle",
        "rangle",
        "lVert",
        "rVert",
        "Vert",
        "mid",
        "quad",
        "qquad",
        "softmax",
        "odot",
        "otimes",
        "oplus",
    ]
)
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_DELIMITED = re.compile(
    r"\$\$(?P<display>.+?)\$\$"
    r"|\\\[(?P<bracket>.+?)\\\]"
    r"|\\\((?P<paren>.+?)\\\)"
    r"|(?<![\\$\w])\$(?P<inline>(?=\S)[^$\n]+?(?<=\S))\$(?![\w$])",
    re.DOTALL,
)
# characters a formula is made of, besides letters and digits
_MATH_CHARS = set("\\^_={}()[]+-−*/<>|,.:;'∆Δ∑∏∫∂∇·×÷≤≥≈≠∈∉⊂∪∩→←↦∞±√αβγδεζηθικλμνξπρστυφχψωΓΘΛΞΠΣΦΨΩ⊤⊙⊗⊕")
_PROSE_WORD = re.compile(r"^[A-Za-z][a-z]{2,}[.,;:!?]?$")
_ARROW = r"(?:-->|---|-\.->|==>|->>|-->>)"
# A one-line diagram ("flowchart LR; A --> B"), or a header line with its statement lines below.
MERMAID_LINE = re.compile(
    r"^[ \t]*(?:(?:flowchart|graph)[ \t]+(?:TB|TD|BT|RL|LR)\b.*" + _ARROW + r".*"
    r"|(?:sequenceDiagram|classDiagram|stateDiagram(?:-v2)?|erDiagram|journey|gantt|pie|mindmap|gitGraph)\b[ \t]+\S.*"
    r"|(?:(?:flowchart|graph)[ \t]+(?:TB|TD|BT|RL|LR)|sequenceDiagram)[ \t]*;?(?:\n[ \t]*\S.*" + _ARROW + r".*)+)$",
    re.MULTILINE,
)


def _looks_like_math(content: str) -> bool:
    """`$…$` content that is a formula, not money: a command, an operator, or a short symbol."""
    if _known_command(content) or re.search(r"[\^_=]|[{}]", content):
        return True
    return len(content) <= 3 and bool(re.search(r"[A-Za-zα-ωΑ-Ω]", content)) and not content.isdigit()


def _known_command(text: str) -> bool:
    return any(name in LATEX_COMMANDS for name in _COMMAND.findall(text))


def _mathy(token: str) -> bool:
    """A whitespace-separated token that can be part of a bare formula."""
    if _known_command(token) or ":=" in token:
        return True
    if _PROSE_WORD.match(token) and not any(c in _MATH_CHARS - set(".,;:") for c in token):
        return False  # an ordinary word
    return any(c in _MATH_CHARS or c.isdigit() for c in token) or len(token.strip(".,;:")) <= 1


def _signal(token: str) -> bool:
    """A token that makes its neighbourhood a formula: a LaTeX command or a definition sign."""
    return _known_command(token) or ":=" in token


def bare_formula_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each bare formula in one line: signal tokens grown over formula-like neighbours."""
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", line)]
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(tokens):
        if not _signal(tokens[index][2]):
            index += 1
            continue
        first = index
        while first > 0 and _mathy(tokens[first - 1][2]):
            first -= 1
        last = index
        while last + 1 < len(tokens) and _mathy(tokens[last + 1][2]):
            last += 1
        start, end = tokens[first][0], tokens[last][1]
        while end > start and line[end - 1] in ".,;:" and not line[start:end].endswith(":="):
            end -= 1  # the sentence's punctuation
        spans.append((start, end))
        index = last + 1
    return spans


def find_verbatim(text: str) -> list[tuple[int, int, Verbatim]]:
    """Every formula and diagram in a post's text, as (start, end, span), in order, not overlapping."""
    code = [(m.start(), m.end()) for m in _CODE.finditer(text)]
    found: list[tuple[int, int, Verbatim]] = []

    def free(start: int, end: int) -> bool:
        taken = code + [(s, e) for s, e, _ in found]
        return all(end <= s or start >= e for s, e in taken)

    for match in MERMAID_LINE.finditer(text):
        if free(match.start(), match.end()):
            found.append((match.start(), match.end(), Verbatim("mermaid", mermaid_source(match.group()))))
    for match in _DELIMITED.finditer(text):
        if not free(match.start(), match.end()):
            continue
        display = match.group("display") or match.group("bracket")
        if display is not None and display.strip():
            found.append((match.start(), match.end(), Verbatim("display-math", " ".join(display.split()))))
        elif match.group("paren") is not None and match.group("paren").strip():
            found.append((match.start(), match.end(), Verbatim("math", " ".join(match.group("paren").split()))))
        elif match.group("inline") is not None and _looks_like_math(match.group("inline")):
            found.append((match.start(), match.end(), Verbatim("math", match.group("inline"))))
    offset = 0
    for line in text.split("\n"):
        for start, end in bare_formula_spans(line):
            start, end = offset + start, offset + end
            if not free(start, end):
                continue
            whole_line = not text[offset:start].strip() and not text[end : offset + len(line)].strip(" .,;")
            numbered = "\\tag" in text[start:end]  # a numbered equation is displayed
            found.append((start, end, Verbatim("display-math" if whole_line or numbered else "math", text[start:end])))
        offset += len(line) + 1
    return sorted(found, key=lambda item: item[0])


def mermaid_source(line: str) -> str:
    """A one-line diagram as Mermaid reads it: the header on its own line, one statement a line."""
    line = " ; ".join(part.strip() for part in line.strip().split("\n"))
    header = re.match(r"(?:flowchart|graph)[ \t]+(?:TB|TD|BT|RL|LR)\b|\S+", line)
    head = header.group() if header else line
    rest = line[len(head) :].strip().lstrip(";").strip()
    statements = [part.strip() for part in rest.split(";") if part.strip()]
    return "\n".join([head, *("    " + statement for statement in statements)])
