"""A crafted X archive from someone else: nothing outside the archive is read (issue 16)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from generator.cli import main

ARCHIVE = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "x-archive"
CANARY = b"CANARY-archive-5b1e"


def crafted_post(post_id: str, reply_to: str | None, media: list[dict]) -> dict:
    tweet = {
        "id_str": post_id,
        "full_text": f"Post {post_id} of a crafted thread",
        "created_at": "Sat Jun 01 10:00:00 +0000 2024",
        "extended_entities": {"media": media},
        "entities": {"urls": "not a list", "media": {"x": 1}},
        "in_reply_to_user_id_str": "42" if reply_to else None,
    }
    if reply_to:
        tweet["in_reply_to_status_id_str"] = reply_to
    return {"tweet": tweet}


def hostile_archive(root: Path) -> Path:
    outside = root / "outside"
    outside.mkdir()
    Image.new("RGB", (8, 8), "red").save(outside / "secret.png")
    with (outside / "secret.png").open("ab") as handle:
        handle.write(CANARY)
    archive = root / "archive"
    media_dir = archive / "data/tweets_media"
    media_dir.mkdir(parents=True)
    (media_dir / "9000000000000000001-link.png").symlink_to(outside / "secret.png")
    media = [
        {"type": "photo", "media_url_https": "https://pbs.twimg.com/media/../../../outside/secret.png"},
        {"type": "photo", "media_url_https": "https://pbs.twimg.com/media/**/*"},
    ]
    posts = [
        crafted_post("9000000000000000001", None, media),
        crafted_post("9000000000000000002", "9000000000000000001", media),
        crafted_post("../../**/*", "9000000000000000001", media),
        {"tweet": {"id_str": {"nested": 1}, "full_text": ["x"], "extended_entities": "x"}},
    ]
    (archive / "data/tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(posts))
    (archive / "data/account.js").write_text('window.YTD.account.part0 = [{"account": {"username": "crafted", "accountId": "42"}}]')
    (archive / "data/tweets_media_link").symlink_to(outside)
    return archive


def run_import(project: Path, source: Path):
    return CliRunner().invoke(main, ["import", str(source), "--project", str(project)])


def test_crafted_archive_reads_nothing_outside(tmp_path):
    archive = hostile_archive(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    result = run_import(project, archive)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    written = [p for p in project.rglob("*") if p.is_file()]
    assert any(p.suffix == ".md" for p in written)
    for path in written:
        assert CANARY not in path.read_bytes(), path
    assert "image not in the archive" in result.output


def test_media_folder_linked_out_of_the_archive_is_not_used(tmp_path):
    archive = hostile_archive(tmp_path)
    shutil.rmtree(archive / "data/tweets_media")
    (archive / "data/tweets_media").symlink_to(tmp_path / "outside")
    project = tmp_path / "project"
    project.mkdir()
    result = run_import(project, archive)
    assert result.exit_code == 0, result.output
    for path in project.rglob("*"):
        if path.is_file():
            assert CANARY not in path.read_bytes(), path


def test_tweets_js_linked_out_is_refused(tmp_path):
    archive = tmp_path / "archive"
    (archive / "data").mkdir(parents=True)
    shutil.copy(ARCHIVE / "data/tweets.js", tmp_path / "tweets.js")
    (archive / "data/tweets.js").symlink_to(tmp_path / "tweets.js")
    project = tmp_path / "project"
    project.mkdir()
    result = run_import(project, archive)
    assert result.exit_code != 0
    assert "tweets.js: a symlink leading outside the archive; refused" in result.output


def test_malformed_json_is_a_located_error(tmp_path):
    archive = tmp_path / "archive"
    (archive / "data").mkdir(parents=True)
    (archive / "data/tweets.js").write_text('window.YTD.tweets.part0 = [\n  {"tweet": {"id_str": "1",\n  ]\n')
    project = tmp_path / "project"
    project.mkdir()
    result = run_import(project, archive)
    assert result.exit_code != 0
    assert f"{archive}/data/tweets.js:3: invalid JSON" in result.output
    assert "Traceback" not in result.output


def test_wrong_types_everywhere_give_no_traceback(tmp_path):
    archive = tmp_path / "archive"
    (archive / "data").mkdir(parents=True)
    entries = [{"tweet": {"id_str": "1", "full_text": "a", "extended_entities": "x", "entities": []}}, 1, None, "x", {"tweet": []}]
    (archive / "data/tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(entries))
    (archive / "data/note-tweet.js").write_text('window.YTD.note_tweet.part0 = [{"noteTweet": "x"}, {"noteTweet": {"core": []}}]')
    (archive / "data/account.js").write_text('window.YTD.account.part0 = [{"account": []}, 5]')
    project = tmp_path / "project"
    project.mkdir()
    result = run_import(project, archive)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "not a thread" in result.output
