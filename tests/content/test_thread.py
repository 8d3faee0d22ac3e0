"""Splitting a thread file into front matter, posts and directives."""

import pytest

from generator.content.thread import ThreadSyntaxError, split_thread

THREAD = """---
title: Hello
theme: paper
---

First post.

---

<!-- layout: quote, header: false -->
Second post
```
---
```

---

<!-- image: images/x.png, pattern: none -->
Third
"""


def test_posts_directives_and_lines():
    source, problems = split_thread(THREAD, "content/hello.md")
    assert problems == []
    assert source.front_matter.data == {"title": "Hello", "theme": "paper"}
    assert [p.number for p in source.posts] == [1, 2, 3]
    assert source.posts[0].markdown == "First post." and source.posts[0].line == 6
    assert source.posts[1].directives == {"layout": "quote", "header": False}
    assert "---" in source.posts[1].markdown  # a fence protects its content
    assert source.posts[2].directives == {"image": "images/x.png", "pattern": "none"}
    assert source.posts[2].directive_line == 18


def test_setext_heading_is_not_a_separator():
    source, _ = split_thread("---\ntitle: x\n---\n\nHeading\n---\n\nBody\n", "a.md")
    assert len(source.posts) == 1


def test_unclosed_front_matter_is_an_error_with_a_line():
    with pytest.raises(ThreadSyntaxError) as error:
        split_thread("---\ntitle: x\n\nno end\n", "a.md")
    assert str(error.value.diagnostic).startswith("a.md:1:")


def test_bad_yaml_reports_its_line():
    with pytest.raises(ThreadSyntaxError) as error:
        split_thread("---\ntitle: x\nbad: [1, 2\n---\nbody\n", "a.md")
    assert error.value.diagnostic.line in (3, 4)


def test_thread_without_front_matter():
    source, _ = split_thread("Just one post.\n\n---\n\nAnd another.\n", "a.md")
    assert source.front_matter.data == {}
    assert len(source.posts) == 2
