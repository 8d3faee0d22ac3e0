"""Post shape: headings, X's thread conventions, and notes cut into slide-sized posts.

Each rule is a small function on text (with link and verbatim tokens, which they
never split). `conventions` applies the rules every imported post gets (a pointer
tail goes, a leading "📐 Short Phrase" followed by a sentence becomes the heading);
`pack_notes` turns the paragraphs of notes or a blurb into posts that fit a slide:
a heading line opens a section, paragraphs are packed up to a budget, and a long
paragraph is cut between sentences.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace

from generator.emoji import (
    EMOJI_CLASS,
    EMOJI_PART_CLASS,
    KEYCAP,
    KEYCAP_SEQUENCE,
    SKIN_TONE_CLASS,
    VARIATION_SELECTOR_16,
    ZERO_WIDTH_JOINER,
)
from generator.importers.cleanup import RichText, concat_rich
from generator.importers.model import ImportedPost
from generator.importers.trace import Trace, report

# About what a post slide holds with its heading in the default type (measured:
# ~700 characters fit a portrait slide; squares and larger type hold less).
NOTE_POST_BUDGET = 480

_EMOJI = (
    f"(?:{KEYCAP_SEQUENCE}"  # keycaps 1️⃣
    f"|[{EMOJI_PART_CLASS}]"
    f"[{VARIATION_SELECTOR_16}{SKIN_TONE_CLASS}]*(?:{ZERO_WIDTH_JOINER}[{EMOJI_CLASS}][{VARIATION_SELECTOR_16}]*)*)"
)
LEADING_EMOJI = re.compile(rf"^(?:{_EMOJI})+")
_ANY_TOKEN = re.compile("[\U000f0000-\U000ffffd\U00100000-\U0010fffd]")

# --------------------------------------------------------------------------- X conventions

# "Read on 👇", "A thread 🧵", "🧵👇": a line or last sentence that only points at the rest.
POINTER_TAIL = re.compile(
    r"(?:^|(?<=[.!?:…])[ \t]+|\n)[ \t]*"
    r"(?:(?:read on|keep reading|continue reading|a thread|thread|more below|details below|see below|"
    r"let'?s dive in|dive in|let'?s go|here'?s the thread|in this thread)[ \t]*[:.!]?[ \t]*)?"
    r"(?:[\U0001F9F5\U0001F447\u2b07\u2935\U0001F53D][\ufe0f]?[ \t]*)+$",
    re.IGNORECASE,
)


def drop_pointer_tail(text: str) -> str:
    """A closing "Read on 👇" / "A thread 🧵" / "👇" (a line or sentence of its own) goes: the carousel swipes on.

    A pointer inside a sentence ("faster — a thread 🧵", "Check this👇") is the author's text and stays.
    """
    match = POINTER_TAIL.search(text.rstrip())
    if not match or not text[: match.start()].strip():
        return text
    return text[: match.start()].rstrip()


# Words that stay lower case inside a Title Case heading.
_CONNECTORS = frozenset(
    ["a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "vs", "vs.", "via", "with", "&", "+"]
)
# Words that usually open a sentence: where a heading glued to its sentence ends.
_STARTERS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "they",
        "we",
        "i",
        "you",
        "it",
        "its",
        "our",
        "their",
        "each",
        "every",
        "most",
        "many",
        "some",
        "all",
        "both",
        "in",
        "on",
        "when",
        "if",
        "as",
        "by",
        "for",
        "with",
        "after",
        "before",
        "here",
        "there",
        "still",
        "but",
        "and",
        "so",
        "now",
        "once",
        "while",
        "because",
    ]
)
_SENTENCE_LABEL = re.compile(r"^(?:Theorem|Lemma|Proposition|Corollary|Definition|Figure|Table|Eq\.|Equation)$")


def _capitalised(word: str) -> bool:
    first = word.lstrip("\"“‘'(")[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first == "#")


def _heading_word(word: str) -> bool:
    return _capitalised(word) or word.lower() in _CONNECTORS or bool(re.fullmatch(r"[\d.#/%-]+", word))


def split_emoji_heading(text: str) -> tuple[str, str] | None:
    """ "📐 Hidden Gradient Descent Feeding tokens one by one …" -> ("📐 Hidden Gradient Descent", "Feeding tokens …").

    The heading is a leading emoji and a short Title Case phrase; the sentence starts
    at the phrase's last capitalised word before the first lower-case word. It is
    taken only when the split is clear: 2-7 heading words, and the sentence starter
    a word that opens sentences ("They", "A", a gerund, "Theorem") or a heading of
    three or more capitalised words. Otherwise the text stays as it is.
    """
    first_line, newline, rest_lines = text.partition("\n")
    emoji = LEADING_EMOJI.match(first_line)
    if not emoji:
        return None
    words = first_line[emoji.end() :].split()
    if not words or _ANY_TOKEN.search(" ".join(words[:8])):
        return None
    cut = next((i for i, word in enumerate(words) if not _heading_word(word)), None)
    if cut is None or cut < 2:
        return None
    starter = max((i for i in range(cut) if _capitalised(words[i]) and not words[i][0].isdigit()), default=None)
    if starter is None or starter < 1:
        return None
    # "Temporary rank 1 patch A transformer": a lone starter word after lower-case words
    heading_words, sentence = words[:starter], words[starter:]
    bare = words[starter].strip("\"“‘'(").lower()
    title_case = sum(_capitalised(word) for word in heading_words) >= 3
    clear = bare in _STARTERS or bare.endswith("ing") or _SENTENCE_LABEL.match(words[starter]) or title_case
    if not 2 <= len(heading_words) <= 7 and not (len(heading_words) == 1 and clear and bare in _STARTERS):
        return None
    if not clear or len(sentence) < 3 or heading_words[-1].endswith((".", ",", ";")):
        return None
    heading = f"{first_line[: emoji.end()].strip()} {' '.join(heading_words)}"
    body = " ".join(sentence) + (newline + rest_lines if newline else "")
    return heading, body


def split_sentence_case_heading(text: str) -> tuple[str, str] | None:
    """ "🛠️ Temporary rank 1 patch A transformer block …": a lower-case phrase, then "A"/"The"/"They" opens the sentence."""
    first_line, newline, rest_lines = text.partition("\n")
    emoji = LEADING_EMOJI.match(first_line)
    if not emoji:
        return None
    words = first_line[emoji.end() :].split()
    for index in range(2, min(len(words) - 3, 8)):
        word = words[index]
        if word in ("A", "An", "The", "This", "They", "We", "It", "Each", "Our", "In") and not words[index - 1].endswith(
            (".", ",", ";", ":", "!", "?")
        ):
            if not _capitalised(words[0]) or _ANY_TOKEN.search(" ".join(words[:index])):
                return None
            heading = f"{first_line[: emoji.end()].strip()} {' '.join(words[:index])}"
            return heading, " ".join(words[index:]) + (newline + rest_lines if newline else "")
    return None


# "🚨 Finding #5: …", "Theorem 2.2 (Rank-one patch). …", "Step 3 — …"; "🚀 Launch plan: …"
_LABEL = re.compile(
    rf"^(?P<heading>(?:{_EMOJI}[ \t]*)?"
    r"(?:Theorem|Lemma|Proposition|Corollary|Definition|Remark|Example|Finding|Lesson|Step|Part|Tip|Rule|"
    r"Takeaway|Claim|Result|Section|Chapter|Episode|Myth|Fact|Question|Problem|Idea|Point)[ \t]*#?\d+(?:\.\d+)*"
    r"(?:[ \t]*\([^()\n]{1,60}\))?)"
    r"[ \t]*(?::|\.(?=[ \t])|[ \t]—|[ \t]–)[ \t]+(?P<rest>\S.*)$"
    rf"|^(?P<emoji_heading>{_EMOJI}[ \t]*[^\s:][^:\n]{{0,50}}?)[ \t]*(?::|[ \t]—|[ \t]–)[ \t]+(?P<emoji_rest>\S.*)$",
    re.DOTALL,
)


def split_label_heading(text: str) -> tuple[str, str] | None:
    """A labelled opening becomes the heading: "🚨 Finding #5: …", "Theorem 2.2 (Rank-one patch). …"."""
    match = _LABEL.match(text)
    if not match:
        return None
    heading = (match.group("heading") or match.group("emoji_heading")).strip()
    rest = match.group("rest") or match.group("emoji_rest")
    if _ANY_TOKEN.search(heading) or len(heading.split()) > 8 or heading.endswith(("(", ",")):
        return None
    if match.group("emoji_heading") and not _capitalised(LEADING_EMOJI.sub("", heading).strip()):
        return None  # "😂 lol: that's me" is a remark, not a heading
    return heading, rest


def is_heading_line(line: str) -> bool:
    """A line that reads as a heading: short, no closing full stop, not a list item or a bare tag line."""
    line = line.strip()
    words = line.split()
    if not words or len(line) > 70 or len(words) > 10 or _ANY_TOKEN.search(line):
        return False
    if line.endswith((".", ",", ";", "!", "?", "…", "👇")) or re.match(r"^(?:[-*•+]|\d+[.)])\s", line):
        return False
    if all(word.startswith(("#", "@")) for word in words):
        return False
    plain = LEADING_EMOJI.sub("", line).strip()
    return bool(plain) and (_capitalised(plain) or bool(LEADING_EMOJI.match(line)))


def split_heading_line(text: str) -> tuple[str, str] | None:
    """A first line that is a heading, with the post's text on the lines below: "🔎 Limits They Admit\\nResults …"."""
    first_line, newline, rest = text.partition("\n")
    if not newline or not rest.strip() or not is_heading_line(first_line):
        return None
    if not (LEADING_EMOJI.match(first_line) or first_line.rstrip().endswith(":") or _LABEL_WORD.match(first_line)):
        return None  # a plain short first line is more often a sentence than a heading
    return first_line.strip(), rest


_LABEL_WORD = re.compile(r"^(?:Theorem|Lemma|Proposition|Corollary|Definition|Remark|Example|Finding|Step|Part|Section)\b")

# The heading rules, by name, tried in order.
HEADING_RULES = (
    ("heading-label", split_label_heading),
    ("heading-line", split_heading_line),
    ("heading-emoji-phrase", split_emoji_heading),
    ("heading-emoji-sentence-case", split_sentence_case_heading),
)


def _clean_heading(heading: str) -> str:
    """A heading as shown: no closing colon or dash, no Markdown '#' marks of pasted notes."""
    return " ".join(re.sub(r"^#{1,6}\s+", "", heading.strip()).rstrip(" :—–-").split())


def break_keycap_runs(text: str) -> str:
    """ "Three tips: 1️⃣ … 2️⃣ … 3️⃣ …" in one line: each number starts a line of its own."""
    pieces = split_keycap_runs(text)
    if len(pieces) < 2:
        return text
    return "\n".join(pieces)


def conventions(post: ImportedPost, trace: Trace | None = None) -> ImportedPost:
    """The X conventions every post gets: its pointer tail dropped, keycap numbers on their own lines, its heading taken."""
    text = drop_pointer_tail(post.text)
    if text != post.text:
        report(trace, "pointer-tail", post.line, "dropped", post.text[len(text) :].strip())
    broken = "\n\n".join(break_keycap_runs(paragraph) for paragraph in text.split("\n\n"))
    if broken != text:
        report(trace, "keycap-list", post.line, "repaired", text, broken)
        text = broken
    if not post.heading:
        for name, rule in HEADING_RULES:
            found = rule(text)
            if found and found[1].strip():
                heading, text = _clean_heading(found[0]), found[1].strip()
                report(trace, name, post.line, "heading", heading)
                return replace(post, text=text, heading=heading)
    return replace(post, text=text)


# --------------------------------------------------------------------------- notes

# Splits a paragraph before a keycap number that runs on ("… 2️⃣ Next point …").
_KEYCAP = re.compile(f"(?<=\\S)[ \t]+(?=([1-9]){VARIATION_SELECTOR_16}?{KEYCAP})")


def split_keycap_runs(text: str) -> list[str]:
    """A paragraph numbered "1️⃣ … 2️⃣ … 3️⃣ …" -> one piece per number (when they count 1, 2, 3 …)."""
    cuts = [(m.end(), int(m.group(1))) for m in _KEYCAP.finditer(text)]
    first = re.match("\\s*([1-9])\ufe0f?\u20e3", text)
    numbers = ([int(first.group(1))] if first else []) + [n for _, n in cuts]
    if len(cuts) < 2 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return [text]
    bounds = [0] + [end for end, _ in cuts] + [len(text)]
    return [text[bounds[i] : bounds[i + 1]].strip() for i in range(len(bounds) - 1) if text[bounds[i] : bounds[i + 1]].strip()]


_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|vs|etc|cf|al|approx|Fig|Eq|Eqs|No|Dr|Mr|Ms|Mrs|Prof|Sec|ch|p|pp|vol)\.|\b[A-Z]\.)$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*[ \t]+(?=\S)|\n")


def split_sentences(text: str) -> list[str]:
    """Sentences (and lines) of a paragraph; never inside a token, never after "e.g." or "Fig."."""
    pieces: list[str] = []
    last = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[last : match.start()]
        after = text[match.end() : match.end() + 1]
        if match.group() != "\n" and (_ABBREVIATIONS.search(before) or (after.islower() and after.isalpha())):
            continue
        pieces.append(text[last : match.end()].rstrip(" \t"))
        last = match.end()
    pieces.append(text[last:])
    return [piece for piece in pieces if piece.strip()]


def _chunks(pieces: Sequence[str], budget: int, joiner: str) -> list[str]:
    """Pieces packed in order into as few chunks of at most `budget` characters as possible, evenly filled."""
    total = sum(len(piece) for piece in pieces)
    count = max(1, math.ceil(total / budget))
    while True:
        target = min(budget, math.ceil(total / count) + 40)
        chunks: list[list[str]] = [[]]
        for piece in pieces:
            size = sum(len(p) for p in chunks[-1]) + len(piece)
            if chunks[-1] and size > target:
                chunks.append([])
            chunks[-1].append(piece)
        if len(chunks) <= count or count >= len(pieces):
            return [joiner.join(chunk) for chunk in chunks]
        count += 1


def take_title_block(paragraphs: Sequence[ImportedPost], trace: Trace | None = None) -> tuple[str | None, str | None, list[ImportedPost]]:
    """The opening lines of notes or a page when they are all title-like: (title, subtitle, the rest).

    Later paragraphs that only repeat the title or the subtitle (a page names its
    show again in its footer) go too: the cover shows them.
    """
    rest = list(paragraphs)
    if len(rest) < 2 or rest[0].heading or rest[0].media or _ANY_TOKEN.search(rest[0].text):
        return None, None, rest
    lines = [line.strip() for line in rest[0].text.split("\n") if line.strip()]
    if not 1 <= len(lines) <= 3 or not all(is_heading_line(line) for line in lines):
        return None, None, rest
    lines = [_clean_heading(line) for line in lines]
    title, subtitle = lines[0], " · ".join(lines[1:]) or None
    report(trace, "title-block", rest[0].line, "title", title, subtitle)
    repeats = {" ".join(line.split()).lower() for line in lines}
    kept = []
    for paragraph in rest[1:]:
        if not paragraph.heading and " ".join(paragraph.text.split()).lower() in repeats:
            report(trace, "title-repeat", paragraph.line, "dropped", paragraph.text)
        else:
            kept.append(paragraph)
    return title, subtitle, kept


def pack_notes(paragraphs: Sequence[ImportedPost], budget: int = NOTE_POST_BUDGET, trace: Trace | None = None) -> list[ImportedPost]:
    """Paragraphs of notes -> slide-sized posts, a section per heading.

    A paragraph that is only a heading line opens the next section; paragraphs are
    packed into a post while they fit `budget`; a longer one is cut between
    sentences. The first post of a section carries its heading.
    """
    sections: list[tuple[ImportedPost, list[ImportedPost]]] = []
    pending: ImportedPost | None = None
    for paragraph in paragraphs:
        if not paragraph.heading and not paragraph.media and "\n" not in paragraph.text and is_heading_line(paragraph.text):
            if pending is not None:  # two heading lines in a row: the first is a divider slide
                sections.append((replace(pending, heading=_clean_heading(pending.text), text=""), []))
            pending = paragraph
            continue
        if pending is not None and paragraph.heading:  # a heading over a headed paragraph: a divider slide
            sections.append((replace(pending, heading=_clean_heading(pending.text), text=""), []))
            pending = None
        if pending is not None:
            heading = _clean_heading(pending.text)
            report(trace, "heading-line", pending.line, "heading", heading)
            sections.append((replace(paragraph, heading=heading, line=pending.line), []))
            pending = None
        elif paragraph.heading or not sections:
            sections.append((paragraph, []))
        else:
            sections[-1][1].append(paragraph)
    if pending is not None:  # a closing line: text, not a heading over nothing
        sections.append((pending, []))

    posts: list[ImportedPost] = []
    for head, rest in sections:
        pieces: list[tuple[str, ImportedPost]] = []
        for member in (head, *rest):
            if len(member.text) <= budget or member.media:
                pieces.append((member.text, member))
                continue
            report(trace, "split-long-paragraph", member.line, "split", member.text)
            pieces.extend((chunk, member) for chunk in _chunks(split_sentences(member.text), budget, " "))
        # pack whole paragraphs (or paragraph pieces) while they fit; the section's first post has its heading
        section: list[list[tuple[str, ImportedPost]]] = [[]]
        for piece in pieces:
            size = sum(len(text) + 2 for text, _ in section[-1]) + len(piece[0])
            if section[-1] and (size > budget or section[-1][-1][1].media):
                section.append([])
            section[-1].append(piece)
        posts.extend(_joined(chunk, head.heading if index == 0 else "") for index, chunk in enumerate(section) if chunk)
    return posts


def _joined(pieces: Sequence[tuple[str, ImportedPost]], heading: str) -> ImportedPost:
    """One post from paragraph pieces: their texts joined, their tokens renumbered into one post."""
    first = pieces[0][1]
    rich = concat_rich([RichText(text, post.links, post.verbatim) for text, post in pieces], "\n\n")
    media = tuple(medium for medium in dict.fromkeys(m for _, post in pieces for m in post.media))
    return replace(first, text=rich.text, links=rich.links, verbatim=rich.verbatim, heading=heading, media=media)
