"""generator.watch in this process: which threads a batch of changes looks at (rebuilds).

The watcher asks the build's dependency index (generator.cache.DependencyIndex) which
threads a changed path affects; the observer and the CLI are tested by
tests/cli/test_watch.py, the long run by tests/test_watch_soak.py.
"""

from __future__ import annotations

import io

from generator.build import Builder, BuildRequest
from generator.parallel import InProcessBackend
from generator.progress import BuildProgress
from generator.project import Project
from generator.watch import Watcher, WatchUpdate
from tests.test_cache import NOW, build, edit, make_project, png


def test_a_watch_started_on_an_up_to_date_project_looks_only_at_affected_threads(tmp_path):
    root = make_project(tmp_path / "project")
    assert build(root).exit_code == 0  # the watch then starts with every thread up to date (not planned)
    project = Project.at(root)
    request = BuildRequest(project=project, out_dir=(root / "output").resolve(), now=NOW, jobs=1)
    progress = BuildProgress(io.StringIO(), live=False, show_cached=False)
    updates: list[WatchUpdate] = []
    watcher = Watcher(request, fixed_now=NOW, progress=progress, listener=updates.append)
    watcher.builder = Builder(request, backend=InProcessBackend(project), progress=progress)
    try:
        watcher.initial_build()

        def looked_at(*changed: str) -> dict[str, bool]:
            watcher.rebuild({(root / name).resolve() for name in changed})
            return {result.slug: result.cached for result in updates[-1].results}

        (root / "content/images/pic.png").write_bytes(png("#cc3333"))
        assert looked_at("content/images/pic.png") == {"alpha": False}
        edit(root / "themes/base/theme.css", "letter-spacing: 0;", "letter-spacing: 0.01em;")
        assert looked_at("themes/base/theme.css") == {"beta": False}  # beta's theme extends base
        assert looked_at("content/gamma.md") == {"gamma": True}  # saved unchanged: planned, not rendered
        assert looked_at("content/notes.txt") == {}
    finally:
        watcher.stop()
