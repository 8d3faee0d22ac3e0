"""Render benchmark: whole-process build time of the samples, and per-slide render
time of our pipeline against WeasyPrint rendering the same final HTML alone.

    .venv/bin/python bench/render.py [--project DIR] [--repeat N]

Prints figures; asserts nothing. Target: ours within 1.15x of WeasyPrint alone.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def whole_process(project: Path, formats: str) -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "generator", "build", "--force", "-j", "1", "--format", formats, "--out", out, "--project", str(project)],
            check=True, capture_output=True,
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print(f"project: {args.project}")
    for formats in ("pdf", "pdf,png"):
        times = [whole_process(args.project, formats) for _ in range(args.repeat)]
        print(f"whole process, --format {formats:<8} median {statistics.median(times):6.2f}s  (runs: {', '.join(f'{t:.2f}' for t in times)})")

    from generator.build import BuildRequest, plan_threads
    from generator.catalog import load_catalog
    from generator.project import Project
    from generator.render.thread import Renderer

    project = Project.at(args.project)
    renderer = Renderer(project)  # configures fonts before WeasyPrint is used
    import weasyprint

    catalog = load_catalog(project)
    request = BuildRequest(project=project, out_dir=Path(tempfile.mkdtemp()), now=datetime.now(timezone.utc), cli_options={"formats": ["pdf"]})
    plans = [plan for _, plan, failure in plan_threads(catalog, request) if plan is not None]

    print(f"\n{'thread':<28} {'slides':>6} {'ours/slide':>11} {'weasy/slide':>12} {'ratio':>6}")
    total_ours = total_weasy = total_slides = 0.0
    for plan in plans:
        renderer.render(plan)  # warm-up: templates, fonts, images
        ours, weasy = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            artifacts = renderer.render(plan)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            weasyprint.HTML(string=artifacts.html, base_url=plan.meta.source_path.parent.as_uri() + "/").write_pdf()
            weasy.append(time.perf_counter() - started)
        slides = artifacts.slide_count
        o, w = min(ours), min(weasy)
        total_ours, total_weasy, total_slides = total_ours + o, total_weasy + w, total_slides + slides
        print(f"{plan.meta.slug:<28} {slides:>6} {o / slides * 1000:>9.1f}ms {w / slides * 1000:>10.1f}ms {o / w:>6.2f}")
    if total_slides:
        print(f"{'all':<28} {int(total_slides):>6} {total_ours / total_slides * 1000:>9.1f}ms {total_weasy / total_slides * 1000:>10.1f}ms {total_ours / total_weasy:>6.2f}   (target <= 1.15)")


if __name__ == "__main__":
    main()
