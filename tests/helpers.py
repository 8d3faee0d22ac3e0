"""Helpers for tests: tmp_path projects and running the real CLI."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create a project: {relative path: text or bytes}. Text is dedented."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run_carousel(project: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `carousel ARGS` in a fresh process inside the project, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def pdf_pages(path: Path) -> list[dict]:
    """Each page of a PDF: size in CSS px and its text layer."""
    document = pdfium.PdfDocument(path)
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            width_pt, height_pt = page.get_size()
            textpage = page.get_textpage()
            pages.append({"width": round(width_pt / 0.75, 2), "height": round(height_pt / 0.75, 2), "text": textpage.get_text_range()})
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages


def embedded_font_names(pdf_bytes: bytes) -> set[str]:
    """BaseFont names of the fonts embedded in a PDF (subset prefixes removed)."""
    from tests.pdfread import embedded_fonts

    return {font.base_font for font in embedded_fonts(pdf_bytes)}


def build_in_process(project: Path, *args: str):
    """`carousel build ARGS` for `project` in this process (click's CliRunner), one job."""
    from click.testing import CliRunner

    from generator.cli import main

    return CliRunner().invoke(main, ["build", "--project", str(project), "-j", "1", *args])


def carousel_in_process(project: Path, *args: str):
    """`carousel ARGS` run inside the project folder, in this process (click's CliRunner).

    The command's exit code and stderr as the process would have them (an exception that
    escapes the command is raised here, as a traceback would end the process); what only
    a real process shows (its exit, signals, locks between processes) is for `run_carousel`.
    """
    from click.testing import CliRunner

    from generator.cli import main

    with contextlib.chdir(project):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)


Box = tuple[float, float, float, float]  # left, top, right, bottom in CSS px


def _css_box(left: float, bottom: float, right: float, top: float, page_height: float) -> Box:
    """A pdfium box (pt, from the page's bottom) in CSS px from the page's top."""
    return left / 0.75, (page_height - top) / 0.75, right / 0.75, (page_height - bottom) / 0.75


def word_boxes(pdf: Path, word: str) -> Iterator[tuple[int, str, Box, float]]:
    """Every place pdfium finds `word` (a word or the start of one), page by page:
    (page index, the whole word found there, box of its first letter, page width in CSS px)."""
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
                at = text.find(word)
                while at != -1:
                    whole = text[at:].split(maxsplit=1)[0]
                    yield index, whole, _css_box(*textpage.get_charbox(at), height), width / 0.75
                    at = text.find(word, at + 1)
            finally:
                textpage.close()
    finally:
        document.close()


def find_word(pdf: Path, word: str) -> tuple[int, Box, float]:
    """Where pdfium finds `word` first: (page index, box of its first letter in CSS px:
    left, top, right, bottom, page width in CSS px)."""
    for index, _whole, box, width in word_boxes(pdf, word):
        return index, box, width
    raise AssertionError(f"{word} not found in {pdf}")


def image_boxes(pdf: Path, index: int) -> list[Box]:
    """The boxes, in CSS px, of the images drawn on a page (inside forms too)."""
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        height = page.get_size()[1]
        return [_css_box(*image.get_bounds(), height) for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8)]
    finally:
        document.close()


def thread_plans(project):
    """Every thread's plan of a project (a `Project`), by slug, as a build would make them now."""
    from datetime import UTC, datetime

    from generator.build import BuildRequest, plan_threads
    from generator.catalog import load_catalog

    request = BuildRequest(project=project, out_dir=project.root / "output", now=datetime.now(UTC))
    return {plan.meta.slug: plan for _, plan, _failure in plan_threads(load_catalog(project), request) if plan is not None}
