"""Type grows to fill the slide: threads in the style of real ones (short and medium posts
without headings) fill their content bands, measured from WeasyPrint's layout."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime

import pytest

from generator.build import BuildRequest, plan_threads
from generator.catalog import load_catalog
from generator.project import Project
from generator.render.fit import fit_slides
from generator.render.thread import Renderer
from tests.fixtures.fit.threads import write_real_threads


def _fitted(root):
    project = Project.at(root)
    request = BuildRequest(project=project, out_dir=root / "output", now=datetime.now(UTC))
    renderer = Renderer(project)
    return [fit_slides(renderer, plan) for _, plan, failure in plan_threads(load_catalog(project), request) if plan is not None]


@pytest.fixture(scope="module", params=["linkedin-portrait", "story"])
def fitted(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"real-{request.param}")
    write_real_threads(root, request.param)
    return request.param, _fitted(root)


def test_post_slides_fill_their_content_band(fitted):
    canvas, results = fitted
    fills = [g.used / g.capacity for result in results for spec, g in zip(result.slides, result.geometries) if spec.kind == "post"]
    assert len(fills) >= 16
    assert statistics.median(fills) >= 0.55, (canvas, sorted(round(f, 2) for f in fills))
    assert min(fills) >= 0.15, (canvas, sorted(round(f, 2) for f in fills))
    assert all(g.fits for result in results for g in result.geometries)


def test_a_carousel_uses_a_few_consistent_sizes(fitted):
    _, results = fitted
    for result in results:
        sizes = {spec.body_scale for spec in result.slides if spec.kind == "post"}
        assert len(sizes) <= 5, sizes  # the base size and at most four grown steps
        assert max(sizes) > 1.0  # short posts were set larger


def test_growing_costs_few_layout_passes(fitted):
    _, results = fitted
    slides = sum(len(result.slides) for result in results)
    assert sum(result.layouts for result in results) / slides <= 1.3
