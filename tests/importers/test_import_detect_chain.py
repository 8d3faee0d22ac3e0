"""generator.importers.detect and .chain: source kinds, byte decoding, reply chains."""

from __future__ import annotations

import pytest

from generator.importers.chain import self_thread, top_of
from generator.importers.detect import decode_bytes, detect_path, detect_text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"data": []}', "x-api"),
        ('\ufeff  [\n {"data": []}]', "x-api"),
        ('{"data": [{"id": "1", "tex', "x-api"),  # truncated JSON is still JSON: a clear error later
        ("window.YTD.tweets.part0 = []", "x-archive"),
        ("[1/3] a thread in brackets", "text"),
        ("Drag Post #1\nName\n@h\n\ntext", "text"),
        ("", "text"),
    ],
)
def test_detect_text(text, kind):
    assert detect_text(text) == kind


def test_folder_is_an_archive(tmp_path):
    assert detect_path(tmp_path, None) == "x-archive"


def test_decode_bytes():
    assert decode_bytes("🚀 ok".encode()) == "🚀 ok"
    assert decode_bytes("\ufeffbom".encode("utf-8")) == "bom"
    assert decode_bytes("caf\u00e9 “q”".encode("cp1252")) == "café “q”"
    assert decode_bytes("ünï".encode("utf-16")) == "ünï"


def test_longest_branch_wins_and_a_named_post_forces_its_branch():
    parents = {"1": None, "2": "1", "3": "2", "4": "2", "5": "4", "6": "5", "7": None}
    assert self_thread("1", parents) == ["1", "2", "4", "5", "6"]
    assert self_thread("1", parents, through="3") == ["1", "2", "3"]
    assert top_of("6", parents) == "1"


def test_ties_go_to_the_earlier_reply_and_cycles_stop():
    assert self_thread("1", {"1": None, "10": "1", "9": "1"}) == ["1", "9"]
    assert self_thread("1", {"1": "3", "2": "1", "3": "2"}) == ["1", "2", "3"]
