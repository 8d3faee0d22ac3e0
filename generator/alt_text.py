"""Alt text for every slide: what a screen reader (or Instagram's `alt_text`) says of it.

A slide's alt text is the author's `<!-- alt: … -->` when the post has one; otherwise
the alt of the images it shows followed by its text, condensed to ALT_MAX_CHARS.
Pure functions of the fitted slides: nothing is read or written here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.content.markdown import plain_text
from generator.model import SlideSpec, ThreadPlan

# Screen readers read any length, but alt text is a description, not a transcript;
# Instagram's alt_text field and most accessibility guides favour a few sentences.
ALT_MAX_CHARS = 250
ELLIPSIS = "…"
IMG_ALT = re.compile(r'<img\b[^>]*\balt="([^"]*)"')


def condense(text: str, limit: int = ALT_MAX_CHARS) -> str:
    """One line: whitespace collapsed, cut on a word (with an ellipsis) when longer than `limit`."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - len(ELLIPSIS)]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + ELLIPSIS


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?…:" else text + "."


def _joined(parts: Iterable[str]) -> str:
    return " ".join(_sentence(part) for part in parts if part and part.strip())


def slide_alt(plan: ThreadPlan, slide: SlideSpec) -> str:
    """The alt text of one slide."""
    if slide.alt and not slide.continued:
        return condense(slide.alt)
    profile = plan.profile
    by = f"By {profile.name}" + (f" ({profile.at_handle})" if profile.at_handle else "") if profile else ""
    if slide.kind == "cover":
        return condense(_joined([plain_text(plan.meta.title_html), plain_text(plan.meta.subtitle_html), by]))
    if slide.kind == "outro":
        actions = [action.text for action in slide.options.outro.actions]
        website = profile.website if profile and profile.website else ""
        return condense(_joined([slide.options.outro.headline, *actions, by, website]))
    images = []
    if slide.image is not None and slide.image.alt.strip():
        images.append(f"Image: {slide.image.alt.strip()}")
    for block in slide.blocks:
        images += [f"Image: {alt.strip()}" for alt in IMG_ALT.findall(block) if alt.strip()]
    text = [slide.figure, plain_text(slide.title_html)] + [plain_text(block) for block in slide.blocks]
    prefix = "(continued) " if slide.continued else ""
    return condense(prefix + _joined(images + text)) or ("Image" if slide.image is not None else "")


def thread_alt(plan: ThreadPlan, slides: Iterable[SlideSpec]) -> tuple[str, ...]:
    """Alt text of every slide, in order."""
    return tuple(slide_alt(plan, slide) for slide in slides)


def alt_file(alts: Iterable[str]) -> bytes:
    """alt.txt: one line per slide."""
    return "".join(f"{alt}\n" for alt in alts).encode("utf-8")
