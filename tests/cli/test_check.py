"""`carousel check`: the platform linter, through the CLI in-process, on tmp_path projects."""

from __future__ import annotations

import json

from click.testing import CliRunner

from generator.cli import main
from tests.helpers import write_project

CLEAN = """\
    ---
    title: A clean thread
    canvas: instagram-portrait
    formats: [pdf, png]
    ---

    First post, short and sweet. #clean

    ---

    Second post.
    """


def check(project, *args):
    return CliRunner().invoke(main, ["check", "--project", str(project), "-j", "1", *args])


def test_clean_project_passes_and_writes_nothing(tmp_path):
    write_project(tmp_path, {"content/clean.md": CLEAN})
    result = check(tmp_path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["errors"] == 0
    assert [thread["slug"] for thread in report["threads"]] == ["clean"]
    assert not (tmp_path / "output").exists()


def test_25_slide_instagram_thread_fails(tmp_path):
    posts = "\n\n---\n\n".join(f"Post number {n}." for n in range(1, 24))  # + cover + outro = 25 slides
    write_project(
        tmp_path, {"content/long.md": f"---\ntitle: Long\ncanvas: instagram-portrait\n---\n\n{posts}\n", "content/clean.md": CLEAN}
    )
    result = check(tmp_path)
    assert result.exit_code == 1, result.output
    assert "content/long.md: 25 slides; Instagram accepts at most 20: remove posts or split the thread (slide-count)" in result.stderr
    assert "content/clean.md" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_eleven_slides_warn_but_pass(tmp_path):
    posts = "\n\n---\n\n".join(f"Post number {n}." for n in range(1, 10))  # 11 slides
    write_project(tmp_path, {"content/eleven.md": f"---\ntitle: Eleven\ncanvas: instagram-square\n---\n\n{posts}\n"})
    result = check(tmp_path)
    assert result.exit_code == 0, result.output
    assert (
        "content/eleven.md: warning: 11 slides; Instagram's publishing API and many schedulers take at most 10 (slide-count)"
        in result.stderr
    )
    assert check(tmp_path, "--strict").exit_code == 1


def test_too_long_caption_fails_with_the_numbers(tmp_path):
    caption = " ".join(["word"] * 500)  # 2,499 characters
    write_project(tmp_path, {"content/talk.md": f"---\ntitle: Talk\ncanvas: instagram-portrait\ncaption: {caption}\n---\n\nA post.\n"})
    result = check(tmp_path, "--json")
    assert result.exit_code == 1
    (thread,) = json.loads(result.stdout)["threads"]
    (error,) = thread["errors"]
    assert error["message"] == (
        "caption is 2,499 characters; Instagram allows 2,200 (299 too many; caption.txt is written uncut: shorten `caption:`) (caption-length)"
    )
    assert error["file"] == "content/talk.md" and error["line"] == 4  # the caption: line


def test_linkedin_allows_the_same_caption(tmp_path):
    caption = " ".join(["word"] * 500)
    write_project(tmp_path, {"content/talk.md": f"---\ntitle: Talk\ncanvas: linkedin-portrait\ncaption: {caption}\n---\n\nA post.\n"})
    assert check(tmp_path).exit_code == 0


def test_slug_collision_fails_naming_both_files(tmp_path):
    write_project(
        tmp_path,
        {
            "content/one.md": "---\ntitle: One\nslug: same\n---\n\nFirst.\n",
            "content/two.md": "---\ntitle: Two\nslug: same\n---\n\nSecond.\n",
        },
    )
    result = check(tmp_path)
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if "same" in line]
    assert any(line.startswith("content/one.md") and "content/two.md" in line for line in lines), result.stderr
    assert any(line.startswith("content/two.md") and "content/one.md" in line for line in lines), result.stderr


def test_image_only_slide_without_alt_text_warns(tmp_path):
    from PIL import Image

    write_project(tmp_path, {"content/pic.md": "---\ntitle: Pic\n---\n\nText first.\n\n---\n\n![](red.png)\n"})
    Image.new("RGB", (300, 200), (200, 20, 20)).save(tmp_path / "content" / "red.png")
    result = check(tmp_path)
    assert result.exit_code == 0
    assert "content/pic.md:9: warning: image 'red.png' has no alt text" in result.stderr
    (tmp_path / "content/pic.md").write_text(
        "---\ntitle: Pic\n---\n\nText first.\n\n---\n\n<!-- alt: A red rectangle, nothing else -->\n![](red.png)\n"
    )
    assert "alt text" not in check(tmp_path).stderr


def test_due_checks_only_what_a_build_at_that_time_publishes(tmp_path):
    """A half-written draft or a thread scheduled later must not fail the scheduled pipeline's lint."""
    too_long = "\n\n---\n\n".join(f"Post number {n}." for n in range(1, 24))  # 25 slides: an Instagram error
    write_project(
        tmp_path,
        {
            "content/due.md": "---\ntitle: Due\ndate: 2026-01-01T09:00:00+00:00\ncanvas: instagram-portrait\n---\n\nShort.\n",
            "content/draft.md": f"---\ntitle: Draft\ndraft: true\ncanvas: instagram-portrait\n---\n\n{too_long}\n",
            "content/later.md": f"---\ntitle: Later\ndate: 2026-06-01T09:00:00+00:00\ncanvas: instagram-portrait\n---\n\n{too_long}\n",
            "content/broken.md": "---\ntitle: [unclosed\n---\n\nx\n",
            # a draft that does not validate: its draft: line still reads
            "content/typo.md": "---\ntitle: Typo\ndraft: true\ntheme: nosuch\n---\n\nx\n",
        },
    )
    result = check(tmp_path, "--json", "--due", "--now", "2026-03-01T00:00:00Z")
    report = json.loads(result.stdout)
    assert sorted(thread["source"] for thread in report["threads"]) == ["content/broken.md", "content/due.md"]
    assert result.exit_code != 0  # unreadable front matter: nobody can tell whether it is due
    (tmp_path / "content/broken.md").unlink()
    result = check(tmp_path, "--due", "--now", "2026-03-01T00:00:00Z")
    assert result.exit_code == 0, result.output
    assert "checked 1 thread: ok" in result.stderr
    # without --due the draft and the later thread are linted, and fail
    (tmp_path / "content/typo.md").unlink()
    everything = check(tmp_path)
    assert everything.exit_code == 1
    assert "content/draft.md: 25 slides" in everything.stderr and "content/later.md: 25 slides" in everything.stderr
    # at a later time the scheduled thread is due, and its error counts
    later = check(tmp_path, "--due", "--now", "2026-07-01T00:00:00Z")
    assert later.exit_code == 1 and "content/later.md: 25 slides" in later.stderr and "content/draft.md" not in later.stderr
