"""Render benchmark: whole-process builds of a project and where the per-slide time goes.

    .venv/bin/python bench/render.py [--project DIR] [--repeat N]

1. Whole process: `carousel build --force -j 1` with `--format pdf` and `pdf,png`,
   interleaved, wall and CPU time (the process and its children), median of N runs.
2. In process, per thread: our render (fitting included) against WeasyPrint alone laying
   out and writing our final HTML (target: ours within 1.15x), then the stages of one
   render of the final slides, per slide: the template (Jinja), WeasyPrint's layout, our
   overflow measurement, PDF writing, PNG export.

The project is copied to a temporary folder first: nothing (not even .carousel-cache/)
is written into it. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _corpus import full_build_argv

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns("output", ".carousel-cache", ".venv", ".git", "__pycache__", "node_modules")
    )
    return target


def whole_process(project: Path, formats: str, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one build in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        full_build_argv(project, formats, out),
        check=True,
        capture_output=True,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO)},  # this checkout's code
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cpu_and_wall(function, *args):
    """(result, CPU seconds, wall seconds) of a call in this process."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = function(*args)
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        project_dir = copy_project(args.project.resolve(), Path(folder) / "project")
        print(f"bench/render.py  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  {os.cpu_count()} CPUs  load {os.getloadavg()[0]:.1f}")
        print(f"project: {args.project} (copied)")
        runs: dict[str, list[tuple[float, float]]] = {"pdf": [], "pdf,png": []}
        for formats in runs:  # warm-up: disk, fontconfig and template caches
            whole_process(project_dir, formats, Path(folder) / "warm")
        for _ in range(args.repeat):
            for formats in runs:
                runs[formats].append(whole_process(project_dir, formats, Path(folder) / "out"))
        for formats, measured in runs.items():
            walls, cpus = [w for w, _ in measured], [c for _, c in measured]
            print(
                f"whole process, --format {formats:<8} wall {statistics.median(walls):6.2f}s  CPU {statistics.median(cpus):6.2f}s  (median of {args.repeat}, interleaved)"
            )
        in_process(project_dir, args.repeat)


def in_process(project_dir: Path, repeat: int) -> None:
    from generator.build import BuildRequest, plan_threads
    from generator.catalog import load_catalog
    from generator.project import Project
    from generator.render.engine import weasyprint
    from generator.render.fit import fit_slides
    from generator.render.geometry import measure_slides
    from generator.render.grid import grid_for
    from generator.render.html import render_html
    from generator.render.pdf import layout_document, pdf_bytes
    from generator.render.raster import rasterise
    from generator.render.thread import Renderer

    project = Project.at(project_dir).with_user_cache(os.environ)
    renderer = Renderer(project)  # configures fonts before WeasyPrint is used
    catalog = load_catalog(project)
    request = BuildRequest(project=project, out_dir=project_dir / "out", now=datetime.now(UTC), cli_options={"formats": ["pdf"]})
    plans = [plan for _, plan, _failure in plan_threads(catalog, request) if plan is not None]

    print(f"\n{'thread':<28} {'slides':>6} {'ours/slide':>11} {'weasy/slide':>12} {'ratio':>6}   (CPU, best of {repeat})")
    total_ours = total_weasy = total_slides = 0.0
    stages = {"template": 0.0, "layout": 0.0, "measure": 0.0, "write PDF": 0.0, "PNG export": 0.0}
    for plan in plans:
        renderer.render(plan)  # warm-up: templates, fonts, images
        ours, weasy = [], []
        for _ in range(repeat):
            artifacts, cpu, _ = cpu_and_wall(renderer.render, plan)
            ours.append(cpu)
            base = plan.meta.source_path.parent.as_uri() + "/"
            _, cpu, _ = cpu_and_wall(lambda: weasyprint.HTML(string=artifacts.html, base_url=base).write_pdf())  # noqa: B023
            weasy.append(cpu)
        slides = artifacts.slide_count
        o, w = min(ours), min(weasy)
        total_ours, total_weasy, total_slides = total_ours + o, total_weasy + w, total_slides + slides
        print(f"{plan.meta.slug:<28} {slides:>6} {o / slides * 1000:>9.1f}ms {w / slides * 1000:>10.1f}ms {o / w:>6.2f}")

        # the stages of one render of the final slides (as the fitter's last pass does them)
        fitted = fit_slides(renderer, plan)
        theme = renderer.theme(plan.theme).with_accent(plan.profile.accent if plan.profile else None)
        html, cpu, _ = cpu_and_wall(render_html, renderer.environment, project, plan, theme, tuple(fitted.slides))
        stages["template"] += cpu
        (document, _refused, _log), cpu, _ = cpu_and_wall(layout_document, html, plan.meta.source_path.parent, project.trusted_roots)
        stages["layout"] += cpu
        _, cpu, _ = cpu_and_wall(measure_slides, document.pages, grid_for(plan.canvas, plan.options.typography))
        stages["measure"] += cpu
        pdf, cpu, _ = cpu_and_wall(pdf_bytes, document, html)
        stages["write PDF"] += cpu
        _, cpu, _ = cpu_and_wall(rasterise, pdf, plan.canvas, "png")
        stages["PNG export"] += cpu
    if total_slides:
        print(
            f"{'all':<28} {int(total_slides):>6} {total_ours / total_slides * 1000:>9.1f}ms {total_weasy / total_slides * 1000:>10.1f}ms {total_ours / total_weasy:>6.2f}   (target <= 1.15)"
        )
        print(f"\nper slide, one render of the final slides ({int(total_slides)} slides, CPU):")
        total = sum(stages.values())
        for name, seconds in stages.items():
            print(f"  {name:<12} {seconds / total_slides * 1000:7.1f} ms  {seconds / total * 100:5.1f} %")
    font_paths(plans, renderer, pdf_bytes, fit_slides)


def font_paths(plans, renderer, pdf_bytes, fit_slides) -> None:
    """PDF writing with HarfBuzz subsetting against WeasyPrint's fontTools fallback (no libharfbuzz-subset)."""
    import weasyprint.pdf.fonts as pdf_fonts

    if pdf_fonts.harfbuzz_subset is None:
        print("\nfont subsetting: libharfbuzz-subset0 is not installed here: every PDF uses the fontTools path")
        return
    print("\nfont subsetting, write_pdf only (CPU): HarfBuzz / fontTools fallback (as without libharfbuzz-subset0)")
    for plan in plans:
        fitted = fit_slides(renderer, plan)
        _, harfbuzz, _ = cpu_and_wall(pdf_bytes, fitted.document, fitted.html)
        saved, pdf_fonts.harfbuzz_subset = pdf_fonts.harfbuzz_subset, None
        try:
            _, fonttools, _ = cpu_and_wall(pdf_bytes, fitted.document, fitted.html)
        finally:
            pdf_fonts.harfbuzz_subset = saved
        print(
            f"  {plan.meta.slug:<28} {harfbuzz * 1000:7.0f} ms / {fonttools * 1000:7.0f} ms  (+{(fonttools - harfbuzz) * 1000:.0f} ms per thread)"
        )


if __name__ == "__main__":
    main()
