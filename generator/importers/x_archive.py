"""An X account archive (the downloaded and unzipped "Your archive" folder).

Read: `data/tweets.js` (`window.YTD.tweets.part0 = [...]`, every number a string)
and its `tweets-part1.js`, ... siblings; `data/note-tweet.js` for long posts (matched
to their truncated post by time and text, as the archive does not link them);
`data/account.js` for the handle and display name; images in `data/tweets_media/`
named `<post id>-<file>`. Every self-thread (a post and the account's replies to
itself) is rebuilt, or only the one named by --thread.

An archive may come from someone else, so every value is checked for its type
before use, a post id must be a number, a media file name one plain path segment,
and files are read only inside the archive (an image only inside its own
`tweets_media/`), never through a symlink that leads out of it. A value of the
wrong type is not used (a URL entity whose `url` is `true` leaves its short URL as
written); a lone surrogate is replaced by U+FFFD, with a warning (`load_json`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.confine import ConfinementError, confined_path, is_confined
from generator.importers.chain import id_order, self_thread, top_of
from generator.importers.cleanup import display_url, unescape_html
from generator.importers.model import Author, ImportedPost, ImportedThread, Link, Media, SourceError
from generator.importers.posts import finish_posts
from generator.importers.x_api import UrlEntity, load_json, parse_datetime, url_entities

YTD_PREFIX = re.compile(r"\A\s*window\.YTD\.(\w+)\.part(\d+)\s*=\s*")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# A note's time and its post's time differ by a moment at most.
NOTE_TIME_WINDOW = 5.0
POST_ID = re.compile(r"^[0-9]{1,25}$")
# one plain file name: no separators, no `..`, no glob or control characters
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}$")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _post_id(value: Any) -> str | None:
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return text if POST_ID.match(text) else None


def read_ytd(text: str, where: str, warnings: list[str] | None = None) -> list[Any]:
    """The list assigned in a `window.YTD.<name>.partN = [...]` file; repairs of its text go to `warnings`."""
    match = YTD_PREFIX.match(text.lstrip("\ufeff"))
    if not match:
        raise SourceError.at(where, "not an X archive data file: it does not start with 'window.YTD.'", 1)
    body = text.lstrip("\ufeff")[match.end() :].rstrip().removesuffix(";")
    # keep line numbers of JSON errors true to the file
    prefix_lines = text.lstrip("\ufeff")[: match.end()].count("\n")
    try:
        data = load_json(body, where, warnings)
    except SourceError as error:
        diagnostic = error.diagnostics[0]
        line = diagnostic.line + prefix_lines if diagnostic.line else None
        raise SourceError.at(where, diagnostic.message, line) from error
    if not isinstance(data, list):
        raise SourceError.at(where, "not an X archive data file: it does not hold a list")
    return data


def _part_number(path: Path) -> int:
    match = re.search(r"-part(\d+)\.js$", path.name)
    return int(match.group(1)) if match else 0


def data_folder(source: Path) -> Path:
    """The archive's `data/` folder, given the archive folder, `data/` itself or tweets.js."""
    if source.is_file():
        return source.parent
    return source / "data" if (source / "data").is_dir() else source


def tweet_files(data: Path) -> list[Path]:
    """tweets.js and its parts in order (older archives call them tweet.js)."""
    for stem in ("tweets", "tweet"):
        files = [data / f"{stem}.js"] if (data / f"{stem}.js").is_file() else []
        files += sorted(data.glob(f"{stem}-part*.js"), key=_part_number)
        if files:
            return files
    return []


def _read(path: Path, archive: Path | None = None) -> str:
    """A data file's text; inside `archive` (its data/ folder) only, never through a link out."""
    try:
        if archive is not None:
            confined_path(path, (archive,))
        return path.read_text(encoding="utf-8-sig")
    except ConfinementError as error:
        raise SourceError.at(str(path), "a symlink leading outside the archive; refused") from error
    except UnicodeDecodeError as error:
        raise SourceError.at(str(path), f"not UTF-8 text: {error.reason}") from error
    except OSError as error:
        raise SourceError.at(str(path), f"cannot read: {error.strerror or error}") from error


@dataclass(frozen=True)
class ArchivePost:
    """The fields of one archived post the importer uses."""

    id: str
    text: str
    created_at: datetime | None
    reply_to: str | None
    reply_to_user: str | None
    reply_to_name: str | None
    retweet: bool
    urls: dict[str, Link | None] = field(default_factory=dict)
    media: tuple[dict[str, Any], ...] = ()


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _archive_time(value: Any) -> datetime | None:
    """'Wed Oct 10 20:19:24 +0000 2018' (tweets.js) or ISO 8601 (note-tweet.js)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        return parse_datetime(value)


def _url_entities(value: Any) -> dict[str, Link | None]:
    """entities.urls of an archived post; an entity with a field of the wrong type is not used (its short URL stays)."""
    entities = []
    for item in _items(value):
        try:
            entities.append(UrlEntity.model_validate(item))
        except ValidationError:
            continue
    return url_entities(entities)


def _archive_post(entry: Any) -> ArchivePost | None:
    item = entry.get("tweet", entry) if isinstance(entry, dict) else None
    if not isinstance(item, dict):
        return None
    post_id = _post_id(item.get("id_str") or item.get("id"))
    if post_id is None:
        return None  # no id, or not a number: nothing can name it (nor its files)
    text = _text(item.get("full_text")) or _text(item.get("text"))
    entities = _mapping(item.get("entities"))
    urls = _url_entities(entities.get("urls"))
    media_items = _items(_mapping(item.get("extended_entities")).get("media")) or _items(entities.get("media"))
    for medium in media_items:
        if isinstance(medium.get("url"), str) and medium["url"]:
            urls[medium["url"]] = None  # the post's own media link
    reply_to = _post_id(item.get("in_reply_to_status_id_str") or item.get("in_reply_to_status_id"))
    reply_user = _post_id(item.get("in_reply_to_user_id_str") or item.get("in_reply_to_user_id"))
    return ArchivePost(
        id=post_id,
        text=text,
        created_at=_archive_time(item.get("created_at")),
        reply_to=reply_to,
        reply_to_user=reply_user,
        reply_to_name=_text(item.get("in_reply_to_screen_name")) or None,
        retweet=_flag(item.get("retweeted")) or text.startswith("RT @"),
        urls=urls,
        media=tuple(media_items),
    )


@dataclass(frozen=True)
class Note:
    """A long post's full text from note-tweet.js."""

    created_at: datetime | None
    text: str
    urls: dict[str, Link | None]


def _notes(data: Path, warnings: list[str]) -> list[Note]:
    notes = []
    files = ([data / "note-tweet.js"] if (data / "note-tweet.js").is_file() else []) + sorted(
        data.glob("note-tweet-part*.js"), key=_part_number
    )
    for path in files:
        for entry in read_ytd(_read(path, data), str(path), warnings):
            note = _mapping(_mapping(entry).get("noteTweet"))
            core = _mapping(note.get("core"))
            if not _text(core.get("text")):
                continue
            urls: dict[str, Link | None] = {}
            for url in _items(core.get("urls")):
                short, expanded = _text(url.get("shortUrl")), _text(url.get("expandedUrl"))
                if short and expanded:
                    urls[short] = Link(_text(url.get("displayUrl")) or display_url(expanded), expanded)
            notes.append(Note(_archive_time(note.get("createdAt")), core["text"], urls))
    return notes


def _comparable(text: str) -> str:
    text = unescape_html(re.sub(r"https://t\.co/\w+", "", text))
    return " ".join(text.replace("…", " ").split())


def _note_for(post: ArchivePost, notes: list[Note]) -> Note | None:
    """The note holding this post's full text: written at the same moment, same beginning."""
    if post.created_at is None:
        return None
    start = _comparable(post.text)[:60]
    best: tuple[float, Note] | None = None
    for note in notes:
        if note.created_at is None:
            continue
        gap = abs((note.created_at - post.created_at).total_seconds())
        close_enough = gap <= NOTE_TIME_WINDOW and _comparable(note.text).startswith(start[: max(1, len(start) - 1)])
        if close_enough and (best is None or gap < best[0]):
            best = (gap, note)
    return best[1] if best else None


def _account(data: Path, warnings: list[str]) -> tuple[str | None, Author | None]:
    """(account id, author) from account.js, when the archive has it."""
    path = data / "account.js"
    if not path.is_file():
        return None, None
    for entry in read_ytd(_read(path, data), str(path), warnings):
        account = _mapping(_mapping(entry).get("account"))
        handle = _text(account.get("username"))
        if handle:
            return _post_id(account.get("accountId")), Author(_text(account.get("accountDisplayName")) or handle, handle)
    return None, None


def _media_file(media_dir: Path | None, post_id: str, medium: dict[str, Any], used: set[Path]) -> Path | None:
    """The archived file of one image: `<post id>-<name of its media URL>`, inside `media_dir` only."""
    if media_dir is None or not media_dir.is_dir() or not POST_ID.match(post_id):
        return None
    remote = _text(medium.get("media_url_https")) or _text(medium.get("media_url"))
    name = f"{post_id}-{remote.rsplit('/', 1)[-1]}" if remote else ""
    if SAFE_NAME.match(name):
        exact = media_dir / name
        if exact.suffix.lower() in IMAGE_SUFFIXES and exact.is_file() and is_confined(exact, (media_dir,)):
            return exact
    # the file name of the media URL is not always the archived one: any image of this post
    for candidate in sorted(media_dir.iterdir()):
        if (
            candidate.name.startswith(f"{post_id}-")
            and SAFE_NAME.match(candidate.name)
            and candidate.suffix.lower() in IMAGE_SUFFIXES
            and candidate not in used
            and candidate.is_file()
            and is_confined(candidate, (media_dir,))
        ):
            return candidate
    return None


def parse_x_archive(source: Path | None, where: str, thread_id: str | None = None, text: str | None = None) -> list[ImportedThread]:
    """Every self-thread of an archive (or the one holding post `thread_id`).

    `source` is the archive folder, its data/ folder or tweets.js; or None with the
    text of a tweets.js in `text` (standard input: no notes, account or media then).
    """
    data = data_folder(source) if source is not None else None
    if text is not None or source is None or data is None:
        contents = [(where, text or "")]
    else:
        if source.is_file():  # tweets.js itself brings its parts; another file comes alone
            files = tweet_files(data) if source.name in ("tweets.js", "tweet.js") else [source]
        else:
            files = tweet_files(data)
        if not files:
            raise SourceError.at(where, "not an X archive: there is no data/tweets.js in it")
        contents = [(str(path), _read(path, data)) for path in files]
    posts: dict[str, ArchivePost] = {}
    repairs: list[str] = []
    for shown, content in contents:
        for entry in read_ytd(content, shown, repairs):
            post = _archive_post(entry)
            if post is not None:
                posts[post.id] = post
    if not posts:
        raise SourceError.at(where, "empty: the archive's tweets.js holds no posts")
    notes = _notes(data, repairs) if data is not None else []
    account_id, author = _account(data, repairs) if data is not None else (None, None)

    own = {pid: p for pid, p in posts.items() if not p.retweet}
    # everything in an archive is the account's own, so a reply to a known post is a self-reply
    parent_of = {pid: (p.reply_to if p.reply_to in own else None) for pid, p in own.items()}
    if account_id is None:
        self_ids = [p.reply_to_user for pid, p in own.items() if parent_of[pid] and p.reply_to_user]
        account_id = max(set(self_ids), key=self_ids.count) if self_ids else None
    if author is None:
        names = [p.reply_to_name for pid, p in own.items() if parent_of[pid] and p.reply_to_name]
        if names:
            handle = max(set(names), key=names.count)
            author = Author(handle, handle)

    if thread_id is not None:
        if thread_id not in own:
            raise SourceError.at(where, f"--thread {thread_id}: no post of the account's own with that id in the archive")
        roots = [top_of(thread_id, parent_of)]
    else:
        has_children = {parent for parent in parent_of.values() if parent is not None}
        roots = sorted(
            (
                pid
                for pid, p in own.items()
                if parent_of[pid] is None
                and pid in has_children
                and (p.reply_to is None or (account_id is not None and p.reply_to_user == account_id))
            ),
            key=id_order,
        )
        if not roots:
            raise SourceError.at(where, "not a thread: the archive holds no self-thread (a post with replies to itself)")

    media_dir = None
    if data is not None:
        media_dir = data / "tweets_media" if (data / "tweets_media").is_dir() else data / "tweet_media"
        if not is_confined(media_dir, (data,)):
            media_dir = None  # a link out of the archive: no images from it
    threads = []
    for root in roots:
        chain = self_thread(root, parent_of, through=thread_id)
        threads.append(_thread(chain, own, notes, media_dir, author))
    # the repaired text is the archive's, not one thread's: said once
    return [replace(threads[0], source_warnings=tuple(repairs)), *threads[1:]]


def _thread(
    chain: list[str], own: dict[str, ArchivePost], notes: list[Note], media_dir: Path | None, author: Author | None
) -> ImportedThread:
    drafts: list[ImportedPost] = []
    url_maps: list[dict[str, Link | None]] = []
    warnings: list[str] = []
    used: set[Path] = set()
    for number, pid in enumerate(chain, 1):
        post = own[pid]
        text, urls = post.text, dict(post.urls)
        note = _note_for(post, notes)
        if note is not None:
            text = note.text
            urls.update(note.urls)
        images = []
        for medium in post.media:
            if str(medium.get("type") or "photo") != "photo":
                continue  # videos and GIFs are .mp4 files: a slide cannot show them
            path = _media_file(media_dir, pid, medium, used)
            if path is None:
                warnings.append(f"post {number} ({pid}): image not in the archive's tweets_media folder")
                continue
            used.add(path)
            images.append(Media(alt=str(medium.get("ext_alt_text") or ""), path=path, filename=path.name))
        drafts.append(ImportedPost(text=text, media=tuple(images), id=pid, created_at=post.created_at))
        url_maps.append(urls)
    posts = finish_posts(drafts, url_maps)
    root = chain[0]
    handle = author.handle if author else "i"
    return ImportedThread(
        posts=tuple(posts),
        author=author,
        source_url=f"https://x.com/{handle}/status/{root}",
        date=own[root].created_at,
        id=root,
        warnings=tuple(warnings),
    )
