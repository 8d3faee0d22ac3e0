"""Split a thread file into front matter, posts and per-post directives.

Pure text processing with line numbers kept, so later stages can say `file:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.config.yamlsource import LocatedYaml, YamlSyntaxError, load_located_yaml, load_yaml_value
from generator.errors import Diagnostic

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
DIRECTIVE = re.compile(r"\A\s*<!--(.*?)-->[ \t]*\n?", re.DOTALL)
# `<!-- alt: text -->` holds free text (commas, colons), not a YAML mapping
ALT_DIRECTIVE = re.compile(r"\Aalt\s*:\s*(.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class PostSource:
    """One post: its 1-based number, Markdown text and where it starts in the file."""

    number: int
    markdown: str
    line: int
    directives: dict[str, Any] = field(default_factory=dict)
    directive_line: int | None = None


@dataclass(frozen=True)
class ThreadSource:
    """A thread file split up, not yet validated against the schema."""

    shown_path: str
    front_matter: LocatedYaml
    posts: tuple[PostSource, ...]


def _split_front_matter(lines: list[str], shown: str) -> tuple[list[str], int, int]:
    """(front matter lines, first front-matter line number, first body line index)."""
    if not lines or lines[0].strip() != "---":
        return [], 1, 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return lines[1:index], 2, index + 1
    raise ThreadSyntaxError(Diagnostic(shown, 1, "front matter is not closed: add a line holding only '---' after it"))


def _parse_directives(text: str, line: int, shown: str) -> tuple[dict[str, Any], str, int | None, list[Diagnostic]]:
    """Leading `<!-- key: value, ... -->` comments of a post -> (options, remaining text, line, problems)."""
    directives: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    first_line: int | None = None
    stripped_lines = 0
    while match := DIRECTIVE.match(text):
        body = match.group(1).strip()
        comment_line = line + stripped_lines + text[: match.start(1)].count("\n")
        if ":" not in body:
            break  # an ordinary comment, not a directive
        alt = ALT_DIRECTIVE.match(body)
        if alt:
            directives["alt"] = _unquoted(" ".join(alt.group(1).split()))
            first_line = first_line or comment_line
            stripped_lines += match.group(0).count("\n")
            text = text[match.end() :]
            continue
        try:
            parsed, _ = load_yaml_value("{" + body.replace("\n", " ") + "}", shown, comment_line)
        except YamlSyntaxError:
            parsed = None
        if not isinstance(parsed, dict):
            flat = " ".join(body.split())  # one line, whatever the comment held
            shown_body = flat if len(flat) <= 80 else flat[:79] + "…"
            problems.append(Diagnostic(shown, comment_line, f"directive: cannot read '{shown_body}': write <!-- key: value, key: value -->"))
        else:
            directives.update(parsed)
            first_line = first_line or comment_line
        stripped_lines += match.group(0).count("\n")
        text = text[match.end() :]
    return directives, text, first_line, problems


def _unquoted(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def split_thread(text: str, shown: str) -> tuple[ThreadSource, list[Diagnostic]]:
    """Split a thread file's text. Raises ThreadSyntaxError when it cannot be read at all."""
    text = text.replace("\r\n", "\n").removeprefix("\ufeff")
    lines = text.split("\n")
    front_lines, front_first_line, body_start = _split_front_matter(lines, shown)
    try:
        front = load_located_yaml("\n".join(front_lines), shown, first_line=front_first_line)
    except YamlSyntaxError as error:
        raise ThreadSyntaxError(error.diagnostic) from error
    if front.data is None:
        front.data = {}
    if not isinstance(front.data, dict):
        raise ThreadSyntaxError(Diagnostic(shown, front_first_line, "front matter: must be a mapping of keys to values"))

    # Posts are separated by a line holding only `---` with a blank line before it
    # (without one, Markdown reads `---` as a heading underline) and outside code fences.
    chunks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    current_start = body_start + 1
    fence: str | None = None
    for index in range(body_start, len(lines)):
        line = lines[index]
        fence_match = FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
        previous_blank = not current or not current[-1].strip()
        if fence is None and line.strip() == "---" and previous_blank:
            chunks.append((current_start, current))
            current, current_start = [], index + 2
            continue
        current.append(line)
    chunks.append((current_start, current))

    posts: list[PostSource] = []
    problems: list[Diagnostic] = []
    for start, chunk in chunks:
        # skip leading blank lines so a post's line is that of its first text
        while chunk and not chunk[0].strip():
            chunk, start = chunk[1:], start + 1
        body = "\n".join(chunk).strip()
        if not body:
            continue
        directives, body, directive_line, directive_problems = _parse_directives(body, start, shown)
        problems.extend(directive_problems)
        if not body.strip() and not directives.get("image"):
            continue
        posts.append(PostSource(len(posts) + 1, body.strip(), start, directives, directive_line))
    return ThreadSource(shown, front, tuple(posts)), problems


class ThreadSyntaxError(Exception):
    """A thread file that cannot be split at all."""

    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))
