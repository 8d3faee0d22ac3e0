"""Peak memory of the full 200-thread build (the whole process tree: parent and workers).

    .venv/bin/python bench/memory.py [--threads 200] [--jobs N] [--project DIR]

(d) RSS of the `carousel build` process and its worker processes, sampled every
20 ms; the peak of their sum is the figure (shared pages are counted once per
process, so it overstates the real footprint). Target: < 400 MB.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from _corpus import cpu_count, make_project, mb, measured_build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=None, help="Default: the CPU count, as `carousel build`.")
    parser.add_argument("--project", type=Path, default=None)
    args = parser.parse_args()
    jobs = args.jobs or cpu_count()
    with tempfile.TemporaryDirectory() as folder:
        project = args.project or Path(folder) / "project"
        if not (project / "content").is_dir():
            make_project(project, args.threads)
        out = project / "bench-out-memory"
        run = measured_build(project, "--force", "-j", str(jobs), "--out", str(out))
        shutil.rmtree(out, ignore_errors=True)
    print(f"(d) peak memory of the full {args.threads}-thread build, -j {jobs}")
    print(
        f"    sum over {run['processes']} processes {mb(run['peak_total'])}   largest process {mb(run['peak_single'])}   (target < 400 MB)"
    )
    print("    at the peak:")
    for name, rss in sorted(run["peak_parts"].items(), key=lambda item: -item[1]):
        print(f"      {mb(rss):>7}  {name}")
    print(f"    {run['seconds']:.1f} s   [{run['summary']}]")


if __name__ == "__main__":
    main()
