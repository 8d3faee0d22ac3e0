"""Every theme × layout × (portrait, square, story) renders a standard post without overflow."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from generator.catalog import available_layouts
from generator.layouts import load_layouts
from generator.project import Project
from generator.themes import available_themes
from tests.helpers import build_in_process, pdf_pages, write_project

# image-led layouts and the image each is given (a photo fills the slide: a large one)
IMAGE_LAYOUTS = {"image": "diagram.png", "photo": "photo.png", "split": "diagram.png", "tweet": "diagram.png"}
CANVASES = {"linkedin-portrait": (1080, 1350), "linkedin-square": (1080, 1080), "story": (1080, 1920)}
# Instagram takes at most 10 slides: on story the layouts are shared by two threads
PARTS = {"story": 2}


def parts(canvas: str, layouts: list[str]) -> dict[str, list[str]]:
    """The threads of one theme on one canvas (file name suffix -> the layouts it shows)."""
    count = PARTS.get(canvas, 1)
    if count == 1:
        return {"": list(layouts)}
    size = -(-len(layouts) // count)
    return {f"-{k + 1}": list(layouts[k * size : (k + 1) * size]) for k in range(count)}


STANDARD_POST = (
    "## A standard post title\n\n"
    "A typical post has two or three sentences. It makes **one point** clearly, with a #hashtag, "
    "a mention of @someone and an emoji 💡. Long words like "
    "supercalifragilisticexpialidocious-and-then-some-more-characters-to-wrap must wrap.\n\n"
    "- a first point\n- a second point"
)

# a two-column layout gets two sections, as a post written for it would have
COMPARE_POST = STANDARD_POST.replace("- a first point\n- a second point", "### Before\n\n- a first point\n\n### After\n\n- a second point")


def _post_for(columns: int) -> str:
    return COMPARE_POST if columns == 2 else STANDARD_POST


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
    index = load_layouts(project)
    files: dict[str, str | bytes] = {
        "carousel.yaml": (
            "profiles:\n  me:\n    name: Robin Example\n    handle: '@robin'\n    avatar: assets/me.png\n    website: example.com\n"
        ),
        "assets/me.png": _diagram(),
        "content/images/diagram.png": _diagram(),
        "content/images/photo.png": _diagram((1200, 1500)),
    }

    def posts(shown: list[str]) -> str:
        # image-led layouts get an image, as a standard post for them would have
        return "\n\n---\n\n".join(
            f"<!-- layout: {layout}{f', image: images/{IMAGE_LAYOUTS[layout]}' if layout in IMAGE_LAYOUTS else ''} -->\n"
            f"{_post_for(index[layout].declaration.columns)}"
            for layout in shown
        )

    for theme in themes:
        for canvas in CANVASES:
            for suffix, shown in parts(canvas, layouts).items():
                files[f"content/{theme}-{canvas}{suffix}.md"] = (
                    f"---\ntitle: How {theme} looks on {canvas}\nsubtitle: One standard post per layout\n"
                    f"theme: {theme}\ncanvas: {canvas}\npattern: dots\n---\n\n{posts(shown)}\n"
                )
    write_project(project_dir, files)
    result = build_in_process(project_dir)
    return project_dir, themes, layouts, result


def test_there_are_enough_themes_and_layouts(matrix):
    _, themes, layouts, _ = matrix
    assert len(themes) >= 8
    assert {"classic", "tweet", "numbered", "quote", "image", "split"} <= set(layouts)


def test_matrix_builds_without_any_warning(matrix):
    _, _, _, result = matrix
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr


def test_every_page_has_the_canvas_size_and_the_planned_count(matrix):
    project_dir, themes, layouts, _ = matrix
    for theme in themes:
        for canvas, size in CANVASES.items():
            for suffix, shown in parts(canvas, layouts).items():
                slug = f"{theme}-{canvas}{suffix}"
                pages = pdf_pages(project_dir / "output" / slug / f"{slug}.pdf")
                assert len(pages) == len(shown) + 2  # cover + one slide per layout + outro
                assert all((p["width"], p["height"]) == size for p in pages)
                body = re.sub(r"\s+", " ", " ".join(p["text"] for p in pages[1:-1]))
                assert len(re.findall("typical post", body)) == len(shown), slug
