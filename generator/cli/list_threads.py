"""`carousel list`: threads with status, date, whether due, and their outputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from generator.build import BuildRequest, plan_threads
from generator.catalog import load_catalog
from generator.cli.common import exits_on_carousel_error, parse_now, project_option, resolve_project
from generator.output import read_manifest


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--due", "due_only", is_flag=True, help="Only threads a build at this time would publish (not drafts, not future-dated).")
@click.option("--now", "now_option", default=None, metavar="TIME", help="Take this ISO 8601 time as now.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: output/).")
@project_option
@exits_on_carousel_error
def list_command(as_json, due_only, now_option, out_dir, project_dir):
    """List threads: status (draft, scheduled, due), date and outputs."""
    project = resolve_project(project_dir)
    now = parse_now(now_option)
    out = (out_dir or project.root / "output").resolve()
    manifest_threads = read_manifest(out).get("threads", {})
    catalog = load_catalog(project)
    rows = []
    for path, plan, failure in plan_threads(catalog, BuildRequest(project=project, out_dir=out, now=now)):
        slug = plan.meta.slug if plan else failure.slug
        recorded = manifest_threads.get(slug, {})
        files = sorted(name for name in recorded.get("files", {}) if (out / name).is_file())
        rows.append(
            {
                "slug": slug,
                "source": project.relative(path),
                "title": plan.meta.title if plan else None,
                "status": plan.status(now) if plan else "invalid",
                "date": plan.meta.date.isoformat() if plan and plan.meta.date else None,
                "due": bool(plan and plan.status(now) == "due"),
                "slides": len(plan.slides) if plan else None,
                "outputs": files,
                "errors": [str(d) for d in failure.diagnostics] if failure else [],
            }
        )
    if due_only:
        rows = [row for row in rows if row["due"]]
    if as_json:
        click.echo(json.dumps({"now": now.isoformat(), "threads": rows}, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            date = row["date"] or "-"
            outputs = f"{len(row['outputs'])} files" if row["outputs"] else "not built"
            click.echo(f"{row['status']:<10} {date:<26} {row['slug']:<32} {outputs}")
    sys.exit(2 if any(row["status"] == "invalid" for row in rows) else 0)
