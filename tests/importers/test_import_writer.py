"""generator.importers.writer: Markdown that shows what the author typed, front matter, profiles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from generator.content.markdown import new_markdown, plain_text, render_post
from generator.content.thread import split_thread
from generator.errors import ConfigError
from generator.importers.cleanup import link_token
from generator.importers.model import Author, ImportedPost, Link
from generator.importers.writer import (
    add_profile,
    check_slug,
    find_profile,
    load_config_text,
    new_profile_id,
    post_markdown,
    slugify,
    thread_markdown,
)


def rendered(markdown_text: str) -> str:
    """The HTML our renderer makes of a post."""
    post = render_post(new_markdown(), markdown_text)
    return (post.title_html + "\n" + post.body_html).strip()


@pytest.mark.parametrize(
    "typed",
    [
        "# not a heading",
        "#1 tip: sleep",
        "1. not a list",
        "2024. What a year",
        "- not a bullet",
        "+ not a bullet",
        "* not a bullet",
        "> not a quote",
        "a *star* and _under_ and `tick`",
        "[not](a link) and ![not](an image)",
        "<b>not bold</b> &amp; <!-- not a directive -->",
        "back\\slash \\* escaped",
        "snake_case_name stays",
        "```\nnot code\n```",
        "~~~",
        "Title\n===",
        "Title\n--",
        "a | b\n--|--\nc | d",
        "    indented",
    ],
)
def test_markdown_syntax_the_author_typed_shows_as_typed(typed):
    html = rendered(post_markdown(typed, ()))
    assert "<h1" not in html and "<h2" not in html and "<ol" not in html and "<ul" not in html
    assert "<blockquote" not in html and "<em" not in html and "<code" not in html and "<a " not in html
    assert "<table" not in html and "<img" not in html and "<pre" not in html
    shown = " ".join(plain_text(html).split())
    assert shown == " ".join(typed.split())


def test_hashtags_and_mentions_stay_plain_for_the_renderer():
    markdown = post_markdown("Thanks @some_one for #build_tips and #AI", ())
    assert markdown == "Thanks @some_one for #build_tips and #AI"
    html = rendered(markdown)
    assert 'class="mention"' in html and 'class="hashtag"' in html


def test_a_post_never_holds_a_separator_line():
    markdown = post_markdown("before\n---\nafter\n***\n___", ())
    assert "\n---\n" not in f"\n{markdown}\n"
    source, problems = split_thread("---\ntitle: t\n---\n\n" + markdown + "\n", "t.md")
    assert len(source.posts) == 1 and not problems


def test_links_and_images():
    links = (Link("example.com/a (b)", "https://example.com/a (b)"),)
    markdown = post_markdown(f"See {link_token(0)}!{link_token(0)}", links)
    assert markdown == "See [example.com/a (b)](https://example.com/a%20%28b%29)\\![example.com/a (b)](https://example.com/a%20%28b%29)"
    html = rendered(markdown)
    assert html.count("<a ") == 2 and "<img" not in html


def test_line_breaks_are_kept():
    assert rendered(post_markdown("one\ntwo\n\nthree", ())).count("<br") == 1


def test_thread_file_round_trips_through_the_thread_splitter():
    posts = [ImportedPost("First: hello"), ImportedPost("Second"), ImportedPost("")]
    text = thread_markdown(
        title="Hello: a thread",
        posts=posts,
        image_sources=[[], [("a [b]", "images/s/1-x.png")], [("", "https://pbs.twimg.com/media/x.jpg")]],
        profile="dev",
        source="https://x.com/dev/status/1",
        date=datetime(2025, 2, 3, 8, 0, tzinfo=UTC),
    )
    assert text.startswith("---\ntitle: 'Hello: a thread'\nprofile: dev\nsource: https://x.com/dev/status/1\n")
    assert "date: 2025-02-03T08:00:00+00:00\ndraft: true\n---\n" in text
    source, problems = split_thread(text, "t.md")
    assert not problems and len(source.posts) == 3
    assert source.front_matter.data["date"] == datetime(2025, 2, 3, 8, 0, tzinfo=UTC)
    assert source.posts[1].markdown == "Second\n\n![a \\[b\\]](images/s/1-x.png)"


def test_slugify():
    assert slugify("Self-attention in LLMs, clearly explained") == "self-attention-in-llms-clearly-explained"
    assert slugify("Café naïve über 🚀") == "cafe-naive-uber"
    assert slugify("Καλημέρα") == ""
    assert len(slugify("word " * 50)) <= 60


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "-x", "a b"])
def test_bad_slugs(bad):
    with pytest.raises(ConfigError):
        check_slug(bad)


CONFIG = """\
# my studio
defaults:
  theme: paper   # keep

profiles:
  me:
    name: Me
    handle: "@Lena_Ships"
  # a comment inside profiles
  other:
    name: Other
    handle: other_one

presets: {}
"""


def test_existing_profile_is_found_by_handle_ignoring_case_and_at():
    config = load_config_text(CONFIG, "carousel.yaml")
    assert find_profile(config, Author("Lena", "lena_ships")) == "me"
    assert find_profile(config, Author("O", "@OTHER_ONE".lstrip("@"))) == "other"
    assert find_profile(config, Author("N", "nobody")) is None


def test_new_profile_keeps_the_file_as_written():
    config = load_config_text(CONFIG, "carousel.yaml")
    author = Author("Devi 🚀", "devi_builds")
    text = add_profile(CONFIG, new_profile_id(config, author), author)
    assert text.startswith("# my studio\ndefaults:\n  theme: paper   # keep\n")
    assert "  # a comment inside profiles\n" in text
    data = yaml.safe_load(text)
    assert list(data) == ["defaults", "profiles", "presets"]
    assert data["profiles"]["devi_builds"] == {"name": "Devi 🚀", "handle": "@devi_builds"}
    assert '    handle: "@devi_builds"\n' in text


def test_new_profile_in_a_new_or_flow_style_file():
    author = Author("Devi", "devi_builds")
    assert yaml.safe_load(add_profile(None, "devi_builds", author)) == {
        "profiles": {"devi_builds": {"name": "Devi", "handle": "@devi_builds"}}
    }
    flow = "defaults: {theme: paper}\nprofiles: {a: {name: A, handle: '@a'}}\n"
    data = yaml.safe_load(add_profile(flow, "devi_builds", author))
    assert list(data["profiles"]) == ["a", "devi_builds"] and list(data) == ["defaults", "profiles"]


def test_profile_id_does_not_clash():
    config = {"profiles": {"devi_builds": {"name": "x", "handle": "@someone_else"}}}
    assert new_profile_id(config, Author("Devi", "Devi_Builds")) == "devi_builds-2"


@pytest.mark.parametrize("text", ["profiles: [a, b]\n", "- a\n", "a: [\n"])
def test_unusable_config_is_an_error(text):
    with pytest.raises(ConfigError):
        load_config_text(text, "carousel.yaml")
