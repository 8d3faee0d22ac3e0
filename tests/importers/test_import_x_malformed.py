"""Malformed X API responses and X archives: one located line and exit 2, or a clean import; never a traceback (QA H2).

Each field of the fixtures is set to a value of another type (or a lone surrogate, or
deleted) and imported through the real CLI, in this process: the import either still
succeeds (exit 0, the thread written) or fails with lines naming the source file
(exit 2, nothing written).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import carousel_in_process

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
API_FIXTURE = FIXTURES / "x-api" / "conversation.json"
ARCHIVE_FIXTURE = FIXTURES / "x-archive"
YTD_PREFIX = "window.YTD.tweets.part1 = "

DELETE = "<deleted>"
VALUES: list[Any] = [None, 0, -1, "", "x", [], {}, True, "\ud800", DELETE]
# Fields of the response the importer does not read: changing them changes nothing.
UNREAD = {"start", "end", "hashtags", "edit_history_tweet_ids", "width", "height", "meta", "result_count"}
LOCATED = re.compile(r"^[^:]+: ")

Path_ = tuple[str | int, ...]


def api_document() -> Any:
    return json.loads(API_FIXTURE.read_text(encoding="utf-8"))


def field_paths(node: Any, prefix: Path_ = ()) -> list[Path_]:
    """The first path of each distinct field (list indexes taken as one), read by the importer."""
    found: dict[tuple[Any, ...], Path_] = {}

    def walk(value: Any, path: Path_) -> None:
        if path:
            if any(part in UNREAD for part in path):
                return
            found.setdefault(tuple("*" if isinstance(part, int) else part for part in path), path)
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, child in children:
            walk(child, (*path, key))

    walk(node, prefix)
    return list(found.values())


def json_path(path: Path_) -> str:
    """`data[0].entities.urls[0].url`, as the importer names a field."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def with_value(document: Any, path: Path_, value: Any) -> Any:
    document = json.loads(json.dumps(document))
    node = document
    for part in path[:-1]:
        node = node[part]
    if value == DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return document


def import_source(project: Path, source: Path, *options: str):
    return carousel_in_process(project, "import", *options, str(source))


def written(project: Path) -> list[Path]:
    return sorted(path for path in project.rglob("*") if path.is_file())


def assert_clean_outcome(result, project: Path, source: Path, thread: Path | None = None) -> None:
    """Exit 0 with the thread written, or exit 2 with nothing written; every line of stderr located."""
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), result.output
    lines = result.stderr.splitlines()
    for line in lines:
        assert LOCATED.match(line), line
    if result.exit_code == 2:
        assert lines, "an error says what is wrong"
        assert all(line.startswith(f"{source}: ") for line in lines), lines
        assert written(project) == []
    else:
        files = written(project)
        assert (thread in files) if thread else any(path.suffix == ".md" for path in files), files
        for path in files:
            if path.suffix in (".md", ".yaml"):
                path.read_text(encoding="utf-8")  # valid UTF-8: no surrogate reached a file


API_CASES = [(path, value) for path in field_paths(api_document()) for value in VALUES]


@pytest.mark.parametrize(("path", "value"), API_CASES, ids=[f"{json_path(p)}={v!r}" for p, v in API_CASES])
def test_api_field_of_any_type_is_imported_or_a_located_error(tmp_path, path, value):
    source = tmp_path / "conv.json"
    source.write_text(json.dumps(with_value(api_document(), path, value)), encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    result = import_source(project, source, "--from", "x-api", "--slug", "fuzz")
    assert_clean_outcome(result, project, source, project / "content" / "fuzz.md")
    if value == "\ud800" and result.exit_code == 0:
        # decided where the text enters: replaced by U+FFFD, and said where
        assert f"{source}: warning: {json_path(path)}: a lone surrogate" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("data", 0, "text"), -1, "data[0].text: expected a string, not a number"),
        (("data", 0, "entities"), "x", "data[0].entities: expected an object, not a string"),
        (("data", 1, "referenced_tweets"), -1, "data[1].referenced_tweets: expected a list, not a number"),
        (("data", 0, "entities", "urls"), True, "data[0].entities.urls: expected a list, not true"),
        (("data", 0, "entities", "urls", 0, "url"), True, "data[0].entities.urls[0].url: expected a string, not true"),
        (
            ("data", 1, "note_tweet", "entities", "urls", 0, "display_url"),
            -1,
            "data[1].note_tweet.entities.urls[0].display_url: expected a string, not a number",
        ),
        (("data", 2, "attachments"), "x", "data[2].attachments: expected an object, not a string"),
        (("data", 3, "id"), DELETE, "data[3].id: required field is missing"),
        (("includes",), "x", "includes: expected an object, not a string"),
        (("includes", "users"), 0, "includes.users: expected a list, not a number"),
        (("includes", "media", 0), None, "includes.media[0]: expected an object, not null"),
    ],
)
def test_wrong_typed_api_field_is_named(tmp_path, path, value, message):
    source = tmp_path / "conv.json"
    source.write_text(json.dumps(with_value(api_document(), path, value)), encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    result = import_source(project, source, "--from", "x-api")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"{source}: {message}\n"
    assert written(project) == []


def test_single_post_and_several_responses_are_located_too(tmp_path):
    document = api_document()
    project = tmp_path / "project"
    project.mkdir()
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"data": dict(document["data"][0], text=-1)}), encoding="utf-8")
    result = import_source(project, single, "--from", "x-api")
    assert (result.exit_code, result.stderr) == (2, f"{single}: data.text: expected a string, not a number\n")
    pages = tmp_path / "pages.json"
    pages.write_text(json.dumps([document, {"data": [{"id": "1", "entities": {"urls": [7]}}]}]), encoding="utf-8")
    result = import_source(project, pages, "--from", "x-api")
    assert (result.exit_code, result.stderr) == (2, f"{pages}: [1].data[0].entities.urls[0]: expected an object, not a number\n")
    assert written(project) == []


def test_lone_surrogates_are_replaced_and_reported(tmp_path):
    document = with_value(api_document(), ("data", 0, "text"), "How we cut \ud800 CI time (notes: https://t.co/aaa111)")
    document = with_value(document, ("data", 0, "entities", "urls", 0, "expanded_url"), "https://example.com/\udc00")
    document = with_value(document, ("includes", "users", 0, "username"), "devi\ud800")
    source = tmp_path / "conv.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    result = import_source(project, source, "--from", "x-api", "--slug", "s")
    assert result.exit_code == 0, result.output
    for field in ("data[0].text", "data[0].entities.urls[0].expanded_url", "includes.users[0].username"):
        assert f"{source}: warning: {field}: a lone surrogate" in result.stderr, result.stderr
    thread = (project / "content" / "s.md").read_text(encoding="utf-8")
    assert "How we cut \ufffd CI time" in thread and "https://example.com/\ufffd" in thread
    assert "devi\ufffd" in (project / "carousel.yaml").read_text(encoding="utf-8")
    assert "@devi\ufffd" in result.stdout  # the report line is printed, not a UnicodeEncodeError


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply"),
        ('{"data": [{"id": ' + "9" * 5000 + "}]}", "invalid JSON: a number of 5,000 digits"),
    ],
    ids=["deep", "long-number"],
)
def test_json_beyond_the_parsers_limits_is_a_located_error(tmp_path, content, message):
    source = tmp_path / "conv.json"
    source.write_text(content, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    result = import_source(project, source, "--from", "x-api")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{source}:") and message in result.stderr, result.stderr
    assert written(project) == []


def test_broken_utf16_is_a_located_error(tmp_path):
    source = tmp_path / "conv.json"
    source.write_bytes(b"\xff\xfe" + '{"data": []}'.encode("utf-16-le") + b"\x00\xd8")  # ends in half a surrogate pair
    project = tmp_path / "project"
    project.mkdir()
    result = import_source(project, source)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{source}: not valid UTF-16 text: "), result.stderr
    assert written(project) == []


# --------------------------------------------------------------------------- the X archive: a small sample


def archive_entries() -> list[Any]:
    text = (ARCHIVE_FIXTURE / "data" / "tweets-part1.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix(YTD_PREFIX))


ARCHIVE_PATHS: list[Path_] = [
    (1, "tweet"),
    (1, "tweet", "full_text"),
    (1, "tweet", "id_str"),
    (1, "tweet", "created_at"),
    (1, "tweet", "retweeted"),
    (1, "tweet", "entities"),
    (1, "tweet", "entities", "urls"),
    (1, "tweet", "entities", "urls", 0),
    (1, "tweet", "entities", "urls", 0, "url"),
    (1, "tweet", "entities", "urls", 0, "expanded_url"),
    (1, "tweet", "entities", "urls", 0, "display_url"),
    (2, "tweet", "in_reply_to_status_id_str"),
    (2, "tweet", "in_reply_to_screen_name"),
    (2, "tweet", "extended_entities"),
    (2, "tweet", "extended_entities", "media", 0),
    (2, "tweet", "extended_entities", "media", 0, "media_url_https"),
    (2, "tweet", "extended_entities", "media", 0, "type"),
    (2, "tweet", "extended_entities", "media", 0, "url"),
]
ARCHIVE_CASES = [(path, value) for path in ARCHIVE_PATHS for value in VALUES]


@pytest.mark.parametrize(("path", "value"), ARCHIVE_CASES, ids=[f"{json_path(p)}={v!r}" for p, v in ARCHIVE_CASES])
def test_archive_field_of_any_type_is_imported_or_a_located_error(tmp_path, path, value):
    archive = tmp_path / "archive"
    shutil.copytree(ARCHIVE_FIXTURE, archive)
    part = archive / "data" / "tweets-part1.js"
    part.write_text(YTD_PREFIX + json.dumps(with_value(archive_entries(), path, value), indent=1), encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    result = import_source(project, archive)
    assert_clean_outcome(result, project, part)
    if value == "\ud800" and result.exit_code == 0:
        assert f"{part}: warning: {json_path(path)}: a lone surrogate" in result.stderr, result.stderr


def test_archive_url_entity_of_the_wrong_type_is_not_used(tmp_path):
    """The archive importer skips values of the wrong type (its rule): a `true` URL is not expanded, nor a crash."""
    archive = tmp_path / "archive"
    shutil.copytree(ARCHIVE_FIXTURE, archive)
    part = archive / "data" / "tweets-part1.js"
    entries = with_value(archive_entries(), (1, "tweet", "entities", "urls", 0, "expanded_url"), True)
    part.write_text(YTD_PREFIX + json.dumps(entries), encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    result = import_source(project, archive, "--thread", "1700000000000000011")
    assert result.exit_code == 0, result.output
    thread = next((project / "content").glob("*.md")).read_text(encoding="utf-8")
    assert "example.net/naming" not in thread and "t.co/nam111" in thread
