"""Python-Markdown extensions for slide details: ==highlights==, task lists, emoji bullets.

- `==phrase==` becomes `<mark class="hl">phrase</mark>`, which themes draw in the
  accent colour or on a marker band; the `==` never reach the slide.
- `- [x] done` / `- [ ] open` become list items with a drawn box (CSS), classes
  `task task--done` / `task task--open`: the brackets never reach the text layer.
- A list item that starts with an emoji (`- 🚀 Ship it`) uses it as its bullet:
  class `li--emoji` (the theme draws no marker).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from generator.emoji import starts_with_emoji

# `==` that opens (not after `=` or a backslash, no space after) and closes (no space before)
HIGHLIGHT = r"(?<![=\\])==(?![=\s])(.+?)(?<![\s=\\])==(?!=)"
TASK_MARK = re.compile(r"^\s*\[([ xX])\](?:[ \t]+|$)")


class _HighlightProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]  # noqa: N802 (Markdown's API)
        element = etree.Element("mark")
        element.set("class", "hl")
        element.text = m.group(1)  # further inline patterns (bold, #tags, links) still apply inside
        return element, m.start(0), m.end(0)


class HighlightExtension(Extension):
    """`==phrase==` -> <mark class="hl">."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # above emphasis and the #hashtag / @mention patterns, so they apply inside it
        md.inlinePatterns.register(_HighlightProcessor(HIGHLIGHT, md), "highlight", 70)


def _add_class(element: etree.Element, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name not in classes:
        element.set("class", " ".join(classes + [name]))


class _ListItemProcessor(Treeprocessor):
    """Task items and emoji-led items, found before inline Markdown runs on their text."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            if parent.tag not in ("ul", "ol"):
                continue
            items = [child for child in parent if child.tag == "li"]
            tasks = [item for item in items if self._mark_task(item)]
            if tasks:
                _add_class(parent, "tasks")
            for item in items:
                if item not in tasks and starts_with_emoji(self._lead_text(item)):
                    _add_class(item, "li--emoji")
            if items and all("li--emoji" in (item.get("class") or "") for item in items):
                _add_class(parent, "list--emoji")

    @staticmethod
    def _lead(item: etree.Element) -> etree.Element:
        """The element holding the item's first text (itself, or its first paragraph)."""
        if not (item.text or "").strip() and len(item) and item[0].tag == "p":
            return item[0]
        return item

    def _lead_text(self, item: etree.Element) -> str:
        return self._lead(item).text or ""

    def _mark_task(self, item: etree.Element) -> bool:
        holder = self._lead(item)
        match = TASK_MARK.match(holder.text or "")
        if match is None:
            return False
        holder.text = (holder.text or "")[match.end() :]
        _add_class(item, "task")
        _add_class(item, "task--done" if match.group(1) in "xX" else "task--open")
        return True


class ListDetailsExtension(Extension):
    """Task lists (`- [x]`, `- [ ]`) and emoji-led list items."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # before "inline" (20): `[x]` is still the author's text, not a link reference
        md.treeprocessors.register(_ListItemProcessor(md), "list_details", 25)
