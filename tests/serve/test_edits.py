"""Studio edits are small git diffs: only the changed keys' lines differ, comments and order stay."""

from __future__ import annotations

import difflib

import pytest
import yaml

from generator.content.thread import split_thread
from generator.serve.edits import EditError, edit_front_matter, edit_mapping_text, edit_post_directive

THREAD = """---
# the hook that opens the carousel
title: Ship small, ship often   # keep it short
subtitle: "Seven habits"
date: 2026-10-05T08:30:00+02:00
fit: off
pattern: {name: dots, opacity: 0.06}
slides:
  - cover
  - 1
# arrangement above

typography:
  title: 40   # big
---

First post.

---

<!-- layout: numbered -->
## Second

Text of the second post.

---

Third post <!-- not a directive -->
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def front(text: str) -> dict:
    source, problems = split_thread(text, "t.md")
    assert problems == []
    return source.front_matter.data


def test_changing_a_key_rewrites_only_its_line():
    after = edit_front_matter(THREAD, {"pattern": {"name": "grid"}})
    assert changed_lines(THREAD, after) == ["-pattern: {name: dots, opacity: 0.06}", "+pattern: {name: grid, opacity: 0.06}"]


def test_a_new_key_goes_at_the_end_of_the_front_matter():
    after = edit_front_matter(THREAD, {"theme": "midnight"})
    assert changed_lines(THREAD, after) == ["+theme: midnight"]
    assert after.index("theme: midnight") < after.index("First post.")
    assert front(after)["theme"] == "midnight"


def test_nested_change_keeps_the_other_nested_keys_and_comments():
    after = edit_front_matter(THREAD, {"typography": {"body": 20}})
    assert changed_lines(THREAD, after) == ["+  body: 20"]
    assert front(after)["typography"] == {"title": 40, "body": 20}


def test_replacing_a_list_keeps_the_comment_after_it():
    after = edit_front_matter(THREAD, {"slides": ["cover", 1, [2, 3], "outro"]})
    assert "# arrangement above" in after
    assert front(after)["slides"] == ["cover", 1, [2, 3], "outro"]
    assert "slides: [cover, 1, [2, 3], outro]" in after
    # everything else is as it was
    kept = [line for line in THREAD.splitlines() if not line.startswith(("slides:", "  - "))]
    assert [line for line in after.splitlines() if not line.startswith("slides:")] == kept


def test_none_removes_a_key():
    after = edit_front_matter(THREAD, {"fit": None})
    assert changed_lines(THREAD, after) == ["-fit: off"]


def test_a_file_without_front_matter_gets_one():
    after = edit_front_matter("Only a post.\n", {"theme": "ink"})
    assert after == "---\ntheme: ink\n---\n\nOnly a post.\n"


def test_crlf_and_bom_survive():
    text = "\ufeff---\r\ntitle: A\r\n---\r\n\r\nPost.\r\n"
    after = edit_front_matter(text, {"theme": "ink"})
    assert after == "\ufeff---\r\ntitle: A\r\ntheme: ink\r\n---\r\n\r\nPost.\r\n"


def test_directive_is_edited_in_place():
    after = edit_post_directive(THREAD, 2, {"layout": "quote"})
    assert changed_lines(THREAD, after) == ["-<!-- layout: numbered -->", "+<!-- layout: quote -->"]


def test_directive_is_added_to_a_post_without_one_and_read_back_by_the_parser():
    after = edit_post_directive(THREAD, 3, {"layout": "tweet", "image": "images/a b.png"})
    assert changed_lines(THREAD, after) == ["+<!-- layout: tweet, image: images/a b.png -->"]
    posts = split_thread(after, "t.md")[0].posts
    assert posts[2].directives == {"layout": "tweet", "image": "images/a b.png"}
    assert posts[2].markdown == "Third post <!-- not a directive -->"


def test_an_emptied_directive_is_removed():
    after = edit_post_directive(THREAD, 2, {"layout": None})
    assert changed_lines(THREAD, after) == ["-<!-- layout: numbered -->"]


@pytest.mark.parametrize("value", ["x --> <script>alert(1)</script> <!--", "a --!> b"])
def test_an_option_that_would_end_the_directive_comment_is_refused(value):
    """Written as is, `-->` would end the comment and leave the rest as raw HTML in the post."""
    with pytest.raises(EditError, match="cannot contain '-->'"):
        edit_post_directive(THREAD, 2, {"alt": value})
    with pytest.raises(EditError, match="cannot contain '-->'"):
        edit_post_directive(THREAD, 3, {"alt": value})  # a post without a directive yet


def test_unknown_post_is_an_edit_error():
    with pytest.raises(EditError, match="no post 9"):
        edit_post_directive(THREAD, 9, {"layout": "quote"})


def test_carousel_yaml_preset_keeps_comments_and_other_presets():
    config = "# project settings\ndefaults:\n  theme: paper   # calm\n\npresets:\n  dark:\n    theme: midnight\n# end of presets\n"
    after = edit_mapping_text(config, {"presets": {"bold": {"theme": "brutalist", "pattern": {"name": "grid"}}}})
    assert yaml.safe_load(after)["presets"] == {"dark": {"theme": "midnight"}, "bold": {"theme": "brutalist", "pattern": {"name": "grid"}}}
    assert changed_lines(config, after) == ["+  bold:", "+    theme: brutalist", "+    pattern: {name: grid}"]


def test_a_group_replaces_a_shorthand_and_removing_from_a_missing_group_changes_nothing():
    text = "---\npattern: dots\n---\n\nPost.\n"
    assert (
        edit_front_matter(text, {"pattern": {"name": "dots", "opacity": 0.05}})
        == "---\npattern: {name: dots, opacity: 0.05}\n---\n\nPost.\n"
    )
    assert edit_front_matter(text, {"pattern": {"opacity": None}, "typography": {"title": None}}) == text
