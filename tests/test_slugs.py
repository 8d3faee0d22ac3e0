"""Slugs are one safe path segment; output paths stay inside the output folder; collisions name both files."""

from __future__ import annotations

import pytest

from generator.slugs import duplicate_slugs, inside, slug_problem


@pytest.mark.parametrize("slug", ["a", "ship-small", "v1.2_notes", "A" * 100])
def test_safe_slugs(slug):
    assert slug_problem(slug) is None


@pytest.mark.parametrize(
    "slug",
    [
        "",
        ".",
        "..",
        "../x",
        "/abs",
        "a/b",
        "a\\b",
        "a..b",
        ".hidden",
        "-x",
        "x.",
        "a b",
        "a\0b",
        "é",
        "manifest.json",
        "MANIFEST.JSON",
        "con",
        "nul.txt",
        "a" * 101,
    ],
)
def test_unsafe_slugs(slug):
    assert slug_problem(slug) is not None


def test_messages_quote_a_bounded_escaped_slug():
    assert "\\x00" in slug_problem("a\0b")
    assert len(slug_problem("a" * 10_000)) < 200


def test_inside(tmp_path):
    assert inside(tmp_path, "a/b.pdf") == (tmp_path / "a/b.pdf").resolve()
    assert inside(tmp_path, "../x") is None
    assert inside(tmp_path, "/etc/passwd") is None
    assert inside(tmp_path, ".") is None
    (tmp_path / "link").symlink_to(tmp_path.parent)
    assert inside(tmp_path, "link/x") is None


def test_duplicates_name_every_other_file():
    problems = duplicate_slugs([("content/a.md", "x"), ("content/b.md", "y"), ("content/c.md", "X"), ("content/d.md", "x")])
    assert sorted(problems) == [0, 2, 3]
    assert "content/c.md, content/d.md" in problems[0].message
