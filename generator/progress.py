"""How a build reports its threads: a rich progress bar on a terminal, plain lines otherwise.

Everything goes to stderr (stdout stays free for machine-readable output). On a
terminal, multi-thread builds show a progress bar with each thread's line printed
above it; when stderr is not a terminal (CI logs, pipes) every thread gets one
plain line as it finishes. Either way a build ends with one summary line.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from generator.errors import Diagnostic, Severity

if TYPE_CHECKING:
    from generator.build import BuildReport, ThreadResult


def format_diagnostic(diagnostic: Diagnostic, debug: bool = False) -> str:
    """`file:line: message`, warnings marked as such; with `debug`, the traceback of an internal error after it."""
    if diagnostic.severity is Severity.WARNING:
        where = diagnostic.path if diagnostic.line is None else f"{diagnostic.path}:{diagnostic.line}"
        text = f"{where}: warning: {diagnostic.message}"
    else:
        text = str(diagnostic)
    if debug and diagnostic.detail:
        text += "\n" + diagnostic.detail.rstrip()
    return text


def result_lines(result: ThreadResult, debug: bool = False) -> list[str]:
    """One line for the thread, then one per diagnostic."""
    if result.outcome == "built" and result.cached:
        line = f"cached  {result.slug}: {result.slide_count} slides (up to date)"
    elif result.outcome == "built":
        notes = f" ({'; '.join(result.notes)})" if result.notes else ""
        line = f"built   {result.slug}: {result.slide_count} slides{notes}"
    elif result.outcome == "skipped":
        line = f"skipped {result.slug}: {result.reason}"
    elif result.outcome == "removed":
        line = f"removed {result.slug}: {result.reason}"
    else:
        line = f"failed  {result.slug}"
    return [line] + [format_diagnostic(d, debug) for d in result.diagnostics]


def summary_line(report: BuildReport, seconds: float) -> str:
    """`3 built, 1 skipped, 0 failed; 24 slides in 2.1s` (+ what was up to date or removed)."""
    rendered = [r for r in report.results if r.outcome == "built" and not r.cached]
    cached = report.count_cached()
    slides = sum(r.slide_count for r in rendered)
    text = f"{len(rendered)} built, {report.count('skipped')} skipped, {report.count('failed')} failed; {slides} slides in {seconds:.1f}s"
    extra = []
    if cached:
        extra.append(f"{cached} up to date")
    if report.count("removed"):
        extra.append(f"{report.count('removed')} removed")
    return text + (f" ({', '.join(extra)})" if extra else "")


def stream_is_terminal(stream: TextIO) -> bool:
    if os.environ.get("TERM") == "dumb" or os.environ.get("CI"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress(Protocol):
    """What a build tells whoever shows its progress (a terminal, the studio, a test)."""

    def start(self, total: int, description: str = "Rendering") -> None: ...

    def echo(self, line: str) -> None: ...

    def thread_done(self, result: ThreadResult, *, advance: bool = False) -> None: ...

    def note(self, diagnostic: Diagnostic) -> None: ...

    def stop(self) -> None: ...


class BuildProgress:
    """Receives each finished thread; shows a bar (terminal) or prints plain lines."""

    def __init__(self, stream: TextIO | None = None, *, live: bool | None = None, show_cached: bool = True, debug: bool = False):
        self.stream = stream or sys.stderr
        self.debug = debug  # print the traceback of internal errors
        self.show_cached = show_cached  # watch mode: only what changed is worth a line
        self.live_allowed = stream_is_terminal(self.stream) if live is None else live
        self._progress: Any = None
        self._task: Any = None

    def start(self, total: int, description: str = "Rendering") -> None:
        """Begin a build of `total` threads to render (a bar only when there are several)."""
        self.stop()
        if not self.live_allowed or total < 2:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream, highlight=False)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._progress.add_task(description, total=total)
        self._progress.start()

    def echo(self, line: str) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.stream, flush=True)

    def thread_done(self, result: ThreadResult, *, advance: bool = False) -> None:
        if self.show_cached or not result.cached:
            for line in result_lines(result, self.debug):
                self.echo(line)
        if advance and self._progress is not None:
            self._progress.advance(self._task)

    def note(self, diagnostic: Diagnostic) -> None:
        self.echo(format_diagnostic(diagnostic, self.debug))

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._task = None
