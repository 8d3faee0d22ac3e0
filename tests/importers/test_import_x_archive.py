"""generator.importers.x_archive: self-threads rebuilt from an account archive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.importers.cleanup import RichText
from generator.importers.model import SourceError
from generator.importers.x_archive import parse_x_archive

ARCHIVE = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "x-archive"
A1, A2, A3, A4 = (f"17000000000000000{n:02d}" for n in (1, 2, 3, 4))
B1, B2, B3 = (f"17000000000000000{n:02d}" for n in (11, 12, 13))


def plain(post) -> str:
    return RichText(post.text, post.links).plain()


def test_every_self_thread_is_rebuilt_across_parts():
    threads = parse_x_archive(ARCHIVE, "archive")
    # standalone posts, retweets and reply chains under someone else's post are not self-threads
    assert [[p.id for p in t.posts] for t in threads] == [[A1, A2, A3, A4], [B1, B2, B3]]
    author = threads[0].author
    assert author is not None and (author.name, author.handle) == ("Kofi Mensah", "kofi_writes")
    assert threads[0].source_url == f"https://x.com/kofi_writes/status/{A1}"
    assert threads[0].date is not None and threads[0].date.isoformat() == "2024-06-01T10:00:00+00:00"


def test_long_post_text_comes_from_note_tweet():
    post = parse_x_archive(ARCHIVE, "archive")[0].posts[1]
    assert plain(post).endswith("Our template: example.net/docs-template")
    assert post.links[-1].url == "https://example.net/docs-template"


def test_media_files_and_missing_media():
    thread = parse_x_archive(ARCHIVE, "archive")[0]
    first = thread.posts[0]
    assert [m.filename for m in first.media] == [f"{A1}-FxClinicA1.png"]
    assert first.media[0].path is not None and first.media[0].path.is_file()
    assert plain(first) == "Three lessons from ten years of writing software for small clinics 🏥"  # media link gone
    assert plain(thread.posts[2]).endswith("tickets & calls.")
    assert any("image not in the archive" in w for w in thread.warnings)


def test_thread_option_picks_one_thread_from_any_of_its_posts():
    threads = parse_x_archive(ARCHIVE, "archive", thread_id=B2)
    assert [[p.id for p in t.posts] for t in threads] == [[B1, B2, B3]]


def test_data_folder_and_tweets_js_are_accepted_too():
    assert len(parse_x_archive(ARCHIVE / "data", "data")) == 2
    assert len(parse_x_archive(ARCHIVE / "data" / "tweets.js", "tweets.js")) == 2


def test_archive_without_tweets_js(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(SourceError, match=r"no data/tweets\.js"):
        parse_x_archive(tmp_path, "folder")


def test_truncated_tweets_js(tmp_path):
    shutil.copytree(ARCHIVE, tmp_path / "a")
    tweets = tmp_path / "a" / "data" / "tweets.js"
    tweets.write_text(tweets.read_text(encoding="utf-8")[:500], encoding="utf-8")
    with pytest.raises(SourceError, match="truncated JSON") as caught:
        parse_x_archive(tmp_path / "a", "a")
    assert len(str(caught.value).splitlines()) == 1


def test_not_a_ytd_file(tmp_path):
    (tmp_path / "tweets.js").write_text("var x = [];", encoding="utf-8")
    with pytest.raises(SourceError, match=r"window\.YTD"):
        parse_x_archive(tmp_path, "folder")


def test_unknown_thread_id():
    with pytest.raises(SourceError, match="--thread 99"):
        parse_x_archive(ARCHIVE, "archive", thread_id="99")
