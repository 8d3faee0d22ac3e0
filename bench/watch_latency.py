"""Watch-mode latency: save → PDF replaced, for a 10-slide thread, beside its one-shot render.

    .venv/bin/python bench/watch_latency.py [--saves N]

(a) The time from writing the thread file to the PDF being replaced on disk, while
`carousel watch -j 1` runs, against the time the same thread takes to plan and render
in a warm process (median of N). Target: latency ≤ 1.5× the warm render.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from _corpus import make_project, thread_text


def warm_render_times(project: Path, runs: int) -> list[float]:
    """Plan + render the thread in this process, after one warm-up render."""
    from generator.build import BuildRequest, plan_threads
    from generator.catalog import load_catalog
    from generator.project import Project
    from generator.render.thread import Renderer

    prepared = Project.at(project).with_user_cache(os.environ)
    renderer = Renderer(prepared)
    request = BuildRequest(project=prepared, out_dir=project / "unused", now=datetime.now(UTC))
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        catalog = load_catalog(prepared)
        [(_, plan, failure)] = plan_threads(catalog, request)
        assert plan is not None, failure
        renderer.render(plan)
        if run:  # the first is the warm-up
            times.append(time.perf_counter() - started)
    return times


def pdf_signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def watch_latencies(project: Path, saves: int) -> list[float]:
    pdf = project / "output/thread-000/thread-000.pdf"
    source = project / "content/thread-000.md"
    env = {key: value for key, value in os.environ.items() if key != "TERM"}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "watch", "-j", "1", "--project", str(project)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(line.rstrip() for line in process.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 300
        while not any("Ctrl-C to stop" in line for line in lines):
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("watch did not start:\n" + "\n".join(lines))
            time.sleep(0.05)
        time.sleep(3)  # let the warm-up render of the worker finish
        latencies = []
        base = source.read_text(encoding="utf-8")
        for save in range(saves):
            before = pdf_signature(pdf)
            text = base.replace("title: Bench thread 000", f"title: Bench thread 000 (save {save + 1})")
            started = time.perf_counter()
            source.write_text(text, encoding="utf-8")
            deadline = time.monotonic() + 120
            while pdf_signature(pdf) == before:
                if time.monotonic() > deadline:
                    raise SystemExit("the PDF was not replaced:\n" + "\n".join(lines[-20:]))
                time.sleep(0.002)
            latencies.append(time.perf_counter() - started)
            time.sleep(1.0)  # the editor idles between saves
        return latencies
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = make_project(Path(folder) / "project", threads=1, posts=8)
        assert thread_text(0).count("\n---\n") >= 8
        warm = warm_render_times(project, args.saves)
        subprocess.run([sys.executable, "-m", "generator", "build", "-j", "1", "--project", str(project)], check=True, capture_output=True)
        latencies = watch_latencies(project, args.saves)
    render = statistics.median(warm)
    latency = statistics.median(latencies)
    print("(a) watch mode: save -> PDF replaced, 10-slide thread")
    print(f"    warm one-shot plan+render  median {render * 1000:7.0f} ms   (runs: {', '.join(f'{t * 1000:.0f}' for t in warm)})")
    print(f"    save -> PDF replaced       median {latency * 1000:7.0f} ms   (saves: {', '.join(f'{t * 1000:.0f}' for t in latencies)})")
    print(f"    ratio {latency / render:.2f}x   (target <= 1.5x)")


if __name__ == "__main__":
    main()
