"""Stylesheets from layouts and themes, made safe to inline in a `<style>` element.

A theme or layout may come from someone else. Its CSS is parsed with tinycss2 and
serialised again, so what reaches the HTML is CSS tokens only: comments dropped,
every `<` written as the CSS escape `\\3c ` (the same character to CSS, but never
`</style>` or `<!--` to the HTML parser), so a stylesheet cannot close its element
and inject markup such as `<link rel="attachment">`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
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
