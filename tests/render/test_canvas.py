"""Every canvas preset and a custom size give pages and PNGs of exactly that size."""

from __future__ import annotations

from PIL import Image

from generator.canvas import CANVAS_PRESETS
from tests.helpers import build_in_process, pdf_pages, write_project

POST = "A short post 🚀 with #hashtag.\n\n---\n\nAnother post.\n"


def test_all_canvases_exact_size(tmp_path):
    sizes = dict(CANVAS_PRESETS)
    files = {f"content/{name}.md": f"---\ntitle: {name}\ncanvas: {name}\n---\n\n{POST}" for name in CANVAS_PRESETS}
    files["content/custom.md"] = f"---\ntitle: custom\ncanvas: {{width: 1200, height: 628}}\n---\n\n{POST}"
    sizes["custom"] = (1200, 628)
    write_project(tmp_path, files)
    result = build_in_process(tmp_path, "--format", "pdf,png")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    for slug, (width, height) in sizes.items():
        pages = pdf_pages(tmp_path / "output" / slug / f"{slug}.pdf")
        assert len(pages) == 4
        assert {(p["width"], p["height"]) for p in pages} == {(width, height)}, slug
        for png in sorted((tmp_path / "output" / slug / "slides").glob("*.png")):
            with Image.open(png) as image:
                assert image.size == (width, height), png
