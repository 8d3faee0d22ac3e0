"""`carousel watch`: build, then rebuild exactly what a saved change affects.

Watched: content/, layouts/, themes/ (fonts included), assets/, carousel.yaml, the
built-in layouts/ and themes/, and the folder of any other file a thread
references. Events are debounced into batches (an editor's atomic save, a `git
checkout` of many files); editor temp files are ignored.

For a batch, the threads that may depend on a changed file are planned again; the
build's dependency index says which (`Builder.dependencies`, generator.cache
`DependencyIndex`: what each thread's output was last found to depend on, recorded
as the build stamps and keys it):

* a thread file → that thread (a new file → a new thread; a deleted one → its
  output is removed);
* an image, avatar or logo → the threads that reference it;
* a layout file → the threads whose slides may use it (`quote.css` only matters to
  threads with quote slides; `_base.css` to all);
* a theme file → the threads whose theme's `extends:` chain includes that theme;
* a font → every thread, with fresh worker processes (fontconfig reads fonts once);
* carousel.yaml, or the set of themes/layouts → every thread is planned again.

Planning is cheap; rendering is not. A planned thread is rendered only when its key
(generator.cache: everything its output depends on) differs from the key of the
output on disk, so a carousel.yaml edit rebuilds only the threads whose resolved
options changed, and a save that changes nothing renders nothing. Rendering
happens in warm worker processes kept between rebuilds; files are replaced
atomically and only when their bytes change. Errors print as `file:line: message`
and watching goes on.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.build import Builder, BuildReport, BuildRequest, ThreadResult, plan_threads
from generator.cache import CACHE_DIR_NAME, canonical
from generator.catalog import Catalog, cli_layer_problems, load_catalog
from generator.errors import CarouselError, ConfigError, Diagnostic
from generator.parallel import PoolBackend
from generator.progress import BuildProgress, summary_line

WATCHED_FOLDERS = ("content", "layouts", "themes", "assets")
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", CACHE_DIR_NAME, ".idea", ".vscode"})
DEBOUNCE_SECONDS = 0.1
RENEW_WORKERS_AFTER = 100  # threads a watch worker renders before it is replaced between rebuilds
MAX_BATCH_SECONDS = 2.0
POLL_SECONDS = 0.5

# Editors' and tools' temporary files: vim (.swp, 4913, ~), emacs (.#x, #x#), JetBrains,
# GNOME/gedit (.goutputstream-*), kate, `sed -i`, LibreOffice locks, downloads, and our
# own atomic_write temps (.name.XXXX.tmp).
_TEMP_NAME = re.compile(
    r"""(
        ~$ | ^\.?\#.* | ^4913$ | \.sw[a-px]$ | \.tmp$ | \.temp$ | \.bak$ | \.part$ | \.crdownload$
        | \.kate-swp$ | ___jb_(tmp|old)___$ | ^\.goutputstream- | ^\.DS_Store$ | ^Thumbs\.db$ | \.orig$ | \.rej$
        | ^sed[A-Za-z0-9]{6}$ | ^\.!\d+! | ^\.~lock\.
    )""",
    re.VERBOSE,
)


def is_temp_file(name: str) -> bool:
    """Whether a file name is an editor's temporary or backup file."""
    return bool(_TEMP_NAME.search(name))


class _ShutdownRaceNotice(logging.Filter):
    """Drops watchdog's "queue_events() called when the thread is inactive" record (see Watcher.stop)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


_SHUTDOWN_RACE_NOTICE = _ShutdownRaceNotice()


class ChangeQueue:
    """Paths reported by the observer thread, handed to the main thread in debounced batches."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._paths: set[Path] = set()
        self._last = 0.0

    def put(self, path: Path) -> None:
        with self._condition:
            self._paths.add(path)
            self._last = time.monotonic()
            self._condition.notify_all()

    def wait_batch(self, debounce: float, max_wait: float = MAX_BATCH_SECONDS, stop: threading.Event | None = None) -> set[Path]:
        """Block until a change arrives, then until no change came for `debounce` seconds.

        Returns an empty batch as soon as `stop` is set.
        """
        with self._condition:
            while not self._paths:
                if stop is not None and stop.is_set():
                    return set()
                self._condition.wait(0.5)  # a timeout keeps Ctrl-C (and `stop`) responsive
            first = time.monotonic()
            while True:
                quiet = time.monotonic() - self._last
                if quiet >= debounce or time.monotonic() - first >= max_wait:
                    break
                self._condition.wait(debounce - quiet)
            batch, self._paths = self._paths, set()
            return batch

    def wake(self) -> None:
        """Wake a waiting `wait_batch` (to notice its stop event now)."""
        with self._condition:
            self._condition.notify_all()


@dataclass(frozen=True)
class WatchUpdate:
    """What one build of the watch loop did, for a listener (e.g. `carousel serve`).

    `results` holds one result per thread looked at (built, cached, failed, skipped,
    removed); `config_errors` is set when carousel.yaml (or the CLI layer) cannot be
    used, and then nothing was built. `initial` marks the first build.
    """

    results: tuple[ThreadResult, ...] = ()
    config_errors: tuple[Diagnostic, ...] = ()
    initial: bool = False


WatchListener = Callable[[WatchUpdate], None]


@dataclass
class ThreadState:
    units: tuple[str, ...]  # what the thread builds as: its slug, or slug/target for each target
    keyed: bool  # every unit built: the build's dependency index knows what it depends on
    failed: bool  # (a failed, draft or scheduled thread is planned again on every batch)


class Watcher:
    """The watch loop of one project: an initial build, then a rebuild per batch of changes."""

    def __init__(
        self,
        request: BuildRequest,
        *,
        poll: bool = False,
        debounce: float = DEBOUNCE_SECONDS,
        fixed_now: datetime | None = None,
        progress: BuildProgress | None = None,
        echo: Callable[[str], None] | None = None,
        listener: WatchListener | None = None,
    ):
        self.request = request
        self.project = request.project
        self.out_dir = request.out_dir
        self.poll = poll
        self.debounce = debounce
        self.fixed_now = fixed_now
        self.progress = progress or BuildProgress(show_cached=False)
        self.echo = echo or self.progress.echo
        self.listener = listener  # told about every build, after its files and manifest are written
        self.queue = ChangeQueue()
        self.catalog: Catalog | None = None
        self.catalog_signature: str | None = None
        self.threads: dict[Path, ThreadState] = {}
        self.manifest_threads: dict[str, Any] = {}
        self.builder: Builder | None = None
        self.observer: Any = None
        self._scheduled: dict[tuple[Path, bool], Any] = {}
        # watched folders (which threads a change affects is the build's dependency index's to say)
        self._layout_roots = tuple(folder.resolve() for folder in self.project.layouts.folders)
        self._theme_roots = tuple(folder.resolve() for folder in self.project.themes.folders)
        self._ignored_roots = (self.out_dir.resolve(), request.resolved_cache_dir.resolve())

    # --- the loop ------------------------------------------------------------------

    def run(self) -> int:
        """Watch until Ctrl-C (or SIGTERM); returns the exit code (0)."""
        previous_term = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        try:
            self.start()
            self.echo(f"watching {self._watched_summary()} for changes (Ctrl-C to stop)")
            self.watch_until()  # returns only through Ctrl-C or SIGTERM
            return 0
        except KeyboardInterrupt:
            self.progress.stop()
            self.echo("stopped watching")
            return 0
        finally:
            self.stop()
            signal.signal(signal.SIGTERM, previous_term)

    def start(self) -> None:
        """Start the warm renderers and the observer, and make the initial build."""
        backend = PoolBackend(self.project, self.request.jobs, warm=True)
        self.builder = Builder(self.request, backend=backend, progress=self.progress)
        self.start_observer()
        self.initial_build()
        self._ensure_watches()
        self._warm_up()
        self.builder.stop_forcing()

    def watch_until(self, stop: threading.Event | None = None) -> None:
        """Rebuild each batch of changes until `stop` is set (or forever).

        Needs no signal handling, so it may run in a thread of another program (the
        `serve` command runs it beside its web server); set `stop`, then call
        `queue.wake()` to end it promptly.
        """
        while stop is None or not stop.is_set():
            batch = self.queue.wait_batch(self.debounce, stop=stop)
            if batch:
                self.rebuild(batch)

    def stop(self) -> None:
        if self.observer is not None:
            # watchdog's inotify emitter logs an error when a read returns after stop() (a shutdown race in
            # the library, nothing is lost); it would be the last line a user sees after Ctrl-C.
            logging.getLogger("watchdog.observers.inotify").addFilter(_SHUTDOWN_RACE_NOTICE)
            self.observer.stop()
            try:
                self.observer.join(timeout=5)
            except RuntimeError:
                pass
            self.observer = None
        if self.builder is not None:
            self.builder.close()
            self.builder = None

    def now(self) -> datetime:
        return self.fixed_now or datetime.now(UTC)

    # --- building --------------------------------------------------------------------

    def _load_catalog(self) -> Catalog | None:
        try:
            catalog = load_catalog(self.project)
            problems = cli_layer_problems(catalog, self.request.cli_options)
            if problems:
                raise ConfigError(problems)
        except CarouselError as error:
            for diagnostic in error.diagnostics:
                self.progress.note(diagnostic)
            self.echo("nothing rebuilt: fix the configuration above and save again")
            self._tell(WatchUpdate(config_errors=tuple(error.diagnostics), initial=self.catalog_signature is None))
            return None
        return catalog

    def _tell(self, update: WatchUpdate) -> None:
        if self.listener is not None:
            self.listener(update)

    @staticmethod
    def _signature(catalog: Catalog) -> str:
        declarations = {name: layout.declaration.model_dump(mode="json") for name, layout in catalog.layout_index.items()}
        return json.dumps([catalog.themes, catalog.layouts, declarations, canonical(catalog.config)], sort_keys=True, default=str)

    def initial_build(self) -> None:
        started = time.perf_counter()
        assert self.builder is not None
        self.manifest_threads = self.builder.read_units()
        self.catalog = self._load_catalog()
        if self.catalog is None:
            return
        self.catalog_signature = self._signature(self.catalog)
        self._build(self.project.discover_threads(), started)

    def _warm_up(self) -> None:
        """Warm the planner here and the renderers in the workers with a real thread."""
        _warm_up_planning()
        if self.catalog is None or self.builder is None:
            return
        for path, state in self.threads.items():
            if not state.keyed:
                continue
            [(_, plan, _)] = plan_threads(self.catalog, self.request, [path])
            if plan is not None:
                self.builder.warm_up(plan)
            return

    def rebuild(self, changed: set[Path]) -> None:
        """Rebuild what a batch of changed paths affects; errors are reported, never raised."""
        started = time.perf_counter()
        self.echo("changed: " + ", ".join(sorted(self._shown(path) for path in changed)[:8]) + (" …" if len(changed) > 8 else ""))
        try:
            self._rebuild(changed, started)
        except KeyboardInterrupt:
            raise
        except Exception as error:  # keep watching whatever happens
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            self.echo(f"internal error during rebuild: {detail}")
        finally:
            self._ensure_watches(refresh=changed)
            if self.builder is not None:
                self.builder.renew_worn(RENEW_WORKERS_AFTER)

    def _rebuild(self, changed: set[Path], started: float) -> None:
        assert self.builder is not None
        index = self.builder.dependencies
        change = index.classify(changed)
        if change.fonts:
            self.echo("fonts changed: restarting the renderer")
        self.builder.files_changed(change)

        catalog = self._load_catalog()
        if catalog is None:
            self.catalog = None
            return
        signature = self._signature(catalog)
        replan_all = self.catalog is None or signature != self.catalog_signature
        self.catalog, self.catalog_signature = catalog, signature

        discovered = self.project.discover_threads()
        affected: list[Path] = []
        for path in discovered:
            state = self.threads.get(path)
            if replan_all or state is None or not state.keyed or state.failed or index.affects(path, change):
                affected.append(path)
        self._build(discovered, started, affected)

    def _build(self, discovered: list[Path], started: float, affected: list[Path] | None = None) -> None:
        assert self.builder is not None and self.catalog is not None
        paths = discovered if affected is None else affected
        with self.builder.locked():  # a `carousel build` meanwhile waits for this rebuild
            stale = self.builder.prune_targets(self.manifest_threads, self.catalog)
            results = self.builder.build(self.catalog, paths, self.manifest_threads, self.now())
            # a saved thread took the slug of one not rebuilt: plan both, so both are reported
            clashing = sorted(
                {self.project.root / shown for result in results for shown in result.slug_clashes} & set(discovered) - set(paths)
            )
            if clashing:
                again = [path for path, result in zip(paths, results) if result.slug_clashes] + clashing
                rebuilt = dict(zip(again, self.builder.build(self.catalog, again, self.manifest_threads, self.now())))
                results = [rebuilt.get(path, result) for path, result in zip(paths, results)] + [rebuilt[path] for path in clashing]
                paths = paths + clashing
            existing = set(discovered)
            # threads not looked at this time keep their units (and output)
            looked_at = set(paths)
            untouched = {
                self.project.relative(path): state.units
                for path, state in self.threads.items()
                if path in existing and path not in looked_at
            }
            sources = [self.project.relative(path) for path in discovered]
            removed = self.builder.prune(self.manifest_threads, results, sources, untouched)
            self.builder.finish(self.manifest_threads)
        by_source: dict[str, list[ThreadResult]] = {}
        for result in results:  # one result per (thread, target)
            by_source.setdefault(result.shown_path, []).append(result)
        for path in paths:
            units = by_source.get(self.project.relative(path), [])
            keyed = bool(units) and all(r.outcome == "built" and (r.plan is not None or r.cached) for r in units)
            keyed = keyed and self.builder.dependencies.get(path) is not None
            self.threads[path] = ThreadState(tuple(r.slug for r in units), keyed, any(r.outcome == "failed" for r in units))
        for path in list(self.threads):
            if path not in existing:
                del self.threads[path]
                self.builder.dependencies.forget(path)
        removed = stale + removed
        report = BuildReport(results + removed)
        self._tell(WatchUpdate(results=tuple(results + removed), initial=affected is None))
        if report.count_rendered() or report.count("failed") or removed or affected is None:
            self.echo(summary_line(report, time.perf_counter() - started))
        else:
            self.echo("nothing to rebuild: outputs are up to date")

    # --- observing -------------------------------------------------------------------

    def start_observer(self) -> None:
        if self.poll:
            from watchdog.observers.polling import PollingObserver

            self.observer = PollingObserver(timeout=POLL_SECONDS)
        else:
            from watchdog.observers import Observer

            self.observer = Observer()
        self._ensure_watches()
        self.observer.start()

    def _watch_targets(self) -> list[tuple[Path, bool]]:
        root = self.project.root
        targets: list[tuple[Path, bool]] = [(root, False)]
        targets += [(root / name, True) for name in WATCHED_FOLDERS]
        targets += [(folder, True) for folder in self._layout_roots + self._theme_roots]
        recursive_roots = [path.resolve() for path, recursive in targets if recursive]
        for dependency in sorted(self.builder.dependencies.dependency_files()) if self.builder is not None else ():
            if not any(folder == dependency.parent or folder in dependency.parents for folder in recursive_roots):
                targets.append((dependency.parent, False))
        return targets

    def _ensure_watches(self, refresh: Iterable[Path] = ()) -> None:
        """Watch every target folder that exists (folders created later are added then).

        A watched folder that was deleted (or replaced, as `git checkout` may do) in
        `refresh` is unscheduled and, when it exists again, watched afresh.
        """
        if self.observer is None:
            return
        refresh = set(refresh)
        for (folder, recursive), watch in list(self._scheduled.items()):
            if folder in refresh or not folder.is_dir():
                try:
                    self.observer.unschedule(watch)
                except (KeyError, OSError, RuntimeError):
                    pass
                del self._scheduled[(folder, recursive)]
        handler = _Handler(self)
        for folder, recursive in self._watch_targets():
            folder = folder.resolve()
            if (folder, recursive) in self._scheduled or (folder, True) in self._scheduled or not folder.is_dir():
                continue
            try:
                self._scheduled[(folder, recursive)] = self.observer.schedule(handler, str(folder), recursive=recursive)
            except OSError as error:  # e.g. inotify watch limit reached
                self.echo(f"{self._shown(folder)}: warning: cannot watch ({error}); try --poll")

    def accept(self, raw_path: str | bytes) -> None:
        """Called from the observer thread for each changed path."""
        path = Path(raw_path.decode() if isinstance(raw_path, bytes) else raw_path)
        if is_temp_file(path.name):
            return
        if any(part in IGNORED_FOLDERS for part in path.parts):
            return
        if any(path == root or root in path.parents for root in self._ignored_roots):
            return
        if path.parent == self.project.root and path.name not in (*WATCHED_FOLDERS, "carousel.yaml"):
            return  # other files beside carousel.yaml (README, output/, …)
        self.queue.put(path)

    # --- helpers ---------------------------------------------------------------------

    def _shown(self, path: Path) -> str:
        if path == self.project.root or self.project.root in path.parents:
            return self.project.relative(path)
        if self.project.builtin in path.parents:
            return "built-in " + path.relative_to(self.project.builtin).as_posix()
        return str(path)

    def _watched_summary(self) -> str:
        names = [f"{name}/" for name in WATCHED_FOLDERS if (self.project.root / name).is_dir()]
        return ", ".join(names + ["carousel.yaml"])


class _Handler:
    """A watchdog event handler feeding the watcher's queue (content changes only)."""

    IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})

    def __init__(self, watcher: Watcher):
        self.watcher = watcher

    def dispatch(self, event: Any) -> None:
        if event.event_type in self.IGNORED_EVENTS:
            return
        if event.is_directory and event.event_type in ("modified", "attrib", "closed"):
            return
        self.watcher.accept(event.src_path)
        dest = getattr(event, "dest_path", "")
        if dest:
            self.watcher.accept(dest)


def _warm_up_planning() -> None:
    """Pay one-time costs of planning (Markdown set-up, emoji tables) now, not on the first save."""
    try:
        from generator.content.markdown import new_markdown, render_post

        render_post(new_markdown(), "Warm **up** 🚀 ✔")
    except Exception:
        pass


def _raise_keyboard_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
