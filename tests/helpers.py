"""Helpers for tests: tmp_path projects and running the real CLI."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
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


def find_word(pdf: Path, word: str) -> tuple[int, tuple[float, float, float, float], float]:
    """Where pdfium finds `word` first: (page index, box of its first letter in CSS px:
    left, top, right, bottom, page width in CSS px)."""
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if word in text:
                left, bottom, right, top = textpage.get_charbox(text.index(word))
                width, height = page.get_size()
                textpage.close()
                return index, (left / 0.75, (height - top) / 0.75, right / 0.75, (height - bottom) / 0.75), width / 0.75
            textpage.close()
    finally:
        document.close()
    raise AssertionError(f"{word} not found in {pdf}")


def thread_plans(project):
    """Every thread's plan of a project (a `Project`), by slug, as a build would make them now."""
    from datetime import UTC, datetime

    from generator.build import BuildRequest, plan_threads
    from generator.catalog import load_catalog

    request = BuildRequest(project=project, out_dir=project.root / "output", now=datetime.now(UTC))
    return {plan.meta.slug: plan for _, plan, _failure in plan_threads(load_catalog(project), request) if plan is not None}
