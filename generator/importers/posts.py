"""Steps every source shares once it has one raw text per post."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from generator.importers.cleanup import RichText, clean_post, dedupe_posts, strip_thread_markers, tidy_whitespace
from generator.importers.model import ImportedPost, Link


def finish_posts(
    drafts: Sequence[ImportedPost],
    urls: Sequence[Mapping[str, Link | None]] | None = None,
) -> list[ImportedPost]:
    """Clean each draft's raw text, strip thread numbers, drop empty and repeated posts.

    `drafts` carry the raw post text in `text` (and any id, media, date already);
    `urls[i]` expands the short URLs of draft i.
    """
    cleaned = [clean_post(draft.text, urls[i] if urls else None) for i, draft in enumerate(drafts)]
    # repeats go before thread numbers are read (they would break the count) and after
    # (a repeat may differ only by its number)
    kept = _unique(drafts, cleaned, range(len(drafts)))
    texts = strip_thread_markers([cleaned[i].text for i in kept])
    for i, text in zip(kept, texts):
        cleaned[i] = RichText(tidy_whitespace(text), cleaned[i].links)
    kept = _unique(drafts, cleaned, kept)
    return [replace(drafts[i], text=cleaned[i].text, links=cleaned[i].links) for i in kept]


def _unique(drafts: Sequence[ImportedPost], cleaned: Sequence[RichText], indexes: Sequence[int]) -> list[int]:
    """The indexes of posts that are neither empty nor a repeat of an earlier one."""
    indexes = list(indexes)
    # a post that is only an image is still a post: its media are part of its identity
    keyed = [
        RichText(cleaned[i].text + "".join(f"\n{m.url or m.path}" for m in drafts[i].media), cleaned[i].links)
        for i in indexes
    ]
    return [indexes[k] for k in dedupe_posts(keyed)]
