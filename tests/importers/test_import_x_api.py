"""generator.importers.x_api: a conversation from the X API v2 -> the author's thread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.importers.cleanup import RichText
from generator.importers.model import SourceError
from generator.importers.x_api import parse_x_api

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "x-api" / "conversation.json"
ROOT, LONG, MEDIA, BRANCH, STEP, END = (f"18000000000000001{n:02d}" for n in (1, 2, 3, 4, 5, 7))


def raw() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def plain(post) -> str:
    return RichText(post.text, post.links).plain()


def test_conversation_becomes_the_authors_thread():
    thread = parse_x_api(raw(), "c.json")
    # along the reply chain; the shorter branch, others' replies, quotes and retweets are left out
    assert [post.id for post in thread.posts] == [ROOT, LONG, MEDIA, STEP, END]
    assert thread.author is not None and (thread.author.name, thread.author.handle) == ("Devi Raman", "devi_builds")
    assert thread.source_url == f"https://x.com/devi_builds/status/{ROOT}"
    assert thread.date is not None and thread.date.isoformat() == "2025-02-03T08:00:00+00:00"


def test_entities_expand_and_entities_unescape():
    first = parse_x_api(raw(), "c.json").posts[0]
    assert plain(first) == "How we cut CI time from 40 to 9 minutes (notes: example.com/ci-notes) — tests & builds 🧵"
    assert first.links[0].url == "https://example.com/ci-notes"


def test_long_post_comes_from_note_tweet():
    long = parse_x_api(raw(), "c.json").posts[1]
    text = plain(long)
    assert text.endswith("worse than no cache at all.")
    assert "…" not in text and "t.co" not in text
    assert any(link.url == "https://example.com/cache-setup" for link in long.links)


def test_media_is_linked_and_its_short_link_dropped():
    post = parse_x_api(raw(), "c.json").posts[2]
    assert plain(post).endswith("after the change 👇")
    assert [(m.url, m.alt) for m in post.media] == [("https://pbs.twimg.com/media/FixturePipeline.jpg", "CI pipeline [after]")]


def test_thread_option_follows_the_named_branch():
    thread = parse_x_api(raw(), "c.json", thread_id=BRANCH)
    assert [post.id for post in thread.posts] == [ROOT, LONG, MEDIA, BRANCH]


def test_missing_root_is_a_clear_error():
    data = json.loads(raw())
    data["data"] = [post for post in data["data"] if post["id"] != ROOT]
    with pytest.raises(SourceError, match=r"first post .* is not in the response"):
        parse_x_api(json.dumps(data), "c.json")


def test_several_responses_are_merged():
    data = json.loads(raw())
    root = [post for post in data["data"] if post["id"] == ROOT]
    rest = dict(data, data=[post for post in data["data"] if post["id"] != ROOT])
    pages = [rest, {"data": root, "includes": {"users": data["includes"]["users"]}}]
    assert [p.id for p in parse_x_api(json.dumps(pages), "c.json").posts] == [ROOT, LONG, MEDIA, STEP, END]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ('{"data": [{"id": "1", "text": "cut', "truncated JSON"),
        ('{"data": [}', "invalid JSON"),
        ('{"meta": {}}', "not an X API v2 response"),
        ('{"errors": [{"title": "Not Found Error", "detail": "Could not find tweet"}]}', "Could not find tweet"),
        ('{"data": []}', "empty"),
    ],
)
def test_bad_input_is_a_one_line_error(text, message):
    with pytest.raises(SourceError, match=message) as caught:
        parse_x_api(text, "c.json")
    assert len(str(caught.value).splitlines()) == 1
    assert str(caught.value).startswith("c.json")


def test_unknown_thread_id():
    with pytest.raises(SourceError, match="--thread 42"):
        parse_x_api(raw(), "c.json", thread_id="42")
