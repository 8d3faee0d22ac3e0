"""The build pipeline: discover → parse & validate → plan → key → render → write.

Every thread is validated before anything is written; a thread that fails is
reported with all its problems while the others are still built.

Builds are incremental: each thread gets a key hashing everything its output
depends on (generator.cache); a thread whose key matches the one its manifest
record holds and whose output files are intact is not rendered, and nothing of it
is rewritten. Threads that must be rendered go to a render backend
(generator.parallel): this process, or warm worker processes for `-j N`. Files are
written by this process only, atomically, and only when their bytes changed; so is
the manifest.

`Builder` keeps the state between builds (file hashes, the cache, the workers),
which `carousel watch` reuses for every rebuild; `run_build` is one full build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from generator import __version__
from generator.cache import (
    CACHE_DIR_NAME,
    BuildStore,
    CacheEntry,
    ChangeSet,
    DependencyIndex,
    FileHasher,
    KeyContext,
    ManifestStore,
    OutputHashes,
    PlanMeta,
    ThreadKey,
    read_build_parts,
    without_build_parts,
)
from generator.catalog import Catalog, cli_layer_problems, load_catalog
from generator.confine import ConfinementError, unlinked_path
from generator.content.markdown import new_markdown
from generator.errors import CarouselError, ConfigError, Diagnostic, Severity, ThreadError, did_you_mean, internal_error
from generator.fonts import discard_corrupt_staged_fonts
from generator.memo import Memo
from generator.model import ThreadPlan, thread_status
from generator.output import MANIFEST_NAME, OutputError, OutputFolder, UnitRecord, file_digests, owned_files
from generator.parallel import RenderBackend, RenderJob, RenderOutcome, make_backend, release_memory, render_notices
from generator.progress import Progress
from generator.project import Project
from generator.shards import Shard, assign_shards
from generator.slugs import duplicate_slugs, inside, slug_problem
from generator.threads import declared_status, load_thread, slug_for

Outcome = Literal["built", "skipped", "failed", "removed"]


@dataclass(frozen=True)
class BuildRequest:
    """What to build and how; time comes in as `now` so builds are reproducible."""

    project: Project
    out_dir: Path
    now: datetime
    selection: tuple[Path, ...] = ()
    cli_options: dict[str, Any] = field(default_factory=dict)
    include_drafts: bool = False
    include_future: bool = False
    strict: bool = False
    force: bool = False  # render everything, ignoring the cache (which is still updated)
    jobs: int = 1  # worker processes; the CLI defaults to the CPU count
    use_cache: bool = True  # reuse what the manifest records (records are written either way) and keep the hash memo
    cache_dir: Path | None = None  # default: <project>/.carousel-cache
    target: str | None = None  # build only this carousel.yaml target (--target)
    shard: Shard | None = None  # build only this share of the threads (--shard K/N)

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.project.root / CACHE_DIR_NAME


@dataclass
class ThreadResult:
    slug: str
    shown_path: str
    outcome: Outcome
    reason: str = ""
    plan: ThreadPlan | None = None
    slide_count: int = 0
    files: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    exit_code: int = 0
    notes: tuple[str, ...] = ()
    cached: bool = False  # "built", but up to date: nothing was rendered or written
    summary: dict[str, Any] | None = None  # manifest fields of a thread not planned (up to date by its stamp)
    slug_clashes: tuple[str, ...] = ()  # failed: these threads (as shown) have its slug too
    alt: tuple[str, ...] = ()  # alt text of every slide
    build: dict[str, Any] | None = None  # the manifest's `build` part of the build that wrote `files` (BuildStore.record)


@dataclass
class BuildReport:
    results: list[ThreadResult]
    global_diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return max([0] + [r.exit_code for r in self.results])

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    def count_rendered(self) -> int:
        return sum(1 for r in self.results if r.outcome == "built" and not r.cached)

    def count_cached(self) -> int:
        return sum(1 for r in self.results if r.outcome == "built" and r.cached)


Reporter = Callable[[ThreadResult], None]


def unit_slug(unit: str) -> str:
    """The thread slug of a build unit: 'a' of 'a' or of 'a/instagram'."""
    return unit.split("/", 1)[0]


Planned = tuple[Path, ThreadPlan | None, ThreadResult | None]


def plan_threads(catalog: Catalog, request: BuildRequest, paths: Iterable[Path] | None = None, target: str | None = None) -> list[Planned]:
    """Parse, validate and plan every selected thread (no rendering, no writing).

    Each thread is planned inside its own boundary: whatever goes wrong becomes that
    thread's failure (an unexpected exception an "internal error"), and the others are
    planned. Threads whose slugs collide all fail, each naming the others. With a
    `target`, threads are planned for it; a thread not built for it is `(path, None, None)`.
    """
    project = catalog.project
    if paths is None:
        paths = list(request.selection) if request.selection else project.discover_threads()
    markdown = new_markdown()
    planned: list[Planned] = []
    for path in paths:
        shown = project.relative(path)
        try:
            plan = load_thread(catalog, path, request.cli_options, markdown, target=target)
        except CarouselError as error:
            planned.append((path, None, _failed(project, path, error.diagnostics)))
            continue
        except Exception as error:  # a bug (ours or a library's) must not stop the other threads
            markdown = new_markdown()  # it may have been left half-way through a post
            planned.append((path, None, _failed(project, path, [internal_error(shown, error, "reading the thread")])))
            continue
        planned.append((path, plan, None))
    checked = reject_duplicate_slugs(project, planned)
    return [
        (path, None, None) if plan is not None and target not in (None, *plan.targets) else (path, plan, failure)
        for path, plan, failure in checked
    ]


def shard_paths(catalog: Catalog, request: BuildRequest, paths: list[Path]) -> list[Path]:
    """The threads of `paths` in the request's shard (all of them without --shard).

    Weights are the planned slides over every target, whatever --target, --now or
    --drafts say, so every shard job of a CI matrix computes the same split.
    """
    if request.shard is None:
        return paths
    everything = dataclasses.replace(request, shard=None, target=None, selection=())
    weights: dict[Path, tuple[str, int]] = {}
    for path, plan, failure in plan_units(catalog, everything, paths):
        slug = plan.meta.slug if plan is not None else (failure.slug if failure is not None else path.stem)
        slides = len(plan.slides) if plan is not None else 1
        weights[path] = (weights[path][0], weights[path][1] + slides) if path in weights else (slug, slides)
    assignment = assign_shards(weights.values(), request.shard.count)
    return [path for path in paths if path in weights and assignment.get(weights[path][0]) == request.shard.index]


def target_passes(catalog: Catalog, request: BuildRequest) -> list[str | None]:
    """The targets a build makes ([None]: carousel.yaml declares none). Raises ConfigError for a bad --target."""
    declared = list(catalog.config.targets)
    if request.target is not None:
        if request.target not in declared:
            known = f"; carousel.yaml declares {', '.join(declared)}" if declared else "; carousel.yaml declares no targets"
            raise ConfigError(
                Diagnostic("--target", None, f"unknown target '{request.target}'{did_you_mean(request.target, declared)}{known}")
            )
        return [request.target]
    passes: list[str | None] = [*declared] if declared else [None]
    return passes


def plan_units(catalog: Catalog, request: BuildRequest, paths: Iterable[Path] | None = None) -> list[Planned]:
    """Every (thread, target) of the request planned, thread by thread; a failed thread once."""
    paths = list(paths) if paths is not None else (list(request.selection) if request.selection else catalog.project.discover_threads())
    passes = [plan_threads(catalog, request, paths, target) for target in target_passes(catalog, request)]
    units: list[Planned] = []
    for index, path in enumerate(paths):  # noqa: B007
        entries = [planned[index] for planned in passes]
        failure = next((entry for entry in entries if entry[2] is not None), None)
        units += [failure] if failure is not None else [entry for entry in entries if entry[1] is not None]
    return units


def failure_slug(project: Project, path: Path) -> str:
    """The name a failed thread is recorded under: its file's slug, or its path when that is not a safe slug."""
    slug = slug_for(project.content_dir, path)
    return slug if slug_problem(slug) is None else f"invalid:{project.relative(path)}"


def _failed(project: Project, path: Path, diagnostics: list[Diagnostic]) -> ThreadResult:
    return ThreadResult(failure_slug(project, path), project.relative(path), "failed", diagnostics=list(diagnostics), exit_code=1)


def reject_duplicate_slugs(project: Project, planned: list[Planned], claimed: dict[str, str] | None = None) -> list[Planned]:
    """Fail every planned thread whose slug another thread has too.

    `claimed` are slugs held by threads not in `planned` (slug -> shown path), e.g. those
    a partial rebuild did not plan; a claim whose file is gone does not count.
    """
    claims = [(plan.meta.shown_path, plan.meta.slug) for _, plan, _ in planned if plan is not None]
    owners = [index for index, (_, plan, _) in enumerate(planned) if plan is not None]
    mine = {shown for shown, _ in claims}
    extra = [(shown, slug) for slug, shown in (claimed or {}).items() if shown not in mine and (project.root / shown).is_file()]
    every_claim = claims + extra
    problems = duplicate_slugs(every_claim)
    result = list(planned)
    for claim_index, owner in enumerate(owners):
        if claim_index in problems:
            path, plan, _ = planned[owner]
            assert plan is not None
            problem = problems[claim_index]
            failure = _failed(project, path, [Diagnostic(problem.path, plan.meta.slug_line, problem.message)])
            slug = plan.meta.slug.casefold()
            failure.slug_clashes = tuple(
                shown for shown, other in every_claim if other.casefold() == slug and shown != plan.meta.shown_path
            )
            result[owner] = (path, None, failure)
    return result


def _skip_reason(plan: ThreadPlan, request: BuildRequest, now: datetime) -> str:
    reason = _skip_reason_of(plan.status(now), request)
    if reason == "scheduled":
        return f"scheduled for {plan.meta.date.isoformat() if plan.meta.date else '?'} (use --future)"
    return reason


def _unpublished(failure: ThreadResult, path: Path, request: BuildRequest, now: datetime) -> ThreadResult | None:
    """A thread that does not validate but says it is a draft, or dated in the future,
    is skipped like a valid one (a half-written draft never stops a scheduled build);
    None when this build would publish it, or cannot tell."""
    status = declared_status(path, failure.shown_path, now)
    reason = _skip_reason_of(status, request) if status else ""
    if not reason:
        return None
    problems = len([d for d in failure.diagnostics if d.is_error])
    noun = "problem" if problems == 1 else "problems"
    return ThreadResult(
        failure.slug, failure.shown_path, "skipped", reason=f"{reason}; {problems} {noun} to fix before it is published (carousel check)"
    )


def _skip_reason_of(status: str, request: BuildRequest) -> str:
    if status == "draft" and not request.include_drafts:
        return "draft (use --drafts)"
    if status == "scheduled" and not request.include_future:
        return "scheduled"
    return ""


def _plan_meta(plan: ThreadPlan) -> PlanMeta:
    """What the manifest needs of a plan, kept in the cache for threads that are not planned."""
    return PlanMeta(
        title=plan.meta.title,
        date=plan.meta.date.isoformat() if plan.meta.date else None,
        draft=plan.meta.draft,
        canvas=plan.canvas.name,
        theme=plan.theme,
        target=plan.target,
        platform=plan.platform if plan.target is not None else None,
    )


def _summary_from_meta(meta: PlanMeta, now: datetime) -> dict[str, Any] | None:
    """The manifest fields of a thread from its cached meta (status computed as ThreadPlan.status does)."""
    try:
        date = datetime.fromisoformat(meta.date) if meta.date else None
    except ValueError:
        return None
    status = thread_status(meta.draft, date, now)
    summary: dict[str, Any] = {"title": meta.title, "status": status, "date": meta.date, "canvas": meta.canvas, "theme": meta.theme}
    if meta.target is not None:
        summary.update(target=meta.target, platform=meta.platform)
    return summary


@dataclass
class BuildUnit:
    """One (thread, target) as it flows through a build: stamp → plan → key → reuse or render → write.

    Each stage fills in its part; `result` is set by the stage that decides the unit's
    outcome (up to date by its stamp, failed, skipped, reused by its key, or built).
    """

    path: Path
    target: str | None
    source_digest: str | None = None  # the thread file's bytes before planning read them
    plan: ThreadPlan | None = None
    key: ThreadKey | None = None
    stamp: str | None = None
    result: ThreadResult | None = None


@dataclass
class _TargetPass:
    """One target's units, in the order of the build's paths, and those its stamps could not clear."""

    target: str | None
    units: list[BuildUnit]
    to_plan: list[int]  # indexes of the units to plan


@dataclass
class _RenderBatch:
    """The units of one build that must be rendered, over every target (a job's index is its unit's)."""

    jobs: list[RenderJob] = field(default_factory=list)
    units: list[BuildUnit] = field(default_factory=list)
    planned: int = 0  # units planned (for the memory release after planning many)

    def add(self, unit: BuildUnit, strict: bool, generation: int) -> None:
        assert unit.plan is not None
        self.jobs.append(RenderJob(len(self.jobs), unit.plan, strict, generation))
        self.units.append(unit)


@dataclass
class _BuildRun:
    """What every stage of one `Builder.build` shares."""

    catalog: Catalog
    context: KeyContext
    manifest_threads: dict[str, Any]  # unit -> manifest entry, updated as units finish
    now: datetime
    batch: _RenderBatch = field(default_factory=_RenderBatch)
    unplannable: set[Path] = field(default_factory=set)  # threads that failed planning: reported once, not per target


class Builder:
    """Builds threads of one project into one output folder, keeping state between builds.

    `progress` (generator.progress.BuildProgress) shows threads as they finish;
    `report_thread` is called with every result too. `backend`, when given, is used
    (and kept) for every build; otherwise each build picks one and closes it.
    """

    def __init__(
        self,
        request: BuildRequest,
        *,
        backend: RenderBackend | None = None,
        progress: Progress | None = None,
        report_thread: Reporter | None = None,
    ):
        self.request = request
        self.project = request.project
        self.out_dir = request.out_dir
        self.output = OutputFolder(request.out_dir)
        self.backend = backend
        self.progress = progress
        self.report_thread = report_thread
        self.force = request.force
        self.generation = 0  # bumped when layouts/themes change: renderers are renewed
        self.hasher = FileHasher(self.project.trusted_roots)  # nothing read through a symlink out
        self.dependencies = DependencyIndex(self.project)  # by thread file: what its output was last found to depend on
        self.global_diagnostics: list[Diagnostic] = []
        self._noticed = False
        check_cache_folder(self.project, request.resolved_cache_dir)
        # --force bypasses the records but keeps them: a forced build of one thread keeps the others'
        hashes = OutputHashes(request.out_dir, request.resolved_cache_dir if request.use_cache else None)
        self.store: BuildStore = ManifestStore(self.project, hashes, enabled=request.use_cache)
        own = self.project.user_cache  # the memo is the user's, not the project's (generator.user_cache)
        self.memo = Memo.in_cache(own) if request.use_cache and own is not None else Memo(None)
        fonts_dir = self.project.root / CACHE_DIR_NAME / "fonts"  # where renderers stage project fonts
        for name in discard_corrupt_staged_fonts(fonts_dir):
            shown = self.project.relative(fonts_dir / "project-fonts" / name)
            self.note(Diagnostic(shown, None, "corrupt cached font copy discarded; staged again from the project", Severity.WARNING))

    # reporting
    def note(self, diagnostic: Diagnostic) -> None:
        self.global_diagnostics.append(diagnostic)
        if self.progress is not None:
            self.progress.note(diagnostic)

    def _report(self, result: ThreadResult, *, advance: bool = False) -> None:
        if self.progress is not None:
            self.progress.thread_done(result, advance=advance)
        if self.report_thread is not None:
            self.report_thread(result)

    def read_units(self) -> dict[str, Any]:
        """The units of the output folder's manifest, as a build starts from them.

        An unreadable manifest is a warning and no units (everything is built again); the
        records of another generator lose their build parts, a malformed build part is a
        warning (that unit is built again).
        """
        manifest = self.output.read_manifest()
        shown = self.project.relative(self.out_dir / MANIFEST_NAME)
        threads = manifest.get("threads")
        if not isinstance(threads, dict):
            if (self.out_dir / MANIFEST_NAME).is_file():
                self.note(Diagnostic(shown, None, "unreadable manifest ignored; every thread is built again", Severity.WARNING))
            return {}
        if manifest.get("fingerprint") != self.store.fingerprint:
            return without_build_parts(threads)  # made by another generator (or none): nothing of it is reused
        units, warnings = read_build_parts(threads, shown)
        for warning in warnings:
            self.note(warning)
        return units

    def key_context(self, catalog: Catalog) -> KeyContext:
        return KeyContext(
            self.project,
            catalog.layout_index,
            self.hasher,
            strict=self.request.strict,
            theme_names=catalog.themes,
            config=catalog.config,
            cli_options=self.request.cli_options,
            memo=self.memo,
        )

    def up_to_date_unplanned(
        self, context: KeyContext, path: Path, now: datetime, recorded: Mapping[str, Any], target: str | None = None
    ) -> ThreadResult | None:
        """The result of a thread (for `target`) whose stamp shows it unchanged since its output was written.

        Nothing is parsed: `carousel list` and a no-op build read such threads from the cache,
        and their files from `recorded` (the manifest's units).
        """
        shown = self.project.relative(path)
        slug = self.store.slug_of_source(recorded, shown, target)
        entry = self.store.entry(recorded, slug) if slug is not None else None
        if slug is None or entry is None or entry.stamp is None:
            return None
        if context.stamp(path, entry.deps) != entry.stamp:
            return None
        summary = _summary_from_meta(entry.meta, now)
        if summary is None or _skip_reason_of(summary["status"], self.request):
            return None  # planning says why it is skipped now
        output = recorded_output(recorded.get(slug))
        if self.store.lookup(recorded, slug, entry.key, output.files) is None:
            return None
        self.dependencies.record(path, entry.deps)
        return ThreadResult(
            slug,
            shown,
            "built",
            slide_count=output.slides,
            files=output.files,
            diagnostics=list(entry.diagnostics),
            notes=tuple(entry.notes),
            cached=True,
            summary=summary,
            alt=output.alt,
            build=recorded[slug]["build"],
        )

    # building
    def build(self, catalog: Catalog, paths: list[Path], manifest_threads: dict[str, Any], now: datetime) -> list[ThreadResult]:
        """Build threads: up-to-date ones are reused, the others rendered and written.

        A thread whose stamp matches is not even planned; the others are planned and
        keyed, and rendered when their key has no intact output. With targets, each
        (thread, target) is such a unit: planned target by target, all rendered
        together (so `-j` spreads the targets of one thread too). Updates
        `manifest_threads` (unit -> entry) in place; returns results in the order of
        `paths` within each target.
        """
        request = self.request
        run = _BuildRun(catalog, self.key_context(catalog), manifest_threads, now)
        for path in paths:
            self.dependencies.forget(path)  # gathered anew, over every target
        passes = [self._stamped(run, paths, target) for target in target_passes(catalog, request)]
        # the thread files' bytes as they were before planning read them (a save during the
        # build then shows as a changed stamp next time, never the other way round)
        sources = {index: self.hasher.sha256(paths[index]) for one in passes for index in one.to_plan}
        for one in passes:
            for index in one.to_plan:
                one.units[index].source_digest = sources[index]
        backend = self.backend
        planning = sum(len(one.to_plan) for one in passes)
        if backend is None and planning >= 2 and request.jobs >= 2:
            # likely to render several: start the workers now, they import while we plan
            backend = make_backend(self.project, request.jobs, planning)
        try:
            for one in passes:
                self._prepare(run, one)
            # every (thread, target) to render, of every target, shares the workers
            self._render(run, passes, backend)
            return [unit.result for one in passes for unit in one.units if unit.result is not None]
        finally:
            if backend is not None and backend is not self.backend:
                backend.close()

    def _stamped(self, run: _BuildRun, paths: list[Path], target: str | None) -> _TargetPass:
        """A target's units, those whose stamp shows them up to date already with their result."""
        units = [BuildUnit(path, target) for path in paths]
        to_plan: list[int] = []
        for index, unit in enumerate(units):
            unit.result = None if self.force else self.up_to_date_unplanned(run.context, unit.path, run.now, run.manifest_threads, target)
            if unit.result is None:
                to_plan.append(index)
        return _TargetPass(target, units, to_plan)

    def _prepare(self, run: _BuildRun, one: _TargetPass) -> None:
        """Plan and key one target's units: a result for those that need no rendering, the others into the batch."""
        request = self.request
        to_plan, planned_list = self._plan_unique(run, one)
        # threads not built for this target drop out, and so do failures an earlier target reported
        kept = [
            (index, entry)
            for index, entry in zip(to_plan, planned_list)
            if entry[1] is not None or (entry[2] is not None and entry[0] not in run.unplannable)
        ]
        run.unplannable.update(entry[0] for _, entry in kept if entry[2] is not None)
        run.batch.planned += len(kept)
        for index, (path, plan, failure) in kept:
            unit = one.units[index]
            if failure is not None:
                unit.result = _unpublished(failure, path, request, run.now) or failure
                continue
            assert plan is not None
            unit.plan = plan
            shown = plan.meta.shown_path
            reason = _skip_reason(plan, request, run.now)
            if reason:
                unit.result = ThreadResult(plan.unit, shown, "skipped", reason=reason, plan=plan, diagnostics=list(plan.warnings))
                continue
            try:
                key = unit.key = run.context.key(plan)
                stamp = unit.stamp = run.context.stamp(path, key.deps, source_digest=unit.source_digest)
            except Exception as error:  # e.g. a dependency that cannot be read: this thread fails, not the build
                unit.result = _failed(self.project, path, [internal_error(shown, error, "hashing its inputs")])
                continue
            self.dependencies.record(path, key.deps)
            output = recorded_output(run.manifest_threads.get(plan.unit))
            entry = None if self.force else self.store.lookup(run.manifest_threads, plan.unit, key.key, output.files)
            if entry is not None:
                # unchanged output, maybe changed inputs (e.g. a comment in carousel.yaml): the record takes the new stamp
                renewed = dataclasses.replace(entry, source=shown, stamp=stamp, deps=key.deps, meta=_plan_meta(plan))
                unit.result = ThreadResult(
                    plan.unit,
                    shown,
                    "built",
                    plan=plan,
                    slide_count=output.slides,
                    files=output.files,
                    diagnostics=list(entry.diagnostics),
                    notes=tuple(entry.notes),
                    cached=True,
                    alt=output.alt,
                    build=self.store.record(renewed),
                )
                continue
            run.batch.add(unit, request.strict, self.generation)

    def _render(self, run: _BuildRun, passes: list[_TargetPass], backend: RenderBackend | None) -> None:
        """Record what needed no rendering, then render the batch and write each unit as it comes."""
        request, batch, manifest_threads, now = self.request, run.batch, run.manifest_threads, run.now
        jobs = batch.jobs
        if self.progress is not None:
            self.progress.start(len(jobs))
        try:
            for one in passes:
                for unit in one.units:
                    if unit.result is not None:
                        self._record(unit.result, manifest_threads, now)
            if jobs and not self._noticed:
                self._noticed = True
                for notice in render_notices():
                    if self.progress is not None:
                        self.progress.echo(f"note: {notice}")
            if jobs:
                if batch.planned > 20:
                    release_memory()  # what planning left behind (Markdown, YAML, font tables)
                renderer = backend or make_backend(self.project, request.jobs, len(jobs), one_shot=True)
                try:
                    for job, outcome in renderer.render_many(jobs):
                        unit = batch.units[job.index]
                        assert unit.key is not None
                        try:
                            result = self._finish(job, outcome, unit.key, unit.stamp, manifest_threads, now)
                        except CarouselError as error:
                            result = _failed(self.project, job.plan.meta.source_path, error.diagnostics)
                        except Exception as error:  # e.g. a full disk: this thread fails, the others are written
                            result = _failed(
                                self.project,
                                job.plan.meta.source_path,
                                [internal_error(job.plan.meta.shown_path, error, "writing its files")],
                            )
                        unit.result = result
                        self._record(result, manifest_threads, now, advance=True)
                        if result.outcome == "built":
                            self.write_manifest(manifest_threads)  # metadata of the units recorded since the last swap
                finally:
                    if renderer is not backend:
                        renderer.close()
        finally:
            if self.progress is not None:
                self.progress.stop()

    def _plan_unique(self, run: _BuildRun, one: _TargetPass) -> tuple[list[int], list[Planned]]:
        """Plan the units of `one.to_plan`, failing every one whose slug another thread has.

        An up-to-date unit (not planned) whose slug a planned one now takes is planned
        too, so both are reported; slugs of threads outside this build (a partial rebuild)
        count as taken while their files exist. Returns the planned indexes and plans.
        """
        catalog, units, target = run.catalog, one.units, one.target

        def planned_at(indexes: list[int]) -> list[Planned]:
            return plan_threads(catalog, self.request, [units[index].path for index in indexes], target) if indexes else []

        planned = dict(zip(one.to_plan, planned_at(one.to_plan)))
        taken = {plan.meta.slug.casefold() for _, plan, _ in planned.values() if plan is not None}
        clashing = [
            index for index, unit in enumerate(units) if unit.result is not None and unit_slug(unit.result.slug).casefold() in taken
        ]
        for index, entry in zip(clashing, planned_at(clashing)):
            planned[index] = entry
            units[index].result = None
        claimed = {
            unit_slug(unit): entry["source"]
            for unit, entry in run.manifest_threads.items()
            if isinstance(entry, dict) and entry.get("outcome") != "failed" and isinstance(entry.get("source"), str)
        }
        claimed.update({unit_slug(unit.result.slug): unit.result.shown_path for unit in units if unit.result is not None})
        order = sorted(planned)
        return order, reject_duplicate_slugs(self.project, [planned[index] for index in order], claimed)

    def _record(self, result: ThreadResult, manifest_threads: dict[str, Any], now: datetime, *, advance: bool = False) -> None:
        previous = manifest_threads.get(result.slug)
        entry = _manifest_entry(result, previous if isinstance(previous, dict) else None, now)
        if entry != previous:  # an equal record stays the same object (the manifest's bytes of it are memoised)
            manifest_threads[result.slug] = entry
        self._report(result, advance=advance)

    def _finish(
        self,
        job: RenderJob,
        outcome: RenderOutcome,
        key: ThreadKey,
        stamp: str | None,
        manifest_threads: dict[str, Any],
        now: datetime,
    ) -> ThreadResult:
        plan = job.plan
        slug, shown = plan.unit, plan.meta.shown_path
        if not outcome.ok:
            # a failed build leaves the previous output (and its cache entry) in place
            return ThreadResult(slug, shown, "failed", plan=plan, diagnostics=outcome.diagnostics, exit_code=outcome.exit_code)
        artifacts = outcome.artifacts
        for relative in artifacts.files:
            if inside(self.out_dir, f"{slug}/{relative}") is None:  # slugs are checked; this is the last guard
                raise ThreadError(
                    Diagnostic(shown, plan.meta.slug_line, f"output path '{slug}/{relative}' would be outside the output folder")
                )
        made = None
        if key.key is not None:
            made = CacheEntry(key.key, stamp, key.deps, tuple(artifacts.warnings), tuple(artifacts.notes), _plan_meta(plan), shown)
        built = ThreadResult(
            slug,
            shown,
            "built",
            plan=plan,
            slide_count=artifacts.slide_count,
            files=file_digests(slug, artifacts.files),
            diagnostics=list(artifacts.warnings),
            notes=tuple(artifacts.notes),
            alt=artifacts.alt,
            build=self.store.record(made) if made is not None else None,
        )
        previous = manifest_threads.get(slug)
        # the manifest as it must read once the new files are in place: committed with the swap
        after = self.manifest({**manifest_threads, slug: _manifest_entry(built, previous if isinstance(previous, dict) else None, now)})
        try:
            self.output.replace_thread(slug, artifacts.files, owned=owned_files(previous), manifest=after)
        except ConfinementError as error:
            problem = Diagnostic(self.project.relative(error.path), None, f"{error.reason} (building {shown})")
            return ThreadResult(slug, shown, "failed", plan=plan, diagnostics=[*artifacts.warnings, problem], exit_code=1)
        except OutputError as error:
            return ThreadResult(
                slug, shown, "failed", plan=plan, diagnostics=[*artifacts.warnings, Diagnostic(shown, None, str(error))], exit_code=1
            )
        self.store.wrote(built.files)
        return built

    # removing what no longer has a source
    def prune(
        self,
        manifest_threads: dict[str, Any],
        current: Iterable[ThreadResult],
        sources: Iterable[str],
        untouched: Mapping[str, Iterable[str]] | None = None,
    ) -> list[ThreadResult]:
        """Remove the output of threads that are gone (or now build under another slug).

        `sources` are the thread files that exist (as shown: content/x.md). An entry is
        removed when its source is not among them, or when its source now plans to a
        different slug. `untouched` are the units of threads this build did not look at
        (by source; watch mode), which keep their output. Only files the manifest lists
        are deleted.
        """
        current = list(current)
        current_slugs = {r.slug for r in current}
        planned_units: dict[str, set[str]] = {}
        for result in current:
            if result.plan is not None or result.cached:
                planned_units.setdefault(result.shown_path, set()).add(result.slug)
        for untouched_source, units in (untouched or {}).items():
            current_slugs.update(units)
            planned_units.setdefault(untouched_source, set()).update(units)
        existing = set(sources)
        removed: list[ThreadResult] = []
        for slug in sorted(manifest_threads):
            if slug in current_slugs:
                continue
            entry = manifest_threads[slug]
            source = entry.get("source") if isinstance(entry, dict) else None
            if source in existing and slug in planned_units.get(source, {slug}):
                continue  # its source exists but did not plan (it failed, or is in another shard): keep its output
            now_as = ", ".join(sorted(planned_units.get(str(source), set())))
            reason = f"{source} was deleted" if source not in existing else f"{source} now builds as '{now_as}'"
            removed.append(self._remove(manifest_threads, slug, reason))
        return removed

    def prune_targets(self, manifest_threads: dict[str, Any], catalog: Catalog) -> list[ThreadResult]:
        """Before building, remove the output of targets carousel.yaml no longer declares.

        (Also the per-thread output when targets were added, and the per-target output when
        they were all removed: a thread folder then becomes the home of a single unit again.)
        """
        declared = set(catalog.config.targets)
        removed: list[ThreadResult] = []
        for unit in sorted(manifest_threads):
            target = unit.partition("/")[2]
            if (target and target not in declared) or (not target and declared and not unit.startswith("invalid:")):
                reason = f"target '{target}' is no longer in carousel.yaml" if target else "carousel.yaml now declares targets"
                removed.append(self._remove(manifest_threads, unit, reason))
        return removed

    def _remove(self, manifest_threads: dict[str, Any], unit: str, reason: str) -> ThreadResult:
        entry = manifest_threads.pop(unit)
        source = entry.get("source") if isinstance(entry, dict) else None
        try:
            # its files go in one swap, committed with the manifest that no longer lists them
            self.output.remove_thread(unit, owned_files(entry), manifest=self.manifest(manifest_threads))
        except OutputError as error:
            manifest_threads[unit] = entry  # its files are still there, and still ours
            result = ThreadResult(
                unit, str(source), "failed", reason=reason, diagnostics=[Diagnostic(str(source), None, str(error))], exit_code=1
            )
            self._report(result)
            return result
        result = ThreadResult(unit, str(source), "removed", reason=reason)
        self._report(result)
        return result

    def manifest(self, manifest_threads: dict[str, Any]) -> dict[str, Any]:
        """The contents of output/manifest.json for these units."""
        return {"generator": f"carousel-studio {__version__}", "fingerprint": self.store.fingerprint, "threads": manifest_threads}

    def write_manifest(self, manifest_threads: dict[str, Any]) -> None:
        """Write output/manifest.json, unless it already holds exactly this."""
        self.output.write_manifest(self.manifest(manifest_threads))

    def finish(self, manifest_threads: dict[str, Any]) -> None:
        self.write_manifest(manifest_threads)
        self.store.save(manifest_threads)

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()
            self.backend = None

    # between builds (watch mode keeps one Builder)
    def stop_forcing(self) -> None:
        """--force applies to the first build only."""
        self.force = False

    def files_changed(self, change: ChangeSet) -> None:
        """Renderers reload templates and themes when they changed, and start afresh when fonts did
        (fontconfig reads fonts once per process)."""
        if change.reloads_renderers:
            self.generation += 1
        if change.fonts and self.backend is not None:
            self.backend.restart()

    def warm_up(self, plan: ThreadPlan) -> None:
        """Have the kept renderers render a thread once, so the first rebuild is fast."""
        if self.backend is not None:
            self.backend.warm_up(RenderJob(0, plan, self.request.strict, self.generation))

    def renew_worn(self, renders: int) -> None:
        """Replace kept worker processes that rendered at least `renders` threads (between rebuilds)."""
        if self.backend is not None:
            self.backend.renew_worn(renders)

    # one full build
    def locked(self) -> Any:
        """Hold the output folder's lock (a concurrent build waits, saying so)."""

        def waiting() -> None:
            message = f"waiting for another build writing {self.project.relative(self.out_dir)}/ to finish"
            if self.progress is not None:
                self.progress.echo(f"note: {message}")

        return self.output.locked(on_wait=waiting)

    def build_all(self, catalog: Catalog) -> BuildReport:
        request = self.request
        paths = list(request.selection) if request.selection else self.project.discover_threads()
        paths = shard_paths(catalog, request, paths)
        with self.locked():
            manifest_threads = self.read_units()
            stale = self.prune_targets(manifest_threads, catalog)
            results = stale + self.build(catalog, paths, manifest_threads, request.now)
            if not request.selection and request.target is None:  # --target leaves the other targets' output alone
                sources = [self.project.relative(path) for path in self.project.discover_threads()]
                results += self.prune(manifest_threads, results, sources)
            self.finish(manifest_threads)
        return BuildReport(results, list(self.global_diagnostics))


def run_build(request: BuildRequest, report_thread: Reporter | None = None, *, progress: Progress | None = None) -> BuildReport:
    """Build the request. Raises ConfigError (exit 2) when nothing can be built."""
    catalog = load_catalog(request.project)
    problems = cli_layer_problems(catalog, request.cli_options)
    if problems:
        raise ConfigError(problems)
    try:
        builder = Builder(request, progress=progress, report_thread=report_thread)
        try:
            return builder.build_all(catalog)
        finally:
            builder.close()
    except ConfinementError as error:
        raise ConfigError(Diagnostic(request.project.relative(error.path), None, error.reason)) from error


# --- writing -----------------------------------------------------------------------


def check_cache_folder(project: Project, cache_dir: Path) -> None:
    """Refuse a cache folder reached through a symlink (inside the project: every part of its path)."""
    try:
        relative = cache_dir.relative_to(project.root)
    except ValueError:
        unlinked_path(cache_dir, ".")  # given with --cache-dir: the folder itself
        return
    if cache_dir.exists() or cache_dir.is_symlink():
        unlinked_path(project.root, relative)
        for name in ("fonts", "fonts/project-fonts"):
            if (cache_dir / name).exists() or (cache_dir / name).is_symlink():
                unlinked_path(cache_dir, name)


@dataclass(frozen=True)
class RecordedOutput:
    """What the manifest records of a unit's last output: its files ({`slug/relative`: sha256}), slides and alt text."""

    files: dict[str, str]
    slides: int
    alt: tuple[str, ...]


NOTHING_RECORDED = RecordedOutput({}, 0, ())


def recorded_output(entry: Any) -> RecordedOutput:
    """A manifest entry's record of the unit's output; nothing (so the unit is built again) for anything malformed."""
    try:
        record = UnitRecord.model_validate(entry)
    except ValidationError:
        return NOTHING_RECORDED
    if not {"files", "slides"} <= record.model_fields_set:
        return NOTHING_RECORDED
    return RecordedOutput(dict(record.files), record.slides, tuple(record.alt))


def _manifest_entry(result: ThreadResult, previous: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    plan = result.plan
    entry: dict[str, Any] = {
        "source": result.shown_path,
        "outcome": result.outcome,
        "warnings": [str(d) for d in result.diagnostics if d.severity is Severity.WARNING],
        "errors": [str(d) for d in result.diagnostics if d.is_error],
        "notes": list(result.notes),
    }
    # a planned unit's fields come from its plan, an unplanned one's from the cache: one shape (PlanMeta) for both
    summary = result.summary if plan is None else _summary_from_meta(_plan_meta(plan), now)
    if summary is not None:
        entry.update(summary)
    if result.outcome == "built":
        entry.update(slides=result.slide_count, files=result.files, alt=list(result.alt))
        if result.build is not None:
            entry["build"] = result.build
    elif previous:
        # a failed or skipped build leaves the previous output (and its record) in place
        entry.update(slides=previous.get("slides", 0), files=previous.get("files", {}), alt=previous.get("alt", []))
        if previous.get("build") is not None:
            entry["build"] = previous["build"]
    return entry
