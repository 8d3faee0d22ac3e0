"""`carousel list` in-process (click's CliRunner): rows from the plan, or from the build cache."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.helpers import write_project

THREAD = """\
    ---
    title: {title}
    date: 2026-11-20T09:00:00+00:00
    ---

    First post.

    ---

    Second post.
    """
DRAFT = "---\ntitle: Not yet\ndraft: true\n---\n\nSoon.\n"
BROKEN = "---\ntitle: x\ntheme: papper\n---\n\nHello\n"
NOW = "2026-12-01T09:00:00+00:00"


def carousel(project, *args):
    return CliRunner().invoke(main, [*args, "--project", str(project)], catch_exceptions=False)


def rows(project):
    result = carousel(project, "list", "--json", "--now", NOW)
    return result.exit_code, {row["slug"]: row for row in json.loads(result.output)["threads"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project with a built thread, a draft, an unbuilt thread and a broken one."""
    root = write_project(
        tmp_path_factory.mktemp("list"),
        {
            "content/built.md": THREAD.format(title="Built one"),
            "content/later.md": DRAFT,
        },
    )
    write_project(root, {"carousel.yaml": "defaults:\n  formats: [pdf]\n"})
    result = carousel(root, "build", "--now", NOW)  # no CLI options: list finds the same cache key
    assert result.exit_code == 0, result.output
    write_project(root, {"content/fresh.md": THREAD.format(title="Fresh one"), "content/broken.md": BROKEN})
    return root


def test_built_thread_comes_from_the_cache_with_the_same_row_as_planning(built, monkeypatch):
    import generator.cli.list_threads as list_module

    planned_paths = []
    original = list_module.plan_threads
    monkeypatch.setattr(
        list_module, "plan_threads", lambda catalog, request, paths: planned_paths.extend(paths) or original(catalog, request, paths)
    )
    code, listed = rows(built)
    assert sorted(p.name for p in planned_paths) == ["broken.md", "fresh.md", "later.md"]  # built.md: from the cache
    assert code == 1  # broken.md is invalid: a thread failed (SPEC 4), not "no project"
    assert listed["built"]["title"] == "Built one" and listed["built"]["status"] == "due" and listed["built"]["due"]
    assert listed["built"]["slides"] == 4 and "built/built.pdf" in listed["built"]["outputs"]
    assert listed["built"]["date"] == "2026-11-20T09:00:00+00:00"
    # the same row when the thread is planned instead (cache bypassed)
    import generator.build

    monkeypatch.setattr(generator.build.Builder, "up_to_date_unplanned", lambda self, context, path, now, recorded: None)
    _, planned = rows(built)
    assert planned == listed


def test_unbuilt_draft_and_broken_threads(built):
    _, listed = rows(built)
    assert listed["fresh"]["outputs"] == [] and listed["fresh"]["slides"] == 4 and listed["fresh"]["status"] == "due"
    assert listed["later"]["status"] == "draft" and not listed["later"]["due"]
    assert listed["broken"]["status"] == "invalid"
    assert any("unknown theme 'papper'" in error for error in listed["broken"]["errors"])


def test_an_edited_thread_is_planned_again(built):
    (built / "content/built.md").write_text(
        THREAD.format(title="Renamed").replace("Second post.", "Second post.\n\n---\n\nThird."), encoding="utf-8"
    )
    _, listed = rows(built)
    assert listed["built"]["title"] == "Renamed" and listed["built"]["slides"] == 5
