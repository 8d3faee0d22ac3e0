"""Third-party plugins through entry points: an importer and output formats (tests/plugins/).

The plugin is installed as a user's would be: a package and its .dist-info folder on
sys.path (and PYTHONPATH, for the spawned render workers). Nothing in `generator`
names it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.cache
from generator import plugins
from generator.cli import main
from tests.helpers import build_in_process

PLUGIN_DIR = Path(__file__).resolve().parent / "plugins"

THREAD = """@ada_writes Ada Writer
Plugins make the tool grow without forking it.

A second post, imported by the lines importer.

The third and last post.
"""


def _forget_discoveries() -> None:
    plugins.discovered.cache_clear()
    generator.cache.generator_fingerprint.cache_clear()


def install(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Put a folder of packages and dist-infos on sys.path, here and in spawned workers."""
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))
    _forget_discoveries()


@pytest.fixture
def with_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    install(monkeypatch, PLUGIN_DIR)
    yield
    monkeypatch.undo()
    _forget_discoveries()


def test_plugins_are_discovered_with_their_distribution(with_plugin: None) -> None:
    assert plugins.names(plugins.IMPORTERS_GROUP) == ("lines",)
    assert plugins.names(plugins.OUTPUTS_GROUP) == ("escape", "outline")
    assert ("carousel.outputs:outline", "carousel-test-plugin 1.0.0") in plugins.plugin_versions()


def test_import_and_build_through_the_plugin(with_plugin: None, tmp_path: Path) -> None:
    source = tmp_path / "thread.lines"
    source.write_text(THREAD, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()

    imported = CliRunner().invoke(main, ["import", "--from", "lines", str(source), "--slug", "plugged", "--project", str(project)])
    assert imported.exit_code == 0, imported.output
    thread = project / "content" / "plugged.md"
    text = thread.read_text(encoding="utf-8")
    assert "profile: ada_writes" in text
    assert text.count("\n\n---\n\n") == 2  # three posts
    assert "A second post, imported by the lines importer." in text

    built = build_in_process(project, "--drafts", "--format", "pdf,outline")
    assert built.exit_code == 0, built.output
    folder = project / "output" / "plugged"
    assert (folder / "plugged.pdf").is_file()
    outline = (folder / "plugged.outline.txt").read_text(encoding="utf-8")
    assert outline.splitlines()[0].startswith("# ")
    words = outline.split()
    for word in ("grow", "without", "forking", "imported", "lines", "importer.", "third"):
        assert word in words, outline
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert any("plugged.outline.txt" in json.dumps(entry) for entry in manifest["threads"].values())


def test_unknown_kind_and_format_name_the_installed_ones(with_plugin: None, tmp_path: Path) -> None:
    source = tmp_path / "thread.lines"
    source.write_text(THREAD, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--from", "line", str(source), "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "'lines'" in result.output

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("---\ntitle: A\nformats: [pdf, outlines]\n---\n\nHello.\n", encoding="utf-8")
    built = build_in_process(tmp_path)
    assert built.exit_code != 0
    assert "outlines" in built.output and "did you mean 'outline'" in built.output


def test_a_plugin_writing_outside_its_folder_fails_that_thread_only(with_plugin: None, tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "bad.md").write_text("---\ntitle: Bad\nformats: [pdf, escape]\n---\n\nHello.\n", encoding="utf-8")
    (tmp_path / "content" / "good.md").write_text("---\ntitle: Good\n---\n\nHello.\n", encoding="utf-8")
    built = build_in_process(tmp_path)
    assert built.exit_code == 1, built.output
    assert "'../escaped.txt'" in built.output and "plain names only" in built.output
    assert not (tmp_path / "output" / "escaped.txt").exists()
    assert not (tmp_path / "output" / "bad").exists()
    assert (tmp_path / "output" / "good" / "good.pdf").is_file()


def test_a_new_plugin_version_invalidates_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    newer = tmp_path / "site"
    shutil.copytree(PLUGIN_DIR / "carousel_test_plugin", newer / "carousel_test_plugin")
    info = newer / "carousel_test_plugin-1.0.1.dist-info"
    shutil.copytree(PLUGIN_DIR / "carousel_test_plugin-1.0.0.dist-info", info)
    (info / "METADATA").write_text((info / "METADATA").read_text().replace("Version: 1.0.0", "Version: 1.0.1"))

    install(monkeypatch, PLUGIN_DIR)
    old = generator.cache.generator_fingerprint()
    monkeypatch.undo()
    install(monkeypatch, newer)
    assert ("carousel.outputs:outline", "carousel-test-plugin 1.0.1") in plugins.plugin_versions()
    assert generator.cache.generator_fingerprint() != old
    monkeypatch.undo()
    _forget_discoveries()


def test_a_plugin_importer_refusing_its_source_is_one_located_line(with_plugin: None, tmp_path: Path) -> None:
    source = tmp_path / "bad.lines"
    source.write_text("no handle here\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--from", "lines", str(source), "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"{source}:1: a .lines file starts with '@handle Name'"]
    assert not (tmp_path / "content").exists()
