"""`carousel import` end to end: each source into a tmp project, errors, --force, and a real build."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from tests.helpers import pdf_pages

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "import"
SAMPLES = (REPO_ROOT.parent / "shared" / "samples").resolve()


def run(project: Path, *args: str, stdin: bytes | None = None):
    result = CliRunner().invoke(main, ["import", *args, "--project", str(project)], input=stdin)
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_text_import_writes_thread_and_profile(tmp_path):
    result = run(tmp_path, str(FIXTURES / "text" / "web-tool-dump.txt"))
    assert result.exit_code == 0, result.output
    thread = tmp_path / "content" / "five-habits-that-made-our-small-team-ship-faster-a-thread.md"
    text = thread.read_text(encoding="utf-8")
    assert text.startswith(
        "---\ntitle: Five habits that made our small team ship faster — a thread\nprofile: lena_ships\ndraft: true\n---\n"
    )
    assert text.count("\n\n---\n\n") == 5
    assert "[example.org/flags](https://example.org/flags?team=1&v=2)" in text
    config = yaml.safe_load((tmp_path / "carousel.yaml").read_text(encoding="utf-8"))
    assert config == {"profiles": {"lena_ships": {"name": "Lena Okafor 🌱", "handle": "@lena_ships"}}}
    assert "6 posts by @lena_ships" in result.output


def test_existing_profile_is_used_and_config_untouched(tmp_path):
    config = "# studio\nprofiles:\n  lena:\n    name: Lena\n    handle: '@LENA_SHIPS'\n"
    (tmp_path / "carousel.yaml").write_text(config, encoding="utf-8")
    assert run(tmp_path, str(FIXTURES / "text" / "web-tool-dump.txt")).exit_code == 0
    assert (tmp_path / "carousel.yaml").read_text(encoding="utf-8") == config
    assert "\nprofile: lena\n" in next((tmp_path / "content").glob("*.md")).read_text(encoding="utf-8")


COMMENTED_CONFIG = """\
# Carousel Studio project: the team's carousels
defaults:
  theme: paper        # the house style
  fit: split

# who posts
profiles:
  # the founder
  sam:
    name: Sam
    handle: "@sam_ships"

presets:
  quoted: {layout: quote}   # for one-liners
# end of file
"""


def test_new_profile_keeps_a_commented_config_as_written(tmp_path):
    """The import adds its profile by a round-trip edit: every line of the file stays, in order."""
    (tmp_path / "carousel.yaml").write_text(COMMENTED_CONFIG, encoding="utf-8")
    result = run(tmp_path, str(FIXTURES / "text" / "web-tool-dump.txt"))
    assert result.exit_code == 0, result.output
    written = (tmp_path / "carousel.yaml").read_text(encoding="utf-8")
    remaining = iter(written.splitlines())
    assert all(line in remaining for line in COMMENTED_CONFIG.splitlines())  # every line, comments too, in order
    assert yaml.safe_load(written)["profiles"] == {
        "sam": {"name": "Sam", "handle": "@sam_ships"},
        "lena_ships": {"name": "Lena Okafor 🌱", "handle": "@lena_ships"},
    }
    # inside the profiles block, and the blank line that closed the block still closes it
    assert '    handle: "@sam_ships"\n  lena_ships:\n' in written and '"@lena_ships"\n\npresets:' in written


def test_x_api_import(tmp_path):
    result = run(tmp_path, str(FIXTURES / "x-api" / "conversation.json"))
    assert result.exit_code == 0, result.output
    (thread,) = (tmp_path / "content").glob("*.md")
    text = thread.read_text(encoding="utf-8")
    assert "source: https://x.com/devi_builds/status/1800000000000000101\ndate: 2025-02-03T08:00:00+00:00\n" in text
    # the build never fetches: the image on X is listed for the author, with a note, not linked
    assert "media:\n  - {post: 3, url: 'https://pbs.twimg.com/media/FixturePipeline.jpg', alt: 'CI pipeline [after]'}\n" in text
    assert "--media FOLDER" in text and "](https://pbs.twimg.com" not in text
    assert "1\\. Key the cache" in text and "\\# Not a heading" in text
    assert "Edit: the diagram" not in text and "Which runner" not in text and "self-hosted" not in text


def test_x_archive_import_copies_media(tmp_path):
    result = run(tmp_path, str(FIXTURES / "x-archive"))
    assert result.exit_code == 0, result.output
    threads = sorted((tmp_path / "content").glob("*.md"))
    assert len(threads) == 2
    clinic = tmp_path / "content" / "three-lessons-from-ten-years-of-writing-software-for-small.md"
    link = "images/three-lessons-from-ten-years-of-writing-software-for-small/1700000000000000001-FxClinicA1.png"
    assert f"![]({link})" in clinic.read_text(encoding="utf-8")
    assert (clinic.parent / link).read_bytes() == (
        FIXTURES / "x-archive" / "data" / "tweets_media" / "1700000000000000001-FxClinicA1.png"
    ).read_bytes()
    assert "image not in the archive" in result.output  # the one missing image is reported


def test_archive_thread_and_slug_options(tmp_path):
    result = run(
        tmp_path, str(FIXTURES / "x-archive"), "--thread", "https://x.com/kofi_writes/status/1700000000000000013", "--slug", "naming"
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "content").glob("*.md")] == ["naming.md"]
    assert (tmp_path / "content" / "images" / "naming" / "1700000000000000012-FxNamingB2.png").is_file()


def test_slug_with_several_threads_is_refused(tmp_path):
    result = run(tmp_path, str(FIXTURES / "x-archive"), "--slug", "one")
    assert result.exit_code == 2 and "--thread" in result.output
    assert not (tmp_path / "content").exists()


def test_standard_input(tmp_path):
    result = run(tmp_path, "-", stdin=(FIXTURES / "text" / "numbered.txt").read_bytes())
    assert result.exit_code == 0, result.output
    (thread,) = (tmp_path / "content").glob("*.md")
    assert thread.read_text(encoding="utf-8").count("\n\n---\n\n") == 3
    assert not (tmp_path / "carousel.yaml").exists()  # no author, no profile


def test_same_source_twice_gives_the_same_files_and_needs_force(tmp_path):
    source = str(FIXTURES / "x-archive")
    assert run(tmp_path, source).exit_code == 0
    first = snapshot(tmp_path)
    again = run(tmp_path, source)
    assert again.exit_code == 2
    assert "already exists: use --force to overwrite it" in again.output
    assert snapshot(tmp_path) == first
    forced = run(tmp_path, source, "--force")
    assert forced.exit_code == 0, forced.output
    assert snapshot(tmp_path) == first


def test_edited_file_is_kept_without_force(tmp_path):
    source = str(FIXTURES / "text" / "numbered.txt")
    assert run(tmp_path, source).exit_code == 0
    (thread,) = (tmp_path / "content").glob("*.md")
    thread.write_text("my edits", encoding="utf-8")
    assert run(tmp_path, source).exit_code == 2
    assert thread.read_text(encoding="utf-8") == "my edits"


@pytest.mark.parametrize(
    ("name", "content", "options", "message"),
    [
        ("empty.txt", b"", [], r"empty\.txt: empty"),
        ("blank.txt", b"\n  \n", [], "empty"),
        ("cut.json", b'{"data": [{"id": "1", "text": "hel', [], r"cut\.json:1: truncated JSON"),
        ("odd.json", b'{"hello": "world"}', [], "not an X API v2 response"),
        ("ui.txt", b"Drag Post #1\nName\n@someone\n\nApply Image\n", [], "not a thread"),
        ("plain.txt", b"just text", ["--from", "x-api"], "invalid JSON"),
        ("plain.txt", b"just text", ["--thread", "12"], "error: --thread"),
        ("plain.txt", b"just text", ["--slug", "../evil"], "error: --slug"),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(tmp_path, name, content, options, message):
    source = tmp_path / "in" / name
    source.parent.mkdir()
    source.write_bytes(content)
    project = tmp_path / "project"
    project.mkdir()
    result = run(project, str(source), *options)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]), lines
    assert snapshot(project) == {}


def test_archive_without_tweets_js_and_missing_source(tmp_path):
    (tmp_path / "archive" / "data").mkdir(parents=True)
    result = run(tmp_path, str(tmp_path / "archive"))
    assert result.exit_code == 2 and "no data/tweets.js" in result.output
    result = run(tmp_path, str(tmp_path / "nope.txt"))
    assert result.exit_code == 2 and "no such file" in result.output
    assert not (tmp_path / "content").exists()


def test_folder_given_as_text_is_refused(tmp_path):
    result = run(tmp_path, str(FIXTURES / "x-archive"), "--from", "text")
    assert result.exit_code == 2 and "folder" in result.output


# --------------------------------------------------------------------------- the shared samples


def _sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample {path} is not available")
    return path


@pytest.mark.parametrize(
    ("name", "handle"),
    [("thread-dump-self-attention.txt", "@akshay_pachaar"), ("thread-dump-rank1-patch.txt", "@rohanpaul_ai")],
)
def test_sample_imports_to_nine_posts(tmp_path, name, handle):
    result = run(tmp_path, str(_sample(name)))
    assert result.exit_code == 0, result.output
    (thread,) = (tmp_path / "content").glob("*.md")
    text = thread.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]  # after the front matter
    assert body.count("\n\n---\n\n") == 8
    assert "Drag Post" not in text and "Apply Image" not in text and "πŸ" not in text and "β€" not in text
    assert re.search(r"\[[^\]]+\]\(https://[^)]+\)", text)
    assert f"9 posts by {handle}" in result.output


def test_samples_build_into_carousels_without_warnings(tmp_path):
    if not (REPO_ROOT / "generator" / "cli" / "build.py").is_file():
        pytest.skip("the build command (generator/cli/build.py) does not exist yet")
    for name in ("thread-dump-self-attention.txt", "thread-dump-rank1-patch.txt"):
        assert run(tmp_path, str(_sample(name))).exit_code == 0
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--drafts"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    assert len(list((tmp_path / "output").rglob("*.pdf"))) == 2


# --------------------------------------------------------------------------- messy sources (issue 14)

MESSY = {
    # fixture -> (thread file it becomes, title, posts)
    "page/thread-page.txt": (
        "why-our-test-suite-got-4x-faster-without-buying-a-single-new.md",
        "Why our test suite got 4x faster without buying a single new machine",
        6,
    ),
    "page/thread-page-compact.txt": (
        "we-redrew-our-city-s-bus-map-for-people-who-read-it-on-a.md",
        "We redrew our city's bus map for people who read it on a phone. Here is what changed",
        4,
    ),
    "page/podcast-page.txt": ("episode-57-small-models-big-results.md", "Episode 57: Small models, big results", 3),
    "text/reading-notes.txt": (
        "reading-notes-how-a-prompt-turns-into-a-weight-update.md",
        "Reading notes: how a prompt turns into a weight update",
        6,
    ),
}
CHROME = (
    "Show more",
    "Translate post",
    "Sign up",
    "Log in",
    "views",
    "Views",
    "ratings",
    "Relevant people",
    "Listen on",
    "Copy link",
    "18.4K",
)
GLUED = re.compile(r"(@\w+)\1|(https?://\S+)https?://|\S(?<!\()https?://")
MARKERS = re.compile(r"-{2,}\s*(?:\.\.\.|…)|\.\.\.$|…$", re.MULTILINE)


@pytest.fixture(scope="module")
def messy_project(tmp_path_factory):
    """The three messy fixtures imported into one project and built once with the real build."""
    project = tmp_path_factory.mktemp("messy")
    outputs = [run(project, str(FIXTURES / name)) for name in MESSY]
    build = CliRunner().invoke(main, ["build", "--drafts", "--project", str(project)])
    return project, outputs, build


def _posts(thread_text: str) -> list[str]:
    body = thread_text.split("\n---\n", 1)[1]
    return [post.strip() for post in body.split("\n\n---\n\n")]


def test_messy_sources_import_to_clean_threads(messy_project):
    project, outputs, _ = messy_project
    for result in outputs:
        assert result.exit_code == 0, result.output
    for name, (file_name, title, count) in MESSY.items():
        text = (project / "content" / file_name).read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---\n", 2)[1])
        assert front["title"] == title, name
        posts = _posts(text)
        assert len(posts) == count, (name, posts)
        for leftover in CHROME:
            assert leftover not in text, (name, leftover)
        assert not GLUED.search(text), (name, GLUED.search(text))
        assert not MARKERS.search(text), (name, MARKERS.search(text))
        # no sentence appears in two posts
        seen: dict[str, int] = {}
        for index, post in enumerate(posts):
            for sentence in re.split(r"(?<=[.!?])\s+", re.sub(r"^## .*$", "", post, flags=re.MULTILINE)):
                sentence = " ".join(sentence.split())
                if len(sentence) > 12:
                    assert seen.setdefault(sentence, index) == index, (name, sentence)


def test_messy_sources_build_one_slide_per_post_without_warnings(messy_project):
    project, _, build = messy_project
    assert build.exit_code == 0, build.output
    assert "warning" not in build.output.lower(), build.output
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    for file_name, title, count in MESSY.values():
        entry = manifest["threads"][file_name.removesuffix(".md")]
        assert entry["warnings"] == [] and entry["errors"] == []
        assert entry["title"] == title
        assert entry["slides"] == count + 2  # cover + posts + outro: no post split by the fitter
    notes = project / "output" / "reading-notes-how-a-prompt-turns-into-a-weight-update"
    pages = pdf_pages(next(notes.glob("*.pdf")))
    words = " ".join(page["text"] for page in pages).split()
    joined = " ".join(words)
    assert "Theorem 2.1 (one" in joined and "Finding #3" in " ".join(joined.split("\xa0"))  # headings are slide titles
    # The importer keeps formulas as $…$; the renderer now draws them as vector math, so no TeX source
    # (dollar signs, backslash commands) is left in the text layer.
    assert not [word for word in words if "$" in word or "\\Delta" in word or "\\tag" in word]
    assert "flowchart LR" in joined and "P[Prompt]" in words


def test_formulas_and_diagrams_are_written_for_the_renderer(messy_project):
    project, _, _ = messy_project
    text = (project / "content" / MESSY["text/reading-notes.txt"][0]).read_text(encoding="utf-8")
    assert "\n\n$$∆A(C) := A(C,x) − A(x) \\tag{1}$$\n\n" in text
    assert "$\\Delta W = \\frac{W \\, \\Delta A \\, A(x)^\\top}{\\|A(x)\\|^2}$" in text
    assert "```mermaid\nflowchart LR\n    P[Prompt] --> A[Attention]\n" in text
    assert "## 🚨 Finding &#35;3\n" in text


def test_explain_prints_each_rule_on_its_line(tmp_path):
    source = FIXTURES / "page" / "thread-page.txt"
    result = run(tmp_path, str(source), "--explain")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f'{source}:1: ui-string: dropped "Post"' in lines
    assert f'{source}:6: glued-handle: repaired "@noor_codes@noor_codes" -> "@noor_codes"' in lines
    assert f'{source}:25: cut-copy: dropped "2/6 First we measured. Most of the time went to three fixtures that r…"' in lines
    assert any(line.startswith(f"{source}:64: other-author: dropped") for line in lines)
    assert lines[-1].endswith("6 posts by @noor_codes (draft)")
    quiet = run(tmp_path / "again", str(source)) if (tmp_path / "again").mkdir() is None else None
    assert quiet is not None and "ui-string" not in quiet.output


def test_explain_says_when_a_source_is_not_traced(tmp_path):
    result = run(tmp_path, str(FIXTURES / "x-api" / "conversation.json"), "--explain")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f'{FIXTURES / "x-api" / "conversation.json"}: explain: not traced "x-api: cleaned by the same rules, not line by line"'
    )


def test_from_page_is_explicit_too(tmp_path):
    result = run(tmp_path, "-", "--from", "page", stdin=b"Log in\nOr\nOur title line\n\nA paragraph of real text.\n")
    assert result.exit_code == 0, result.output
    (thread,) = (tmp_path / "content").glob("*.md")
    text = thread.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Our title line\n") and "A paragraph of real text." in text and "Log in" not in text


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02",
        b"...\n--- ...\n",
        b"Show more\n1.2K views\nOr\n",
        b"@a@a\n@b\n@c",
        b"$$ $$ \\( \\) $",
        b"flowchart LR",
        "🧵\n\n👇\n\n1️⃣".encode(),
        b"# \n\n---\n\n---\n",
        ("x" * 5000).encode(),
        b"\xff\xfe\x00garbage",
    ],
)
@pytest.mark.parametrize("kind", ["auto", "text", "page"])
def test_any_text_gives_posts_or_a_located_error(tmp_path, content, kind):
    source = tmp_path / "in.txt"
    source.write_bytes(content)
    project = tmp_path / "project"
    project.mkdir()
    result = run(project, str(source), "--from", kind)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 0:
        assert list((project / "content").glob("*.md"))
    else:
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{source}: "), lines


# --------------------------------------------------------------------------- import -> build, each source (issue 11)


def _build_without_warnings(project: Path) -> dict:
    build = CliRunner().invoke(main, ["build", "--drafts", "-j", "1", "--project", str(project)])
    assert build.exit_code == 0, build.output
    assert "warning" not in build.output.lower(), build.output
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["threads"].values():
        assert entry["warnings"] == [] and entry["errors"] == [] and entry["outcome"] == "built"
    return manifest


@pytest.mark.parametrize("source", ["x-api/conversation.json", "x-archive", "text/numbered.txt"])
def test_freshly_imported_thread_builds_without_warnings(tmp_path, source):
    assert run(tmp_path, str(FIXTURES / source)).exit_code == 0
    manifest = _build_without_warnings(tmp_path)
    assert manifest["threads"]


def test_x_api_media_from_a_download_folder_are_shown(tmp_path):
    from PIL import Image

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    Image.new("RGB", (640, 360), (30, 90, 200)).save(downloads / "FixturePipeline.jpg")
    project = tmp_path / "project"
    project.mkdir()
    result = run(project, str(FIXTURES / "x-api" / "conversation.json"), "--media", str(downloads))
    assert result.exit_code == 0, result.output
    (thread,) = (project / "content").glob("*.md")
    text = thread.read_text(encoding="utf-8")
    link = f"images/{thread.stem}/FixturePipeline.jpg"
    assert f"![CI pipeline \\[after\\]]({link})" in text and "media:" not in text
    assert (thread.parent / link).read_bytes() == (downloads / "FixturePipeline.jpg").read_bytes()
    manifest = _build_without_warnings(project)
    assert any("Image: CI pipeline [after]" in alt for alt in manifest["threads"][thread.stem]["alt"])
