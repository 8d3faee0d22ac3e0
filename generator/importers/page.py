"""Text copied from a rendered web page (`--from page`): a thread page, an article, a podcast page.

A copied page holds the post text among interface text ("Show more", "Translate
post", "1.2K views", "Sign up to save your podcasts"), shows some blocks twice (a
preview, cut with "--- ..." or "...", then the whole text), and glues copies of
handles and links together ("@lena@lena"). Each problem has a small named rule;
every rule reports what it did to the trace, and anything no rule recognises as
interface text is kept.

The page's posts: on a thread page, each "Name / @handle" header opens a post by
its author (posts by other handles are replies and go); a page without such
headers is an article or a blurb, whose paragraphs are packed into slide-sized
posts, and whose opening title lines become the thread's title and subtitle.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from generator.importers.cleanup import repair_glued_handles, repair_glued_urls
from generator.importers.model import Author, ImportedPost, ImportedThread, SourceError
from generator.importers.notes import pack_notes, take_title_block
from generator.importers.posts import finish_posts
from generator.importers.text import repaired_text
from generator.importers.trace import Trace, changed_part, report

# --------------------------------------------------------------------------- interface text

# Whole lines of interface text on the pages people copy threads, articles and podcasts from.
UI_STRINGS = frozenset(
    s.lower()
    for s in (
        # X / Twitter
        "Post",
        "Thread",
        "Conversation",
        "Show more",
        "Show less",
        "Translate post",
        "Show translation",
        "Translate",
        "Rate this translation",
        "Follow",
        "Following",
        "Subscribe",
        "Subscribed",
        "Reply",
        "Replies",
        "Repost",
        "Reposts",
        "Retweet",
        "Retweets",
        "Quote",
        "Quotes",
        "Like",
        "Likes",
        "Bookmark",
        "Bookmarks",
        "Share",
        "Share post",
        "Copy link",
        "Copy link to post",
        "Embed post",
        "Report post",
        "Views",
        "View",
        "Show replies",
        "Show more replies",
        "Show additional replies",
        "Show probable spam",
        "Post your reply",
        "Relevant people",
        "Trending now",
        "What's happening",
        "What’s happening",
        "Who to follow",
        "Terms of Service",
        "Privacy Policy",
        "Cookie Policy",
        "Accessibility",
        "Ads info",
        "More",
        "New to X?",
        "Sign up now to get your own personalized timeline!",
        "Create account",
        "Sign up",
        "Log in",
        "Sign in",
        "Or",
        "Don't miss what's happening",
        "Don’t miss what’s happening",
        "People on X are the first to know.",
        "Home",
        "Explore",
        "Notifications",
        "Messages",
        "Profile",
        "Premium",
        "Lists",
        "Communities",
        "Pinned",
        "Read more",
        "See more",
        "Show this thread",
        "Discover more",
        "Sourced from across X",
        "Verified",
        "Ad",
        "Promoted",
        "Image",
        "GIF",
        "Video",
        "Embedded video",
        "Replying to",
        "See new posts",
        # articles and podcasts
        "Advertisement",
        "Skip to content",
        "Skip to main content",
        "Menu",
        "Search",
        "Back",
        "Close",
        "Load more",
        "Listen",
        "Play",
        "Pause",
        "Download",
        "Save",
        "Saved",
        "Add to queue",
        "Mark as played",
        "Episodes",
        "All episodes",
        "Transcript",
        "Show notes",
        "Episode notes",
        "Apple Podcasts Preview",
        "Listen on Apple Podcasts",
        "Listen on Spotify",
        "Open in app",
        "Get the app",
        "Sign up to save your podcasts",
        "Ratings & Reviews",
        "Information",
        "Creator",
        "Explicit",
        "Accept all",
        "Accept all cookies",
        "Reject all",
        "Manage cookies",
        "Cookie settings",
        "Share this article",
        "Share this episode",
        "Related",
        "Related episodes",
        "You might also like",
        "Comments",
        "Leave a comment",
        "Print",
        "Email",
        "Copy",
        "Copied",
        "Up next",
        "Continue reading",
        "Subscribe to our newsletter",
        "Sign up for our newsletter",
        "Follow the show",
        "Rate the show",
    )
)
_COUNT_WORDS = (
    "views?|likes?|reposts?|retweets?|repl(?:y|ies)|quotes?|bookmarks?|comments?|shares?|plays|listens|"
    "followers|following|ratings?|reviews?|subscribers?|reactions?|episodes?|min(?:ute)?s? read"
)
COUNT = re.compile(rf"^[\d][\d.,]*\s*[KkMmB]?\+?(?:\s+(?:{_COUNT_WORDS}))?$|^(?:{_COUNT_WORDS})$", re.IGNORECASE)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
TIMESTAMP = re.compile(
    rf"^(?:\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s*(?:[AaPp]\.?[Mm]\.?)?"  # 10:32 AM, 0:45
    rf"|{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?"  # Mar 4, 2025
    rf"|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?"  # 4 Mar 2025
    r"|\d{4}-\d{2}-\d{2}"
    r"|\d+\s*(?:s|m|h|d|w|y|sec|min|mins|hr|hrs|h \d+ ?m(?:in)?)"  # 2h, 52 min
    r"|\d+\s*hr?\s*\d+\s*min"  # 1 hr 4 min
    r"|(?:S\d+\s*)?E(?:pisode)?\s*\d+"  # S2 E4, Episode 57 (alone on a line)
    r"|\d+(?::\d{2}){1,2}\s*/\s*\d+(?::\d{2}){1,2}"  # 0:12 / 3:40
    r")$",
    re.IGNORECASE,
)
UI_PATTERNS = (
    re.compile(r"^Show \d+ (?:more )?repl(?:y|ies)$", re.IGNORECASE),
    re.compile(r"^Read \d+ repl(?:y|ies)$", re.IGNORECASE),
    re.compile(r"^Replying to (?:@\w+[ ,and]*)+$", re.IGNORECASE),
    re.compile(r"^(?:Sign up|Log in|Sign in|Subscribe|Register) (?:to|for|with) [^.!?]{1,50}$", re.IGNORECASE),
    re.compile(r"^(?:Listen|Watch|Available) on [\w &]{1,30}$", re.IGNORECASE),
    re.compile(r"^Translated from [\w ]{1,30}$", re.IGNORECASE),
    re.compile(r"^Last edited .{1,40}$", re.IGNORECASE),
    re.compile(r"^©.{0,60}$"),
    re.compile(r"^[·•|/\-–—]+$"),
)


def _line_key(line: str) -> str:
    return " ".join(line.replace("’", "'").split()).strip(" ·•").lower()


def is_ui_string(line: str) -> bool:
    """A line that is one of the known interface strings ("Show more", "Translate post", "Or" …)."""
    key = _line_key(line)
    return key in UI_STRINGS or key.replace("'", "’") in UI_STRINGS


def is_ui_pattern(line: str) -> bool:
    """A line of interface text with a variable part: "Show 12 replies", "Listen on Spotify", "© 2026 …"."""
    stripped = " ".join(line.split())
    return any(pattern.match(stripped) for pattern in UI_PATTERNS)


def is_count_or_time(line: str) -> bool:
    """A line of counts and times only: "1.2K views", "345", "10:32 AM · Mar 4, 2025", "Dec 1, 2026 · 52 min"."""
    parts = [part.strip() for part in re.split(r"\s+[·•|]\s+|\s*·\s*", line.strip()) if part.strip()]
    return bool(parts) and all(COUNT.match(part) or TIMESTAMP.match(part) or is_ui_string(part) for part in parts)


# The chrome rules, by name, tried in order on every line of a page.
CHROME_RULES = (
    ("ui-string", is_ui_string),
    ("ui-pattern", is_ui_pattern),
    ("count-or-time", is_count_or_time),
)


def chrome_rule(line: str) -> str | None:
    """The name of the chrome rule a line matches, or None for text to keep."""
    if not line.strip():
        return None
    return next((name for name, rule in CHROME_RULES if rule(line)), None)


# --------------------------------------------------------------------------- truncation markers

_MARKER_TAIL = re.compile(
    r"[ \t]*(?:-{2,}|—|–)[ \t]*(?:\.{3}|…)[ \t]*$"  # "--- ..."
    r"|(?<=\S)[ \t]*(?:\.{3}|…)[ \t]*(?:Show more|Read more|See more|more)[ \t]*$"  # "…Show more"
    r"|^[ \t]*(?:\.{3}|…)[ \t]*$",  # a line of "..." alone
    re.IGNORECASE,
)


def strip_truncation_markers(line: str) -> str:
    """A page's mark of cut text ("--- ...", "… Show more", a lone "...") goes; the author's own "..." stays."""
    return _MARKER_TAIL.sub("", line)


# --------------------------------------------------------------------------- post headers

HANDLE_ONLY = re.compile(r"^@(?P<handle>[A-Za-z0-9_]{1,15})$")
NAME_AND_HANDLE = re.compile(r"^(?P<name>[^@\n.!?:;,]{1,50}?)[ \t]*@(?P<handle>[A-Za-z0-9_]{1,15})(?:[ \t]*·.*)?$")


@dataclass(frozen=True)
class Header:
    """A "Name / @handle" header on a thread page: it opens the post below it."""

    start: int  # index of its first line
    end: int  # index after its last line
    name: str
    handle: str


def find_headers(lines: Sequence[str]) -> list[Header]:
    """Every post header of a page: an `@handle` line (after a name line), or "Name @handle"."""
    headers: list[Header] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        alone = HANDLE_ONLY.match(stripped)
        if alone:
            previous = next((i for i in range(index - 1, max(index - 3, -1), -1) if lines[i].strip()), None)
            taken = headers and headers[-1].end > (previous if previous is not None else -1)
            if previous is not None and not taken and _name_like(lines[previous]):
                headers.append(Header(previous, index + 1, lines[previous].strip(), alone.group("handle")))
            else:
                headers.append(Header(index, index + 1, alone.group("handle"), alone.group("handle")))
            continue
        glued = NAME_AND_HANDLE.match(stripped)
        if glued and len(glued.group("name").split()) <= 5 and _name_like(glued.group("name")):
            headers.append(Header(index, index + 1, glued.group("name").strip(), glued.group("handle")))
    return headers


def _name_like(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= 50 and "://" not in line and not re.search(r"[.!?:;]$", line) and len(line.split()) <= 6


# --------------------------------------------------------------------------- repeated blocks


@dataclass(frozen=True)
class Block:
    """A paragraph of the page: its text and first line (1-based)."""

    text: str
    line: int


def _block_key(text: str) -> str:
    return " ".join(text.split())


def _cut_key(text: str) -> str:
    """The key of a block that may be a cut copy: without a closing "..." or "…"."""
    return re.sub(r"[ \t]*(?:\.{3}|…)$", "", _block_key(text)).rstrip()


def collapse_repeats(groups: Sequence[Sequence[Block]], trace: Trace | None = None) -> list[list[Block]]:
    """Blocks shown twice go: an exact repeat of an earlier block, or a cut copy (a prefix) of another.

    Only what another kept block holds in full is dropped, so no text is lost. A
    short block (under 25 characters) is dropped only as a repeat within its own
    group (a post's doubled line), since short lines ("Thanks!") recur honestly.
    """
    flat = [(g, block) for g, group in enumerate(groups) for block in group]
    keys = [_block_key(block.text) for _, block in flat]
    ordered = sorted(set(keys))  # a cut copy's longer versions follow it in sorted order
    seen_in: dict[str, set[int]] = {}
    dropped: set[int] = set()
    for i, (group, block) in enumerate(flat):
        key, cut = keys[i], _cut_key(block.text)
        if not key:
            dropped.add(i)
            continue
        groups_with_key = seen_in.setdefault(key, set())
        if groups_with_key and (len(cut) >= 25 or group in groups_with_key):
            report(trace, "repeated-block", block.line, "dropped", block.text)
            dropped.add(i)
            continue
        if len(cut) >= 25 or cut != key:
            position = bisect.bisect_right(ordered, cut)
            if position < len(ordered) and ordered[position] == key:  # its own "…" version
                position += 1
            if position < len(ordered) and ordered[position].startswith(cut):
                report(trace, "cut-copy", block.line, "dropped", block.text)
                dropped.add(i)
                continue
        groups_with_key.add(group)
    out: list[list[Block]] = [[] for _ in groups]
    for i, (group, block) in enumerate(flat):
        if i not in dropped:
            out[group].append(block)
    return out


# --------------------------------------------------------------------------- the page


def clean_page_lines(text: str, trace: Trace | None = None) -> list[str]:
    """Each line repaired (glued copies, truncation markers) and interface lines blanked (a paragraph break)."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        for name, rule in (
            ("glued-handle", repair_glued_handles),
            ("glued-url", repair_glued_urls),
            ("truncation-marker", strip_truncation_markers),
        ):
            fixed = rule(line)
            if fixed != line:
                old, new = changed_part(line, fixed)
                report(trace, name, number, "repaired" if fixed.strip() else "dropped", old, new if fixed.strip() else None)
                line = fixed
        chrome = chrome_rule(line)
        if chrome:
            report(trace, chrome, number, "dropped", line)
            line = ""
        out.append(line)
    return out


def _blocks(lines: Sequence[str], start: int, end: int) -> list[Block]:
    blocks: list[Block] = []
    current: list[str] = []
    first = start
    for index in range(start, end):
        if lines[index].strip():
            if not current:
                first = index
            current.append(lines[index])
        elif current:
            blocks.append(Block("\n".join(current), first + 1))
            current = []
    if current:
        blocks.append(Block("\n".join(current), first + 1))
    return blocks


def _thread_groups(lines: Sequence[str], headers: Sequence[Header], trace: Trace | None) -> tuple[Author, list[list[Block]]]:
    """A thread page: the posts under the author's headers (replies by others dropped)."""
    author_handle = headers[0].handle.lower()
    first = next(h for h in headers if h.handle.lower() == author_handle)
    author = Author(first.name if first.name != first.handle else first.handle, first.handle)
    groups: list[list[Block]] = []
    top = _blocks(lines, 0, headers[0].start)
    for block in top:  # above the first post: what no chrome rule knew, kept when it is text
        if len(block.text.split()) >= 4:
            groups.append([block])
        else:
            report(trace, "page-top", block.line, "dropped", block.text)
    for index, header in enumerate(headers):
        end = headers[index + 1].start if index + 1 < len(headers) else len(lines)
        report(trace, "post-header", header.start + 1, "dropped", " ".join(line.strip() for line in lines[header.start : header.end]))
        blocks = _blocks(lines, header.end, end)
        if header.handle.lower() != author_handle:
            for block in blocks:
                report(trace, "other-author", block.line, "dropped", block.text)
            continue
        groups.append(blocks)
    return author, groups


def parse_page(raw: str, where: str, trace: Trace | None = None) -> ImportedThread:
    """Text copied from a web page -> ImportedThread. Raises SourceError when no text is left."""
    text = repaired_text(raw, trace)
    if not text.strip():
        raise SourceError.at(where, "empty: there is no page text to import")
    lines = clean_page_lines(text, trace)
    headers = find_headers(lines)
    handles = Counter(h.handle.lower() for h in headers)
    if headers and (handles[headers[0].handle.lower()] >= 2 or not "".join(lines[: headers[0].start]).strip()):
        author: Author | None
        author, groups = _thread_groups(lines, headers, trace)
        groups = collapse_repeats(groups, trace)
        drafts = [ImportedPost(text="\n\n".join(b.text for b in group), line=group[0].line) for group in groups if group]
        posts = finish_posts(drafts, trace=trace)
        title = subtitle = None
    else:
        author = None
        (blocks,) = collapse_repeats([_blocks(lines, 0, len(lines))], trace)
        title, subtitle, drafts = take_title_block([ImportedPost(text=b.text, line=b.line) for b in blocks], trace)
        posts = pack_notes(finish_posts(drafts, trace=trace), trace=trace)
    if not posts:
        raise SourceError.at(where, "not a page with text: only interface text was found")
    return ImportedThread(posts=tuple(posts), author=author, title=title, subtitle=subtitle)


def page_signals(text: str) -> int:
    """How many distinct lines of known interface text a pasted text holds (for --from auto)."""
    seen = {_line_key(line) for line in text.split("\n") if chrome_rule(line) and not re.fullmatch(r"\s*\d+\s*", line)}
    return len(seen)
