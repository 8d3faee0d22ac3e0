"""Write studio changes back into the files they belong to, as a small git diff.

Front matter and carousel.yaml are edited through ruamel.yaml's round-trip mode, and
only the top-level keys that changed are written anew: every other line (comments,
blank lines, key order, quoting) stays byte for byte as it was. A post's options
live in its leading `<!-- key: value -->` directive comment, which is edited in
place or inserted. All functions here are pure: text in, text out.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from generator.config.yamledit import EditError, edit_mapping_text, merge_change
from generator.content.thread import DIRECTIVE, split_thread

__all__ = ["EditError", "edit_front_matter", "edit_mapping_text", "edit_post_directive"]


@dataclass(frozen=True)
class _Text:
    """A file's text with its line ending and byte-order mark set aside."""

    body: str
    newline: str
    bom: str

    @classmethod
    def of(cls, text: str) -> _Text:
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        text = text.removeprefix("\ufeff")
        newline = "\r\n" if "\r\n" in text else "\n"
        return cls(text.replace("\r\n", "\n"), newline, bom)

    def restore(self, body: str) -> str:
        return self.bom + body.replace("\n", self.newline)


def _front_matter_span(lines: list[str]) -> tuple[int, int] | None:
    """(first front-matter line index, closing line index), or None when the file has none."""
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return 1, index
    raise EditError("front matter is not closed: add a line holding only '---' after it")


def edit_front_matter(text: str, changes: Mapping[str, Any]) -> str:
    """A thread file's text with front matter `changes` applied (the posts untouched)."""
    source = _Text.of(text)
    lines = source.body.split("\n")
    span = _front_matter_span(lines)
    if span is None:
        new_front = edit_mapping_text("", changes)
        return source.restore("---\n" + new_front + "---\n\n" + source.body) if new_front.strip() else text
    first, closing = span
    front = "\n".join(lines[first:closing])
    new_front = edit_mapping_text(front + "\n" if front else "", changes).rstrip("\n")
    new_lines = lines[:first] + ([new_front] if new_front else []) + lines[closing:]
    return source.restore("\n".join(new_lines))


def _directive_text(data: CommentedMap) -> str:
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.default_flow_style = True
    stream = io.StringIO()
    data.fa.set_flow_style()
    yaml.dump(data, stream)
    text = stream.getvalue().strip().removeprefix("{").removesuffix("}").strip()
    if "-->" in text or "--!>" in text:
        # it would end the comment early and leave the rest as raw HTML in the post
        raise EditError("a slide option cannot contain '-->' (it would end the directive comment)")
    return text


def edit_post_directive(text: str, post_number: int, changes: Mapping[str, Any]) -> str:
    """A thread file's text with post `post_number`'s directive comment changed.

    The key is edited in the leading directive comment that has it (else the first
    one); a post without a directive gets one on its first line; a directive left
    empty is removed.
    """
    source = _Text.of(text)
    thread, _ = split_thread(source.body, "thread")
    post = next((p for p in thread.posts if p.number == post_number), None)
    if post is None:
        raise EditError(f"no post {post_number} (the thread has {len(thread.posts)} posts)")
    lines = source.body.split("\n")
    start = sum(len(line) + 1 for line in lines[: post.line - 1])
    comments: list[tuple[int, int, CommentedMap]] = []  # (start, end, parsed) of each leading directive
    position = start
    # DIRECTIVE is anchored at the start of a string (\A): match it on the rest of the text
    while match := DIRECTIVE.match(source.body[position:]):
        body = match.group(1).strip()
        if ":" not in body:
            break
        try:
            parsed = YAML().load("{" + body.replace("\n", " ") + "}")
        except YAMLError as error:
            raise EditError(f"cannot read the directive '{body}'") from error
        if not isinstance(parsed, CommentedMap):
            raise EditError(f"cannot read the directive '{body}'")
        comments.append((position + match.group(0).index("<!--"), position + match.end(), parsed))
        position += match.end()

    body = source.body
    if not comments:
        data = CommentedMap()
        for key, value in changes.items():
            merge_change(data, key, value)
        if not data:
            return text
        return source.restore(body[:start] + f"<!-- {_directive_text(data)} -->\n" + body[start:])
    # edit the comments from the last to the first, so earlier offsets stay right
    targets: dict[int, dict[str, Any]] = {}
    for key, value in changes.items():
        holder = next((i for i, (_, _, data) in enumerate(comments) if key in data), 0)
        targets.setdefault(holder, {})[key] = value
    for index in sorted(targets, reverse=True):
        comment_start, comment_end, data = comments[index]
        for key, value in targets[index].items():
            merge_change(data, key, value)
        ending = "\n" if body[comment_start:comment_end].endswith("\n") else ""
        replacement = f"<!-- {_directive_text(data)} -->{ending}" if data else ""
        body = body[:comment_start] + replacement + body[comment_end:]
    return source.restore(body)
