"""X API v2 responses: a conversation's posts -> the author's own thread.

Input is what `GET /2/tweets/search/recent?query=conversation_id:ID` (or
`GET /2/tweets?ids=...`) returns with `expansions=author_id,attachments.media_keys,
referenced_tweets.id` and `tweet.fields=created_at,conversation_id,entities,
note_tweet,referenced_tweets,in_reply_to_user_id,attachments`: `data[]`,
`includes.users`, `includes.media`, `includes.tweets`. A JSON list of several such
responses (pages, or the first post fetched apart) is merged.

The fields the importer reads are declared below (`Tweet`, `Includes`, …) and each
response is validated against them before use: a field of the wrong type is an
error naming it (`conv.json: data[0].text: expected a string, not a number`); fields
it does not read are left alone. A lone surrogate in any string (`"\\ud800"`, half
of a UTF-16 pair, not a character) is replaced by U+FFFD where the JSON is read,
with a warning naming the field.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from generator.errors import Diagnostic
from generator.importers.chain import id_order, self_thread, top_of
from generator.importers.cleanup import display_url, is_media_url
from generator.importers.model import Author, ImportedPost, ImportedThread, Link, Media, SourceError
from generator.importers.posts import finish_posts

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# how a surrogate is written in JSON text: only then can a parsed string hold a lone one
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# lone surrogates reported one field at a time, up to this many
MAX_REPAIR_NOTES = 5
# wrong-typed fields reported at once, up to this many
MAX_FIELD_ERRORS = 10


def load_json(raw: str, where: str, warnings: list[str] | None = None) -> Any:
    """Parse JSON, telling a truncated file from a malformed one, with the line.

    Lone surrogates in its strings are replaced by U+FFFD; `warnings` gets a located line for each.
    """
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        if not raw.strip():
            raise SourceError.at(where, "empty: there is no JSON to import") from error
        # the parser stopped at the end, or in a string that never ends: the file was cut short
        if error.pos >= len(raw.rstrip()) or error.msg.startswith("Unterminated string"):
            raise SourceError.at(where, "truncated JSON: the file ends in the middle of a value", error.lineno) from error
        raise SourceError.at(where, f"invalid JSON: {error.msg}", error.lineno) from error
    except RecursionError as error:
        raise SourceError.at(where, "invalid JSON: nested too deeply (lists or objects inside each other)") from error
    except ValueError as error:  # an integer past Python's limit of digits
        digits = re.search(r"value has (\d+) digits", str(error))
        size = f"of {int(digits.group(1)):,} digits" if digits else "too long"
        raise SourceError.at(where, f"invalid JSON: a number {size}, too long to read") from error
    if not (_ESCAPED_SURROGATE.search(raw) or _LONE_SURROGATE.search(raw)):
        return data
    data, repaired = _replace_lone_surrogates(data)
    notes = warnings if warnings is not None else []
    for path in repaired[:MAX_REPAIR_NOTES]:
        field_name = f"{path}: " if path else ""
        notes.append(f"{where}: warning: {field_name}a lone surrogate (half of a UTF-16 pair, not a character) replaced by U+FFFD")
    if len(repaired) > MAX_REPAIR_NOTES:
        notes.append(f"{where}: warning: lone surrogates replaced by U+FFFD in {len(repaired) - MAX_REPAIR_NOTES} more strings")
    return data


def _replace_lone_surrogates(data: Any) -> tuple[Any, list[str]]:
    """`data` (parsed JSON) with every lone surrogate replaced by U+FFFD, and the paths of the strings that held one."""
    repaired: list[str] = []
    root = [data]
    # (container, key, where the container is): a path is spelled out only for a string that held one
    stack: list[tuple[Any, Any, Any]] = [(root, 0, None)]
    while stack:
        container, key, parent = stack.pop()
        value = container[key]
        here = (parent, key) if container is not root else None
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                container[key] = _LONE_SURROGATE.sub("\ufffd", value)
                repaired.append(_spelled(here))
        elif isinstance(value, list):
            stack.extend((value, index, here) for index in reversed(range(len(value))))
        elif isinstance(value, dict):
            if any(_LONE_SURROGATE.search(name) for name in value):
                for name in [name for name in value if _LONE_SURROGATE.search(name)]:
                    repaired.append(_spelled((here, _LONE_SURROGATE.sub("\ufffd", name))))
                value = {_LONE_SURROGATE.sub("\ufffd", name): item for name, item in value.items()}
                container[key] = value
            stack.extend((value, name, here) for name in reversed(list(value)))
    return root[0], repaired


def _spelled(chain: Any) -> str:
    """A path chain `(((None, 'data'), 0), 'text')` as `data[0].text`."""
    parts: list[Any] = []
    while chain is not None:
        chain, key = chain
        parts.append(key)
    return json_path(tuple(reversed(parts)))


def json_path(loc: tuple[Any, ...]) -> str:
    """A location in JSON as `data[0].entities.urls[0].url` (`[1].data` in a list of responses)."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --------------------------------------------------------------------------- the fields read, declared


def _id_text(value: Any) -> Any:
    """Ids are strings in API v2; a plain integer is taken as its digits."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, BeforeValidator(_id_text), StringConstraints(min_length=1)]


class _Fields(BaseModel):
    """Only JSON's own types, no coercion ("1" is not a number, 1 not a string); other fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class UrlEntity(_Fields):
    url: str
    expanded_url: str | None = None
    unwound_url: str | None = None
    display_url: str | None = None
    media_key: str | None = None


class Entities(_Fields):
    urls: list[UrlEntity] | None = None


class Reference(_Fields):
    type: str
    id: Id


class NoteTweet(_Fields):
    text: str | None = None
    entities: Entities | None = None


class Attachments(_Fields):
    media_keys: list[Id] | None = None


class Tweet(_Fields):
    id: Id
    text: str | None = None
    author_id: Id | None = None
    conversation_id: Id | None = None
    created_at: str | None = None
    referenced_tweets: list[Reference] | None = None
    entities: Entities | None = None
    note_tweet: NoteTweet | None = None
    attachments: Attachments | None = None


class User(_Fields):
    id: Id
    name: str | None = None
    username: str | None = None


class MediaItem(_Fields):
    media_key: Id
    type: str | None = None
    url: str | None = None
    preview_image_url: str | None = None
    alt_text: str | None = None


class Includes(_Fields):
    users: list[User] | None = None
    media: list[MediaItem] | None = None
    tweets: list[Tweet] | None = None


class Response(_Fields):
    data: list[Tweet]
    includes: Includes | None = None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


_EXPECTED = {"string_type": "a string", "list_type": "a list", "model_type": "an object", "dict_type": "an object"}


def field_message(error: ErrorDetails) -> str:
    """What is wrong with one field, in JSON's words."""
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] in _EXPECTED:
        return f"expected {_EXPECTED[error['type']]}, not {_json_type(error['input'])}"
    if error["type"] == "string_too_short":
        return "must not be empty"
    return error["msg"]


def _response(value: dict[str, Any], where: str, prefix: tuple[Any, ...]) -> Response:
    """One response validated against the fields read; its `data` may be one post instead of a list."""
    single = isinstance(value.get("data"), dict)
    try:
        return Response.model_validate(dict(value, data=[value["data"]]) if single else value)
    except ValidationError as exc:
        diagnostics = []
        for error in exc.errors()[:MAX_FIELD_ERRORS]:
            loc = tuple(error["loc"])
            if single and loc[:2] == ("data", 0):
                loc = ("data", *loc[2:])  # the post is the object at `data` itself
            diagnostics.append(Diagnostic(where, None, f"{json_path(prefix + loc)}: {field_message(error)}"))
        raise SourceError(diagnostics) from exc


@dataclass(frozen=True)
class ApiPost:
    """The fields of one v2 post the importer uses."""

    id: str
    author_id: str | None
    text: str
    created_at: datetime | None
    conversation_id: str | None
    replied_to: str | None
    retweet: bool
    urls: dict[str, Link | None] = field(default_factory=dict)
    media_keys: tuple[str, ...] = ()


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 time ('2024-05-01T09:30:00.000Z') or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def url_entities(entities: list[UrlEntity] | None) -> dict[str, Link | None]:
    """entities.urls -> short URL: its link, or None for the post's own media link."""
    urls: dict[str, Link | None] = {}
    for entity in entities or []:
        if not entity.url:
            continue
        expanded = entity.expanded_url or entity.unwound_url or entity.url
        if entity.media_key or is_media_url(expanded):
            urls[entity.url] = None
        else:
            urls[entity.url] = Link(entity.display_url or display_url(expanded), expanded)
    return urls


def _post(item: Tweet) -> ApiPost:
    note = item.note_tweet
    # a long post's `text` is cut at 280 characters; the whole text is in note_tweet
    text = (note.text if note else None) or item.text or ""
    urls = url_entities(item.entities.urls if item.entities else None)
    if note and note.entities:
        urls.update(url_entities(note.entities.urls))
    references = {ref.type: ref.id for ref in item.referenced_tweets or []}
    return ApiPost(
        id=item.id,
        author_id=item.author_id,
        text=text,
        created_at=parse_datetime(item.created_at),
        conversation_id=item.conversation_id,
        replied_to=references.get("replied_to"),
        retweet="retweeted" in references or text.startswith("RT @"),
        urls=urls,
        media_keys=tuple(item.attachments.media_keys or ()) if item.attachments else (),
    )


def _responses(data: Any, where: str) -> list[Response]:
    """The responses in the JSON (one, or a list of them), each validated."""
    responses = data if isinstance(data, list) else [data]
    if not responses:
        raise SourceError.at(where, "empty: the JSON holds no response")
    for response in responses:
        if not isinstance(response, dict) or "data" not in response:
            errors = response.get("errors") if isinstance(response, dict) else None
            if errors and isinstance(errors, list) and isinstance(errors[0], dict):
                detail = errors[0].get("detail") or errors[0].get("title") or "an error"
                raise SourceError.at(where, f"not a thread: the X API response is an error: {detail}")
            raise SourceError.at(where, "not an X API v2 response: it has no 'data' list of posts")
    return [_response(response, where, (index,) if isinstance(data, list) else ()) for index, response in enumerate(responses)]


def parse_x_api(raw: str, where: str, thread_id: str | None = None) -> ImportedThread:
    """An X API v2 JSON response -> the thread of its conversation's author."""
    repairs: list[str] = []
    responses = _responses(load_json(raw, where, repairs), where)
    posts: dict[str, ApiPost] = {}
    users: dict[str, User] = {}
    media: dict[str, MediaItem] = {}
    main_ids: list[str] = []
    for response in responses:
        includes = response.includes or Includes()
        for item in includes.tweets or []:
            posts.setdefault(item.id, _post(item))
        for item in response.data:
            post = _post(item)
            posts[post.id] = post  # data wins over includes: it has the requested fields
            main_ids.append(post.id)
        users.update((user.id, user) for user in includes.users or [])
        media.update((item.media_key, item) for item in includes.media or [])
    if not main_ids:
        raise SourceError.at(where, "empty: the response's 'data' holds no posts")

    root = _root(posts, main_ids, where, thread_id)
    author_id = posts[root].author_id
    # the author's own posts, and which of their own posts each one answers
    own = {pid: p for pid, p in posts.items() if p.author_id == author_id and not p.retweet}
    parent_of = {pid: (p.replied_to if p.replied_to in own else None) for pid, p in own.items()}
    chain = self_thread(root, parent_of, through=thread_id)

    drafts = [ImportedPost(text=own[pid].text, media=_media(own[pid], media), id=pid, created_at=own[pid].created_at) for pid in chain]
    final = finish_posts(drafts, [own[pid].urls for pid in chain])
    if not final:
        raise SourceError.at(where, "not a thread: its posts have no text")
    user = users.get(author_id or "")
    author = Author(name=user.name or user.username, handle=user.username) if user and user.username else None
    source = f"https://x.com/{author.handle if author else 'i'}/status/{root}"
    return ImportedThread(
        posts=tuple(final), author=author, source_url=source, date=posts[root].created_at, id=root, source_warnings=tuple(repairs)
    )


def _root(posts: dict[str, ApiPost], main_ids: list[str], where: str, thread_id: str | None) -> str:
    """The first post of the thread to import."""
    if thread_id is not None:
        if thread_id not in posts:
            raise SourceError.at(where, f"--thread {thread_id}: no post with that id in the response")
        author = posts[thread_id].author_id
        parents = {pid: p.replied_to for pid, p in posts.items() if p.author_id == author and not p.retweet}
        parents = {pid: (parent if parent in parents else None) for pid, parent in parents.items()}
        return top_of(thread_id, parents)
    conversations = Counter(conversation for pid in main_ids if (conversation := posts[pid].conversation_id) and not posts[pid].retweet)
    ranked = conversations.most_common()
    # quotes and retweets bring conversations of their own: the conversation is the main one
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        tied = ", ".join(sorted((c for c, n in ranked if n == ranked[0][1]), key=id_order))
        raise SourceError.at(where, f"the response holds several conversations ({tied}): choose one with --thread ID")
    if ranked:
        conversation = ranked[0][0]
        if conversation not in posts:
            raise SourceError.at(
                where,
                f"the conversation's first post {conversation} is not in the response: "
                "add it (GET /2/tweets/:id, merged as a JSON list) or name a post with --thread",
            )
        return conversation
    # no conversation ids requested: the earliest post that replies to none of the others
    known = set(posts)
    tops = [pid for pid in main_ids if not posts[pid].retweet and posts[pid].replied_to not in known]
    if not tops:
        raise SourceError.at(where, "not a thread: every post is a retweet")
    return min(tops, key=id_order)


def _media(post: ApiPost, media: dict[str, MediaItem]) -> tuple[Media, ...]:
    """The post's photos (and video previews) as remote images."""
    found = []
    for key in post.media_keys:
        item = media.get(key)
        if not item:
            continue
        url = item.url if item.type == "photo" else item.preview_image_url
        if url:
            found.append(Media(alt=item.alt_text or "", url=url))
    return tuple(found)
