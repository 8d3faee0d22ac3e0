"""Start-up: a no-op `carousel build` and `carousel list` of a 200-thread repo, CPU and wall.

    .venv/bin/python bench/startup.py [--threads 200] [--project DIR] [--repeat 5]

The repo is built once (`carousel build`, no CLI options, so `list` finds the same cache
keys), then each command runs `--repeat` times, interleaved, in fresh processes. Also
reports which heavy libraries each command imported (target: none of WeasyPrint,
Pygments, pypdfium2 when nothing is rendered). Target: < 1 s CPU each. generator/ is
byte-compiled first, as an installed package is. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _corpus import ensure_bytecode, make_project

HEAVY = ("weasyprint", "pygments", "pypdfium2", "fontTools", "jinja2")


def run(project: Path, *args: str) -> tuple[float, float, set[str]]:
    """(wall, CPU, heavy modules imported) of `carousel ARGS` in a fresh process."""
    env = {key: value for key, value in os.environ.items() if key != "TERM"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "generator", *args, "--project", str(project)], capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"carousel {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), {name for name in HEAVY if name in imported}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--project", type=Path, default=None, help="Reuse (or create and build) the repo here.")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    note = ensure_bytecode()
    with tempfile.TemporaryDirectory() as folder:
        project = args.project or Path(folder) / "project"
        if not (project / "content").is_dir():
            make_project(project, args.threads)
        run(project, "build")  # builds what is not up to date (everything, the first time)
        commands = {"no-op build": ("build",), "list": ("list",)}
        results: dict[str, list[tuple[float, float, set[str]]]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                results[name].append(run(project, *command))
    print(
        f"bench/startup.py  {args.threads}-thread repo, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, median of {args.repeat} interleaved runs"
    )
    print(f"  {note}")
    for name, runs in results.items():
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        heavy = sorted(set().union(*(r[2] for r in runs)))
        print(
            f"  {name:<12} wall {statistics.median(walls):5.2f} s   CPU {statistics.median(cpus):5.2f} s   (target < 1 s CPU)   heavy imports: {', '.join(heavy) or 'none'}"
        )


if __name__ == "__main__":
    main()
