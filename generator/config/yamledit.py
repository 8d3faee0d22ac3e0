"""Round-trip edits of YAML mapping text (carousel.yaml, front matter) as small git diffs.

The text is loaded with ruamel.yaml's round-trip mode and only the top-level keys that
change are written anew, where they stand: every other line (comments, blank lines,
key order, quoting) stays byte for byte as it was; new keys go at the end. Used by the
studio (`generator/serve/edits.py`) and by `carousel import` when it adds a profile.
Pure functions: text in, text out.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

# front matter keys written in flow style when the studio creates them: they read best on one line
FLOW_KEYS = frozenset({"slides", "pattern"})


class EditError(ValueError):
    """A change that cannot be applied to the text (it does not parse, no such post)."""


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
            _set(data, key, _to_yaml_value(cleaned, key))
    else:
        _set(data, key, _to_yaml_value(value, key))


def _set(data: Any, key: str, node: Any) -> None:
    """`data[key] = node`; a key added after the last one takes over the blank lines and
    comments that closed the mapping (ruamel keeps them on the last value), so they
    still close it rather than separate the new key from the one before."""
    closing = _last_line(data) if key not in data else None
    data[key] = node
    if closing is None:
        return
    mapping, last = closing
    slot = mapping.ca.items.get(last)
    new_last_line = _last_line(data)
    if not slot or len(slot) < 3 or slot[2] is None or new_last_line is None or (new_last_line[0] is mapping and new_last_line[1] == last):
        return
    token: CommentToken = slot[2]
    own_line, newline, after = str(token.value).partition("\n")
    if not after:
        return  # nothing but the end of its own line
    new_mapping, new_last = new_last_line
    new_mapping.ca.items.setdefault(new_last, [None, None, None, None])[2] = CommentToken("\n" + after, token.start_mark, None)
    # a comment on the last key's own line stays with it
    slot[2] = CommentToken(own_line + newline, token.start_mark, None) if own_line else None


def _last_line(node: Any) -> tuple[CommentedMap, Any] | None:
    """The block mapping and key of the last line of `node` (where ruamel keeps the comment after it)."""
    while isinstance(node, CommentedMap) and node and not node.fa.flow_style():
        last = next(reversed(node))
        value = node[last]
        if not (isinstance(value, CommentedMap) and value and not value.fa.flow_style()):
            return node, last
        node = value
    return None


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
