"""Steps every source shares once it has one raw text per post."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from generator.importers.cleanup import (
    RichText,
    clean_post,
    dedupe_posts,
    strip_thread_markers,
    tidy_whitespace,
)
from generator.importers.model import ImportedPost, Link
from generator.importers.notes import conventions
from generator.importers.trace import Trace, changed_part, report


def finish_posts(
    drafts: Sequence[ImportedPost],
    urls: Sequence[Mapping[str, Link | None]] | None = None,
    trace: Trace | None = None,
) -> list[ImportedPost]:
    """Clean each draft's raw text, strip thread numbers, drop empty and repeated posts, apply X's conventions.

    `drafts` carry the raw post text in `text` (and any id, media, date, source line
    already); `urls[i]` expands the short URLs of draft i. What each rule does is
    reported to `trace`.
    """
    cleaned = [clean_post(draft.text, urls[i] if urls else None, trace, draft.line) for i, draft in enumerate(drafts)]
    # repeats go before thread numbers are read (they would break the count) and after
    # (a repeat may differ only by its number)
    kept = _unique(drafts, cleaned, range(len(drafts)), trace)
    texts = strip_thread_markers([cleaned[i].text for i in kept])
    for i, text in zip(kept, texts):
        if text != cleaned[i].text:
            before, after = changed_part(cleaned[i].plain(), cleaned[i].with_text(text).plain())
            report(trace, "thread-number", drafts[i].line, "dropped", before, after)
        cleaned[i] = cleaned[i].with_text(tidy_whitespace(text))
    kept = _unique(drafts, cleaned, kept, trace)
    posts = [replace(drafts[i], text=cleaned[i].text, links=cleaned[i].links, verbatim=cleaned[i].verbatim) for i in kept]
    return [post for post in (conventions(post, trace) for post in posts) if post.text or post.heading or post.media]


def _unique(drafts: Sequence[ImportedPost], cleaned: Sequence[RichText], indexes: Sequence[int], trace: Trace | None) -> list[int]:
    """The indexes of posts that are neither empty nor a repeat of an earlier one."""
    indexes = list(indexes)
    # a post that is only an image is still a post: its media are part of its identity
    keyed = [RichText(cleaned[i].key() + "".join(f"\n{m.url or m.path}" for m in drafts[i].media)) for i in indexes]
    kept = [indexes[k] for k in dedupe_posts(keyed)]
    for i in set(indexes) - set(kept):
        if cleaned[i].text.strip():
            report(trace, "repeated-post", drafts[i].line, "dropped", cleaned[i].plain())
    return drop_cut_copies(drafts, cleaned, kept, trace)


def drop_cut_copies(drafts: Sequence[ImportedPost], cleaned: Sequence[RichText], indexes: Sequence[int], trace: Trace | None) -> list[int]:
    """A post that is the start of another post (a preview cut with or without "…") goes: the other holds it all.

    Only posts of 25 characters or more and without media count, so a short post
    ("Thanks!") that merely begins a longer one stays.
    """
    keys = {i: " ".join(cleaned[i].key().split()) for i in indexes}
    ordered = sorted(set(keys.values()))
    kept = []
    for i in indexes:
        cut = re.sub(r"\s*(?:\.{3}|…)$", "", keys[i])
        position = bisect.bisect_right(ordered, cut)
        if position < len(ordered) and ordered[position] == keys[i]:
            position += 1
        if len(cut) >= 25 and not drafts[i].media and position < len(ordered) and ordered[position].startswith(cut):
            report(trace, "cut-copy", drafts[i].line, "dropped", cleaned[i].plain())
            continue
        kept.append(i)
    return kept
