"""Property tests: every importer takes any text to a planned import or a located error, never another exception.

What an import plans to write is a thread file; that file plans as a thread too
(or gives located errors), so an import never hands the build a traceback.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.catalog import load_catalog
from generator.content.markdown import new_markdown
from generator.errors import CarouselError
from generator.importers.pipeline import ImportRequest, plan_import
from generator.project import Project
from generator.threads import load_thread
from tests.property_strategies import JSON_VALUES, PROPERTY_SETTINGS, json_text, thread_text

X_POST_TEXT = st.sampled_from(
    [
        "1/ First post of a thread\n\n2/ Second post\n\n3/ Third",
        "Rohan @rohan · 2h\nA post\n\nReply\nRepost\nLike",
        "🧵 A thread\n\n---\n\nnext",
        "https://x.com/a/status/1",
        "#tag @user http://t.co/x",
        "",
    ]
)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("import-project")
    (root / "content").mkdir()
    return root


def _check(project, kind: str, text: str) -> None:
    try:
        plan = plan_import(ImportRequest(source="-", project=project, kind=kind), stdin=text)
    except CarouselError as error:
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert diagnostic.path and "\n" not in diagnostic.message
        return
    assert plan.threads
    catalog = None
    for planned in plan.files:
        if planned.path.suffix == ".md":
            if catalog is None:
                # the import may add a profile to carousel.yaml: plan against the config it would write
                for other in plan.files:
                    if other.path.name == "carousel.yaml":
                        (project / "carousel.yaml").write_bytes(other.data)
                catalog = load_catalog(Project.at(project))
            try:
                load_thread(catalog, planned.path, {}, new_markdown(), text=planned.data.decode("utf-8"))
            except CarouselError as error:
                assert all(d.path for d in error.diagnostics)
    (project / "carousel.yaml").unlink(missing_ok=True)


@PROPERTY_SETTINGS
@given(st.text() | X_POST_TEXT | thread_text(), st.sampled_from(["auto", "text", "page"]))
def test_text_and_page_imports(project, text, kind):
    _check(project, kind, text)


@PROPERTY_SETTINGS
@given(JSON_VALUES.map(json_text) | st.text(max_size=60), st.sampled_from(["auto", "x-api"]))
def test_x_api_import(project, text, kind):
    _check(project, kind, text)


@PROPERTY_SETTINGS
@given(JSON_VALUES.map(json_text) | st.text(max_size=60), st.booleans())
def test_x_archive_import(project, text, with_prefix):
    _check(project, "x-archive", ("window.YTD.tweets.part0 = " if with_prefix else "") + text)
