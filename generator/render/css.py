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


@lru_cache(maxsize=128)
def safe_stylesheet(text: str) -> str:
    """`text` re-serialised from its CSS tokens, safe inside `<style>…</style>`."""
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


def used_rules(css: str, names: DocumentNames) -> str:
    """`css` without the style rules that no element of the document can match.

    WeasyPrint cascades every rule of a stylesheet for every element, so a thread pays
    for the CSS of code, tables, layouts and themes it does not use. A selector needs
    every class and id of its compound selectors (outside `:not()`, `:is()`…); a rule
    whose every selector needs one that no element has can never apply and is left
    out. At-rules (`@page`, `@font-face`, `@media`…) and rules whose selectors
    cssselect2 cannot read are always kept; the others keep their order.
    """
    kept = []
    for rule in _rules(css):
        if rule.needs is None or any(classes <= names.classes and ids <= names.ids for classes, ids in rule.needs):
            kept.append(rule.text)
    return "".join(kept)


@lru_cache(maxsize=32)
def _rules(css: str) -> tuple[_Rule, ...]:
    import cssselect2.parser  # only when rendering (generator.cache reads stylesheets' URLs with this module)

    rules = []
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        text = node.serialize().replace("<", "\\3c ") + "\n"
        needs = None
        if node.type == "qualified-rule":
            try:
                needs = tuple(_needs(selector.parsed_tree) for selector in cssselect2.parser.parse(node.prelude))
            except cssselect2.parser.SelectorError:
                needs = None
        rules.append(_Rule(text, needs))
    return tuple(rules)


def _needs(selector: Any) -> tuple[frozenset[str], frozenset[str]]:
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
    return frozenset(classes), frozenset(ids)
