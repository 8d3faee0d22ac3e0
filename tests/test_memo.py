"""generator.memo: derived data remembered between runs, keyed by content; and the build using it."""

from __future__ import annotations

import json
from pathlib import Path

from generator.memo import Memo
from generator.user_cache import ENV_NAME
from tests.helpers import build_in_process, write_project

THREAD = """
---
title: Remembered facts
theme: paper
---
A first post with enough words to be measured by the fitting estimate.

---

A second post, **bold** and `code`, that reads the bold and mono faces too.
"""


def any_value(value):
    return True


class Counter:
    def __init__(self, value):
        self.value = value
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_a_value_is_computed_once_and_read_back_by_the_next_run(tmp_path):
    compute = Counter({"a": [1, 2.5, None]})
    assert Memo(tmp_path).remembered("fact", b"content", compute, any_value) == {"a": [1, 2.5, None]}
    assert Memo(tmp_path).remembered("fact", b"content", compute, any_value) == {"a": [1, 2.5, None]}  # a new process, in effect
    assert compute.calls == 1
    assert len(list(tmp_path.glob("fact-*.json"))) == 1


def test_the_key_is_the_content_and_the_kind(tmp_path):
    memo = Memo(tmp_path)
    assert memo.remembered("fact", b"one", lambda: 1, any_value) == 1
    assert memo.remembered("fact", b"two", lambda: 2, any_value) == 2
    assert memo.remembered("other", b"one", lambda: 3, any_value) == 3
    assert Memo(tmp_path).remembered("fact", b"one", lambda: 0, any_value) == 1


def test_a_malformed_entry_is_computed_again_and_rewritten(tmp_path):
    Memo(tmp_path).remembered("fact", b"content", lambda: 1, any_value)
    (entry,) = tmp_path.glob("fact-*.json")
    for garbage in (b"{not json", b"[1, 2]", json.dumps({"format": 999, "value": 5}).encode(), b""):
        entry.write_bytes(garbage)
        compute = Counter(1)
        assert Memo(tmp_path).remembered("fact", b"content", compute, any_value) == 1
        assert compute.calls == 1
        assert json.loads(entry.read_bytes())["value"] == 1


def test_a_value_its_check_rejects_is_computed_again(tmp_path):
    Memo(tmp_path).remembered("fact", b"content", lambda: "<b>", any_value)
    compute = Counter("safe")
    assert Memo(tmp_path).remembered("fact", b"content", compute, lambda value: "<" not in value) == "safe"
    assert compute.calls == 1


def test_no_folder_remembers_nothing_on_disk(tmp_path):
    compute = Counter(7)
    memo = Memo(None)
    assert memo.remembered("fact", b"x", compute, any_value) == 7
    assert Memo(None).remembered("fact", b"x", compute, any_value) == 7
    assert compute.calls == 2
    assert list(tmp_path.iterdir()) == []


def test_a_symlinked_memo_folder_is_not_written_through(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "memo").symlink_to(victim)
    assert Memo.in_cache(cache).remembered("fact", b"x", lambda: 1, any_value) == 1
    assert list(victim.iterdir()) == []


def test_the_folder_is_pruned_to_its_limit(tmp_path):
    memo = Memo(tmp_path, limit=10)
    for number in range(40):
        memo.remembered("fact", str(number).encode(), lambda number=number: number, any_value)
    assert 0 < len(list(tmp_path.glob("*.json"))) <= 10


def test_an_unwritable_folder_only_costs_recomputing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the memo folder would be")
    assert Memo(blocker / "memo").remembered("fact", b"x", lambda: 1, any_value) == 1


# --- through the build --------------------------------------------------------------


def _project(root: Path) -> Path:
    return write_project(root, {"carousel.yaml": "defaults:\n  theme: paper\n", "content/facts.md": THREAD})


def test_builds_with_a_cold_warm_or_corrupt_memo_write_the_same_bytes(tmp_path, monkeypatch):
    project = _project(tmp_path / "project")
    monkeypatch.setenv(ENV_NAME, str(tmp_path / "own"))  # the user's cache folder (generator.user_cache)
    memo_folder = tmp_path / "own" / "memo"

    def build() -> bytes:
        result = build_in_process(project, "--force", "--format", "pdf")
        assert result.exit_code == 0, result.output
        return (project / "output/facts/facts.pdf").read_bytes()

    cold = build()
    kinds = {path.name.split("-")[0] + "-" + path.name.split("-")[1] for path in memo_folder.glob("*.json")}
    assert {"font-face", "font-advances", "css-rules", "safe-css", "template-references"} <= kinds
    warm = build()
    for entry in memo_folder.glob("*.json"):
        shaped_wrong = {"font-face": "Inter", "font-advances": {"x": 1}, "safe-css": "</style><p>", "css-rules": [["a {}"]]}
        kind = next((kind for kind in shaped_wrong if entry.name.startswith(kind + "-")), None)
        entry.write_text(json.dumps({"format": 1, "value": shaped_wrong[kind]}) if kind else "garbage")
    corrupt = build()
    assert cold == warm == corrupt
