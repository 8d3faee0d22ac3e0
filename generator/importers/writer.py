"""Render an imported thread as `content/<slug>.md`, and the file-system side of importing.

Rendering is deterministic (same thread, same bytes). Post text is escaped so that
the slide shows what the author typed: Markdown syntax the author did not mean
(a line starting with '#', '1.', '-', '>' ...; '*', '_', '`', '[', raw '<') is
escaped, while #hashtags and @mentions stay plain for the renderer to style. Line
breaks inside a paragraph are kept as single newlines: posts are rendered with
Python-Markdown's nl2br extension.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import yaml
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.config.yamledit import EditError, edit_mapping_text
from generator.errors import ConfigError, Diagnostic
from generator.importers.cleanup import VERBATIM_TOKEN_RE, RichText
from generator.importers.model import Author, ImportedPost, Link, RemoteMedia, Verbatim
from generator.project import CONFIG_NAME

# --------------------------------------------------------------------------- Markdown escaping

_INLINE = re.compile(
    r"(?P<tag>(?<![\w&/#@.])[#@][^\W_][\w]*)"  # a #hashtag or @mention: left as typed
    r"|(?P<backslash>\\)"
    r"|(?P<special>[*`\[\]])"
    r"|(?P<lt><)"
    r"|(?P<amp>&(?=#?\w+;))"  # '&amp;' typed by the author must not turn into '&'
    r"|(?P<underscore>_)"
)
_TABLE_RULE = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")


def _escape_inline(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        kind = match.lastgroup
        value = match.group()
        if kind == "tag":
            # "#3" is a number, not a hashtag (X links only tags with a letter)
            return "&#35;" + value[1:] if value.startswith("#") and value[1:].isdigit() else value
        if kind == "lt":
            return "&lt;"
        if kind == "amp":
            return "&amp;"
        if kind == "underscore":
            # Python-Markdown leaves intraword underscores alone (snake_case)
            before = text[match.start() - 1] if match.start() > 0 else " "
            after = text[match.end()] if match.end() < len(text) else " "
            return value if before.isalnum() and after.isalnum() else "\\_"
        return "\\" + value

    return _INLINE.sub(escape, text)


def _escape_line_start(line: str) -> str:
    """Escape what would make a block of a line: heading, list, quote, rule, fence, table."""
    if line.startswith("#"):
        return "\\" + line
    if re.match(r"\d+\.(\s|$)", line):
        return re.sub(r"^(\d+)\.", r"\1\\.", line)
    if re.match(r"[-+](\s|$)", line) or re.fullmatch(r"-+\s*", line):
        return "\\" + line
    if line.startswith(">"):
        return "\\" + line
    if re.fullmatch(r"=+\s*", line):
        return "&#61;" + line[1:]  # a setext heading underline otherwise
    if line.startswith("~~~"):
        return "&#126;" + line[1:]  # a code fence otherwise
    if _TABLE_RULE.fullmatch(line):
        return line.replace("-", "\\-", 1)
    return line


def _escape_url(url: str) -> str:
    return re.sub(r"[\s()<>]", lambda m: f"%{ord(m.group()):02X}", url)


def link_markdown(link: Link) -> str:
    """`[label](url)` with the label escaped and the URL safe inside parentheses."""
    label = " ".join(link.label.split()) or link.url
    return f"[{_escape_inline(label)}]({_escape_url(link.url)})"


def math_markdown(item: Verbatim) -> str:
    """A formula as `$…$` / `$$…$$` for the math renderer, with nothing Markdown would read.

    `<`, `>` and `*` would start HTML, a quote or emphasis: written `\\lt`, `\\gt`,
    `\\ast` they draw the same.
    """
    source = " ".join(item.source.split())
    source = re.sub(r"\s*<\s*", r" \\lt ", source)
    source = re.sub(r"\s*>\s*", r" \\gt ", source)
    source = re.sub(r"\s*\*\s*", r" \\ast ", source).strip()
    return f"$${source}$$" if item.kind == "display-math" else f"${source}$"


def diagram_markdown(item: Verbatim) -> str:
    """A diagram as a fenced block named by its language (shown as code until diagrams are drawn)."""
    longest = max((len(run) for run in re.findall(r"`+", item.source)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{item.kind}\n{item.source.strip()}\n{fence}"


def _verbatim_markdown(item: Verbatim) -> str:
    return math_markdown(item) if item.kind in ("math", "display-math") else diagram_markdown(item)


def post_markdown(text: str, links: Sequence[Link], verbatim: Sequence[Verbatim] = (), heading: str = "") -> str:
    """A post's text (with link and verbatim tokens) as Markdown that reads as the author wrote it.

    A heading becomes the post's `## ` line (the slide's title).
    """
    rich = RichText(text, tuple(links), tuple(verbatim))
    paragraphs = [f"## {_escape_inline(' '.join(heading.split()))}"] if heading.strip() else []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        block = rich.verbatim_at(paragraph.strip()) if VERBATIM_TOKEN_RE.fullmatch(paragraph.strip()) else None
        if block is not None:
            paragraphs.append(_verbatim_markdown(block))
            continue
        lines = []
        for line in paragraph.split("\n"):
            # leading spaces would make an indented code block
            line = line.strip()
            if not line:
                continue
            escaped = rich.with_text(line).render(link_markdown, _escape_inline, _verbatim_markdown)
            # an author's '!' right before a link would make it an image
            escaped = escaped.replace("![", "\\![") if "!" in line else escaped
            lines.append(_escape_line_start(escaped))
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def image_markdown(alt: str, src: str) -> str:
    """`![alt](src)` for one image of a post."""
    alt = " ".join(alt.split())
    return f"![{_escape_inline(alt)}]({_escape_url(src)})"


# --------------------------------------------------------------------------- the thread file


def _yaml_value(value: Any) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=2**31 - 1)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def front_matter(fields: Sequence[tuple[str, Any]]) -> str:
    """YAML front matter in the given key order; None values are left out."""
    lines = ["---"]
    for key, value in fields:
        if value is None:
            continue
        if isinstance(value, datetime):
            lines.append(f"{key}: {value.isoformat()}")
        else:
            lines.append(f"{key}: {_yaml_value(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def thread_markdown(
    *,
    title: str,
    subtitle: str | None = None,
    posts: Sequence[ImportedPost],
    image_sources: Sequence[Sequence[tuple[str, str]]],
    profile: str | None,
    source: str | None,
    date: datetime | None,
    remote_media: Sequence[RemoteMedia] = (),
) -> str:
    """The whole thread file: front matter, then posts separated by `---` lines."""
    head = front_matter(
        [("title", title), ("subtitle", subtitle), ("profile", profile), ("source", source), ("date", date), ("draft", True)]
    )
    if remote_media:
        head = head.removesuffix("---\n") + media_list(remote_media) + "---\n"
    bodies = []
    for post, images in zip(posts, image_sources):
        parts = [post_markdown(post.text, post.links, post.verbatim, post.heading)] if post.text.strip() or post.heading else []
        parts += [image_markdown(alt, src) for alt, src in images]
        bodies.append("\n\n".join(part for part in parts if part))
    return head + "\n" + "\n\n---\n\n".join(bodies) + "\n"


MEDIA_NOTE = """\
# media: the thread's images, still on X (the build never downloads anything).
# To show them: download them into a folder and run the import again with
# `--media FOLDER --force`, or save them beside this file and add ![alt](file) to the post.
"""


def media_list(remote_media: Sequence[RemoteMedia]) -> str:
    """The front matter's `media:` block, with the note on how to add the files."""
    lines = [MEDIA_NOTE.rstrip("\n"), "media:"]
    for medium in remote_media:
        item: dict[str, Any] = {"post": medium.post, "url": medium.url}
        if medium.alt.strip():
            item["alt"] = " ".join(medium.alt.split())
        flow = yaml.safe_dump(item, allow_unicode=True, default_flow_style=True, sort_keys=False, width=2**31 - 1)
        lines.append(f"  - {flow.strip()}")
    return "\n".join(lines) + "\n"


def slugify(title: str, limit: int = 60) -> str:
    """An ASCII file name from a title: lower case words joined by '-', cut at a word."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else "")


SLUG_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def check_slug(slug: str) -> str:
    """A user's --slug: a plain file name without folders (an '.md' suffix is dropped)."""
    slug = slug.removesuffix(".md")
    if not SLUG_PATTERN.match(slug) or ".." in slug:
        raise ConfigError(Diagnostic("--slug", None, f"'{slug}' is not a valid slug: use letters, digits, '-', '_' and '.'"))
    return slug


# --------------------------------------------------------------------------- profiles in carousel.yaml


def _norm_handle(handle: Any) -> str:
    return str(handle or "").strip().lstrip("@").lower()


def load_config_text(text: str | None, shown: str) -> dict[str, Any]:
    """carousel.yaml's data ({} when missing or empty); a one-line error when unreadable."""
    if not text or not text.strip():
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ConfigError(Diagnostic(shown, (mark.line + 1) if mark else None, f"invalid YAML: {error.problem or error}")) from error
    except yaml.YAMLError as error:
        raise ConfigError(Diagnostic(shown, None, f"invalid YAML: {error}")) from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(Diagnostic(shown, 1, "carousel.yaml must be a mapping of keys to values"))
    profiles = data.get("profiles")
    if profiles is not None and not isinstance(profiles, dict):
        raise ConfigError(Diagnostic(shown, None, "'profiles' must be a mapping of profile ids to profiles"))
    return data


def find_profile(config: dict[str, Any], author: Author) -> str | None:
    """The id of the profile whose handle is the author's (case and '@' ignored)."""
    for profile_id, profile in (config.get("profiles") or {}).items():
        if isinstance(profile, dict) and _norm_handle(profile.get("handle")) == _norm_handle(author.handle):
            return str(profile_id)
    return None


def new_profile_id(config: dict[str, Any], author: Author) -> str:
    """A free profile id made from the handle."""
    base = re.sub(r"[^a-z0-9_-]", "", author.handle.lower()) or "author"
    taken = {str(key) for key in (config.get("profiles") or {})}
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def add_profile(text: str | None, profile_id: str, author: Author) -> str:
    """carousel.yaml's text with one more profile, the rest kept as written (comments too).

    A round-trip edit (`generator/config/yamledit.py`): only the `profiles:` block is
    written anew, in block or flow style as the file has it; a file without one gets it
    at the end.
    """
    fields = {"name": DoubleQuotedScalarString(author.name), "handle": DoubleQuotedScalarString(author.at_handle)}
    try:
        return edit_mapping_text(text or "", {"profiles": {profile_id: fields}})
    except EditError as error:  # (the text was loaded before: this is not expected)
        raise ConfigError(Diagnostic(CONFIG_NAME, None, f"cannot add profile '{profile_id}': {error}")) from error
