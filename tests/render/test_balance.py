"""Slides look intentional at any fill: a top-aligned slide that leaves room sits at the
band's optical centre (a full one stays at the top), slides with images grow their type
like text-only ones, and neighbouring posts share a size unless one is already full.
Everything is read from WeasyPrint's layout of the fitted slides."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime

import pytest
from PIL import Image

from generator.build import BuildRequest, plan_threads
from generator.catalog import load_catalog
from generator.project import Project
from generator.render.fit import MEDIA_SLACK, FitResult, fit_slides
from generator.render.grid import BALANCE_LIFT, Grid, grid_for
from generator.render.html import body_in_display
from generator.render.thread import Renderer
from tests.fixtures.fit.threads import write_real_threads

CANVASES = ("story", "linkedin-portrait")
PICTURES = (
    "---\ntitle: Pictures\n---\n\n"
    "<!-- image: wide.png -->\n## A picture post\n\nOne line under a landscape picture.\n\n---\n\n"
    "<!-- layout: split, image: tall.png -->\n## Beside a tall picture\n\nTwo sentences beside it. Large enough to read on a phone.\n\n---\n\n"
    "<!-- layout: image, image: wide.png -->\n## Image first\n\nA short caption.\n\n---\n\n"
    "<!-- layout: numbered, image: wide.png -->\n## Step with a picture\n\nLook at it first.\n"
)


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (60, 110, 150)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module", params=CANVASES)
def fitted(request, tmp_path_factory) -> tuple[str, list[tuple[Grid, FitResult]]]:
    root = tmp_path_factory.mktemp(f"balance-{request.param}")
    write_real_threads(root, request.param)
    (root / "content" / "pictures.md").write_text(PICTURES, encoding="utf-8")
    (root / "content" / "wide.png").write_bytes(_png(1600, 900))
    (root / "content" / "tall.png").write_bytes(_png(800, 1200))
    project = Project.at(root)
    request_ = BuildRequest(project=project, out_dir=root / "output", now=datetime.now(UTC))
    renderer = Renderer(project)
    plans = [plan for _, plan, _ in plan_threads(load_catalog(project), request_) if plan is not None]
    return request.param, [(grid_for(plan.canvas, plan.options.typography), fit_slides(renderer, plan)) for plan in plans]


def _posts(results: list[tuple[Grid, FitResult]]):
    for grid, result in results:
        for spec, geometry in zip(result.slides, result.geometries):
            if spec.kind == "post":
                yield grid, spec, geometry


def test_top_aligned_slides_sit_at_the_optical_centre(fitted):
    canvas, results = fitted
    checked = 0
    for grid, spec, g in _posts(results):
        if spec.declaration.align != "top":
            continue
        assert g.frame_top is not None
        gap = g.frame_top - g.content_top
        balanced = grid.snap_down(g.capacity * (1 - BALANCE_LIFT))
        expected = max(0.0, (balanced - g.used) / 2)
        assert abs(gap - expected) <= grid.unit, (canvas, spec.label, gap, expected, g.used / g.capacity)
        fill = g.used / g.capacity
        middle = (gap + g.used / 2) / g.capacity  # the content's centre, as a share of the band
        if fill < 0.8:
            assert 0.3 <= middle <= 0.5, (canvas, spec.label, middle)  # at or a little above the centre
        if fill >= 0.15:
            assert gap + g.used > 0.5 * g.capacity, (canvas, spec.label)  # the lower half is not left empty
        if fill >= 1 - BALANCE_LIFT:
            assert gap <= grid.unit  # a full slide starts at the top
        checked += 1
    assert checked >= 16


def test_slides_with_images_grow_their_type(fitted):
    canvas, results = fitted
    pictures = [(spec, g) for _, spec, g in _posts(results) if spec.image is not None]
    assert len(pictures) == 4
    for spec, g in pictures:
        assert spec.body_scale > 1.0, (canvas, spec.layout, spec.body_scale)
        assert g.fits
        # an image beside the text is as tall as its column's width allows
        least = 0.45 if spec.declaration.image.place == "beside" else 0.55
        assert g.used / g.capacity >= least, (canvas, spec.layout, round(g.used / g.capacity, 2))


def test_neighbouring_posts_share_a_size_unless_already_full(fitted):
    canvas, results = fitted
    for _, result in results:
        posts = [(spec, g) for spec, g in zip(result.slides, result.geometries) if spec.kind == "post" and not spec.continued]
        for (left, left_g), (right, right_g) in itertools.pairwise(posts):
            if left.declaration.text.font != right.declaration.text.font or left.body_scale == right.body_scale:
                continue
            small_g = left_g if left.body_scale < right.body_scale else right_g
            # the smaller one is as large as it can be: it fills its band (or it continues)
            assert small_g.used / small_g.capacity >= 0.55, (canvas, left.label, left.body_scale, right.label, right.body_scale)


def test_an_image_takes_the_room_its_text_leaves(fitted):
    """The layout guesses the image's room from the text's estimated height; the fitter
    corrects it by the measured layout: an image held by its height leaves no room."""
    canvas, results = fitted
    checked = 0
    for grid, spec, g in _posts(results):
        if spec.image is None or spec.declaration.image.place not in ("above", "below") or g.media is None:
            continue
        width, height = g.media
        at_most = height >= spec.declaration.image.share[1] * grid.content_height - grid.unit
        full_width = width >= grid.content_width - grid.unit
        free = g.capacity - g.used
        assert g.fits
        assert at_most or full_width or free <= (MEDIA_SLACK + 1) * grid.unit, (canvas, spec.layout, width, height, free)
        checked += 1
    assert checked >= 2


def test_very_short_posts_are_set_as_hooks(fitted):
    """A one-sentence post grown to the title size is set in the display face, as large
    as its layout allows it to fit, whatever size its neighbours take."""
    canvas, results = fitted
    hooks = 0
    for grid, result in results:
        for spec, g in zip(result.slides, result.geometries):
            if spec.kind == "post" and body_in_display(spec, grid, spec.body_scale):
                hooks += 1
                assert g.fits
                assert spec.body_scale >= grid.title_size / grid.body_size
                assert "slide--display" in result.html
    assert hooks >= 1, canvas
