"""The two web-tool dumps in ../shared/samples import to clean 9-post threads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.importers.cleanup import RichText
from generator.importers.text import parse_text

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = (REPO_ROOT.parent / "shared" / "samples").resolve()
MOJIBAKE = re.compile("πŸ|β€|β†|βœ|Ã|Ξ|Ï€|οΈ|\ufffd")

CASES = [
    ("thread-dump-self-attention.txt", "Akshay 🚀", "akshay_pachaar"),
    ("thread-dump-rank1-patch.txt", "Rohan Paul", "rohanpaul_ai"),
]


@pytest.fixture(params=CASES, ids=[case[0] for case in CASES])
def sample(request):
    name, author_name, handle = request.param
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample {path} is not available")
    return path, author_name, handle


def test_sample_imports_to_nine_clean_posts(sample):
    path, author_name, handle = sample
    thread = parse_text(path.read_text(encoding="utf-8"), path.name)
    assert len(thread.posts) == 9
    assert thread.author is not None and (thread.author.name, thread.author.handle) == (author_name, handle)
    text = "\n".join(RichText(p.text, p.links).plain() for p in thread.posts)
    assert not MOJIBAKE.search(text), MOJIBAKE.search(text)
    for leftover in ("Drag Post", "Apply Image", "Carousel Studio", "Brand Kit", "<a ", "href=", "🧵2/n"):
        assert leftover not in text
    # the last post's anchor is a Markdown-ready link
    assert thread.posts[-1].links and thread.posts[-1].links[-1].url.startswith("https://")


def test_self_attention_emoji_are_repaired():
    path = SAMPLES / CASES[0][0]
    if not path.is_file():
        pytest.skip(f"sample {path} is not available")
    posts = [p.text for p in parse_text(path.read_text(encoding="utf-8"), path.name).posts]
    assert "Raw text → Tokenization → Embedding" in posts[1]
    assert posts[6].startswith("Implementing self-attention using PyTorch, doesn't get easier! 🚀")
    assert "@akshay_pachaar ✔️ For more" in posts[8]


def test_rank1_inline_rules_and_thread_numbers():
    path = SAMPLES / CASES[1][0]
    if not path.is_file():
        pytest.skip(f"sample {path} is not available")
    thread = parse_text(path.read_text(encoding="utf-8"), path.name)
    posts = [p.text for p in thread.posts]
    assert posts[0].count("\n\n") == 2  # two inline " --- " became paragraph breaks
    # "🧵2/n. ⚙️ The Core Idea They call …": the number goes, the emoji phrase is the heading
    assert [p.heading for p in thread.posts] == [
        "",
        "⚙️ The Core Idea",
        "🛠️ Temporary rank 1 patch",
        "🧩 How the Patch Works",
        "📐 Hidden Gradient Descent",
        "🔬 Testing on Simple Linear Tasks",
        "🤝 Finetune vs. Implicit Patch",
        "🔎 Limits They Admit",
        "",
    ]
    assert posts[1].startswith("They call any layer")
    assert posts[4].startswith("Feeding tokens one by one")
