"""`carousel watch` as a real process: every kind of save rebuilds exactly what it affects.

After each change the output must equal what a clean build of the same files makes,
and the files of untouched threads must not have been rewritten (same inode and
mtime: output files are replaced atomically, so a rewrite always shows). Loops
poll with generous but bounded timeouts, for loaded CI machines.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from generator.build import BuildRequest, run_build
from generator.project import Project
from tests.helpers import REPO_ROOT, run_carousel, write_project

TIMEOUT = 120  # seconds for one rebuild to show up, on a loaded 2-core machine
SUMMARY = re.compile(r"^(\d+ built, \d+ skipped, \d+ failed; .*|nothing to rebuild: .*|nothing rebuilt: .*)$")


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(buffer, "PNG")
    return buffer.getvalue()


PROJECT = {
    "carousel.yaml": """
        defaults:
          theme: plain
        presets:
          quoted:
            layout: quote
        """,
    "content/alpha.md": """
        ---
        title: Alpha
        ---

        First post of alpha.

        ---

        A picture: ![pic](images/pic.png)
        """,
    "content/beta.md": """
        ---
        title: Beta
        preset: quoted
        theme: brand
        ---

        To be or not to be.
        """,
    "content/gamma.md": """
        ---
        title: Gamma
        ---

        Gamma's only post.
        """,
    "content/images/pic.png": png("#3366cc"),
    # project-only themes and copies of the built-in layouts: the test does not depend on
    # (nor react to) edits of the built-in files while it runs
    "themes/plain/theme.yaml": """
        mode: light
        colors:
          background: "#f7f4ee"
          surface: "#ebe5d9"
          text: "#1c1b19"
          muted: "#5f5a52"
          accent: "#1f4fd1"
          accent_contrast: "#ffffff"
        """,
    "themes/brand/theme.yaml": """
        extends: plain
        colors:
          accent: "#0a7d32"
        """,
    "themes/brand/theme.css": ".slide { letter-spacing: 0; }\n",
}


class WatchProcess:
    """A running `python -m generator watch`, its stderr collected line by line."""

    def __init__(self, project: Path, *args: str):
        self.project = project
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "watch", "--project", str(project), *args],
            cwd=project,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={k: v for k, v in os.environ.items() if k != "TERM"},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    @property
    def text(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def summaries(self) -> int:
        with self._lock:
            return sum(1 for line in self.lines if SUMMARY.match(line))

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"watch exited ({self.process.returncode}) while waiting for {what}:\n{self.text}")
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}:\n{self.text}")

    def wait_ready(self) -> None:
        self.wait_for(lambda: "(Ctrl-C to stop)" in self.text, "the initial build")

    def _rebuilt_after(self, start: int, changed: str) -> bool:
        """A `changed:` line naming `changed` after line `start`, then that batch's summary."""
        with self._lock:
            lines = self.lines[start:]
        for index, line in enumerate(lines):
            if line.startswith("changed: ") and changed in line:
                return any(SUMMARY.match(later) for later in lines[index + 1 :])
        return False

    def change(self, action: Callable[[], None], changed: str) -> None:
        """Do something, then wait for the rebuild of the batch naming `changed` (and a quiet moment)."""
        start = len(self.lines)
        action()
        self.wait_for(lambda: self._rebuilt_after(start, changed), f"a rebuild after a change to {changed}")
        self.settle()

    def settle(self, quiet: float = 0.7, longest: float = 10.0) -> None:
        """Give a trailing batch of the same save (an editor writing twice) time to finish."""
        deadline = time.monotonic() + longest
        last = (len(self.lines), time.monotonic())
        while time.monotonic() < deadline:
            time.sleep(0.1)
            count = len(self.lines)
            if count != last[0]:
                last = (count, time.monotonic())
            elif time.monotonic() - last[1] >= quiet and SUMMARY.match(self.lines[-1]):
                return

    def interrupt(self) -> int:
        """Ctrl-C; returns the exit code (the process must exit cleanly and promptly)."""
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
            pytest.fail(f"watch did not exit on SIGINT:\n{self.text}")
        self._reader.join(timeout=10)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def project(tmp_path) -> Path:
    root = write_project(tmp_path / "project", PROJECT)
    for path in sorted((REPO_ROOT / "layouts").iterdir()):
        if path.is_file():
            (root / "layouts").mkdir(exist_ok=True)
            (root / "layouts" / path.name).write_bytes(path.read_bytes())
    return root


@pytest.fixture
def watching(project):
    started: list[WatchProcess] = []

    def start(*args: str) -> WatchProcess:
        watch = WatchProcess(project, *args)
        started.append(watch)
        watch.wait_ready()
        return watch

    yield start
    for watch in started:
        watch.kill()


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_matches_clean_build(project: Path, tmp_path: Path) -> None:
    """The watched output equals a clean build of the project as it is now."""
    clean = tmp_path / f"clean-{time.monotonic_ns()}"
    request = BuildRequest(
        project=Project.at(project),
        out_dir=clean,
        now=datetime.now(UTC),
        jobs=1,
        use_cache=False,
    )
    run_build(request)
    assert tree(project / "output") == tree(clean)


def assert_untouched(project: Path, before: dict[str, tuple[int, int]], *slugs: str) -> None:
    for slug in slugs:
        old = {name: stat for name, stat in before.items() if name.startswith(f"{slug}/")}
        now = {name: stat for name, stat in stats(project / "output").items() if name.startswith(f"{slug}/")}
        assert old and now == old, f"{slug} was rewritten"


def rewritten(project: Path, before: dict[str, tuple[int, int]], slug: str) -> bool:
    now = stats(project / "output")
    return now.get(f"{slug}/{slug}.pdf") != before.get(f"{slug}/{slug}.pdf")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_each_kind_of_change_rebuilds_only_what_depends_on_it(project, watching, tmp_path):
    watch = watching("-j", "1", "--debounce", "0.5")
    assert_matches_clean_build(project, tmp_path)

    # a thread's file -> that thread
    before = stats(project / "output")
    watch.change(lambda: edit(project / "content/alpha.md", "First post of alpha.", "First post of alpha, edited."), "content/alpha.md")
    assert rewritten(project, before, "alpha")
    assert_untouched(project, before, "beta", "gamma")
    assert_matches_clean_build(project, tmp_path)

    # an image -> the threads that show it
    before = stats(project / "output")
    watch.change(lambda: (project / "content/images/pic.png").write_bytes(png("#cc3333")), "content/images/pic.png")
    assert rewritten(project, before, "alpha")
    assert_untouched(project, before, "beta", "gamma")
    assert_matches_clean_build(project, tmp_path)

    # a theme's CSS -> the threads with that theme
    before = stats(project / "output")
    watch.change(
        lambda: edit(project / "themes/brand/theme.css", "letter-spacing: 0;", "letter-spacing: 0.02em;"), "themes/brand/theme.css"
    )
    assert rewritten(project, before, "beta")
    assert_untouched(project, before, "alpha", "gamma")
    assert_matches_clean_build(project, tmp_path)

    # a layout file -> the threads using that layout
    before = stats(project / "output")
    quote_css = (project / "layouts/quote.css").read_text(encoding="utf-8") + "\n.layout--quote { word-spacing: 2px; }\n"
    watch.change(lambda: (project / "layouts/quote.css").write_text(quote_css, encoding="utf-8"), "layouts/quote.css")
    assert rewritten(project, before, "beta")
    assert_untouched(project, before, "alpha", "gamma")
    assert_matches_clean_build(project, tmp_path)

    # carousel.yaml -> the threads whose resolved options changed
    before = stats(project / "output")
    watch.change(lambda: edit(project / "carousel.yaml", "    layout: quote\n", "    layout: quote\n    pattern: grid\n"), "carousel.yaml")
    assert rewritten(project, before, "beta")
    assert_untouched(project, before, "alpha", "gamma")
    assert_matches_clean_build(project, tmp_path)

    before = stats(project / "output")
    watch.change(lambda: edit(project / "carousel.yaml", "defaults:\n", "# a comment changes no option\ndefaults:\n"), "carousel.yaml")
    assert "nothing to rebuild" in watch.text.rsplit("changed: carousel.yaml", 1)[1]
    assert_untouched(project, before, "alpha", "beta", "gamma")

    # a burst (like `git checkout`): several files at once, one rebuild
    before = stats(project / "output")
    start = len(watch.lines)

    def checkout() -> None:
        edit(project / "content/alpha.md", "edited.", "checked out.")
        edit(project / "content/gamma.md", "Gamma's only post.", "Gamma, checked out.")
        (project / "content/images/pic.png").write_bytes(png("#33aa55"))

    watch.change(checkout, "content/gamma.md")
    batches = [line for line in watch.lines[start:] if line.startswith("changed: ")]
    assert all(name in batches[0] for name in ("content/alpha.md", "content/gamma.md", "content/images/pic.png")), batches
    assert rewritten(project, before, "alpha") and rewritten(project, before, "gamma")
    assert_untouched(project, before, "beta")
    assert_matches_clean_build(project, tmp_path)

    assert watch.interrupt() == 0
    assert "Traceback" not in watch.text
    assert watch.lines[-1] == "stopped watching"


def test_errors_recover_deletes_remove_and_temp_saves_rebuild(project, watching, tmp_path):
    watch = watching("-j", "2")
    gamma = project / "content/gamma.md"

    # a broken edit: the error is printed as file:line: message, the old output stays
    before = stats(project / "output")
    watch.change(lambda: edit(gamma, "title: Gamma\n", "title: Gamma\nlayout: nope\n"), "content/gamma.md")
    assert "content/gamma.md:3: front matter: unknown layout 'nope'" in watch.text
    assert "failed  gamma" in watch.text
    assert_untouched(project, before, "alpha", "beta", "gamma")

    # the next good save recovers
    watch.change(lambda: edit(gamma, "layout: nope\n", "layout: numbered\n"), "content/gamma.md")
    assert rewritten(project, before, "gamma")
    assert_untouched(project, before, "alpha", "beta")
    assert_matches_clean_build(project, tmp_path)

    # an editor's atomic save: write a temp file, rename it over the thread
    before = stats(project / "output")

    def atomic_save() -> None:
        temp = project / "content/.alpha.md.swp"
        temp.write_text(
            (project / "content/alpha.md").read_text(encoding="utf-8").replace("First post of alpha.", "Saved atomically."),
            encoding="utf-8",
        )
        os.replace(temp, project / "content/alpha.md")

    watch.change(atomic_save, "content/alpha.md")
    assert rewritten(project, before, "alpha")
    assert_untouched(project, before, "beta", "gamma")
    assert_matches_clean_build(project, tmp_path)

    # editor temp files alone trigger nothing
    count = len(watch.lines)
    for name in ("4913", "alpha.md~", ".#alpha.md", "#alpha.md#", ".beta.md.swx", "draft.tmp"):
        (project / "content" / name).write_text("scratch\n", encoding="utf-8")
    time.sleep(2.0)
    assert not [line for line in watch.lines[count:] if line.startswith("changed: content/")]
    for name in ("4913", "alpha.md~", ".#alpha.md", "#alpha.md#", ".beta.md.swx", "draft.tmp"):
        (project / "content" / name).unlink()

    # a deleted thread: its output goes, the others stay
    before = stats(project / "output")
    watch.change(lambda: (project / "content/beta.md").unlink(), "content/beta.md")
    watch.wait_for(lambda: not (project / "output/beta").exists(), "beta's output to be removed")
    assert "removed beta: content/beta.md was deleted" in watch.text
    assert_untouched(project, before, "alpha", "gamma")
    assert_matches_clean_build(project, tmp_path)

    # a new thread
    watch.change(lambda: write_project(project, {"content/delta.md": "---\ntitle: Delta\n---\n\nNew here.\n"}), "content/delta.md")
    assert (project / "output/delta/delta.pdf").is_file()
    assert_matches_clean_build(project, tmp_path)

    # a broken carousel.yaml: reported, nothing touched; fixing it recovers
    config = project / "carousel.yaml"
    good = config.read_text(encoding="utf-8")
    before = stats(project / "output")
    watch.change(lambda: config.write_text(good.replace("theme: plain", "themee: plain"), encoding="utf-8"), "carousel.yaml")
    assert "carousel.yaml:2: unknown key 'defaults.themee'" in watch.text
    assert stats(project / "output") == before
    watch.change(lambda: config.write_text(good, encoding="utf-8"), "carousel.yaml")
    assert stats(project / "output") == before  # the same options as before the error
    assert_matches_clean_build(project, tmp_path)

    assert watch.interrupt() == 0
    assert "Traceback" not in watch.text


def test_poll_mode_sees_changes(project, watching, tmp_path):
    watch = watching("--poll", "-j", "1")
    before = stats(project / "output")
    watch.change(lambda: edit(project / "content/gamma.md", "Gamma's only post.", "Polled into view."), "content/gamma.md")
    assert rewritten(project, before, "gamma")
    assert_untouched(project, before, "alpha", "beta")
    assert_matches_clean_build(project, tmp_path)
    assert watch.interrupt() == 0
    assert "Traceback" not in watch.text


def test_a_wrong_flag_is_a_usage_error(project):
    result = run_carousel(project, "watch", "--theme", "nope", timeout=120)
    assert result.returncode == 2
    assert "command line: unknown theme 'nope'" in result.stderr
    result = run_carousel(project, "watch", "--format", "gif", timeout=120)
    assert result.returncode == 2
