"""Write studio changes back into the files they belong to, as a small git diff.

Front matter and carousel.yaml are edited through ruamel.yaml's round-trip mode, and
only the top-level keys that changed are written anew: every other line (comments,
blank lines, key order, quoting) stays byte for byte as it was. A post's options
live in its leading `<!-- key: value -->` directive comment, which is edited in
place or inserted. All functions here are pure: text in, text out.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from generator.content.thread import DIRECTIVE, split_thread

# front matter keys written in flow style when the studio creates them: they read best on one line
FLOW_KEYS = frozenset({"slides", "pattern"})
_TOP_LEVEL_KEY = re.compile(r"^[^\s#-]")


class EditError(ValueError):
    """A change that cannot be applied to the text (it does not parse, no such post)."""


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


def _yaml_for(text: str) -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long title
    yaml.allow_unicode = True
    try:
        _, indent, block_seq_indent = load_yaml_guess_indent(text) if text.strip() else (None, None, None)
    except YAMLError:
        indent, block_seq_indent = None, None
    if block_seq_indent is None:  # no block sequence to learn from: `key:\n  - item`
        yaml.indent(mapping=indent or 2, sequence=4, offset=2)
    else:
        yaml.indent(mapping=2, sequence=indent or 4, offset=block_seq_indent)
    return yaml


def _to_yaml_value(value: Any, key: str = "") -> Any:
    """JSON data as ruamel nodes (new lists and pattern maps in flow style)."""
    if isinstance(value, Mapping):
        node = CommentedMap((k, _to_yaml_value(v, k)) for k, v in value.items())
        if key in FLOW_KEYS or key == "action":
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_to_yaml_value(v, "action" if key == "actions" else "") for v in value)
        if key in FLOW_KEYS or all(not isinstance(v, (Mapping, list)) for v in value) or key == "slides":
            seq.fa.set_flow_style()
        return seq
    return value


def merge_change(data: Any, key: str, value: Any) -> None:
    """Set `data[key]` to `value`: None removes it, a mapping merges into an existing mapping."""
    if value is None:
        data.pop(key, None)
    elif isinstance(value, Mapping) and isinstance(data.get(key), Mapping):
        existing = data[key]
        for sub_key, sub_value in value.items():
            merge_change(existing, sub_key, sub_value)
        if not existing:
            data.pop(key)
    elif isinstance(value, Mapping):
        # replaces a shorthand (`pattern: dots`) or sets a new group; removing keys of a
        # group the file does not have changes nothing
        cleaned = {k: v for k, v in value.items() if v is not None}
        if cleaned:
            data[key] = _to_yaml_value(cleaned, key)
    else:
        data[key] = _to_yaml_value(value, key)


def _segments(text: str, data: CommentedMap) -> tuple[list[str], dict[str, tuple[list[str], list[str]]]]:
    """Split mapping text into a preamble and, per top-level key, (its lines, the comment/blank lines after it)."""
    lines = text.split("\n")
    starts = [(data.lc.key(key)[0], key) for key in data]
    starts.sort()
    preamble = lines[: starts[0][0]] if starts else lines
    segments: dict[str, tuple[list[str], list[str]]] = {}
    for index, (start, key) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
        block = lines[start:end]
        cut = len(block)
        while cut > 1 and (not block[cut - 1].strip() or block[cut - 1].lstrip().startswith("#")) and not block[cut - 1].startswith(" "):
            cut -= 1
        segments[str(key)] = (block[:cut], block[cut:])
    return preamble, segments


def edit_mapping_text(text: str, changes: Mapping[str, Any]) -> str:
    """Apply `changes` (key -> value; None removes; mappings merge) to YAML mapping text.

    Lines of keys not named in `changes` are kept exactly; changed keys are rewritten
    where they stand; new keys are added at the end.
    """
    yaml = _yaml_for(text)
    try:
        data = yaml.load(text) if text.strip() else CommentedMap()
    except YAMLError as error:
        raise EditError(f"cannot read the YAML: {error}") from error
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise EditError("the YAML is not a mapping of keys to values")
    preamble, before = _segments(text, data) if data else (text.split("\n") if text else [], {})
    for key, value in changes.items():
        merge_change(data, key, value)
    stream = io.StringIO()
    yaml.dump(data, stream)
    dumped = stream.getvalue()
    _, after = _segments(dumped, yaml.load(dumped)) if data else ([], {})

    out: list[str] = list(preamble)
    for key, (lines, trailing) in before.items():
        if key not in changes:
            out += lines
        elif key in after:
            # ruamel carries a comment that followed the block into it: it stays after the block
            carried = {line for line in trailing if line.startswith("#")}
            out += [line for line in after[key][0] if line not in carried]
        out += trailing
    new_keys = [lines for key, (lines, _) in after.items() if key not in before]
    if new_keys:
        while out and not out[-1].strip():
            out.pop()
        for lines in new_keys:
            out += lines
    result = "\n".join(out).rstrip("\n")
    return result + "\n" if result else ""


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
    return stream.getvalue().strip().removeprefix("{").removesuffix("}").strip()


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
