"""YAML loading that remembers where every key stands, for `file:line` errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import Diagnostic


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
            if loc in self._lines:
                return self._lines[loc]
            loc = loc[:-1]
        return self._lines.get((), self.first_line)

    def diagnostic(self, loc: Sequence[Any], message: str) -> Diagnostic:
        return Diagnostic(self.path, self.line_of(loc), message)


def _record_lines(node: yaml.Node, loc: tuple[Any, ...], offset: int, lines: dict) -> None:
    lines.setdefault(loc, node.start_mark.line + offset)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[loc + (key,)] = key_node.start_mark.line + offset
            _record_lines(value_node, loc + (key,), offset, lines)
            lines[loc + (key,)] = key_node.start_mark.line + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, loc + (index,), offset, lines)


def load_located_yaml(text: str, path: str, first_line: int = 1) -> LocatedYaml:
    """Parse YAML text; raise a one-diagnostic ValueError-like `YamlSyntaxError` on bad syntax."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = error.problem or str(error)
        raise YamlSyntaxError(Diagnostic(path, line, f"invalid YAML: {problem}")) from error
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _record_lines(node, (), first_line, lines)
    return LocatedYaml(data=data, path=path, first_line=first_line, _lines=lines)


class YamlSyntaxError(Exception):
    """YAML that does not parse; carries the diagnostic to show."""

    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))
