"""generator.config.yamledit: round-trip edits keep every comment, blank line and key order."""

from __future__ import annotations

import yaml

from generator.config.yamledit import edit_mapping_text

CONFIG = """\
# project settings
defaults:
  theme: paper   # house style

presets:
  quoted:
    layout: quote
  # more presets below
  loud:
    layout: statement

# closing remark
"""


def test_a_key_added_to_a_nested_block_keeps_its_closing_blank_line_and_comments():
    text = edit_mapping_text(CONFIG, {"presets": {"calm": {"layout": "post"}}})
    assert text == CONFIG.replace("    layout: statement\n", "    layout: statement\n  calm:\n    layout: post\n")


def test_an_end_of_line_comment_stays_on_its_line():
    text = edit_mapping_text("a:\n  x: 1  # why\n\nb: 2\n", {"a": {"y": 2}})
    assert "  x: 1  # why\n" in text
    assert yaml.safe_load(text) == {"a": {"x": 1, "y": 2}, "b": 2}


def test_untouched_keys_are_byte_for_byte():
    text = edit_mapping_text(CONFIG, {"defaults": {"fit": "split"}})
    assert text.startswith("# project settings\ndefaults:\n  theme: paper   # house style\n  fit: split\n")
    assert text.endswith(CONFIG[CONFIG.index("\npresets:") :])
