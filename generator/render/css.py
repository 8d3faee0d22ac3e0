"""Stylesheets from layouts and themes, made safe to inline in a `<style>` element.

A theme or layout may come from someone else. Its CSS is parsed with tinycss2 and
serialised again, so what reaches the HTML is CSS tokens only: comments dropped,
every `<` written as the CSS escape `\\3c ` (the same character to CSS, but never
`</style>` or `<!--` to the HTML parser), so a stylesheet cannot close its element
and inject markup such as `<link rel="attachment">`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from typing import Any

import tinycss2

from generator.memo import Memo


@lru_cache(maxsize=128)
def safe_stylesheet(text: str, memo: Memo | None = None) -> str:
    """`text` re-serialised from its CSS tokens, safe inside `<style>…</style>`."""
    made: str = (memo or Memo(None)).remembered(
        "safe-css", text.encode("utf-8", "surrogatepass"), lambda: _safe_stylesheet(text), _is_inlinable
    )
    return made


def _is_inlinable(value: object) -> bool:
    """Remembered CSS is inlined: text that cannot end its <style> element (what safe_stylesheet guarantees)."""
    return isinstance(value, str) and "<" not in value


def _safe_stylesheet(text: str) -> str:
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=False)
    kept = [rule for rule in rules if rule.type != "error"]
    return str(tinycss2.serialize(kept)).replace("<", "\\3c ")


def css_string(value: str) -> str:
    """A CSS string literal holding `value` (quotes, backslashes and `<` escaped)."""
    return '"' + str(tinycss2.serializer.serialize_string_value(value)).replace("<", "\\3c ") + '"'


def stylesheet_urls(text: str) -> list[str]:
    """Every url() of a stylesheet, in order, as written (quoted or not, escapes decoded).

    Read with tinycss2's tokenizer, so url() inside comments or strings is not a reference.
    """
    found: list[str] = []

    def walk(nodes: Iterable[Any] | None) -> None:
        for node in nodes or ():
            kind = node.type  # every tinycss2 node has one
            if kind == "url":
                found.append(node.value)
            elif kind == "function" and node.lower_name == "url":
                strings = [token.value for token in node.arguments if token.type == "string"]
                if strings:
                    found.append(strings[0])
            if kind in ("qualified-rule", "at-rule"):
                walk(node.prelude)
                walk(node.content)
            elif kind in ("() block", "[] block", "{} block"):
                walk(node.content)
            elif kind == "function":
                walk(node.arguments)

    walk(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    return [url for url in found if url.strip()]  # an empty url() refers to nothing


# --- the rules a document can use ------------------------------------------------------

# class and id attributes in any quoting; over-inclusion (e.g. `data-id=`) only keeps a rule
_ATTRIBUTE = re.compile(r"""\b(class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")  # how the HTML parser and cssselect2 split class lists


@dataclass(frozen=True)
class DocumentNames:
    """Every class and id that an element of a document may carry."""

    classes: frozenset[str]
    ids: frozenset[str]


def document_names(html: str) -> DocumentNames:
    """The class names and ids in `html`'s attributes, as written and with character references decoded."""
    classes: set[str] = set()
    ids: set[str] = set()
    for match in _ATTRIBUTE.finditer(html):
        value = next(group for group in match.groups()[1:] if group is not None)
        target = classes if match.group(1).lower() == "class" else ids
        for text in {value, unescape(value)}:
            target.update(name for name in _HTML_SPACE.split(text) if name)
            if target is ids:
                target.add(text)  # an id is the whole value
    return DocumentNames(frozenset(classes), frozenset(ids))


@dataclass(frozen=True)
class _Rule:
    text: str  # the rule, serialised (safe inside <style>)
    # per selector of a style rule: the classes and ids it needs; None: kept in every document
    needs: tuple[tuple[frozenset[str], frozenset[str]], ...] | None


def used_rules(css: str, names: DocumentNames, memo: Memo | None = None) -> str:
    """`css` without the style rules that no element of the document can match.

    WeasyPrint cascades every rule of a stylesheet for every element, so a thread pays
    for the CSS of code, tables, layouts and themes it does not use. A selector needs
    every class and id of its compound selectors (outside `:not()`, `:is()`…); a rule
    whose every selector needs one that no element has can never apply and is left
    out. At-rules (`@page`, `@font-face`, `@media`…) and rules whose selectors
    cssselect2 cannot read are always kept; the others keep their order. `memo`
    remembers a stylesheet's rules between runs (parsing it costs ~25 ms a build).
    """
    kept = []
    for rule in _rules(css, memo):
        if rule.needs is None or any(classes <= names.classes and ids <= names.ids for classes, ids in rule.needs):
            kept.append(rule.text)
    return "".join(kept)


@lru_cache(maxsize=32)
def _rules(css: str, memo: Memo | None = None) -> tuple[_Rule, ...]:
    parsed = (memo or Memo(None)).remembered("css-rules", css.encode("utf-8", "surrogatepass"), lambda: _parsed_rules(css), _are_rules)
    return tuple(
        _Rule(text, None if needs is None else tuple((frozenset(classes), frozenset(ids)) for classes, ids in needs))
        for text, needs in parsed
    )


def _are_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _are_rules(value: object) -> bool:
    """Remembered rules: [[serialised rule, None or [[classes], [ids]] per selector], ...]."""
    return isinstance(value, list) and all(
        isinstance(rule, list)
        and len(rule) == 2
        and _is_inlinable(rule[0])
        and (
            rule[1] is None
            or (
                isinstance(rule[1], list)
                and all(isinstance(need, list) and len(need) == 2 and _are_strings(need[0]) and _are_strings(need[1]) for need in rule[1])
            )
        )
        for rule in value
    )


def _parsed_rules(css: str) -> list[tuple[str, list[tuple[list[str], list[str]]] | None]]:
    """Each rule of `css` serialised, with the (classes, ids) of each of its selectors (None: always kept), as JSON data."""
    import cssselect2.parser  # only when rendering (generator.cache reads stylesheets' URLs with this module)

    rules: list[tuple[str, list[tuple[list[str], list[str]]] | None]] = []
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        text = node.serialize().replace("<", "\\3c ") + "\n"
        needs = None
        if node.type == "qualified-rule":
            try:
                needs = [_needs(selector.parsed_tree) for selector in cssselect2.parser.parse(node.prelude)]
            except cssselect2.parser.SelectorError:
                needs = None
        rules.append((text, needs))
    return rules


def _needs(selector: Any) -> tuple[list[str], list[str]]:
    """(classes, ids) that an element and its related elements must carry for `selector` to match."""
    import cssselect2.parser

    classes: set[str] = set()
    ids: set[str] = set()
    pending = [selector]
    while pending:
        node = pending.pop()
        if isinstance(node, cssselect2.parser.CombinedSelector):
            pending += [node.left, node.right]
        elif isinstance(node, cssselect2.parser.CompoundSelector):
            for simple in node.simple_selectors:
                if isinstance(simple, cssselect2.parser.ClassSelector):
                    classes.add(simple.class_name)
                elif isinstance(simple, cssselect2.parser.IDSelector):
                    ids.add(simple.ident)
    return sorted(classes), sorted(ids)


# --- custom properties with one value ------------------------------------------------

# a custom property declared in a style attribute or a rule: over-inclusive (any `--name:`
# in the text), which only keeps a var() as written
_DECLARED = re.compile(r"(--[A-Za-z0-9_-]+)\s*:")


_ESCAPED_NAME = re.compile(r"--[A-Za-z0-9_-]*\\")
ANY_PROPERTY = "\\"  # in a set of declared names: some name is written with a CSS escape


def declared_properties(text: str) -> frozenset[str]:
    """Every custom property name that `text` (HTML, or CSS in a style attribute) may declare,
    entities decoded; with ANY_PROPERTY when a name might be written with an escape."""
    text = unescape(text)
    names = set(_DECLARED.findall(text))
    if _ESCAPED_NAME.search(text):
        names.add(ANY_PROPERTY)
    return frozenset(names)


@lru_cache(maxsize=32)
def with_root_values(css: str, declared_elsewhere: frozenset[str]) -> str:
    """`css` with each `var(--x)` replaced by the one value `--x` can have.

    WeasyPrint resolves a var() again for every element a declaration applies to, and
    validates the result there (~1 M instructions a slide in the bands alone). A custom
    property declared only in top-level `:root` rules (not `!important`), and nowhere in
    `declared_elsewhere` (the document's other rules and style attributes), has its
    root value on every element: that value is written in its place. A var() of a
    property declared nowhere becomes its fallback. Everything else stays as written,
    as do at-rules. Same cascade as long as the substituted value is valid for the
    property (an invalid one is dropped at parse time instead of computing as `unset`).
    """
    if ANY_PROPERTY in declared_elsewhere:
        return css
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=False)
    roots: dict[str, list[Any]] = {}
    unsafe = set(declared_elsewhere)
    for rule in rules:
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            for declaration in tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True):
                if declaration.type == "declaration" and declaration.name.startswith("--"):
                    if declaration.important:
                        unsafe.add(declaration.name)
                    roots[declaration.name] = _strip_whitespace(declaration.value)
        elif rule.type in ("qualified-rule", "at-rule"):
            unsafe.update(_declared_in(list(rule.prelude) + list(rule.content or ())))
    values = _Substitution({name: value for name, value in roots.items() if name not in unsafe}, frozenset(unsafe | roots.keys()))
    out = []
    for rule in rules:
        if rule.type == "qualified-rule" and rule.content is not None:
            rule.content = values.tokens(rule.content)
        out.append(rule)
    return str(tinycss2.serialize(out)).replace("<", "\\3c ")


def _declared_in(tokens: list[Any]) -> set[str]:
    """Custom property names followed by a colon anywhere in `tokens` (names unescaped by the tokenizer)."""
    found: set[str] = set()
    meaningful = [token for token in tokens if token.type not in ("whitespace", "comment")]
    for token, following in zip(meaningful, meaningful[1:] + [None], strict=True):
        if (
            token.type == "ident"
            and token.value.startswith("--")
            and following is not None
            and following.type == "literal"
            and following.value == ":"
        ):
            found.add(token.value)
        elif token.type == "function":
            found |= _declared_in(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            found |= _declared_in(token.content)
    return found


def _strip_whitespace(tokens: list[Any]) -> list[Any]:
    start, end = 0, len(tokens)
    while start < end and tokens[start].type in ("whitespace", "comment"):
        start += 1
    while end > start and tokens[end - 1].type in ("whitespace", "comment"):
        end -= 1
    return tokens[start:end]


class _Substitution:
    """var() replaced by known values: `known` root values, `declared` every name declared anywhere."""

    def __init__(self, known: dict[str, list[Any]], declared: frozenset[str]) -> None:
        self.known = known
        self.declared = declared
        self.resolved: dict[str, list[Any] | None] = {}

    def value(self, name: str, seen: frozenset[str] = frozenset()) -> list[Any] | None:
        """The root value of `name` with its own var() replaced; None when it has none that is sure."""
        if name in seen or name not in self.known:
            return None
        if name not in self.resolved:
            self.resolved[name] = self._tokens(self.known[name], seen | {name})
        return self.resolved[name]

    def tokens(self, tokens: list[Any]) -> list[Any]:
        """`tokens` with every var() that has a sure value replaced by it (the others kept)."""
        return [item for token in tokens for item in self._token(token, frozenset(), keep=True) or ()]

    def _tokens(self, tokens: list[Any], seen: frozenset[str]) -> list[Any] | None:
        out: list[Any] = []
        for token in tokens:
            replaced = self._token(token, seen, keep=False)
            if replaced is None:
                return None
            out.extend(replaced)
        return out

    def _token(self, token: Any, seen: frozenset[str], keep: bool) -> list[Any] | None:
        """The tokens `token` stands for; None (when not `keep`ing) if a var() in it has no sure value."""
        if token.type == "function" and token.lower_name == "var":
            found = self._var(token.arguments, seen)
            if found is not None:
                return found
            return [token] if keep else None
        if token.type == "function":
            arguments = self._children(token.arguments, seen, keep)
            return (
                None if arguments is None else [tinycss2.ast.FunctionBlock(token.source_line, token.source_column, token.name, arguments)]
            )
        if token.type in ("() block", "[] block", "{} block"):
            content = self._children(token.content, seen, keep)
            if content is None:
                return None
            block = {
                "() block": tinycss2.ast.ParenthesesBlock,
                "[] block": tinycss2.ast.SquareBracketsBlock,
                "{} block": tinycss2.ast.CurlyBracketsBlock,
            }
            return [block[token.type](token.source_line, token.source_column, content)]
        return [token]

    def _children(self, tokens: list[Any], seen: frozenset[str], keep: bool) -> list[Any] | None:
        if keep:
            return [item for child in tokens for item in self._token(child, seen, keep=True) or ()]
        return self._tokens(tokens, seen)

    def _var(self, arguments: list[Any], seen: frozenset[str]) -> list[Any] | None:
        """The value of `var(arguments)` when it is sure, else None."""
        meaningful = [index for index, token in enumerate(arguments) if token.type not in ("whitespace", "comment")]
        if not meaningful or arguments[meaningful[0]].type != "ident" or not arguments[meaningful[0]].value.startswith("--"):
            return None
        name = arguments[meaningful[0]].value
        rest = _strip_whitespace(arguments[meaningful[0] + 1 :])
        if rest and not (rest[0].type == "literal" and rest[0].value == ","):
            return None  # not var(--x) or var(--x, fallback)
        if name in self.declared:
            return self.value(name, seen)
        if not rest:
            return None  # declared nowhere, no fallback: invalid at computed-value time, left to WeasyPrint
        return self._tokens(_strip_whitespace(rest[1:]), seen)
