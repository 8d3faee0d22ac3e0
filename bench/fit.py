"""Benchmark of text fitting: layout passes per slide, fitting time against a plain render.

    python bench/fit.py                     # the sample threads of content/ and the adversarial corpus
    python bench/fit.py --canvas story      # the corpus on another canvas
    python bench/fit.py --no-corpus PROJECT # only a project's threads
    python bench/fit.py --no-linearity      # skip the post-length series

The post-length series fits one post of 60 to 1,920 words (split over as many slides as
it needs): time per word should stay flat (near-linear fitting) and passes per slide low.

For every thread: the slides fitting made, the slides it laid out (all passes; 1.0 per
slide means the guess was right first time), and the time per slide of fitting (guess +
every layout + measuring) against one plain layout of the same final slides. PDF
writing is left out of both. Nothing is written to the project.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from generator.build import BuildRequest, plan_threads  # noqa: E402
from generator.catalog import load_catalog  # noqa: E402
from generator.project import Project  # noqa: E402
from generator.render.fit import fit_slides  # noqa: E402
from generator.render.pdf import layout_document  # noqa: E402
from generator.render.thread import Renderer  # noqa: E402


def bench_project(root: Path, label: str) -> tuple[int, int, float, float]:
    """Fit every thread of a project; print a row per thread. Returns totals."""
    project = Project.at(root).with_user_cache(os.environ)
    catalog = load_catalog(project)
    request = BuildRequest(project=project, out_dir=root / "output", now=datetime.now(UTC), include_drafts=True, include_future=True)
    renderer = Renderer(project)
    slides = layouts = 0
    fit_seconds = plain_seconds = 0.0
    print(f"\n{label}: {root}")
    print(
        f"  {'thread':28} {'slides':>6} {'laid out':>8} {'passes/slide':>12} {'fit ms/slide':>12} {'plain ms/slide':>14} {'ratio':>6}  notes"
    )
    for path, plan, failure in plan_threads(catalog, request):
        if plan is None:
            print(f"  {path.name:28} failed: {'; '.join(str(d) for d in failure.diagnostics)}")
            continue
        fitted = fit_slides(renderer, plan)
        started = time.perf_counter()
        layout_document(fitted.html, plan.meta.source_path.parent, project.trusted_roots)
        plain = time.perf_counter() - started
        count = len(fitted.slides)
        slides += count
        layouts += fitted.layouts
        fit_seconds += fitted.seconds
        plain_seconds += plain
        problems = f" PROBLEMS: {fitted.problems}" if fitted.problems else ""
        print(
            f"  {plan.meta.slug[:28]:28} {count:6d} {fitted.layouts:8d} {fitted.passes_per_slide:12.2f} "
            f"{1000 * fitted.seconds / count:12.0f} {1000 * plain / count:14.0f} {fitted.seconds / plain:6.2f}  "
            f"{'; '.join(fitted.notes)}{problems}"
        )
    return slides, layouts, fit_seconds, plain_seconds


LINEARITY_WORDS = (60, 120, 240, 480, 960, 1920)
SENTENCE = "Small batches ship sooner because every release teaches the team something real about its users"


def linearity(folder: Path) -> None:
    """Fit one post of growing length; print slides, passes and time per word."""
    root = folder / "linearity"
    (root / "content").mkdir(parents=True)
    words = SENTENCE.split()
    for count in LINEARITY_WORDS:
        sentences, total = [], 0
        while total < count:
            sentences.append(" ".join(words) + ".")
            total += len(words)
        paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
        (root / "content" / f"words-{count:05d}.md").write_text(
            f"---\ntitle: {count} words\ncover: {{show: false}}\noutro: {{show: false}}\n---\n\n" + "\n\n".join(paragraphs) + "\n",
            encoding="utf-8",
        )
    project = Project.at(root).with_user_cache(os.environ)
    catalog = load_catalog(project)
    request = BuildRequest(project=project, out_dir=root / "output", now=datetime.now(UTC), include_drafts=True, include_future=True)
    renderer = Renderer(project)
    print(f"\npost length (one post, split as needed): {root}")
    print(f"  {'words':>6} {'slides':>6} {'laid out':>8} {'passes/slide':>12} {'fit ms':>8} {'ms/word':>8} {'ms/slide':>9}")
    previous: tuple[int, float] | None = None
    for _path, plan, failure in plan_threads(catalog, request):
        if plan is None:
            print(f"  failed: {failure.diagnostics}")
            continue
        count = int(plan.meta.title.split()[0])
        started = time.process_time()
        fitted = fit_slides(renderer, plan)
        seconds = time.process_time() - started
        growth = f"(words x{count / previous[0]:.0f}: time x{seconds / previous[1]:.2f})" if previous else ""
        previous = (count, seconds)
        print(
            f"  {count:6d} {len(fitted.slides):6d} {fitted.layouts:8d} {fitted.passes_per_slide:12.2f} {seconds * 1000:8.0f} "
            f"{seconds / count * 1000:8.2f} {seconds / len(fitted.slides) * 1000:9.0f}   {growth}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=REPO_ROOT, help="project whose content/ to fit (default: this repository)")
    parser.add_argument("--canvas", default="linkedin-portrait", help="canvas of the adversarial corpus")
    parser.add_argument("--no-corpus", action="store_true", help="skip the adversarial corpus")
    parser.add_argument("--no-linearity", action="store_true", help="skip the post-length series")
    args = parser.parse_args()

    # warm WeasyPrint up (fonts, CSS machinery) so that the first thread is not charged for it
    warm = Renderer(Project.at(args.project).with_user_cache(os.environ))
    layout_document("<p>warm up</p>", args.project, warm.project.trusted_roots)

    totals = [0, 0, 0.0, 0.0]
    sources = []
    if (args.project / "content").is_dir() and any((args.project / "content").rglob("*.md")):
        sources.append((args.project.resolve(), "sample threads"))
    with tempfile.TemporaryDirectory() as temporary:
        if not args.no_corpus or not sources:
            sys.path.insert(0, str(REPO_ROOT))
            from tests.fixtures.fit.corpus import write_corpus

            corpus = Path(temporary) / "corpus"
            write_corpus(corpus, args.canvas)
            sources.append((corpus, f"adversarial corpus ({args.canvas})"))
        for root, label in sources:
            result = bench_project(root, label)
            totals = [a + b for a, b in zip(totals, result)]
            slides, layouts, fit_s, plain_s = result
            if slides:
                print(
                    f"  {'= ' + label:28} {slides:6d} {layouts:8d} {layouts / slides:12.2f} {1000 * fit_s / slides:12.0f} {1000 * plain_s / slides:14.0f} {fit_s / plain_s:6.2f}"
                )
        if not args.no_linearity:
            linearity(Path(temporary))
    slides, layouts, fit_s, plain_s = totals
    if slides:
        print(
            f"\nall: {slides} slides, {layouts / slides:.2f} layout passes per slide, "
            f"fitting {1000 * fit_s / slides:.0f} ms/slide vs plain render {1000 * plain_s / slides:.0f} ms/slide ({fit_s / plain_s:.2f}x)"
        )


if __name__ == "__main__":
    main()
