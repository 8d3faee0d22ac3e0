"""Property tests: any text given to the thread parser and planner gives a plan or located errors, never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.catalog import load_catalog
from generator.content.markdown import new_markdown
from generator.content.thread import ThreadSyntaxError, split_thread
from generator.errors import CarouselError
from generator.model import ThreadPlan
from generator.project import Project
from generator.threads import load_thread
from tests.property_strategies import PROPERTY_SETTINGS, directive, thread_text

SHOWN = "content/h.md"


def _located(diagnostics, path: str = SHOWN) -> None:
    assert diagnostics
    for diagnostic in diagnostics:
        assert diagnostic.path == path
        assert diagnostic.line is None or diagnostic.line >= 1
        assert "\n" not in diagnostic.message  # one line each


@pytest.fixture(scope="module")
def planner(tmp_path_factory):
    root = tmp_path_factory.mktemp("property-project")
    (root / "content").mkdir()
    (root / "carousel.yaml").write_text("profiles:\n  rohan:\n    name: Rohan\npresets:\n  dark:\n    theme: midnight\n")
    catalog = load_catalog(Project.at(root))
    markdown = new_markdown()
    path = Path(root) / "content" / "h.md"
    return lambda text: load_thread(catalog, path, {}, markdown, text=text)


@PROPERTY_SETTINGS
@given(thread_text() | st.text())
def test_split_thread_gives_a_source_or_a_located_error(text):
    try:
        source, problems = split_thread(text, SHOWN)
    except ThreadSyntaxError as error:
        _located([error.diagnostic])
        return
    assert isinstance(source.front_matter.data, dict)
    for problem in problems:
        _located([problem])
    for post in source.posts:
        assert post.line >= 1 and isinstance(post.directives, dict)


@PROPERTY_SETTINGS
@given(st.lists(directive(), min_size=1, max_size=3), st.text(max_size=40))
def test_directives_parse_or_are_located(directives, body):
    _source, problems = split_thread("".join(directives) + body, SHOWN)
    for problem in problems:
        _located([problem])
        assert problem.message.startswith("directive: ")


@PROPERTY_SETTINGS
@given(thread_text() | st.text())
def test_planning_gives_a_plan_or_located_errors(planner, text):
    try:
        plan = planner(text)
    except CarouselError as error:
        _located(error.diagnostics)
        return
    assert isinstance(plan, ThreadPlan)
    assert plan.slides or not plan.options.cover.show
