"""Render backends: in this process, or in a pool of warm worker processes.

A worker process imports WeasyPrint once and keeps a Renderer (templates and
themes) between threads; the parent plans, hashes and writes, the workers only
turn plans into bytes. Workers are started with `spawn` (the parent may run
watchdog threads, and fontconfig/cairo state must not be forked) and ignore
SIGINT: Ctrl-C is the parent's to handle. Each worker makes its Renderer before
anything else, and the Renderer sets up the font environment (generator.fonts:
vendored and project fonts only, fixed SOURCE_DATE_EPOCH) in the process that
renders, so every worker renders with exactly the fonts `-j 1` uses.

Rendering is deterministic per plan, so the bytes do not depend on which process
renders a thread: `-j N` output is byte-identical to `-j 1`.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from generator.errors import CarouselError, Diagnostic, internal_error
from generator.imports import import_long_lived
from generator.model import ThreadPlan
from generator.project import Project

if TYPE_CHECKING:
    from generator.render.thread import Renderer


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# Threads a build's worker renders before its process is replaced (see PoolBackend).
RECYCLE_AFTER = 50


def _find_malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # glibc
        return trim
    except (AttributeError, OSError):
        return None


_MALLOC_TRIM = _find_malloc_trim()


def release_memory() -> None:
    """Free the garbage of a rendered document now and hand freed heap back to the OS.

    WeasyPrint documents are cyclic, so they wait for a full collection; without this a
    rendering process holds several documents' worth of freed memory.
    """
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


@dataclass(frozen=True)
class RenderJob:
    """One thread to render. `generation` changes when layouts or themes changed on disk."""

    index: int
    plan: ThreadPlan
    strict: bool
    generation: int = 0


@dataclass
class RenderOutcome:
    """What rendering a thread gave: its artifacts, or the diagnostics of its failure."""

    artifacts: Any = None  # generator.render.thread.ThreadArtifacts
    diagnostics: list[Diagnostic] = field(default_factory=list)
    exit_code: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.artifacts is not None


class _RendererHolder:
    """A Renderer per process, renewed when the job's generation changes."""

    def __init__(self, project: Project):
        self.project = project
        self.generation: int | None = None
        self.renderer: Renderer | None = None
        self._frozen = False

    def renew(self, generation: int) -> Renderer:
        """A fresh Renderer (fonts configured, templates and themes read anew)."""
        import_long_lived("generator.render.thread")  # WeasyPrint and the render stack, the collector paused
        from generator.render.thread import Renderer

        self.renderer = Renderer(self.project)
        self.generation = generation
        return self.renderer

    def render(self, job: RenderJob, *, release: bool = True) -> RenderOutcome:
        """Render one job; `release=False` skips freeing memory after it (the process is about to end)."""
        started = time.perf_counter()
        try:
            outcome = self._render(job)
        finally:
            if release:
                self._after_job()
        outcome.seconds = time.perf_counter() - started
        return outcome

    def _render(self, job: RenderJob) -> RenderOutcome:
        try:
            renderer = self.renderer
            if renderer is None or self.generation != job.generation:
                renderer = self.renew(job.generation)
            return RenderOutcome(renderer.render(job.plan, strict=job.strict))
        except CarouselError as error:
            return RenderOutcome(None, list(error.diagnostics), error.exit_code)
        except Exception as error:  # a bug or a library failure: report it as this thread's failure
            return RenderOutcome(None, [internal_error(job.plan.meta.shown_path, error, "rendering")], 1)

    def _after_job(self) -> None:
        release_memory()
        if not self._frozen:
            # what exists after the first thread (modules, fonts, templates) lives as long as
            # the process: keep it out of every later collection, which stays cheap
            gc.freeze()
            self._frozen = True


class RenderBackend(Protocol):
    """Where a build's threads are rendered: this process, or warm worker processes."""

    workers: int

    def render_many(self, jobs: Sequence[RenderJob]) -> Iterator[tuple[RenderJob, RenderOutcome]]:
        """Render `jobs`, yielding each with its outcome as it finishes (in any order)."""
        ...

    def warm_up(self, job: RenderJob) -> None:
        """Pay a renderer's first-thread costs now (a watch session's start); may do nothing."""
        ...

    def renew_worn(self, limit: int) -> int:
        """Replace renderers that rendered `limit` threads or more; returns how many."""
        ...

    def restart(self) -> None:
        """Fresh renderers (after a font change: fontconfig reads fonts once per process)."""
        ...

    def close(self) -> None: ...


class InProcessBackend:
    """Renders in this process (`-j 1`, or a single thread to render).

    `one_shot`: the backend serves one build and is closed after it, so the memory of
    its last document need not be released (a full collection costs ~50 ms).
    """

    workers = 1

    def __init__(self, project: Project, *, one_shot: bool = False):
        self._holder = _RendererHolder(project)
        self.one_shot = one_shot

    def render_many(self, jobs: Sequence[RenderJob]) -> Iterator[tuple[RenderJob, RenderOutcome]]:
        for number, job in enumerate(jobs, start=1):
            yield job, self._holder.render(job, release=not (self.one_shot and number == len(jobs)))

    def warm_up(self, job: RenderJob) -> None:
        """Nothing to warm ahead: this process renders when asked."""

    def renew_worn(self, limit: int) -> int:
        return 0  # one renderer, released after each thread

    def restart(self) -> None:
        self._holder.renderer = None  # the next thread makes a new one

    def close(self) -> None:
        self._holder.renderer = None


# --- worker processes ----------------------------------------------------------------

_WORKER: _RendererHolder | None = None

WARM_UP_HTML = '<p style="font-family: sans-serif">Warm up: Aa 1 — <b>bold</b> <i>italic</i> <code>code</code></p>'


def _init_worker(project: Project, warm: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _WORKER
    _WORKER = _RendererHolder(project)
    try:
        _WORKER.renew(0)  # imports WeasyPrint (once per worker) and sets up the fonts
    except Exception:
        _WORKER.renderer = None  # the first job reports what is wrong
        return
    if warm:  # load fonts and fontconfig now rather than on the first save
        from generator.render.engine import weasyprint

        try:
            weasyprint.HTML(string=WARM_UP_HTML).write_pdf()
        except Exception:  # only a speed-up: the first real render meets the same fault and reports it for its thread
            pass


def _render_in_worker(job: RenderJob) -> RenderOutcome:
    assert _WORKER is not None
    return _WORKER.render(job)


def _ping() -> int:
    return os.getpid()


class _Lane:
    """One worker process (a single-process executor): one thread rendering at a time."""

    def __init__(self, project: Project, warm: bool):
        self.project = project
        self.warm = warm
        self.executor: ProcessPoolExecutor | None = None
        self.done = 0  # threads rendered by the current process

    def start(self) -> None:
        """Start the process now (it imports WeasyPrint while the parent plans, or the user edits)."""
        if self.executor is None:
            context = multiprocessing.get_context("spawn")
            self.executor = ProcessPoolExecutor(1, mp_context=context, initializer=_init_worker, initargs=(self.project, self.warm))
            self.done = 0
            self.executor.submit(_ping)  # executors start their process on the first submit

    def submit(self, job: RenderJob) -> Future[RenderOutcome]:
        self.start()
        assert self.executor is not None
        return self.executor.submit(_render_in_worker, job)

    def retire(self) -> None:
        """End the process (after its current thread); the next submit starts a new one."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


class PoolBackend:
    """Renders in `workers` warm processes; results come back as threads finish.

    Each worker is a lane with one thread in flight: the next thread is sent as soon
    as a result arrives (before the parent writes it), so workers never wait on the
    parent. With `recycle_after`, a lane's process is replaced after that many
    threads: WeasyPrint's native caches (Pango, fontconfig, cairo) grow slowly, and a
    fresh process bounds a long build's memory. (Not ProcessPoolExecutor's
    max_tasks_per_child: it deadlocks on Python 3.11-3.13, cpython gh-115634.) A
    crashed worker fails its thread only; its lane gets a new process.
    """

    def __init__(self, project: Project, workers: int, *, warm: bool = False, recycle_after: int | None = None):
        self.project = project
        self.workers = max(1, workers)
        self.warm = warm  # watch mode: start and warm up every worker now
        self.recycle_after = recycle_after
        self.last_job: RenderJob | None = None
        self._lanes = [_Lane(project, warm) for _ in range(self.workers)]
        self.start()

    def start(self) -> None:
        for lane in self._lanes:
            lane.start()

    def restart(self) -> None:
        """New workers (e.g. after fonts changed: fontconfig is read once per process)."""
        self.close()
        self.start()

    def warm_up(self, job: RenderJob, lanes: Sequence[_Lane] | None = None) -> None:
        """Have every worker render `job` once, for nothing: its first real thread (templates,
        fonts, fitting tables) is then paid before the user's first save, not after."""
        for lane in self._lanes if lanes is None else lanes:
            lane.start()
            assert lane.executor is not None
            lane.executor.submit(_render_in_worker, job)

    def renew_worn(self, limit: int) -> int:
        """Replace (and warm up) the workers that rendered `limit` threads or more, between
        rebuilds: a long watch session keeps its memory bounded. Returns how many."""
        worn = [lane for lane in self._lanes if lane.done >= limit]
        for lane in worn:
            lane.retire()
        if worn and self.last_job is not None:
            self.warm_up(self.last_job, worn)
        else:
            for lane in worn:
                lane.start()
        return len(worn)

    def render_many(self, jobs: Sequence[RenderJob]) -> Iterator[tuple[RenderJob, RenderOutcome]]:
        pending = deque(jobs)
        running: dict[Future[RenderOutcome], tuple[_Lane, RenderJob]] = {}

        def feed(lane: _Lane) -> Iterator[tuple[RenderJob, RenderOutcome]]:
            while pending:
                job = pending.popleft()
                try:
                    running[lane.submit(job)] = (lane, job)
                    return
                except (BrokenProcessPool, RuntimeError):
                    lane.retire()
                    yield job, _crashed(job)

        for lane in self._lanes:
            yield from feed(lane)
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                lane, job = running.pop(future)
                self.last_job = job
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    outcome = _crashed(job)
                    lane.retire()
                else:
                    lane.done += 1
                    if self.recycle_after is not None and lane.done >= self.recycle_after and pending:
                        lane.retire()
                yield from feed(lane)  # the worker's next thread first, then the parent's work
                yield job, outcome

    def close(self) -> None:
        for lane in self._lanes:
            lane.retire()


def _crashed(job: RenderJob) -> RenderOutcome:
    message = "the rendering process died (out of memory or a crash in a native library)"
    return RenderOutcome(None, [Diagnostic(job.plan.meta.shown_path, None, message)], 1)


def render_notices() -> list[str]:
    """What the user should know once about rendering here (e.g. slow font subsetting)."""
    try:
        from generator.fonts import harfbuzz_subset_available, harfbuzz_subset_hint
    except ImportError:
        return []
    return [] if harfbuzz_subset_available() else [harfbuzz_subset_hint()]


def make_backend(project: Project, jobs: int, to_render: int, *, one_shot: bool = False) -> RenderBackend:
    """The cheapest backend for a build: a pool only when it has two or more threads to share.

    A pool's processes start at once (they import WeasyPrint while the caller plans).
    `one_shot`: the caller closes the backend after one `render_many`.
    """
    workers = min(jobs, to_render)
    if workers <= 1:
        return InProcessBackend(project, one_shot=one_shot)
    return PoolBackend(project, workers, recycle_after=RECYCLE_AFTER)
