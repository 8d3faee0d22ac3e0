"""`-j N`: threads rendered in worker processes, output byte-identical to `-j 1`; progress output."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from generator.build import BuildReport, BuildRequest, ThreadResult, run_build
from generator.errors import Diagnostic, Severity
from generator.progress import BuildProgress, summary_line
from generator.project import Project
from tests.helpers import REPO_ROOT, run_carousel, write_project

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

THREADS = {
    "carousel.yaml": """
        defaults:
          theme: paper
        profiles:
          ana:
            name: Ana
            handle: "@ana"
        """,
    "content/one.md": """
        ---
        title: One
        formats: [pdf, png]
        ---

        First post with **bold** and an emoji 🚀.

        ---

        Second post.
        """,
    "content/two.md": """
        ---
        title: Two
        theme: midnight
        layout: tweet
        ---

        A tweet-like post.

        ---

        <!-- layout: quote -->
        A quote. Somebody said it.
        """,
    "content/three.md": """
        ---
        title: Three
        layout: numbered
        ---

        Step one.

        ---

        Step two.

        ---

        Step three.
        """,
    "content/nested/four.md": """
        ---
        title: Four
        canvas: linkedin-square
        ---

        `code` and a [link](https://example.com).
        """,
}


def build(root: Path, out: str, jobs: int, **options):
    request = BuildRequest(project=Project.at(root), out_dir=(root / out).resolve(), now=NOW, jobs=jobs, use_cache=False, **options)
    return run_build(request)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_jobs_2_output_is_byte_identical_to_jobs_1(tmp_path, monkeypatch):
    import generator.parallel

    root = write_project(tmp_path, THREADS)
    serial = build(root, "serial", 1)
    monkeypatch.setattr(generator.parallel, "RECYCLE_AFTER", 1)  # a fresh worker process for every thread
    parallel = build(root, "parallel", 2)
    assert serial.exit_code == parallel.exit_code == 0
    assert serial.count("built") == parallel.count("built") == 4
    one, two = tree(root / "serial"), tree(root / "parallel")
    assert sorted(one) == sorted(two)
    assert "one/slides/01.png" in one and "nested-four/nested-four.pdf" in one
    different = [name for name in one if one[name] != two[name]]
    assert different == []
    assert [r.slug for r in serial.results] == [r.slug for r in parallel.results]  # discovery order


def test_a_thread_failing_in_a_worker_fails_alone(tmp_path):
    files = dict(THREADS)
    files["content/three.md"] = "---\ntitle: Three\n---\n\nRemote ![x](https://example.com/x.png) is refused.\n"
    root = write_project(tmp_path, files)
    report = build(root, "output", 2, strict=True)
    assert report.exit_code == 1
    outcomes = {r.slug: r.outcome for r in report.results}
    assert outcomes == {"one": "built", "two": "built", "three": "failed", "nested-four": "built"}
    failed = next(r for r in report.results if r.slug == "three")
    assert any("(--strict)" in d.message and d.path == "content/three.md" for d in failed.diagnostics)
    assert not (root / "output/three").exists()


def test_cli_parallel_build_logs_one_plain_line_per_thread(tmp_path):
    root = write_project(tmp_path, THREADS)
    result = run_carousel(root, "build", "-j", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for slug in ("one", "two", "three", "nested-four"):
        assert sum(1 for line in lines if re.fullmatch(rf"built   {slug}: \d+ slides", line)) == 1, result.stderr
    assert re.search(r"^4 built, 0 skipped, 0 failed; \d+ slides in \d+\.\ds$", result.stderr, re.MULTILINE)
    assert "\x1b[" not in result.stderr  # no terminal codes in a log
    assert result.stdout == ""


def test_progress_bar_on_a_terminal(tmp_path):
    """On a TTY a multi-thread build shows a rich progress bar (and still the lines and summary)."""
    root = write_project(tmp_path, THREADS)
    master, slave = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "TERM")}
    env.update(TERM="xterm-256color", COLUMNS="100")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "-j", "2"],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other side closed
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(master)
    assert process.wait(timeout=60) == 0
    output = b"".join(chunks).decode("utf-8", "replace")
    assert "Rendering" in output and "\x1b[" in output  # the live bar
    assert "built   one:" in output and "4 built, 0 skipped, 0 failed;" in output


def test_plain_progress_and_summary_line():
    stream = io.StringIO()
    progress = BuildProgress(stream)  # not a terminal: plain lines
    progress.start(3)
    built = ThreadResult(
        "a", "content/a.md", "built", slide_count=5, diagnostics=[Diagnostic("content/a.md", 3, "careful", Severity.WARNING)]
    )
    cached = ThreadResult("b", "content/b.md", "built", slide_count=4, cached=True)
    failed = ThreadResult("c", "content/c.md", "failed", diagnostics=[Diagnostic("content/c.md", 7, "bad thing")], exit_code=1)
    for result in (built, cached, failed):
        progress.thread_done(result, advance=True)
    progress.stop()
    assert stream.getvalue().splitlines() == [
        "built   a: 5 slides",
        "content/a.md:3: warning: careful",
        "cached  b: 4 slides (up to date)",
        "failed  c",
        "content/c.md:7: bad thing",
    ]
    report = BuildReport([built, cached, failed])
    assert summary_line(report, 1.25) == "1 built, 0 skipped, 1 failed; 5 slides in 1.2s (1 up to date)"
    assert report.exit_code == 1


def test_default_jobs_is_the_cpu_count():
    from generator.parallel import default_jobs

    assert default_jobs() == len(os.sched_getaffinity(0))
    assert REPO_ROOT.is_dir()
