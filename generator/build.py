"""The build pipeline: discover → parse & validate → plan → render → export → write.

Every thread is validated before anything is written; a thread that fails is
reported with all its problems while the others are still built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from generator import __version__
from generator.catalog import Catalog, cli_layer_problems, load_catalog
from generator.content.markdown import new_markdown
from generator.errors import CarouselError, ConfigError, Diagnostic, Severity
from generator.model import ThreadPlan
from generator.output import read_manifest, write_manifest, write_thread_files
from generator.project import Project
from generator.threads import load_thread, slug_for

Outcome = Literal["built", "skipped", "failed"]


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
    force: bool = False
    jobs: int = 1


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


@dataclass
class BuildReport:
    results: list[ThreadResult]
    global_diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return max([0] + [r.exit_code for r in self.results])

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)


Reporter = Callable[[ThreadResult], None]


def plan_threads(catalog: Catalog, request: BuildRequest) -> list[tuple[Path, ThreadPlan | None, ThreadResult | None]]:
    """Parse, validate and plan every selected thread (no rendering, no writing)."""
    project = catalog.project
    paths = list(request.selection) if request.selection else project.discover_threads()
    markdown = new_markdown()
    planned: list[tuple[Path, ThreadPlan | None, ThreadResult | None]] = []
    for path in paths:
        slug = slug_for(project.content_dir, path)
        try:
            plan = load_thread(catalog, path, request.cli_options, markdown)
        except CarouselError as error:
            planned.append((path, None, ThreadResult(slug, project.relative(path), "failed", diagnostics=error.diagnostics, exit_code=error.exit_code)))
            continue
        planned.append((path, plan, None))
    return planned


def _skip_reason(plan: ThreadPlan, request: BuildRequest) -> str:
    status = plan.status(request.now)
    if status == "draft" and not request.include_drafts:
        return "draft (use --drafts)"
    if status == "scheduled" and not request.include_future:
        return f"scheduled for {plan.meta.date.isoformat() if plan.meta.date else '?'} (use --future)"
    return ""


def run_build(request: BuildRequest, report_thread: Reporter | None = None) -> BuildReport:
    """Build the request. Raises ConfigError (exit 2) when nothing can be built."""
    from generator.render.thread import Renderer  # imports WeasyPrint: only when rendering

    catalog = load_catalog(request.project)
    problems = cli_layer_problems(catalog, request.cli_options)
    if problems:
        raise ConfigError(problems)
    renderer = Renderer(request.project)
    results: list[ThreadResult] = []
    manifest = read_manifest(request.out_dir)
    threads: dict[str, Any] = dict(manifest.get("threads", {})) if request.selection else {}

    for path, plan, failure in plan_threads(catalog, request):
        result = failure
        if result is None:
            assert plan is not None
            result = _render_one(renderer, plan, request)
        results.append(result)
        threads[result.slug] = _manifest_entry(result, threads.get(result.slug), request.now)
        if report_thread:
            report_thread(result)

    write_manifest(request.out_dir, {"generator": f"carousel-studio {__version__}", "threads": threads})
    return BuildReport(results)


def _render_one(renderer, plan: ThreadPlan, request: BuildRequest) -> ThreadResult:
    shown = plan.meta.shown_path
    reason = _skip_reason(plan, request)
    if reason:
        return ThreadResult(plan.meta.slug, shown, "skipped", reason=reason, plan=plan, diagnostics=list(plan.warnings))
    try:
        artifacts = renderer.render(plan, strict=request.strict)
    except CarouselError as error:
        return ThreadResult(plan.meta.slug, shown, "failed", plan=plan, diagnostics=error.diagnostics, exit_code=error.exit_code)
    files = write_thread_files(request.out_dir, plan.meta.slug, artifacts.files)
    return ThreadResult(
        plan.meta.slug, shown, "built", plan=plan, slide_count=artifacts.slide_count,
        files=files, diagnostics=list(artifacts.warnings), notes=artifacts.notes,
    )


def _manifest_entry(result: ThreadResult, previous: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    plan = result.plan
    entry: dict[str, Any] = {
        "source": result.shown_path,
        "outcome": result.outcome,
        "warnings": [str(d) for d in result.diagnostics if d.severity is Severity.WARNING],
        "errors": [str(d) for d in result.diagnostics if d.is_error],
        "notes": list(result.notes),
    }
    if plan is not None:
        entry.update(
            title=plan.meta.title,
            status=plan.status(now),
            date=plan.meta.date.isoformat() if plan.meta.date else None,
            canvas=plan.canvas.name,
            theme=plan.theme,
        )
    if result.outcome == "built":
        entry.update(slides=result.slide_count, files=result.files)
    elif previous:
        # a failed or skipped build leaves the previous output (and its record) in place
        entry.update(slides=previous.get("slides", 0), files=previous.get("files", {}))
    return entry
