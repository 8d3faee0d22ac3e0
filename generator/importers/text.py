"""Pasted text: web-tool post cards, numbered threads, `---` or blank-line separated posts.

The web-tool shape (see ../shared/samples) is a page of interface text followed by
post cards::

    Drag Post #2
    Display Name
    @handle

    The post's text.

    Apply Image

Everything before the first card is interface text and is dropped, as are the
interface words inside cards.
"""

from __future__ import annotations

import re
from collections import Counter

from generator.importers.cleanup import (
    Marker,
    find_markers,
    fix_mojibake,
    normalize_characters,
    numbered_run,
)
from generator.importers.model import Author, ImportedPost, ImportedThread, SourceError
from generator.importers.notes import (
    is_heading_line,
    pack_notes,
    split_keycap_runs,
    take_title_block,
)
from generator.importers.posts import finish_posts
from generator.importers.trace import Trace, changed_part, report

CARD_START = re.compile(r"^[ \t]*Drag Post #(\d+)[ \t]*$", re.IGNORECASE | re.MULTILINE)
HANDLE_LINE = re.compile(r"^@([A-Za-z0-9_]{1,15})$")
# Buttons of the web tools whose text ends up in a copied page.
INTERFACE_LINES = frozenset(
    {"apply image", "apply text", "insert image", "insert text", "add image", "remove image", "replace image", "use image"}
)
SEPARATOR_LINE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE)


def _is_interface(line: str) -> bool:
    return " ".join(line.split()).lower() in INTERFACE_LINES


def split_cards(text: str, trace: Trace | None = None) -> tuple[Author | None, list[ImportedPost]]:
    """Post cards -> (the thread's author, each card's raw post), in card-number order.

    Cards by another handle than the thread's (replies by others) are skipped. The
    tool's interface text (before the first card, card headers, buttons) goes, and
    each dropped line is reported to `trace`.
    """
    starts = list(CARD_START.finditer(text))
    for number, line in enumerate(text[: starts[0].start()].split("\n") if starts else [], start=1):
        if line.strip():
            report(trace, "web-tool-interface", number, "dropped", line)
    cards: list[tuple[int, int, str | None, str | None, ImportedPost]] = []
    for order, match in enumerate(starts):
        end = starts[order + 1].start() if order + 1 < len(starts) else len(text)
        card_line = text.count("\n", 0, match.start()) + 1
        lines = text[match.end() : end].split("\n")
        name, handle, body_lines = _card_header(lines)
        first_body_line = card_line + len(lines) - len(body_lines)
        report(
            trace,
            "card-header",
            card_line,
            "dropped",
            " ".join(line.strip() for line in [match.group(), *lines[: len(lines) - len(body_lines)]] if line.strip()),
        )
        kept: list[str] = []
        for offset, line in enumerate(body_lines):
            if _is_interface(line):
                report(trace, "web-tool-interface", first_body_line + offset, "dropped", line)
                line = ""  # a blank keeps the lines below on their source line numbers
            kept.append(line)
        while kept and not kept[0].strip():  # the post starts on its first line of text
            kept.pop(0)
            first_body_line += 1
        cards.append((int(match.group(1)), order, name, handle, ImportedPost(text="\n".join(kept), line=first_body_line)))
    cards.sort(key=lambda card: (card[0], card[1]))
    handles = Counter(card[3].lower() for card in cards if card[3])
    if not handles:
        return None, [card[4] for card in cards]
    # the thread's author posts the first card (else: the most frequent handle)
    first = next((card for card in cards if card[3]), None)
    author_key = first[3].lower() if first and first[3] else handles.most_common(1)[0][0]
    author_card = next(card for card in cards if card[3] and card[3].lower() == author_key)
    author = Author(name=author_card[2] or author_card[3] or "", handle=author_card[3] or "")
    for card in cards:
        if card[3] is not None and card[3].lower() != author_key:
            report(trace, "other-author", card[4].line, "dropped", card[4].text)
    bodies = [card[4] for card in cards if card[3] is None or card[3].lower() == author_key]
    return author, bodies


def _card_header(lines: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(name, handle, remaining lines) of one card: the name line, then the @handle line."""
    filled = [index for index, line in enumerate(lines) if line.strip()][:2]
    for position, index in enumerate(filled):
        handle = HANDLE_LINE.match(lines[index].strip())
        if handle:
            name = lines[filled[0]].strip() if position == 1 else None
            return name, handle.group(1), lines[index + 1 :]
    return None, None, lines


def _header_author(text: str) -> tuple[Author | None, str]:
    """A plain paste may start with "Name" and "@handle" lines: take them as the author."""
    lines = text.split("\n")
    filled = [index for index, line in enumerate(lines) if line.strip()][:2]
    if filled and HANDLE_LINE.match(lines[filled[0]].strip()):
        handle = lines[filled[0]].strip()[1:]
        return Author(handle, handle), "\n".join(lines[filled[0] + 1 :])
    if len(filled) == 2 and HANDLE_LINE.match(lines[filled[1]].strip()):
        name = lines[filled[0]].strip()
        if len(name) <= 50 and "://" not in name:
            handle = lines[filled[1]].strip()[1:]
            return Author(name, handle), "\n".join(lines[filled[1] + 1 :])
    return None, text


def split_numbered(text: str, run: list[Marker]) -> list[str]:
    """Cut text at a run of thread numbers, which open posts ("1/ ...") or close them ("... 1/5")."""
    before = text[: run[0].start].strip()
    after = text[run[-1].end :].strip()
    if before and not after:  # numbers close their posts
        bounds = [0] + [marker.end for marker in run]
        return [text[bounds[i] : run[i].start] for i in range(len(run))]
    pieces = [before] if before else []
    for index, marker in enumerate(run):
        end = run[index + 1].start if index + 1 < len(run) else len(text)
        pieces.append(text[marker.end : end])
    return pieces


def split_plain(text: str) -> list[str]:
    """Posts of a paste without cards: `---` lines, else a numbered run, else blank lines."""
    if SEPARATOR_LINE.search(text):
        return SEPARATOR_LINE.split(text)
    run = numbered_run(find_markers(text))
    if run:
        return split_numbered(text, run)
    return re.split(r"\n[ \t]*\n", text)


def repaired_text(raw: str, trace: Trace | None = None) -> str:
    """The pasted text with its characters normalised and its mojibake repaired (each repaired line reported)."""
    normal = normalize_characters(raw)
    text = fix_mojibake(normal)
    if trace is not None and text != normal and text.count("\n") == normal.count("\n"):
        for number, (before, after) in enumerate(zip(normal.split("\n"), text.split("\n")), start=1):
            if before != after:
                old, new = changed_part(before, after)
                report(trace, "mojibake", number, "repaired", old, new)
    return text


def _located(pieces: list[str], text: str, first_line: int) -> list[ImportedPost]:
    """Raw posts from pieces of `text`, each knowing the source line it starts on."""
    drafts: list[ImportedPost] = []
    position = 0
    for piece in pieces:
        stripped = piece.strip()
        found = text.find(stripped, position) if stripped else -1
        if found >= 0:
            position = found + len(stripped)
        line = first_line + text.count("\n", 0, found if found >= 0 else position)
        drafts.append(ImportedPost(text=piece, line=line))
    return drafts


def is_notes(blocks: list[str]) -> bool:
    """Blank-line blocks that are notes or a blurb, not a thread: a block longer than a post, or heading lines."""
    filled = [block.strip() for block in blocks if block.strip()]
    if any(len(block) > NOTES_BLOCK for block in filled):
        return True
    headings = [i for i, block in enumerate(filled[:-1]) if "\n" not in block and is_heading_line(block)]
    return len(headings) >= 2 or (len(filled) >= 2 and headings == [0] and len(filled[1]) > 200)


# A pasted block longer than this is not one post of a thread (X's limit is 280).
NOTES_BLOCK = 320


def parse_text(raw: str, where: str, trace: Trace | None = None) -> ImportedThread:
    """A pasted thread (or notes) -> ImportedThread. Raises SourceError when there is no post text."""
    text = repaired_text(raw, trace)
    if not text.strip():
        raise SourceError.at(where, "empty: there is no thread text to import")
    notes = False
    if CARD_START.search(text):
        author, drafts = split_cards(text, trace)
    else:
        author, rest = _header_author(text)
        first_line = 1 + text.count("\n", 0, len(text) - len(rest))
        pieces = split_plain(rest)
        notes = not SEPARATOR_LINE.search(rest) and not numbered_run(find_markers(rest)) and is_notes(pieces)
        if notes:
            pieces = [part for piece in pieces for part in split_keycap_runs(piece)]
        drafts = _located(pieces, rest, first_line)
    title = subtitle = None
    if notes:
        report(trace, "notes", 1, "packed", f"{len(drafts)} paragraphs into slide-sized posts")
        title, subtitle, drafts = take_title_block(drafts, trace)
    posts = finish_posts(drafts, trace=trace)
    if notes:
        posts = pack_notes(posts, trace=trace)
    if not posts:
        raise SourceError.at(where, "not a thread: no post text found")
    return ImportedThread(posts=tuple(posts), author=author, title=title, subtitle=subtitle)
