"""Stylesheets from layouts and themes, made safe to inline in a `<style>` element.

A theme or layout may come from someone else. Its CSS is parsed with tinycss2 and
serialised again, so what reaches the HTML is CSS tokens only: comments dropped,
every `<` written as the CSS escape `\\3c ` (the same character to CSS, but never
`</style>` or `<!--` to the HTML parser), so a stylesheet cannot close its element
and inject markup such as `<link rel="attachment">`.
"""

from __future__ import annotations

from functools import lru_cache

import tinycss2


@lru_cache(maxsize=128)
def safe_stylesheet(text: str) -> str:
    """`text` re-serialised from its CSS tokens, safe inside `<style>…</style>`."""
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=False)
    kept = [rule for rule in rules if rule.type != "error"]
    return tinycss2.serialize(kept).replace("<", "\\3c ")


def css_string(value: str) -> str:
    """A CSS string literal holding `value` (quotes, backslashes and `<` escaped)."""
    return '"' + tinycss2.serializer.serialize_string_value(value).replace("<", "\\3c ") + '"'
