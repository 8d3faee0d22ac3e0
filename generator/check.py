"""`carousel check`: build every thread in memory and run the platform linter on it.

Nothing is written: each thread is planned, rendered (PDF, images, caption, alt text)
and measured, and the linter's rules (generator.platforms) are applied to what a build
would produce. Errors (a thread that cannot be planned — a bad option, a slug that
another thread has too — or a platform rule broken) make the check fail; warnings do
too with `strict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.build import BuildRequest, plan_units, shard_paths
from generator.catalog import Catalog
from generator.errors import Diagnostic
from generator.model import ThreadPlan
from generator.parallel import RenderJob, make_backend
from generator.threads import declared_status


@dataclass
class CheckedThread:
    slug: str
    source: str
    target: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    exit_code: int = 0  # 2 when the thread's configuration is wrong, 1 for any other error

    def errors(self, strict: bool) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error or strict]

    def to_json(self, strict: bool) -> dict[str, Any]:
        def item(d: Diagnostic) -> dict[str, Any]:
            return {"file": d.path, "line": d.line, "message": d.message, "severity": "error" if d.is_error or strict else "warning"}

        return {
            "slug": self.slug,
            "source": self.source,
            "target": self.target,
            "errors": [item(d) for d in self.diagnostics if d.is_error or strict],
            "warnings": [item(d) for d in self.diagnostics if not (d.is_error or strict)],
        }


@dataclass
class CheckReport:
    threads: list[CheckedThread]
    strict: bool = False

    @property
    def error_count(self) -> int:
        return sum(len(thread.errors(self.strict)) for thread in self.threads)

    @property
    def warning_count(self) -> int:
        return sum(len(thread.diagnostics) for thread in self.threads) - self.error_count

    @property
    def exit_code(self) -> int:
        codes = [thread.exit_code or 1 for thread in self.threads if thread.errors(self.strict)]
        return max(codes, default=0)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "errors": self.error_count,
            "warnings": self.warning_count,
            "threads": [thread.to_json(self.strict) for thread in self.threads],
        }


def check_project(catalog: Catalog, request: BuildRequest, *, due_only: bool = False) -> CheckReport:
    """Plan, render in memory and lint every selected thread for every target.

    Drafts and scheduled threads are checked too, unless `due_only`: then only what a
    build at `request.now` would publish (a scheduled pipeline must not fail on a
    half-written draft, even one that does not validate: its `draft:` and `date:` are
    read on their own). A thread whose front matter cannot be read is always reported:
    nobody can tell whether it is due, and the build would fail on it too.
    """
    paths = list(request.selection) if request.selection else catalog.project.discover_threads()
    planned = plan_units(catalog, request, shard_paths(catalog, request, paths))
    checked: list[CheckedThread] = []
    plans: list[tuple[CheckedThread, ThreadPlan]] = []
    for path, plan, failure in planned:
        if failure is not None:
            if due_only and declared_status(path, failure.shown_path, request.now) not in (None, "due"):
                continue
            checked.append(CheckedThread(failure.slug, failure.shown_path, None, list(failure.diagnostics), failure.exit_code))
            continue
        assert plan is not None
        if due_only and plan.status(request.now) != "due":
            continue
        thread = CheckedThread(plan.meta.slug, plan.meta.shown_path, plan.target)
        checked.append(thread)
        plans.append((thread, plan))

    jobs = [RenderJob(index, plan, strict=False) for index, (_, plan) in enumerate(plans)]
    if jobs:
        backend = make_backend(catalog.project, request.jobs, len(jobs))
        try:
            for job, outcome in backend.render_many(jobs):
                thread = plans[job.index][0]
                if not outcome.ok:
                    thread.diagnostics += outcome.diagnostics
                    thread.exit_code = max(thread.exit_code, outcome.exit_code)
                    continue
                artifacts = outcome.artifacts
                linted = {finding.message for finding in artifacts.findings}
                # the build reports the linter's findings as warnings: here they keep their severity
                thread.diagnostics += [w for w in artifacts.warnings if w.message not in linted]
                thread.diagnostics += list(artifacts.findings)
        finally:
            backend.close()
    return CheckReport(checked, strict=request.strict)
