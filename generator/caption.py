"""caption.txt: the post text for the platform, within its caption limit."""

from __future__ import annotations

from generator.content.markdown import plain_text
from generator.model import ThreadPlan

ELLIPSIS = "…"


def build_caption(plan: ThreadPlan) -> str:
    """Title, subtitle and the first post as plain text, cut on a word within the limit."""
    limit = plan.canvas.caption_limit
    if plan.meta.caption:
        parts = [plan.meta.caption.strip()]
    else:
        parts = [plain_text(plan.meta.title_html).strip()]
        if plan.meta.subtitle_html:
            parts.append(plain_text(plan.meta.subtitle_html).strip())
        first_post = next((s for s in plan.slides if s.kind == "post"), None)
        if first_post is not None:
            parts.append(plain_text("\n".join(first_post.blocks)).strip())
        if plan.meta.source_url:
            parts.append(plan.meta.source_url)
    text = "\n\n".join(part for part in parts if part)
    if len(text) > limit:
        cut = text[: limit - len(ELLIPSIS)]
        cut = cut.rsplit(None, 1)[0] if " " in cut else cut
        text = cut.rstrip() + ELLIPSIS
    return text + "\n"
