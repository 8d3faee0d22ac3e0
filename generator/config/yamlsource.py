"""YAML loading that remembers where every key stands, for `file:line` errors.

YAML comes from other people (front matter of imported threads, shared projects), so
it is loaded with limits: its size, its nesting depth, the number of aliases and the
size of the data once aliases are expanded (a "billion laughs" bomb is refused while
it is composed, in milliseconds), recursive aliases and over-long numbers. Every
problem, including a value PyYAML cannot construct (`date: 2026-13-45`), is a
`YamlSyntaxError` carrying one located diagnostic; nothing else escapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from generator.errors import Diagnostic


@dataclass(frozen=True)
class YamlLimits:
    """How much YAML a document may hold. The defaults are far above any real front matter."""

    max_bytes: int = 256 * 1024
    max_depth: int = 32  # nested mappings and sequences
    max_aliases: int = 100
    max_nodes: int = 20_000  # scalars + collections, with every alias expanded
    max_number_digits: int = 64


FRONT_MATTER_LIMITS = YamlLimits()
CONFIG_LIMITS = YamlLimits(max_bytes=1024 * 1024)


@dataclass
class LocatedYaml:
    """Parsed YAML data plus the line of every mapping key and sequence item.

    `first_line` is the file line of the YAML text's first line, so front matter
    (which starts on line 2 of a thread file) reports real file lines.
    """

    data: Any
    path: str
    first_line: int = 1
    _lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def line_of(self, loc: Sequence[Any]) -> int:
        """The file line of the deepest known prefix of `loc` (a pydantic error location)."""
        loc = tuple(loc)
        while loc:
            try:
                if loc in self._lines:
                    return self._lines[loc]
            except TypeError:  # an unhashable part (pydantic may put one in a location)
                pass
            loc = loc[:-1]
        return self._lines.get((), self.first_line)

    def diagnostic(self, loc: Sequence[Any], message: str) -> Diagnostic:
        return Diagnostic(self.path, self.line_of(loc), message)


class YamlSyntaxError(Exception):
    """YAML that cannot be loaded; carries the diagnostic to show."""

    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


class _LimitExceeded(yaml.MarkedYAMLError):
    pass


def _mark(event: yaml.Event) -> yaml.Mark | None:
    """The event's start mark (the C loader's marks quack like yaml.Mark)."""
    mark: yaml.Mark | None = event.start_mark  # type: ignore[assignment]
    return mark


class _LimitedLoader(yaml.SafeLoader):
    """A SafeLoader that stops composing at the first limit a document exceeds."""

    limits: YamlLimits = FRONT_MATTER_LIMITS

    def __init__(self, stream: str, limits: YamlLimits):
        super().__init__(stream)
        self.limits = limits
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # (untyped in types-PyYAML)
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                raise _LimitExceeded(None, None, f"more than {self.limits.max_aliases} aliases", _mark(event))
            return super().compose_node(parent, index)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._depth += 1
            if self._depth > self.limits.max_depth:
                raise _LimitExceeded(None, None, f"nested more than {self.limits.max_depth} levels deep", _mark(event))
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, OverflowError, TypeError) as error:
            # PyYAML's own constructors raise these for e.g. `2026-13-45` or a 5,000-digit int
            raise ConstructorError(None, None, f"cannot read '{_excerpt(str(node.value))}': {error}", node.start_mark) from error

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        digits = sum(char.isdigit() for char in str(node.value))
        if digits > self.limits.max_number_digits:
            raise ConstructorError(None, None, f"a number of {digits} digits (at most {self.limits.max_number_digits})", node.start_mark)
        return super().construct_yaml_int(node)


_LimitedLoader.add_constructor("tag:yaml.org,2002:int", _LimitedLoader.construct_yaml_int)


def _excerpt(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_expanded_size(root: yaml.Node, limits: YamlLimits) -> None:
    """Refuse recursive aliases and documents whose aliases expand past `max_nodes`.

    Counts each node's expanded size once (aliases share nodes), iteratively, so the
    check itself costs the size of the composed graph, never of its expansion.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > limits.max_nodes:
                raise _LimitExceeded(None, None, f"aliases expand to more than {limits.max_nodes} values", node.start_mark)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise _LimitExceeded(None, None, "an alias refers to the collection that contains it (recursive alias)", node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            child_key = id(child)
            if child_key in on_path:
                raise _LimitExceeded(None, None, "an alias refers to the collection that contains it (recursive alias)", child.start_mark)
            if child_key not in sizes:
                stack.append((child, False))


def _check_duplicate_keys(root: yaml.Node) -> None:
    """Refuse a mapping that has a key twice: YAML forbids it, PyYAML keeps the last one
    silently (`title: one` then `title: two` built as "two")."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: set[str] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = str(key_node.value)
                if key in first:
                    raise _LimitExceeded(None, None, f"the key '{_excerpt(key)}' is given twice: keep one", key_node.start_mark)
                first.add(key)
        stack.extend(_children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _record_lines(node: yaml.Node, loc: tuple[Any, ...], offset: int, lines: dict[tuple[Any, ...], int]) -> None:
    lines.setdefault(loc, node.start_mark.line + offset)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key, str):
                continue  # a complex key: its value has no dotted location
            lines[loc + (key,)] = key_node.start_mark.line + offset
            _record_lines(value_node, loc + (key,), offset, lines)
            lines[loc + (key,)] = key_node.start_mark.line + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, loc + (index,), offset, lines)


def _located_problem(error: yaml.YAMLError, text: str, path: str, first_line: int) -> Diagnostic:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = error.problem or error.context or "unreadable"
        return Diagnostic(path, line, f"invalid YAML: {problem}")
    if isinstance(error, yaml.reader.ReaderError):
        line = first_line + text.count("\n", 0, max(0, error.position))
        return Diagnostic(path, line, f"invalid YAML: character {error.character:#06x} is not allowed")
    return Diagnostic(
        path, first_line, f"invalid YAML: {_excerpt(str(error).splitlines()[0] if str(error) else type(error).__name__, 120)}"
    )


def load_yaml_value(text: str, path: str, first_line: int = 1, limits: YamlLimits = FRONT_MATTER_LIMITS) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML document within `limits`: (data, its node). Raises YamlSyntaxError."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise YamlSyntaxError(Diagnostic(path, first_line, f"YAML of {size:,} bytes is too large (at most {limits.max_bytes:,})"))
    try:
        loader = _LimitedLoader(text, limits)
    except yaml.YAMLError as error:  # the reader checks every character up front (NUL, controls)
        raise YamlSyntaxError(_located_problem(error, text, path, first_line)) from error
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_expanded_size(node, limits)
        _check_duplicate_keys(node)
        return loader.construct_document(node), node
    except yaml.YAMLError as error:
        raise YamlSyntaxError(_located_problem(error, text, path, first_line)) from error
    except RecursionError as error:  # a guard: the depth limit should make this unreachable
        raise YamlSyntaxError(Diagnostic(path, first_line, "invalid YAML: nested too deeply")) from error
    finally:
        loader.dispose()


def load_located_yaml(text: str, path: str, first_line: int = 1, limits: YamlLimits = FRONT_MATTER_LIMITS) -> LocatedYaml:
    """Parse YAML text within `limits`; raise a one-diagnostic `YamlSyntaxError` on any problem."""
    data, node = load_yaml_value(text, path, first_line, limits)
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _record_lines(node, (), first_line, lines)
    return LocatedYaml(data=data, path=path, first_line=first_line, _lines=lines)
