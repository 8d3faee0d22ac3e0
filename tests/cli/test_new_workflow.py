"""`carousel new` scaffolds a scheduled publishing workflow; `carousel list --due` lists what it publishes."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from generator import __version__
from generator.cli import main
from tests.helpers import write_project


def test_new_scaffolds_a_workflow_that_parses_and_names_the_commands(tmp_path):
    result = CliRunner().invoke(main, ["new", str(tmp_path / "repo")])
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load((tmp_path / "repo/.github/workflows/carousel.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"][0]["cron"] and "push" in triggers
    jobs = workflow["jobs"]
    assert jobs["build"]["needs"] == "plan" and jobs["merge"]["needs"] == "build"
    assert jobs["build"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    runs = {job: " ".join(step.get("run", "") for step in spec["steps"]) for job, spec in jobs.items()}
    assert "carousel list --json --due --now" in runs["plan"]
    assert 'carousel check --due --now "${{ needs.plan.outputs.now }}" --shard ${{ matrix.shard }}/$SHARDS' in runs["build"]
    assert 'carousel build --now "${{ needs.plan.outputs.now }}" --shard ${{ matrix.shard }}/$SHARDS' in runs["build"]
    assert "carousel manifest --merge shards/* --out output" in runs["merge"]
    uses = [step.get("uses", "") for step in jobs["build"]["steps"]]
    assert any(use.startswith("actions/upload-artifact") for use in uses)
    assert workflow["env"]["CAROUSEL_VERSION"] == __version__


def test_list_due_leaves_out_drafts_and_future_threads(tmp_path):
    write_project(
        tmp_path,
        {
            "content/due.md": "---\ntitle: Due\ndate: 2026-01-01T09:00:00+00:00\n---\n\nx\n",
            "content/later.md": "---\ntitle: Later\ndate: 2026-06-01T09:00:00+00:00\n---\n\nx\n",
            "content/draft.md": "---\ntitle: Draft\ndraft: true\n---\n\nx\n",
        },
    )
    result = CliRunner().invoke(main, ["list", "--json", "--due", "--now", "2026-03-01T00:00:00Z", "--project", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [row["slug"] for row in json.loads(result.stdout)["threads"]] == ["due"]
    everything = CliRunner().invoke(main, ["list", "--json", "--now", "2026-03-01T00:00:00Z", "--project", str(tmp_path)])
    assert len(json.loads(everything.stdout)["threads"]) == 3
