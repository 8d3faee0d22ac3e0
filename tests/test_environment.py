"""The libraries outside the project that shape output are part of the cache fingerprint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import generator.cache
import generator.environment
from generator.build import BuildReport, BuildRequest, run_build
from generator.project import Project
from tests.helpers import write_project

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def build(root: Path) -> BuildReport:
    request = BuildRequest(project=Project.at(root), out_dir=(root / "output").resolve(), now=NOW, jobs=1)
    return run_build(request)


def rendered(report: BuildReport) -> set[str]:
    return {r.slug for r in report.results if r.outcome == "built" and not r.cached}


@pytest.fixture
def fresh_fingerprint() -> Iterator[None]:
    generator.cache.generator_fingerprint.cache_clear()
    yield
    generator.cache.generator_fingerprint.cache_clear()


def test_native_libraries_are_read_from_the_loaded_objects() -> None:
    versions = dict(generator.environment.native_library_versions())
    for library in ("pango", "harfbuzz", "fontconfig"):
        assert re.fullmatch(r"\d+\.\d+\.\d+", versions[library]), versions
    assert versions["harfbuzz-subset"] in ("present", "-")
    names = [name for name, _ in generator.environment.output_environment()]
    assert {"native:pango", "native:harfbuzz", "native:fontconfig", "tinyhtml5", "weasyprint"} <= set(names)


def test_a_different_pango_invalidates_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_fingerprint: None) -> None:
    write_project(tmp_path, {"content/one.md": "---\ntitle: One\n---\n\nA post.\n"})
    assert rendered(build(tmp_path)) == {"one"}
    assert rendered(build(tmp_path)) == set()  # unchanged: served from the cache

    real = generator.environment.native_library_versions()
    other = tuple((name, "1.99.0" if name == "pango" else version) for name, version in real)
    monkeypatch.setattr(generator.environment, "native_library_versions", lambda: other)
    generator.cache.generator_fingerprint.cache_clear()
    assert rendered(build(tmp_path)) == {"one"}
