"""How much an SVG costs to draw, told before WeasyPrint draws it.

A 1 KB SVG can make a renderer draw billions of shapes: `<use>` elements pointing at
groups of `<use>` elements, ten at each level ("billion laughs" with references). The
cost of an element is itself plus its children plus, for `<use>`, what it points to;
an SVG above MAX_DRAWN elements or with a `<use>` cycle is refused (a warning naming
the file), so SVG inputs have a bounded cost. Entity bombs are stopped by expat's
amplification limit while parsing (expat >= 2.4), as an SVG that is not well-formed.

A `<style>` that `@import`s another stylesheet is refused too: WeasyPrint cannot load
imported stylesheets inside an SVG and drops the whole image (an AttributeError inside
its SVG code), so the image would vanish with a message that gives no reason.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

MAX_SVG_BYTES = 10 * 1024 * 1024
MAX_DRAWN = 200_000  # elements drawn, <use> expanded; a detailed diagram has a few thousand
HREF_KEYS = ("href", "{http://www.w3.org/1999/xlink}href")


def svg_problem(data: bytes) -> str | None:
    """Why this SVG is refused, or None when it is cheap enough to draw."""
    if len(data) > MAX_SVG_BYTES:
        return f"SVG of {len(data):,} bytes (at most {MAX_SVG_BYTES:,})"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return f"not a well-formed SVG ({error})"
    if any(_imports_stylesheet(element) for element in root.iter() if _local_name(element.tag) == "style"):
        return "SVG <style> imports another stylesheet (@import), which slides cannot draw; put its rules in the <style> itself"
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    costs: dict[int, int] = {}
    active: set[int] = set()

    def cost(element: ElementTree.Element) -> int:
        key = id(element)
        if key in costs:
            return costs[key]
        if key in active:
            raise _Cycle
        active.add(key)
        total = 1
        for child in element:
            total += cost(child)
            if total > MAX_DRAWN:
                break
        if _local_name(element.tag) == "use":
            href = next((value for name in HREF_KEYS if (value := element.get(name))), "")
            target = by_id.get(href[1:]) if href.startswith("#") else None
            if target is not None:
                total += cost(target)
        active.discard(key)
        costs[key] = min(total, MAX_DRAWN + 1)
        return costs[key]

    try:
        drawn = cost(root)
    except _Cycle:
        return "SVG <use> elements refer to each other in a cycle"
    except RecursionError:
        return "SVG nests too deeply"
    if drawn > MAX_DRAWN:
        return f"SVG would draw more than {MAX_DRAWN:,} elements (<use> fan-out)"
    return None


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""  # comments and PIs have no str tag


def _imports_stylesheet(style: ElementTree.Element) -> bool:
    import tinycss2  # only for SVGs with a <style>; planning never loads it otherwise

    rules = tinycss2.parse_stylesheet("".join(style.itertext()), skip_comments=True, skip_whitespace=True)
    return any(rule.type == "at-rule" and rule.lower_at_keyword == "import" for rule in rules)


class _Cycle(Exception):
    pass
