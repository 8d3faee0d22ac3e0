"""Every theme × layout × (portrait, square) renders a standard post without overflow."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from generator.catalog import available_layouts
from generator.project import Project
from generator.themes import available_themes
from tests.helpers import pdf_pages, run_carousel, write_project

# image-led layouts and the image each is given (a photo fills the slide: a large one)
IMAGE_LAYOUTS = {"image": "diagram.png", "photo": "photo.png", "split": "diagram.png", "tweet": "diagram.png"}
CANVASES = {"linkedin-portrait": (1080, 1350), "linkedin-square": (1080, 1080)}
STANDARD_POST = (
    "## A standard post title\n\n"
    "A typical post has two or three sentences. It makes **one point** clearly, with a #hashtag, "
    "a mention of @someone and an emoji 💡. Long words like "
    "supercalifragilisticexpialidocious-and-then-some-more-characters-to-wrap must wrap.\n\n"
    "- a first point\n- a second point"
)


def _diagram(size: tuple[int, int] = (800, 500)) -> bytes:
    image = Image.new("RGB", size, "#4a7bd0")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    project_dir = tmp_path_factory.mktemp("matrix")
    project = Project.at(project_dir)
    themes = available_themes(project)
    layouts = available_layouts(project)
    files: dict[str, str | bytes] = {
        "carousel.yaml": (
            "profiles:\n  me:\n    name: Robin Example\n    handle: '@robin'\n    avatar: assets/me.png\n    website: example.com\n"
        ),
        "assets/me.png": _diagram(),
        "content/images/diagram.png": _diagram(),
        "content/images/photo.png": _diagram((1200, 1500)),
    }
    # image-led layouts get an image, as a standard post for them would have
    posts = "\n\n---\n\n".join(
        f"<!-- layout: {layout}{f', image: images/{IMAGE_LAYOUTS[layout]}' if layout in IMAGE_LAYOUTS else ''} -->\n{STANDARD_POST}"
        for layout in layouts
    )
    for theme in themes:
        for canvas in CANVASES:
            files[f"content/{theme}-{canvas}.md"] = (
                f"---\ntitle: How {theme} looks on {canvas}\nsubtitle: One standard post per layout\n"
                f"theme: {theme}\ncanvas: {canvas}\npattern: dots\n---\n\n{posts}\n"
            )
    write_project(project_dir, files)
    result = run_carousel(project_dir, "build", timeout=900)
    return project_dir, themes, layouts, result


def test_there_are_enough_themes_and_layouts(matrix):
    _, themes, layouts, _ = matrix
    assert len(themes) >= 8
    assert {"classic", "tweet", "numbered", "quote", "image", "split"} <= set(layouts)


def test_matrix_builds_without_any_warning(matrix):
    _, _, _, result = matrix
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr


def test_every_page_has_the_canvas_size_and_the_planned_count(matrix):
    project_dir, themes, layouts, _ = matrix
    for theme in themes:
        for canvas, size in CANVASES.items():
            pages = pdf_pages(project_dir / "output" / f"{theme}-{canvas}" / f"{theme}-{canvas}.pdf")
            assert len(pages) == len(layouts) + 2  # cover + one slide per layout + outro
            assert all((p["width"], p["height"]) == size for p in pages)
            body = re.sub(r"\s+", " ", " ".join(p["text"] for p in pages[1:-1]))
            assert len(re.findall("typical post", body)) == len(layouts), f"{theme} {canvas}"
