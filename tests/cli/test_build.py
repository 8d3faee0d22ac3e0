"""`carousel build` through the real CLI: exit codes, messages, safety, reproducibility.

Most tests run the command in this process (click's CliRunner, inside the project folder,
one rendering job); the ones about what only a process shows stay processes: a config
error's exit, byte-identical output of two runs, and stderr holding only our lines (a
library may write there directly). tests/cli/test_process.py checks that the process
exits with the command's code."""

from __future__ import annotations

import json
import re

from tests.helpers import carousel_in_process, pdf_pages, run_carousel, write_project

GOOD = """\
    ---
    title: A good thread
    ---

    First post with an emoji 🚀 and #tag.

    ---

    Second post.
    """


def test_bad_config_is_one_line_and_exit_2(tmp_path):
    write_project(tmp_path, {"carousel.yaml": "defaults:\n  themee: paper\n", "content/a.md": GOOD})
    result = run_carousel(tmp_path, "build")
    assert result.returncode == 2
    assert "carousel.yaml:2: unknown key 'defaults.themee' (did you mean 'theme'?)" in result.stderr
    assert not (tmp_path / "output").exists()  # nothing written


def test_bad_front_matter_names_file_line_and_suggestion(tmp_path):
    write_project(
        tmp_path,
        {
            "content/a.md": "---\ntitle: x\ntheme: papper\n---\n\nHello\n",
            "content/b.md": GOOD,
        },
    )
    result = carousel_in_process(tmp_path, "build", "-j", "1")
    assert result.exit_code == 1  # one thread failed, the other was built (SPEC §4)
    assert "content/a.md:3: front matter: unknown theme 'papper' (did you mean 'paper'?)" in result.stderr
    assert (tmp_path / "output/b/b.pdf").is_file()  # the other thread was still built


def test_missing_image_fails_that_thread_alone(tmp_path):
    write_project(
        tmp_path,
        {
            "content/broken.md": "---\ntitle: x\n---\n\nLook ![x](images/nope.png)\n",
            "content/fine.md": GOOD,
        },
    )
    result = carousel_in_process(tmp_path, "build", "-j", "1")
    assert result.exit_code == 1
    assert "content/broken.md:5: image not found: images/nope.png" in result.stderr
    assert (tmp_path / "output/fine/fine.pdf").is_file()
    assert not (tmp_path / "output/broken").exists()


def test_failed_build_keeps_previous_output(tmp_path):
    write_project(tmp_path, {"content/a.md": GOOD})
    assert carousel_in_process(tmp_path, "build", "-j", "1").exit_code == 0
    before = (tmp_path / "output/a/a.pdf").read_bytes()
    write_project(tmp_path, {"content/a.md": "---\ntitle: x\n---\n\n![x](gone.png)\n"})
    assert carousel_in_process(tmp_path, "build", "-j", "1").exit_code == 1
    assert (tmp_path / "output/a/a.pdf").read_bytes() == before


def test_output_is_byte_identical_between_runs(tmp_path):
    write_project(tmp_path, {"content/a.md": GOOD})
    first = run_carousel(tmp_path, "build", "--format", "pdf,png", "--out", "one", "--force")
    second = run_carousel(tmp_path, "build", "--format", "pdf,png", "--out", "two", "--force")
    assert first.returncode == second.returncode == 0
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert one == two and len(one) >= 5
    for relative in one:
        assert (tmp_path / "one" / relative).read_bytes() == (tmp_path / "two" / relative).read_bytes(), relative


def test_manifest_lists_files_with_hashes(tmp_path):
    write_project(tmp_path, {"content/a.md": GOOD})
    assert carousel_in_process(tmp_path, "build", "-j", "1", "--format", "pdf,jpg").exit_code == 0
    manifest = json.loads((tmp_path / "output/manifest.json").read_text())
    entry = manifest["threads"]["a"]
    assert entry["title"] == "A good thread" and entry["slides"] == 4 and entry["status"] == "due"
    assert "a/a.pdf" in entry["files"] and "a/slides/01.jpg" in entry["files"]
    assert all(len(digest) == 64 for digest in entry["files"].values())


def test_cli_overrides_win_and_are_validated(tmp_path):
    write_project(tmp_path, {"content/a.md": GOOD})
    result = carousel_in_process(tmp_path, "build", "-j", "1", "--canvas", "story")
    assert result.exit_code == 0, result.stderr
    assert {(p["width"], p["height"]) for p in pdf_pages(tmp_path / "output/a/a.pdf")} == {(1080, 1920)}
    result = carousel_in_process(tmp_path, "build", "-j", "1", "--theme", "nosuch")
    assert result.exit_code == 2 and "unknown theme 'nosuch'" in result.stderr


def test_drafts_and_future_threads_are_skipped_unless_asked(tmp_path):
    write_project(
        tmp_path,
        {
            "content/draft.md": "---\ntitle: d\ndraft: true\n---\n\nx\n",
            "content/later.md": "---\ntitle: l\ndate: 2030-01-01T00:00:00Z\n---\n\nx\n",
        },
    )
    result = carousel_in_process(tmp_path, "build", "-j", "1", "--now", "2026-12-01T00:00:00Z")
    assert result.exit_code == 0
    assert not (tmp_path / "output/draft").exists() and not (tmp_path / "output/later").exists()
    result = carousel_in_process(tmp_path, "build", "-j", "1", "--drafts", "--future", "--now", "2026-12-01T00:00:00Z")
    assert (tmp_path / "output/draft/draft.pdf").is_file() and (tmp_path / "output/later/later.pdf").is_file()


def test_a_draft_or_future_thread_that_does_not_validate_is_skipped_not_failed(tmp_path):
    """A typo in a half-written draft never stops a scheduled build; asked for, it fails."""
    write_project(
        tmp_path,
        {
            "content/draft.md": "---\ntitle: d\ndraft: true\ntheme: nosuch\n---\n\nx\n",
            "content/later.md": "---\ntitle: l\ndate: 2030-01-01T00:00:00Z\ntheme: nosuch\n---\n\nx\n",
            "content/ok.md": "---\ntitle: ok\n---\n\nx\n",
        },
    )
    result = carousel_in_process(tmp_path, "build", "-j", "1", "--now", "2026-12-01T00:00:00Z")
    assert result.exit_code == 0, result.stderr
    assert "skipped draft: draft (use --drafts); 1 problem to fix before it is published" in result.stderr
    assert "skipped later: scheduled; 1 problem" in result.stderr
    assert (tmp_path / "output/ok/ok.pdf").is_file() and not (tmp_path / "output/draft").exists()
    result = carousel_in_process(tmp_path, "build", "-j", "1", "--drafts", "--now", "2026-12-01T00:00:00Z")
    assert result.exit_code == 1 and "content/draft.md:4: front matter: unknown theme 'nosuch'" in result.stderr


def test_slides_that_show_nothing_are_an_error_and_left_out_posts_a_warning(tmp_path):
    write_project(
        tmp_path,
        {
            "content/empty.md": "---\ntitle: x\nslides: []\n---\n\nOne.\n",
            "content/group.md": "---\ntitle: x\nslides: [cover, []]\n---\n\nOne.\n",
            "content/part.md": "---\ntitle: x\nslides: [cover, 1, outro]\n---\n\nOne.\n\n---\n\nTwo.\n",
        },
    )
    result = carousel_in_process(tmp_path, "build", "-j", "1")
    assert result.exit_code == 1
    assert "content/empty.md:3: front matter: slides: lists no slide; leave it out to show every post" in result.stderr
    assert "content/group.md:3: front matter: slides: an empty group []: list the posts that share a slide" in result.stderr
    assert "content/part.md:3: warning: front matter: slides: leaves out post 2 (not on any slide)" in result.stderr
    assert not (tmp_path / "output/empty").exists()  # no blank PDF
    assert (tmp_path / "output/part/part.pdf").is_file()


def test_a_named_path_that_is_not_a_thread_is_a_usage_error(tmp_path):
    write_project(tmp_path, {"content/ok.md": "---\ntitle: ok\n---\n\nx\n", "carousel.yaml": "defaults: {}\n"})
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.md"
    outside.write_text("---\ntitle: elsewhere\n---\n\nx\n")
    for named in (tmp_path / "carousel.yaml", outside):
        result = carousel_in_process(tmp_path, "build", "-j", "1", str(named))
        assert result.exit_code == 2, result.stderr
        assert f"{named}: not a thread: threads are the .md files under content/" in result.stderr
        assert "symlink" not in result.stderr
    (tmp_path / "content/link.md").symlink_to(outside)
    result = carousel_in_process(tmp_path, "build", "-j", "1", str(tmp_path / "content/link.md"))
    assert result.exit_code == 1 and "content/link.md: a symlink leading outside the project; refused" in result.stderr
    assert not (tmp_path / "output/link").exists()


def test_file_urls_never_reach_the_output(tmp_path):
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("TOPSECRET-CONTENTS-42\n")
    url = secret.as_uri()
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "escape.png").symlink_to(secret)
    write_project(
        tmp_path,
        {
            "content/evil.md": f"""\
            ---
            title: evil
            ---

            <img src="{url}"> ![p]({url}) [link]({url})
            <a href="{url}" rel="attachment">attached</a>
            <div style="background: url({url})">styled</div>
            <style>.slide {{ background: url({url}) }}</style>
            <link rel="stylesheet" href="{url}">

            ![via symlink](escape.png)

            ---

            <!-- image: {secret} -->
            text
            """,
        },
    )
    result = carousel_in_process(tmp_path, "build", "-j", "1", "--format", "pdf,png")
    assert result.exit_code == 0, result.stderr
    assert "refused" in result.stderr
    for path in (tmp_path / "output").rglob("*"):
        if path.is_file():
            assert b"TOPSECRET" not in path.read_bytes(), path
    text = " ".join(p["text"] for p in pdf_pages(tmp_path / "output/evil/evil.pdf"))
    assert "TOPSECRET" not in text


def test_check_validates_without_writing(tmp_path):
    write_project(tmp_path, {"content/a.md": "---\ntitle: x\nlayout: qoute\n---\n\nx\n"})
    result = run_carousel(tmp_path, "check")
    assert result.returncode == 1  # a thread's error; 2 is for the project (carousel.yaml, usage)
    assert "content/a.md:3: front matter: unknown layout 'qoute' (did you mean 'quote'?)" in result.stderr
    assert not (tmp_path / "output").exists()


def test_every_line_on_stderr_is_ours_in_every_theme(tmp_path):
    """No library's log line leaks between the build's own (fontTools warned about Lato's head table)."""
    from generator.catalog import load_catalog
    from generator.project import Project

    write_project(tmp_path, {"content/.keep": ""})
    themes = sorted(load_catalog(Project.at(tmp_path)).themes)
    threads = {
        f"content/{theme}.md": f"---\ntitle: {theme}\ntheme: {theme}\noutro: false\n---\n\nOne post in {theme}.\n" for theme in themes
    }
    write_project(tmp_path, threads)
    result = run_carousel(tmp_path, "build", "-j", "2", "--format", "pdf")
    assert result.returncode == 0, result.stderr
    ours = re.compile(
        r"(built|cached|skipped|removed|failed) +\S+(: .*)?|\d+ built, \d+ skipped, \d+ failed; .*|content/\S+\.md:(\d+:)? .*"
    )
    assert [line for line in result.stderr.splitlines() if not ours.fullmatch(line)] == []
    assert len(themes) >= 10 and sum(line.startswith("built ") for line in result.stderr.splitlines()) == len(themes)
