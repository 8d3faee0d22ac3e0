"""X API v2 responses: a conversation's posts -> the author's own thread.

Input is what `GET /2/tweets/search/recent?query=conversation_id:ID` (or
`GET /2/tweets?ids=...`) returns with `expansions=author_id,attachments.media_keys,
referenced_tweets.id` and `tweet.fields=created_at,conversation_id,entities,
note_tweet,referenced_tweets,in_reply_to_user_id,attachments`: `data[]`,
`includes.users`, `includes.media`, `includes.tweets`. A JSON list of several such
responses (pages, or the first post fetched apart) is merged.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from generator.importers.chain import id_order, self_thread, top_of
from generator.importers.cleanup import display_url, is_media_url
from generator.importers.model import Author, ImportedPost, ImportedThread, Link, Media, SourceError
from generator.importers.posts import finish_posts


def load_json(raw: str, where: str) -> Any:
    """Parse JSON, telling a truncated file from a malformed one, with the line."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        if not raw.strip():
            raise SourceError.at(where, "empty: there is no JSON to import") from error
        # the parser stopped at the end, or in a string that never ends: the file was cut short
        if error.pos >= len(raw.rstrip()) or error.msg.startswith("Unterminated string"):
            raise SourceError.at(where, "truncated JSON: the file ends in the middle of a value", error.lineno) from error
        raise SourceError.at(where, f"invalid JSON: {error.msg}", error.lineno) from error


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


def url_entities(entities: Any) -> dict[str, Link | None]:
    """entities.urls -> short URL: its link, or None for the post's own media link."""
    urls: dict[str, Link | None] = {}
    for entity in (entities or {}).get("urls") or []:
        if not isinstance(entity, dict) or not entity.get("url"):
            continue
        expanded = entity.get("expanded_url") or entity.get("unwound_url") or entity["url"]
        if entity.get("media_key") or is_media_url(expanded):
            urls[entity["url"]] = None
        else:
            urls[entity["url"]] = Link(entity.get("display_url") or display_url(expanded), expanded)
    return urls


def _post(item: dict[str, Any]) -> ApiPost:
    note = item.get("note_tweet") if isinstance(item.get("note_tweet"), dict) else None
    # a long post's `text` is cut at 280 characters; the whole text is in note_tweet
    text = (note or {}).get("text") or item.get("text") or ""
    urls = url_entities(item.get("entities"))
    if note:
        urls.update(url_entities(note.get("entities")))
    references = {ref.get("type"): str(ref.get("id")) for ref in item.get("referenced_tweets") or [] if isinstance(ref, dict)}
    return ApiPost(
        id=str(item["id"]),
        author_id=str(item["author_id"]) if item.get("author_id") is not None else None,
        text=text,
        created_at=parse_datetime(item.get("created_at")),
        conversation_id=str(item["conversation_id"]) if item.get("conversation_id") else None,
        replied_to=references.get("replied_to"),
        retweet="retweeted" in references or text.startswith("RT @"),
        urls=urls,
        media_keys=tuple(str(k) for k in (item.get("attachments") or {}).get("media_keys") or []),
    )


def _responses(data: Any, where: str) -> list[dict[str, Any]]:
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
    return responses


def parse_x_api(raw: str, where: str, thread_id: str | None = None) -> ImportedThread:
    """An X API v2 JSON response -> the thread of its conversation's author."""
    responses = _responses(load_json(raw, where), where)
    posts: dict[str, ApiPost] = {}
    users: dict[str, dict[str, Any]] = {}
    media: dict[str, dict[str, Any]] = {}
    main_ids: list[str] = []
    for response in responses:
        items = response["data"] if isinstance(response["data"], list) else [response["data"]]
        includes = response.get("includes") or {}
        for item in includes.get("tweets") or []:
            if isinstance(item, dict) and item.get("id") is not None:
                posts.setdefault(str(item["id"]), _post(item))
        for item in items:
            if not isinstance(item, dict) or item.get("id") is None:
                raise SourceError.at(where, "not an X API v2 response: a post in 'data' has no id")
            post = _post(item)
            posts[post.id] = post  # data wins over includes: it has the requested fields
            main_ids.append(post.id)
        for user in includes.get("users") or []:
            if isinstance(user, dict) and user.get("id") is not None:
                users[str(user["id"])] = user
        for item in includes.get("media") or []:
            if isinstance(item, dict) and item.get("media_key"):
                media[str(item["media_key"])] = item
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
    author = Author(name=str(user.get("name") or user["username"]), handle=str(user["username"])) if user and user.get("username") else None
    source = f"https://x.com/{author.handle if author else 'i'}/status/{root}"
    return ImportedThread(posts=tuple(final), author=author, source_url=source, date=posts[root].created_at, id=root)


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


def _media(post: ApiPost, media: dict[str, dict[str, Any]]) -> tuple[Media, ...]:
    """The post's photos (and video previews) as remote images."""
    found = []
    for key in post.media_keys:
        item = media.get(key)
        if not item:
            continue
        url = item.get("url") if item.get("type") == "photo" else item.get("preview_image_url")
        if url:
            found.append(Media(alt=str(item.get("alt_text") or ""), url=str(url)))
    return tuple(found)
