"""caption.txt: the post text that goes with the carousel on its platform.

An explicit `caption:` is the author's text and is written exactly as given (the
linter warns, with the numbers, when it is longer than the platform allows). A
generated caption starts with the hook (title, subtitle, then the first post with its
heading), keeps the paragraphs, and ends with the thread's hashtags, each once. It is
built from the author's Markdown, so no emoji variation selector is added or removed.
Only a generated caption is ever shortened, on a paragraph, sentence or word.
"""

from __future__ import annotations

from generator.content.markdown import hashtags_of
from generator.model import ThreadPlan
from generator.platforms import caption_limit

ELLIPSIS = "…"


def _shorten(text: str, room: int) -> str:
    """`text` within `room` characters: cut after a sentence or on a word, with an ellipsis."""
    if len(text) <= room:
        return text
    window = text[: max(0, room - 2)]  # room for " …"
    sentence_end = max(window.rfind(". "), window.rfind("\n"))
    if sentence_end >= room // 2:
        return window[: sentence_end + 1].rstrip() + " " + ELLIPSIS
    if " " in window:
        window = window.rsplit(" ", 1)[0]
    return window.rstrip() + ELLIPSIS


def generated_caption(plan: ThreadPlan, limit: int) -> str:
    """The caption written when the thread has no `caption:`."""
    meta = plan.meta
    head = [meta.title_text or meta.title]
    if meta.subtitle_text:
        head.append(meta.subtitle_text)
    hook = meta.hook_text.strip()
    first_line, _, rest = hook.partition("\n\n")
    if first_line.strip() == head[0]:
        hook = rest.strip()  # the title was derived from the first post's heading: say it once
    source = [meta.source_url] if meta.source_url else []

    def assemble(body: str) -> str:
        written = "\n\n".join(part for part in [*head, body, *source] if part)
        present = {tag.casefold() for tag in hashtags_of(written)}
        missing = " ".join(tag for tag in meta.hashtags if tag.casefold() not in present)
        return "\n\n".join(part for part in [written, missing] if part)

    text = assemble(hook)
    if len(text) <= limit:
        return text
    room = limit - len(assemble("")) - 4  # the blank lines around the shortened hook
    text = assemble(_shorten(hook, room) if room > len(ELLIPSIS) else "")
    return text if len(text) <= limit else _shorten(text, limit)


def build_caption(plan: ThreadPlan) -> str:
    """caption.txt of a plan, for its platform."""
    if plan.meta.caption is not None and plan.meta.caption.strip():
        return plan.meta.caption.strip("\n") + "\n"
    return generated_caption(plan, caption_limit(plan.platform)) + "\n"
