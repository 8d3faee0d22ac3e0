"""The PDF text layer is exactly the text: every source word whole and in order, as
`pdftotext` (poppler) and pdfium read it — for every sample thread and the fitting corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixtures.fit.corpus import write_corpus
from tests.helpers import REPO_ROOT, build_in_process, write_project
from tests.textlayer import EXTRACTORS, column_words, missing_words, normal_words, pdfium_pages, pdftotext_pages, thread_source_words

SAMPLES = sorted((REPO_ROOT / "content").glob("*.md"))


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("text-samples")
    for name in ("content", "assets", "carousel.yaml"):
        source = REPO_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    result = build_in_process(root)
    assert result.exit_code == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("text-corpus")
    written = write_corpus(root, "linkedin-portrait")
    result = build_in_process(root)
    assert result.exit_code == 0, result.stderr
    return root, written


def _layer_words(pdf: Path, extractor: str) -> list[str]:
    return [word for page in EXTRACTORS[extractor](pdf) for word in normal_words(page)]


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
@pytest.mark.parametrize("sample", [path.stem for path in SAMPLES])
def test_every_sample_word_is_whole_and_in_order(samples, sample, extractor):
    text = (samples / "content" / f"{sample}.md").read_text(encoding="utf-8")
    layer = _layer_words(samples / "output" / sample / f"{sample}.pdf", extractor)
    missing = missing_words(thread_source_words(text), layer)
    assert not missing, f"{sample} ({extractor}): " + "; ".join(missing[:5])
    # two-column slides are read row by row: every word there, whole
    assert not [word for word in column_words(text) if word not in layer], sample


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_every_corpus_word_is_whole_and_in_order(corpus, extractor):
    root, written = corpus
    for name, text in written.items():
        if name == "emoji-only":
            continue  # no words: emoji are checked as drawn bitmaps (test_fit)
        pdf = root / "output" / name / f"{name}.pdf"
        missing = missing_words(thread_source_words(text, with_cover="cover: true" in text), _layer_words(pdf, extractor))
        assert not missing, f"{name} ({extractor}): " + "; ".join(missing[:5])


def test_labels_and_code_keep_their_words(tmp_path):
    """Letter-spaced labels (kicker, attribution, 'continued') stay one word each, and
    code keeps the characters typed (no ligature turns `--canary` into `&-canary`)."""
    root = write_project(
        tmp_path,
        {
            "carousel.yaml": "defaults:\n  cover: false\n  outro: false\n",
            "content/labels.md": """\
            ---
            title: Labels
            ---

            <!-- layout: quote -->
            ## Something we repeat in every retro

            A release should be boring.

            — Retrospective notebook

            ---

            Run `make build && ./deploy --canary 5% -> => != www` then wait.

            ```sh
            ./deploy --canary --dry-run || echo "<=> fails"
            ```
        """,
        },
    )
    result = build_in_process(root, "--strict")
    assert result.exit_code == 0, result.stderr
    pdf = root / "output" / "labels" / "labels.pdf"
    for pages in (pdftotext_pages(pdf), pdfium_pages(pdf)):
        words = [word for page in pages for word in normal_words(page)]
        for expected in ("something", "repeat", "retro", "retrospective", "notebook", "--canary", "->", "=>", "!=", "--dry-run", '"<=>'):
            assert expected in words, (expected, words)
