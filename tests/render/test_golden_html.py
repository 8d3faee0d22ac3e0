"""Golden tests of the slides' HTML: the markup the layouts produce for a few threads.

A design change shows here as a diff to review. When the change is meant, rewrite
the golden files and commit them with the change:

    CAROUSEL_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/render/test_golden_html.py

Only the document's <body> is compared (the slides); the stylesheets are checked by
the render tests that look at pixels.
"""

from __future__ import annotations

import difflib
import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from generator.build import BuildRequest, plan_threads
from generator.catalog import load_catalog
from generator.project import Project
from generator.render.thread import Renderer
from tests.helpers import write_project

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CAROUSEL_UPDATE_GOLDEN") == "1"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), "#3366cc").save(buffer, "PNG")
    return buffer.getvalue()


PROJECT: dict[str, str | bytes] = {
    "carousel.yaml": """
        defaults:
          profile: ada
        profiles:
          ada:
            name: Ada Writer
            handle: "@ada_writes"
        """,
    "content/classic-and-quote.md": """
        ---
        title: Small teams ship faster
        subtitle: Five habits, one thread
        ---

        ## Write it down

        Decisions live in *one* place, with a link to **why**.

        ---

        <!-- layout: quote -->

        > Make it work, then make it right.
        """,
    "content/numbered-list-code.md": """
        ---
        title: Three steps
        theme: midnight
        ---

        <!-- layout: numbered -->

        ## Measure first

        - profile before you guess
        - keep the numbers

        ---

        <!-- layout: numbered -->

        ## Then change one thing

        ```python
        def fast(x):
            return x * 2
        ```
        """,
    "content/tweet-and-split.md": """
        ---
        title: Pictures help
        cover: {show: false}
        outro: {show: false}
        ---

        <!-- layout: tweet -->

        A post shown as it looked on X, with a link: [example.org](https://example.org).

        ---

        <!-- layout: split -->

        ## Beside an image

        Text on one side. ![a blue card](images/card.png)
        """,
    "content/images/card.png": _png(),
}

THREADS = ("classic-and-quote", "numbered-list-code", "tweet-and-split")


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = write_project(tmp_path_factory.mktemp("golden"), PROJECT)
    project = Project.at(root)
    catalog = load_catalog(project)
    request = BuildRequest(project=project, out_dir=root / "output", now=NOW)
    renderer = Renderer(project)
    found: dict[str, str] = {}
    for _path, plan, failure in plan_threads(catalog, request):
        assert plan is not None, failure
        html = renderer.html(plan)
        body = html[html.index("<body") :]
        for folder, name in ((root, "<project>"), (project.builtin, "<builtin>")):
            body = body.replace(folder.resolve().as_uri(), name).replace(str(folder.resolve()), name)
        found[plan.meta.slug] = body
    return found


@pytest.mark.parametrize("slug", THREADS)
def test_slide_html_matches_the_golden_file(bodies: dict[str, str], slug: str) -> None:
    golden = GOLDEN / f"{slug}.html"
    actual = bodies[slug]
    if UPDATE or not golden.exists():
        golden.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{golden.name} did not exist: written, review and commit it")
        return
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), f"golden/{slug}.html", "now", n=2))
        pytest.fail(
            f"the slides' HTML of {slug} changed. If the change is meant, review it and run\n"
            f"  CAROUSEL_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/render/test_golden_html.py\n\n{diff[:6000]}"
        )
