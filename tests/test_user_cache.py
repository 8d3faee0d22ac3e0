"""The user's cache folder: a repository's committed `.carousel-cache/` is never trusted.

Compiled templates run as Python and the memo stands in for checks, so both live in the
user's cache folder (generator/user_cache.py); files planted under the project's
`.carousel-cache/templates` or `.carousel-cache/memo` are never read.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from jinja2 import FileSystemBytecodeCache

from generator.project import Project
from generator.render.html import new_environment
from generator.user_cache import ENV_NAME, user_cache_dir
from tests.helpers import build_in_process, pdf_pages, write_project

THREAD = """\
---
title: Planted caches
---

A first post with a few words on it.

---

A second post, a little longer than the first one, to lay out on a slide.
"""


def _project(root: Path) -> Path:
    return write_project(root, {"content/planted.md": THREAD})


def _build(project: Path) -> bytes:
    result = build_in_process(project, "--force", "--format", "pdf")
    assert result.exit_code == 0, result.output
    return (project / "output/planted/planted.pdf").read_bytes()


def _plant_compiled_templates(project: Path, payload: str) -> int:
    """Write, where Jinja's FileSystemBytecodeCache would look in the project's cache,
    compiled code for every layout template that runs `payload`; returns how many."""
    environment = new_environment(Project.at(project))
    folder = project / ".carousel-cache" / "templates"
    folder.mkdir(parents=True)
    cache = FileSystemBytecodeCache(str(folder))
    planted = 0
    for name in environment.list_templates(filter_func=lambda name: name.endswith(".html")):
        source, filename, _ = environment.loader.get_source(environment, name)  # type: ignore[union-attr]
        bucket = cache.get_bucket(environment, name, filename, source)
        bucket.code = compile(
            f"{payload}\nblocks = {{}}\ndebug_info = ''\ndef root(context, missing=None, environment=None):\n    yield ''\n",
            filename or name,
            "exec",
        )
        cache.set_bucket(bucket)
        planted += 1
    return planted


def test_compiled_templates_planted_in_the_project_never_run(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_NAME, str(tmp_path / "own"))
    project = _project(tmp_path / "project")
    marker = tmp_path / "planted-code-ran"
    assert _plant_compiled_templates(project, f"open({str(marker)!r}, 'w').close()") >= 10
    _build(project)
    assert not marker.exists()
    words = " ".join(page["text"] for page in pdf_pages(project / "output/planted/planted.pdf")).split()
    assert "second" in words and "post," in words
    assert list((tmp_path / "own" / "templates").glob("__jinja2_*.cache"))  # compiled where the user keeps them


def test_memo_entries_planted_in_the_project_are_not_read(tmp_path, monkeypatch):
    project = _project(tmp_path / "project")
    monkeypatch.setenv(ENV_NAME, str(tmp_path / "first"))
    honest = _build(project)
    # the same entries, under the names a project memo would use, with values that would
    # change the slides if read: empty stylesheets, no rules, zero-width letters
    planted = project / ".carousel-cache" / "memo"
    planted.mkdir(parents=True)
    for entry in (tmp_path / "first" / "memo").glob("*.json"):
        value = json.loads(entry.read_text())["value"]
        forged = (
            ""
            if isinstance(value, str)
            else []
            if isinstance(value, list)
            else dict.fromkeys(value, 0)
            if isinstance(value, dict)
            else value
        )
        (planted / entry.name).write_text(json.dumps({"format": 1, "value": forged}))
    assert len(list(planted.glob("*.json"))) >= 5
    monkeypatch.setenv(ENV_NAME, str(tmp_path / "second"))
    assert _build(project) == honest
    assert sorted(path.name for path in (tmp_path / "second" / "memo").glob("*.json")) == sorted(
        path.name for path in planted.glob("*.json")
    )


def test_a_build_keeps_nothing_of_its_caches_in_the_project_but_fonts(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_NAME, str(tmp_path / "own"))
    project = _project(tmp_path / "project")
    _build(project)
    cache = project / ".carousel-cache"
    assert not (cache / "templates").exists() and not (cache / "memo").exists() and not (cache / "fonts" / "fontconfig").exists()
    assert {path.name for path in (tmp_path / "own").iterdir()} == {"fontconfig", "memo", "templates"}


def test_an_empty_setting_keeps_nothing_between_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_NAME, "")
    project = _project(tmp_path / "project")
    first = _build(project)
    assert _build(project) == first
    cache = project / ".carousel-cache"
    assert not (cache / "templates").exists() and not (cache / "memo").exists()


def test_a_folder_inside_the_project_is_refused(tmp_path, monkeypatch):
    project = _project(tmp_path / "project")
    monkeypatch.setenv(ENV_NAME, str(project / ".carousel-cache" / "own"))
    result = build_in_process(project)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if ENV_NAME in line]
    assert len(lines) == 1 and "is inside the project: a repository could plant compiled templates there" in lines[0]
    assert lines[0].startswith(f"{ENV_NAME}: ")
    assert not (project / "output").exists() and not (project / ".carousel-cache").exists()


def test_a_symlink_into_the_project_counts_as_inside(tmp_path):
    project = _project(tmp_path / "project")
    (tmp_path / "link").symlink_to(project, target_is_directory=True)
    with pytest.raises(Exception, match="is inside the project"):
        user_cache_dir({ENV_NAME: str(tmp_path / "link" / "cache")}, project)


def test_the_default_is_the_platform_cache_folder_private_to_the_user(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / ".cache"))
    folder = user_cache_dir({}, tmp_path / "project")
    assert folder == tmp_path / "home" / ".cache" / "carousel-studio"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_named_folder_that_cannot_be_made_is_reported(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    project = _project(tmp_path / "project")
    monkeypatch.setenv(ENV_NAME, str(blocker))  # a file where the folder should be
    result = build_in_process(project)
    assert result.exit_code == 2, result.output
    (line,) = [line for line in result.output.splitlines() if ENV_NAME in line]
    assert line.startswith(f"{ENV_NAME}: {blocker} cannot be used as a folder")
    assert not (project / "output").exists()


def test_a_default_folder_that_cannot_be_made_keeps_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))  # e.g. a CI user without a writable home
    assert user_cache_dir({}, tmp_path / "project") is None


def test_a_removed_user_cache_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_NAME, str(tmp_path / "own"))
    project = _project(tmp_path / "project")
    first = _build(project)
    shutil.rmtree(tmp_path / "own")
    assert _build(project) == first
    assert (tmp_path / "own" / "memo").is_dir()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_other_users_can_write_is_refused(tmp_path, monkeypatch):
    project = _project(tmp_path / "project")
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(ENV_NAME, str(shared))
    result = build_in_process(project)
    assert result.exit_code == 2, result.output
    (line,) = [line for line in result.output.splitlines() if ENV_NAME in line]
    assert line.startswith(f"{ENV_NAME}: {shared} is writable by other users")
    assert not (shared / "templates").exists()
