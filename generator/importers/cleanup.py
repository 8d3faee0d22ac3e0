"""Text repair for imported posts. Every function is pure and does one thing.

`clean_post` chains them in the order that matters (repair bytes before reading
HTML, take links out before unescaping entities, ...); thread-level steps
(`strip_thread_markers`, `dedupe_posts`) work on all posts at once.

Links are taken out of the text early and replaced by one private-use character
each (`link_token`), so that later steps, which only see `str`, cannot damage them.
"""

from __future__ import annotations

import codecs
import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import ftfy

from generator.emoji import SEQUENCE_GLUE, drawn_by_emoji_font, is_emoji, is_sequence_part
from generator.importers.formulas import find_verbatim
from generator.importers.model import Link, Verbatim
from generator.importers.trace import Trace, changed_part, report

# --------------------------------------------------------------------------- link tokens

# Supplementary Private Use Area-A: never typed by people, one code point per link,
# and neither whitespace nor a word character for the regular expressions below.
_TOKEN_BASE = 0xF0000
_TOKEN_RE = re.compile("[\U000f0000-\U000ffffd]")
# Area-B holds the tokens of verbatim spans (formulas, diagrams) the same way.
_VERBATIM_BASE = 0x100000
VERBATIM_TOKEN_RE = re.compile("[\U00100000-\U0010fffd]")
_ANY_TOKEN_RE = re.compile("[\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


def link_token(index: int) -> str:
    """The character that stands for `links[index]` in a post's text."""
    return chr(_TOKEN_BASE + index)


def token_index(char: str) -> int:
    """The link index a token character stands for."""
    return ord(char) - _TOKEN_BASE


def verbatim_token(index: int) -> str:
    """The character that stands for `verbatim[index]` in a post's text."""
    return chr(_VERBATIM_BASE + index)


def verbatim_source(item: Verbatim) -> str:
    """A verbatim span as the author reads it: `$x$`, `$$x$$`, or the diagram's text."""
    if item.kind == "math":
        return f"${item.source}$"
    if item.kind == "display-math":
        return f"$${item.source}$$"
    return item.source


@dataclass(frozen=True)
class RichText:
    """Post text with link (and verbatim) tokens, and the links and spans they stand for."""

    text: str
    links: tuple[Link, ...] = ()
    verbatim: tuple[Verbatim, ...] = ()

    def with_link(self, link: Link) -> tuple[RichText, str]:
        """A copy that knows one more link, and the token to put in the text for it."""
        return replace(self, links=self.links + (link,)), link_token(len(self.links))

    def with_verbatim(self, item: Verbatim) -> tuple[RichText, str]:
        """A copy that knows one more verbatim span, and the token to put in the text for it."""
        return replace(self, verbatim=self.verbatim + (item,)), verbatim_token(len(self.verbatim))

    def with_text(self, text: str) -> RichText:
        """The same links and spans with another text (which uses some of their tokens)."""
        return replace(self, text=text)

    def link_at(self, token: str) -> Link | None:
        """The link a token character stands for (None for a stray private-use character)."""
        index = token_index(token)
        return self.links[index] if 0 <= index < len(self.links) else None

    def verbatim_at(self, token: str) -> Verbatim | None:
        """The verbatim span a token character stands for (None for a stray character)."""
        index = ord(token) - _VERBATIM_BASE
        return self.verbatim[index] if 0 <= index < len(self.verbatim) else None

    def render(
        self,
        show: Callable[[Link], str],
        text: Callable[[str], str] = lambda s: s,
        show_verbatim: Callable[[Verbatim], str] = verbatim_source,
    ) -> str:
        """The text with `text()` applied between tokens, each link shown by `show()`, each span by `show_verbatim()`."""
        out: list[str] = []
        last = 0
        for match in _ANY_TOKEN_RE.finditer(self.text):
            out.append(text(self.text[last : match.start()]))
            token = match.group()
            if VERBATIM_TOKEN_RE.fullmatch(token):
                item = self.verbatim_at(token)
                if item is not None:
                    out.append(show_verbatim(item))
            else:
                link = self.link_at(token)
                if link is not None:
                    out.append(show(link))
            last = match.end()
        out.append(text(self.text[last:]))
        return "".join(out)

    def plain(self) -> str:
        """The text as read on the slide: each link replaced by its label."""
        return self.render(lambda link: link.label)

    def key(self) -> str:
        """A comparison key: the text with each link written out in full."""
        return self.render(lambda link: f"[{link.label}]({link.url})")


def concat_rich(parts: Sequence[RichText], joiner: str) -> RichText:
    """Texts joined by `joiner` into one, their tokens renumbered; only the links and spans used are kept."""
    links: list[Link] = []
    verbatim: list[Verbatim] = []
    link_index: dict[Link, int] = {}
    texts: list[str] = []

    def renumber(part: RichText) -> Callable[[re.Match[str]], str]:
        def one(match: re.Match[str]) -> str:
            token = match.group()
            if VERBATIM_TOKEN_RE.fullmatch(token):
                item = part.verbatim_at(token)
                if item is None:
                    return ""
                verbatim.append(item)
                return verbatim_token(len(verbatim) - 1)
            link = part.link_at(token)
            if link is None:
                return ""
            if link not in link_index:
                link_index[link] = len(links)
                links.append(link)
            return link_token(link_index[link])

        return one

    for part in parts:
        texts.append(_ANY_TOKEN_RE.sub(renumber(part), part.text))
    return RichText(joiner.join(texts), tuple(links), tuple(verbatim))


def _sub_links(rich: RichText, pattern: re.Pattern[str], make: Callable[[re.Match[str]], Link | str | None]) -> RichText:
    """Replace each match by a new link token (Link), by text (str) or by nothing (None)."""
    links = list(rich.links)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(rich.text):
        out.append(rich.text[last : match.start()])
        made = make(match)
        if isinstance(made, Link):
            out.append(link_token(len(links)))
            links.append(made)
        elif isinstance(made, str):
            out.append(made)
        last = match.end()
    out.append(rich.text[last:])
    return replace(rich, text="".join(out), links=tuple(links))


# --------------------------------------------------------------------------- mojibake


def _build_tables() -> tuple[dict[str, tuple[tuple[int, float], ...]], tuple[int, ...]]:
    """char -> possible (byte, penalty) of the mis-decoding seen in web-tool dumps.

    Those tools read UTF-8 as cp1253 (Greek) and fill the bytes cp1253 leaves
    undefined from cp1252; bytes undefined in both were dropped (or kept as C1
    controls). Some also use ISO-8859-7's positions for a few characters, so those
    get a second, slightly penalised, byte.
    """
    table: dict[str, list[tuple[int, float]]] = {}
    lost: list[int] = []
    for byte in range(0x80, 0x100):
        for codec in ("cp1253", "cp1252"):
            try:
                char = bytes([byte]).decode(codec)
            except UnicodeDecodeError:
                continue
            table.setdefault(char, []).append((byte, 0.0))
            break
        else:
            lost.append(byte)
            table.setdefault(chr(byte), []).append((byte, 0.0))  # a C1 control kept by a sloppy decoder
    for char, byte in (("\u2018", 0xA1), ("\u2019", 0xA2), ("\u0385", 0xB5), ("\u0386", 0xB6)):
        table.setdefault(char, []).append((byte, 1.0))
    # most likely first (ties go to the first): 0x8F ends VS16 and skin tones, 0x8D the joiner
    likely = [byte for byte in (0x8F, 0x8D, 0x90, 0x9D, 0x81) if byte in lost]
    lost = likely + [byte for byte in lost if byte not in likely]
    return {char: tuple(options) for char, options in table.items()}, tuple(lost)


_BYTE_OPTIONS, _LOST_BYTES = _build_tables()
_MOJIBAKE_RUN = re.compile("[" + "".join(re.escape(c) for c in sorted(_BYTE_OPTIONS)) + "]{2,}")
_INSERT_PENALTY = 2.0
_KEEP_PENALTY = -1.0
_UNRECOVERABLE_PENALTY = -3.0

# Characters common in posts: only used to break ties between equally plausible readings.
_COMMON = frozenset(
    "💡🚀👇👉👈👆✅❌🧵📌🔥✨⚡💯❤🙏👏🤯📈📉🧠🛠⚙🔎🔍🔬📐🧩🤝🌀🎯📊📚📝💬👀😂🤣😊😍🥰😭😅😎🤔🙌💪🎉"
    "👍👎⭐🌟💥💰🏆📣📢🔗🧪🤖💻📱⏳⌛🔑🔒🆕✍📖🗓➡⬇⬆"
    "“”‘’—–…•→←↑↓€"
)


def _char_score(char: str) -> float | None:
    """How plausible a decoded character is in a post; None when it cannot be text."""
    if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
        return None
    cp = ord(char)
    bonus = 1.5 if char in _COMMON else 0.0
    if cp in SEQUENCE_GLUE:  # emoji presentation, joiner, keycap: glue of sequences
        return 6.0
    if is_sequence_part(cp):
        return 5.0  # skin tones, flag letters, subdivision-flag tags
    if is_emoji(cp):  # the rest of the symbol planes scores lower
        return 4.0 + bonus
    if 0x2000 <= cp <= 0x2BFF or 0x3000 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xFF00 <= cp <= 0xFFEF:
        return 3.0 + bonus
    if drawn_by_emoji_font(cp):  # the pictographic planes (symbol blocks were scored above)
        return 3.0
    if 0x00A0 <= cp <= 0x052F:
        return 2.0
    return 1.0


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _valid_prefix(data: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _decode_one(data: bytes) -> str | None:
    try:
        char = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


def _sequences_at(options: Sequence[tuple[tuple[int, float], ...]], i: int) -> Iterable[tuple[str, int, float]]:
    """Every (character, characters consumed, score) a UTF-8 sequence starting at i can give."""
    n = len(options)
    for lead, lead_penalty in options[i]:
        length = _utf8_length(lead)
        if not length:
            continue
        if i + length <= n:
            for combo in itertools.product(*options[i + 1 : i + length]):
                char = _decode_one(bytes([lead, *(b for b, _ in combo)]))
                score = _char_score(char) if char else None
                if length == 2 and char and not 0xA0 <= ord(char) <= 0x52F:
                    continue  # two-byte mojibake is of Latin, Greek or Cyrillic letters only
                if char and score is not None:
                    yield char, length, score - lead_penalty - sum(p for _, p in combo)
        # One continuation byte was dropped by the mis-decoding (the bytes both code
        # pages leave undefined): only for 3- and 4-byte symbols, never for letters.
        if length >= 3 and i + length - 1 <= n:
            for combo in itertools.product(*options[i + 1 : i + length - 1]):
                present = [b for b, _ in combo]
                penalty = lead_penalty + sum(p for _, p in combo) + _INSERT_PENALTY
                for position in range(len(present) + 1):
                    for lost in _LOST_BYTES:
                        char = _decode_one(bytes([lead, *present[:position], lost, *present[position:]]))
                        score = _char_score(char) if char else None
                        # a joiner stands between two emoji, so inside the run on both sides
                        if char == "\u200d" and (i == 0 or i + length - 1 >= n):
                            continue
                        if char and score is not None and score >= 3:
                            yield char, length - 1, score - penalty
        # Two bytes of one emoji lost: it cannot be told which; drop what is left of it.
        if length >= 3:
            for k in range(1, min(length - 1, n - i - 1) + 1):
                for combo in itertools.product(*options[i + 1 : i + 1 + k]):
                    if _valid_prefix(bytes([lead, *(b for b, _ in combo)])):
                        yield "", 1 + k, _UNRECOVERABLE_PENALTY


def _decode_run(run: str) -> str | None:
    """The best UTF-8 reading of a run of mis-decoded characters, or None if there is none.

    Dynamic programming over the run: each step decodes one UTF-8 sequence, or keeps
    a punctuation character that merely stands next to the mojibake. Greek letters
    can never be kept as they are, so real Greek words (which do not decode) stay
    untouched as a whole.
    """
    options = [_BYTE_OPTIONS[c] for c in run]
    n = len(run)
    best: list[tuple[float, str] | None] = [None] * (n + 1)
    best[n] = (0.0, "")
    for i in range(n - 1, -1, -1):
        found: tuple[float, str] | None = None
        candidates = list(_sequences_at(options, i))
        if all(0x80 <= b <= 0xBF for b, _ in options[i]):
            candidates.append((run[i], 1, _KEEP_PENALTY))  # punctuation beside the mojibake, kept
        for char, consumed, score in candidates:
            rest = best[i + consumed]
            if rest is not None and (found is None or score + rest[0] > found[0]):
                found = (score + rest[0], char + rest[1])
        best[i] = found
    result = best[0]
    # a reading must explain the run better than leaving it alone
    return result[1] if result is not None and result[0] > 0 else None


def repair_greek_mojibake(text: str) -> str:
    """Repair UTF-8 that was read as cp1253 (+ cp1252 fallback), e.g. 'πŸš€' -> '🚀'.

    ftfy does not fix this mix. Only runs that decode completely are replaced, so
    real Greek ('Καλημέρα') and accented Latin ('café') are left as they are.
    """

    def fix(match: re.Match[str]) -> str:
        decoded = _decode_run(match.group())
        return decoded if decoded else match.group()

    return _MOJIBAKE_RUN.sub(fix, text)


def fix_mojibake(text: str) -> str:
    """ftfy's encoding repair, plus the cp1253 repair ftfy cannot do.

    The cp1253 repair also runs before ftfy: on runs whose undefined bytes were
    dropped, ftfy's own partial cp1253 guess garbles them ('” …' became '†…').
    The repair only touches runs that decode completely, so the order does not
    matter for anything else.
    """
    return repair_greek_mojibake(ftfy.fix_encoding(repair_greek_mojibake(text)))


# --------------------------------------------------------------------------- characters and whitespace

_C1_CONTROL = re.compile("[\x80-\x9f]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2028\u2029\ufeff]")


def normalize_characters(text: str) -> str:
    """Unix newlines, tabs as spaces, no control characters or stray link tokens.

    Zero-width *joiners* and variation selectors are kept: they hold emoji together.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _ANY_TOKEN_RE.sub("", text)
    return _CONTROL.sub(lambda m: "\n" if m.group() in "\u2028\u2029" else "", text)


def tidy_whitespace(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, no blank start or end."""
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def unescape_html(text: str) -> str:
    """Resolve HTML entities exactly once ('&amp;amp;' becomes '&amp;', not '&')."""
    return html.unescape(text)


# --------------------------------------------------------------------------- links

_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ANCHOR = re.compile(r"<a\b(?P<attrs>[^>]*)>(?P<label>.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SAFE_SCHEME = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)


def html_breaks_to_newlines(text: str) -> str:
    """`<br>` in pasted HTML is a line break."""
    return _BREAK_TAG.sub("\n", text)


def display_url(url: str) -> str:
    """How a bare URL reads on a slide: without scheme and trailing slash."""
    return re.sub(r"^https?://", "", url, flags=re.IGNORECASE).rstrip("/")


def anchors_to_links(rich: RichText) -> RichText:
    """`<a href="u">label</a>` -> a link; an anchor to an unsafe scheme keeps only its label."""

    def make(match: re.Match[str]) -> Link | str:
        label = unescape_html(_TAG.sub("", match.group("label")))
        label = " ".join(label.split())
        href_match = _HREF.search(match.group("attrs"))
        href = unescape_html(next((g for g in href_match.groups() if g is not None), "")).strip() if href_match else ""
        if not href or not _SAFE_SCHEME.match(href):
            return label
        return Link(label or display_url(href), href)

    return _sub_links(rich, _ANCHOR, make)


def expand_urls(rich: RichText, urls: Mapping[str, Link | None]) -> RichText:
    """Replace short (t.co) URLs by the links they stand for; None drops the URL (media)."""
    if not urls:
        return rich
    alternatives = "|".join(re.escape(u) for u in sorted(urls, key=len, reverse=True))
    pattern = re.compile(rf"(?:{alternatives})(?![\w/])")
    return _sub_links(rich, pattern, lambda m: urls[m.group()] or None)


_BARE_URL = re.compile(r"(?<![\w@/])(?:https?://|www\.)[^\s<>\"'\U000F0000-\U000FFFFD]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?…'\""


def _trim_url(url: str) -> str:
    """Trailing punctuation is the sentence's, not the URL's; a ')' only if unbalanced."""
    while url:
        last = url[-1]
        if last in _TRAILING_PUNCTUATION or (last == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def link_bare_urls(rich: RichText) -> RichText:
    """Bare http(s):// and www. URLs become links labelled without their scheme."""
    links = list(rich.links)
    out: list[str] = []
    last = 0
    for match in _BARE_URL.finditer(rich.text):
        url = _trim_url(match.group())
        if not url:
            continue
        out.append(rich.text[last : match.start()])
        target = url if re.match(r"https?://", url, re.IGNORECASE) else f"https://{url}"
        out.append(link_token(len(links)))
        links.append(Link(display_url(url), target))
        last = match.start() + len(url)
    out.append(rich.text[last:])
    return replace(rich, text="".join(out), links=tuple(links))


_MEDIA_URL = re.compile(
    r"^(?:https?://)?(?:pic\.(?:twitter|x)\.com/\S+|(?:www\.)?(?:twitter|x)\.com/\w+/status/\d+/(?:photo|video)/\d+)$",
    re.IGNORECASE,
)
_TRAILING_MEDIA_TEXT = re.compile(r"\s*(?:https?://)?pic\.(?:twitter|x)\.com/\S+\s*$", re.IGNORECASE)


def is_media_url(url: str) -> bool:
    """Whether a URL is X's link to a post's own photo or video."""
    return bool(_MEDIA_URL.match(url.strip()))


def drop_trailing_media_links(rich: RichText) -> RichText:
    """X appends a link to the post's own media; on a slide the image itself is shown."""
    text = rich.text
    while True:
        stripped = text.rstrip()
        link = rich.link_at(stripped[-1]) if stripped and _TOKEN_RE.fullmatch(stripped[-1]) else None
        if link is not None and is_media_url(link.url):
            text = stripped[:-1]
            continue
        trimmed = _TRAILING_MEDIA_TEXT.sub("", stripped)
        if trimmed != stripped:
            text = trimmed
            continue
        return rich.with_text(stripped)


# --------------------------------------------------------------------------- structure inside a post

_CUT_MARK = re.compile(r"[ \t]*(?:-{2,}|—|–)[ \t]*(?:\.{3}|…)[ \t]*$", re.MULTILINE)


def strip_cut_marks(text: str) -> str:
    """A "--- ..." closing a line is a page's mark of cut text, never the author's: it goes."""
    return _CUT_MARK.sub("", text)


_INLINE_RULE = re.compile(r"[ \t]+-{3,}[ \t]+|^[ \t]*-{3,}[ \t]*$", re.MULTILINE)


def inline_rules_to_breaks(text: str) -> str:
    """' --- ' inside a post (a section break flattened by a web tool) -> a paragraph break.

    A line holding only '---' would split the post in the thread file, so it becomes
    a paragraph break too.
    """
    return _INLINE_RULE.sub("\n\n", text)


def dedupe_lines(text: str) -> str:
    """Drop a line that repeats the previous non-blank line (copy-paste doubling)."""
    kept: list[str] = []
    previous: str | None = None
    for line in text.split("\n"):
        key = " ".join(line.split())
        if key and key == previous:
            continue
        if key:
            previous = key
        kept.append(line)
    return "\n".join(kept)


# --------------------------------------------------------------------------- thread-number markers

# "1/", "1/n", "(1/9)", "🧵2/n.", "3/10:" -- standing alone (whitespace on both sides).
MARKER = re.compile(r"(?<!\S)(?:\U0001F9F5\s?)?(?P<open>\()?(?P<num>\d{1,3})/(?P<total>\d{1,3}|[nN])?(?(open)\))[.:)\]]?(?=\s|$)")


@dataclass(frozen=True)
class Marker:
    """A thread-number marker found in text."""

    start: int
    end: int
    number: int
    style: tuple[bool, str]  # (parenthesised, total as written: '' / 'n' / digits)


def find_markers(text: str) -> list[Marker]:
    """Every marker-looking `N/`, `N/M`, `(N/M)` in the text, in order."""
    found = []
    for match in MARKER.finditer(text):
        total = (match.group("total") or "").lower()
        number = int(match.group("num"))
        if total.isdigit() and number > int(total):
            continue  # "24/7" is not post 24 of 7
        found.append(Marker(match.start(), match.end(), number, (bool(match.group("open")), total)))
    return found


def numbered_run(markers: Sequence[Marker]) -> list[Marker]:
    """The longest sequence 1, 2, 3 ... of markers written the same way, in text order.

    Numbers must run on exactly, which is what keeps "1/2 cup" and "24/7" as text.
    """
    best: list[Marker] = []
    for index, first in enumerate(markers):
        if first.number != 1:
            continue
        run = [first]
        for marker in markers[index + 1 :]:
            if marker.number == run[-1].number + 1 and marker.style == first.style:
                run.append(marker)
        if len(run) > len(best):
            best = run
    return best if len(best) >= 2 else []


def _edge_marker(text: str) -> Marker | None:
    """A marker that opens or closes a post's text."""
    markers = find_markers(text)
    if not markers:
        return None
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    if markers[0].start == lead:
        return markers[0]
    if markers[-1].end == lead + len(stripped):
        return markers[-1]
    return None


def _increasing_run(items: Sequence[tuple[int, Marker]]) -> list[tuple[int, Marker]]:
    """The longest subsequence whose numbers strictly increase along the posts."""
    best: list[list[tuple[int, Marker]]] = []
    for index, item in enumerate(items):
        chains = [best[j] for j in range(index) if items[j][1].number < item[1].number]
        best.append(max(chains, key=len, default=[]) + [item])
    return max(best, key=len, default=[])


def strip_thread_markers(texts: Sequence[str]) -> list[str]:
    """Remove "2/n"-style markers that open or close posts and count along the thread.

    Markers count as thread numbers only when at least two posts carry the same style
    of marker with numbers rising along the thread, so a post that merely begins with
    "1/2 cup" keeps its text. Rising (not consecutive) numbers allow for a post lost
    or dropped between them.
    """
    edges = [(position, marker) for position, text in enumerate(texts) if (marker := _edge_marker(text))]
    runs = [_increasing_run([e for e in edges if e[1].style == style]) for style in dict.fromkeys(m.style for _, m in edges)]
    run = max(runs, key=len, default=[])
    if len(run) < 2:
        return list(texts)
    result = list(texts)
    for position, marker in run:
        text = result[position]
        result[position] = (text[: marker.start] + " " + text[marker.end :]).strip()
    return result


# --------------------------------------------------------------------------- whole posts and threads


_GLUED_HANDLE = re.compile(r"(?<![\w@])(@[A-Za-z0-9_]{1,15})\1(?![A-Za-z0-9_])", re.IGNORECASE)
_GLUED_URL = re.compile(r"(?<=\S)https?://", re.IGNORECASE)


def repair_glued_handles(text: str) -> str:
    """A handle copied twice without a space ("@lena@lena") is written once."""
    return _GLUED_HANDLE.sub(r"\1", text)


def _url_key(url: str) -> str:
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).rstrip("/")


def repair_glued_urls(text: str) -> str:
    """A URL glued to its own copy or to its shown form ("a.io/xhttps://a.io/x") is written once.

    Pages show a link's short form and keep its full address beside it; copied, the
    two run together. The part before the glued `https://` goes when the URL starts
    with it (a trailing "…" of a shortened form ignored).
    """
    out: list[str] = []
    last = 0
    for match in _GLUED_URL.finditer(text):
        if match.start() < last:
            continue
        token_start = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
        if token_start < last:
            continue
        before = text[token_start : match.start()]
        url_end = re.search(r"\s|$", text[match.start() :])
        url = text[match.start() : match.start() + (url_end.start() if url_end else 0)]
        shown = _url_key(re.sub(r"(?:…|\.\.\.)$", "", before))
        if len(shown) >= 4 and _url_key(url).startswith(shown):
            out.append(text[last:token_start])
            last = match.start()
    out.append(text[last:])
    return "".join(out)


def protect_verbatim(rich: RichText) -> RichText:
    """Formulas and diagrams become verbatim tokens; a display formula or diagram is a paragraph of its own."""
    found = [item for item in find_verbatim(rich.text) if not _ANY_TOKEN_RE.search(rich.text[item[0] : item[1]])]
    if not found:
        return rich
    out: list[str] = []
    last = 0
    for start, end, item in found:
        out.append(rich.text[last:start])
        rich, token = rich.with_verbatim(item)
        out.append(token if item.kind == "math" else f"\n\n{token}\n\n")
        last = end
    out.append(rich.text[last:])
    return rich.with_text("".join(out))


def _first_change(before: str, after: str) -> tuple[int, str, str]:
    """(index of the first line that differs, that line before, after)."""
    old, new = before.split("\n"), after.split("\n")
    for index, (a, b) in enumerate(zip(old, new)):
        if a != b:
            return index, a, b
    index = min(len(old), len(new))
    return index, old[index] if index < len(old) else "", new[index] if index < len(new) else ""


def traced_step(trace: Trace | None, line: int | None, rule: str, before: RichText, after: RichText) -> RichText:
    """Report `rule` to the trace when it changed the text (on the first line it changed)."""
    if trace is not None and " ".join(after.plain().split()) != " ".join(before.plain().split()):
        index, old, new = _first_change(before.plain(), after.plain())
        old, new = changed_part(old, new)  # show where the line changed
        report(
            trace, rule, None if line is None else line + index, "repaired" if new.strip() else "dropped", old, new if new.strip() else None
        )
    return after


# The per-post repairs, by name (for --explain), in the order that matters.
_POST_STEPS: tuple[tuple[str, Callable[[RichText, Mapping[str, Link | None]], RichText]], ...] = (
    ("mojibake", lambda r, u: r.with_text(_C1_CONTROL.sub("", fix_mojibake(r.text)))),  # after the repair, which reads them
    ("html-line-breaks", lambda r, u: r.with_text(html_breaks_to_newlines(r.text))),
    ("html-anchors", lambda r, u: anchors_to_links(r)),
    ("short-urls", lambda r, u: expand_urls(r, u)),
    # entities may spell control characters; link tokens are kept
    ("html-entities", lambda r, u: r.with_text(_CONTROL.sub("", unescape_html(r.text)))),
    ("glued-handle", lambda r, u: r.with_text(repair_glued_handles(r.text))),
    ("glued-url", lambda r, u: r.with_text(repair_glued_urls(r.text))),
    ("bare-urls", lambda r, u: link_bare_urls(r)),
    ("media-links", lambda r, u: drop_trailing_media_links(r)),
    ("truncation-marker", lambda r, u: r.with_text(strip_cut_marks(r.text))),
    ("inline-rule", lambda r, u: r.with_text(inline_rules_to_breaks(r.text))),
    ("repeated-line", lambda r, u: r.with_text(dedupe_lines(r.text))),
)


def clean_post(
    raw: str,
    urls: Mapping[str, Link | None] | None = None,
    trace: Trace | None = None,
    line: int | None = None,
) -> RichText:
    """Every per-post repair, in order: the text of one post ready for the writer.

    `urls` maps short URLs found in the text to what they expand to (X entities);
    a None value drops the URL (the post's own media link). Each repair that
    changes the text is reported to `trace`, located from `line` (the post's first
    line in the source).
    """
    rich = RichText(normalize_characters(raw))
    for name, step in _POST_STEPS:
        rich = traced_step(trace, line, name, rich, step(rich, urls or {}))
    # formulas and diagrams last: the repairs above cannot touch them, nothing after may
    protected = protect_verbatim(rich)
    for item in protected.verbatim[len(rich.verbatim) :]:
        report(trace, "diagram" if item.kind == "mermaid" else "formula", line, f"kept as {item.kind}", item.source)
    return protected.with_text(tidy_whitespace(protected.text))


def dedupe_posts(posts: Sequence[RichText]) -> list[int]:
    """Indexes of the posts to keep: empty posts and repeats of an earlier post go."""
    seen: set[str] = set()
    keep = []
    for index, post in enumerate(posts):
        key = " ".join(post.key().split())
        if not key or key in seen:
            continue
        seen.add(key)
        keep.append(index)
    return keep


def _url_like(label: str) -> bool:
    return " " not in label.strip() and ("/" in label or "." in label.strip(".…"))


def title_from(rich: RichText, limit: int = 90) -> str:
    """A title from a post: its first line, else its first sentence, cut at a word.

    Links that merely show a URL are left out, and so are a closing 🧵 or 👇. Cuts
    only at spaces, so emoji sequences (ZWJ, skin tones, flags) stay whole.
    """
    text = rich.render(lambda link: "" if _url_like(link.label) else link.label).strip()
    first_line = text.split("\n", 1)[0].strip()
    # "(notes: <link>)" without its link is "(notes: )": drop what is left
    title = re.sub(r"\(\s*(?:[^()\s]+:)?\s*\)", "", first_line)
    title = " ".join(title.split())
    if len(title) > limit:
        sentence = re.split(r"(?<=[.!?])\s+", title, maxsplit=1)[0]
        title = sentence if len(sentence) >= 12 else title
    if len(title) > limit:
        cut = title[: limit + 1].rsplit(" ", 1)[0] if " " in title[: limit + 1] else title[:limit]
        title = cut.rstrip(" ,;:-–—") + "…"
    title = re.sub(r"[\s\U0001F9F5\U0001F447\u2b07\ufe0f:;,.—–-]+$", "", title)
    return title
