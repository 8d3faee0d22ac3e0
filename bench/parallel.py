"""Parallel build: the full 200-thread build with -j 1 and -j 2, and their outputs compared.

    .venv/bin/python bench/parallel.py [--threads 200] [--project DIR]

(c) Target: -j 2 at least 1.7x faster than -j 1 on 2 cores; the two outputs must be
byte-identical. Also prints the CPU time of each build (the whole process tree) and the
load average: on a machine shared with other work the wall-clock speed-up understates
what two free cores give, and CPU time (-j 1) / (wall -j 2 x 2 cores) shows the
parallel efficiency. Peak memory as in bench/memory.py. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from _corpus import cpu_count, make_project, mb, measured_build, tree_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--project", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = args.project or Path(folder) / "project"
        if not (project / "content").is_dir():
            make_project(project, args.threads)
        runs = {}
        for jobs in (1, 2):
            out = project / f"bench-out-j{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            runs[jobs] = measured_build(project, "--force", "-j", str(jobs), "--out", str(out))
        one, two = tree_bytes(project / "bench-out-j1"), tree_bytes(project / "bench-out-j2")
        identical = one == two
        for jobs in (1, 2):
            shutil.rmtree(project / f"bench-out-j{jobs}", ignore_errors=True)
    print(f"(c) full build of {args.threads} threads, {cpu_count()} CPUs")
    for jobs, run in runs.items():
        print(
            f"    -j {jobs}  {run['seconds']:8.2f} s wall  {run['cpu']:8.2f} s CPU  load {run['load']:.1f}  "
            f"peak memory {mb(run['peak_total'])} in {run['processes']} processes   [{run['summary']}]"
        )
    print(f"    speed-up {runs[1]['seconds'] / runs[2]['seconds']:.2f}x   (target >= 1.7x on 2 cores)")
    print(f"    CPU overhead of -j 2: {runs[2]['cpu'] / runs[1]['cpu']:.2f}x the CPU time of -j 1")
    print(f"    outputs byte-identical: {'yes' if identical else 'NO'} ({len(one)} files)")


if __name__ == "__main__":
    main()
