"""What every importer produces: a thread of posts by one author, source-independent.

Post text is plain text as the author typed it (already repaired), except that
links are kept out of the text: each link stands in the text as one private-use
character (see `cleanup.link_token`) and its label and URL live in `links`. That
keeps every text clean-up a plain `str -> str` function that cannot break a link,
and lets the writer escape the author's text for Markdown without touching links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator.errors import ConfigError, Diagnostic

# The sources `carousel import --from` knows, besides "auto".
SOURCE_KINDS = ("text", "page", "x-api", "x-archive")


@dataclass(frozen=True)
class Author:
    """Who wrote the thread. `handle` is stored without the leading '@'."""

    name: str
    handle: str

    @property
    def at_handle(self) -> str:
        return f"@{self.handle}"


@dataclass(frozen=True)
class Link:
    """A link in a post: the text shown and where it points."""

    label: str
    url: str


@dataclass(frozen=True)
class Verbatim:
    """Text that must reach the thread file exactly as written: a formula or a diagram.

    `kind` is "math" (inline, written `$…$`), "display-math" (`$$…$$`, a paragraph
    of its own) or "mermaid" (a fenced code block). Like links, a verbatim span
    stands in the post text as one private-use character (`cleanup.verbatim_token`).
    """

    kind: str
    source: str


@dataclass(frozen=True)
class Media:
    """An image of a post: either a file to copy into the project or a remote URL.

    `filename` is the name the copied file gets beside the thread (archive media);
    remote media (X API) keep their URL and are linked as they are.
    """

    alt: str = ""
    url: str | None = None
    path: Path | None = None
    filename: str | None = None


@dataclass(frozen=True)
class RemoteMedia:
    """An image of the thread left on X: written to the front matter's `media:` list."""

    post: int  # 1-based number of the post that shows it
    url: str
    alt: str = ""


@dataclass(frozen=True)
class ImportedPost:
    """One post of a thread: repaired text with link tokens, its links and images."""

    text: str
    links: tuple[Link, ...] = ()
    media: tuple[Media, ...] = ()
    id: str | None = None
    created_at: datetime | None = None
    # the post's own heading (plain text), written as its `## ` line: "⚙️ The Core Idea"
    heading: str = ""
    verbatim: tuple[Verbatim, ...] = ()
    line: int | None = None  # where the post starts in a pasted source (for --explain)


@dataclass(frozen=True)
class ImportedThread:
    """A whole thread, in reading order, ready to be written as `content/<slug>.md`."""

    posts: tuple[ImportedPost, ...]
    author: Author | None = None
    source_url: str | None = None
    date: datetime | None = None
    id: str | None = None
    warnings: tuple[str, ...] = field(default=())
    # taken from the source's own title lines (a page's headline); else from the first post
    title: str | None = None
    subtitle: str | None = None
    # about the source itself, each already located in it ("conv.json: warning: …"): printed as they are
    source_warnings: tuple[str, ...] = field(default=())


class SourceError(ConfigError):
    """The import source cannot be read as a thread (exit 2, nothing is written)."""

    @classmethod
    def at(cls, where: str, message: str, line: int | None = None) -> SourceError:
        """An error located in a file (`where`), or a general one when `where` is empty."""
        return cls(Diagnostic(where, line, message))
