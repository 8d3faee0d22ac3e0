"""A layout sizes its image from the text's *estimated* height; the fitter verifies the
guess against WeasyPrint's layout and corrects the image's room. Shown with project
layouts whose estimate is deliberately off in either direction: the image still takes
the room its text leaves, and the post still fits one slide."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from generator.build import BuildRequest, plan_threads
from generator.catalog import load_catalog
from generator.project import Project
from generator.render.fit import MEDIA_SLACK, fit_slides
from generator.render.grid import grid_for
from generator.render.thread import Renderer
from tests.helpers import REPO_ROOT, write_project

CLASSIC = (REPO_ROOT / "layouts" / "classic.html").read_text(encoding="utf-8")
DECLARATION = (REPO_ROOT / "layouts" / "classic.yaml").read_text(encoding="utf-8")
GUESS = "{% set used = "
assert GUESS in CLASSIC
BODY = (
    "Most teams ship too much at once. Ship one small change, watch it, then ship the next. "
    "The feedback loop is the product; everything else is decoration. A fourth sentence makes the text long enough "
    "that the image gets less than its largest share of the slide. And a fifth, with numbers: 3 retries, 200 ms, "
    "99.9 %. Then a sixth, to be sure the text needs most of the slide."
)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 1200), (60, 110, 150)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    files: dict[str, str | bytes] = {
        "carousel.yaml": "defaults:\n  cover: false\n  outro: false\n",
        "content/tall.png": _png(),
        # the estimate 240 px too tall (the image too small) and 240 px too short (it overflows)
        "layouts/pessimist.html": CLASSIC.replace(GUESS, GUESS + "240 + "),
        "layouts/pessimist.yaml": DECLARATION,
        "layouts/optimist.html": CLASSIC.replace(GUESS, GUESS + "-240 + "),
        "layouts/optimist.yaml": DECLARATION,
    }
    for name in ("classic", "pessimist", "optimist"):
        files[f"content/{name}.md"] = (
            f"---\ntitle: {name}\n---\n\n<!-- layout: {name}, image: tall.png -->\n## An image under the text\n\n{BODY}\n"
        )
    root = write_project(tmp_path_factory.mktemp("media-room"), files)
    project = Project.at(root)
    request = BuildRequest(project=project, out_dir=root / "output", now=datetime.now(UTC))
    renderer = Renderer(project)
    results = {}
    for _, plan, _ in plan_threads(load_catalog(project), request):
        assert plan is not None
        results[plan.meta.slug] = (grid_for(plan.canvas, plan.options.typography), fit_slides(renderer, plan))
    return results


def test_the_image_takes_the_measured_room_whatever_the_guess(fitted):
    grid, classic = fitted["classic"]
    reference = classic.geometries[0].media
    assert reference is not None
    # held by the room the text leaves, not by its largest share
    assert reference[1] < classic.slides[0].declaration.image.share[1] * grid.content_height - 2 * grid.unit
    for name in ("pessimist", "optimist"):
        grid, result = fitted[name]
        assert len(result.slides) == 1, name  # not split for a wrong guess
        geometry = result.geometries[0]
        assert geometry.fits, name
        assert geometry.media is not None
        # the same image as with the built-in layout's good guess, within the slack fitting leaves
        assert abs(geometry.media[1] - reference[1]) <= (MEDIA_SLACK + 1) * grid.unit, (name, geometry.media, reference)
        assert geometry.capacity - geometry.used <= (MEDIA_SLACK + 1) * grid.unit, name


def test_correcting_the_image_costs_at_most_two_layouts_more(fitted):
    for name in ("pessimist", "optimist"):
        _, result = fitted[name]
        assert result.layouts <= 3, (name, result.layouts)


def test_formulas_are_estimated_at_their_size(tmp_path):
    """A drawn formula's <img> is sized in em: the first guess takes it at that size (not
    as a picture of unknown size), so a post with formulas is planned right first time."""
    thread = (
        "---\ntitle: Maths\ncover: false\noutro: false\n---\n\n"
        "## Contrast you can compute\n\nEvery text colour is checked, where $L$ is a colour's luminance:\n\n"
        "$$\\frac{L_1 + 0.05}{L_2 + 0.05} \\geq 4.5$$\n\nLinks get their own accent shade, so $a$ and $b$ pass too.\n"
    )
    root = write_project(tmp_path, {"carousel.yaml": "defaults:\n  canvas: linkedin-square\n", "content/maths.md": thread})
    project = Project.at(root)
    request = BuildRequest(project=project, out_dir=root / "output", now=datetime.now(UTC))
    (plan,) = [plan for _, plan, _ in plan_threads(load_catalog(project), request) if plan is not None]
    result = fit_slides(Renderer(project), plan)
    assert len(result.slides) == 1
    assert result.layouts == 1  # the guess was confirmed by the first layout
