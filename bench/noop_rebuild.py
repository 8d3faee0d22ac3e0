"""No-op rebuild: `carousel build` of an unchanged 200-thread repo against its full build.

    .venv/bin/python bench/noop_rebuild.py [--threads 200] [--project DIR]

(b) The full build (default -j: every CPU) renders 200 ten-slide threads; the build
after it finds every thread up to date and renders nothing. Target: the no-op build
under 2 % of the full build. Prints figures (whole process, and the build itself as
its summary line reports it, i.e. without interpreter start-up); asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
from pathlib import Path

from _corpus import carousel, last_line, make_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--project", type=Path, default=None, help="Reuse (or create) the generated repo here.")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = args.project or Path(folder) / "project"
        if not (project / "content").is_dir():
            make_project(project, args.threads)
        full, done = carousel(project, "build", "--force")
        full_summary = last_line(done.stderr)
        noop_runs, summaries = [], []
        for _ in range(args.repeat):
            seconds, done = carousel(project, "build")
            noop_runs.append(seconds)
            summaries.append(last_line(done.stderr))
        assert all(s.startswith("0 built") for s in summaries), summaries
        inner = [float(re.search(r"in (\d+\.\d+)s", s).group(1)) for s in summaries]
    noop = statistics.median(noop_runs)
    print(f"(b) no-op rebuild of a {args.threads}-thread repo")
    print(f"    full build (--force)       {full:8.2f} s   [{full_summary}]")
    print(f"    no-op build, whole process {noop:8.2f} s   median of {args.repeat} (runs: {', '.join(f'{t:.2f}' for t in noop_runs)})")
    print(f"    no-op build, as reported   {statistics.median(inner):8.2f} s   [{summaries[-1]}]")
    print(f"    ratio {noop / full * 100:.2f} % (whole process), {statistics.median(inner) / full * 100:.2f} % (build)   (target < 2 %)")


if __name__ == "__main__":
    main()
