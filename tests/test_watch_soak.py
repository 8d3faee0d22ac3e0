"""Watch soak test (issue 10): 100 random edits, then the watcher's output equals a clean `--force` build.

The watcher is driven in this process: each edit is made on disk, then handed to
`Watcher.rebuild` as the set of paths an observer would report (the observer itself
is tested by tests/cli/test_watch.py). Edits are drawn from a seeded random source,
so a failure replays exactly: text changes, broken and fixed front matter (invalid
YAML, bad dates, alias bombs, NUL bytes, slug clashes), posts added and removed,
rename-saves (write a temp file, rename it over the thread), threads deleted and
recreated, new threads. Every rebuild must return normally (the watcher survives);
at the end every thread is fixed and the output folder, manifest included, must be
byte-identical to a clean forced build of the same files. Memory: the process's
resident size after the last edit stays within MEMORY_BOUND_MB of what it was
after warming up.
"""

from __future__ import annotations

import gc
import io
import os
import random
from datetime import UTC, datetime
from pathlib import Path

from generator.build import Builder, BuildRequest, run_build
from generator.parallel import InProcessBackend
from generator.progress import BuildProgress
from generator.project import Project
from generator.watch import Watcher

SEED = 10
EDITS = 100
MEMORY_BOUND_MB = 150
NOW = datetime(2026, 6, 1, tzinfo=UTC)

BROKEN_FRONT = [
    "title: [unclosed\n",
    "date: 2026-13-45\n",
    "profile: nobody\n",
    "theme: papper\n",
    "title: a\0b\n",
    "slug: ../escape\n",
    "l0: &l0 [x, x, x, x, x, x, x, x, x]\nl1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]\n"
    "l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\nl3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\n"
    "l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]\n",
]
WORDS = ["carousel", "slide", "post", "thread", "layout", "theme", "canvas", "swipe", "fit", "split", "shrink", "outro", "cover"]


class Thread:
    """One thread file's model: its name, title, posts and (maybe) broken front matter."""

    def __init__(self, name: str, posts: list[str]):
        self.name = name
        self.posts = posts
        self.broken: str | None = None
        self.clash: str | None = None  # a slug taken from another thread

    def text(self) -> str:
        front = f"title: {self.name.title()}\ncover: false\noutro: false\n"
        if self.clash:
            front += f"slug: {self.clash}\n"
        if self.broken:
            front += self.broken
        return "---\n" + front + "---\n\n" + "\n\n---\n\n".join(self.posts) + "\n"


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))).capitalize() + "."


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_hundred_random_edits_end_like_a_clean_build(tmp_path):
    rng = random.Random(SEED)
    root = tmp_path / "project"
    content = root / "content"
    content.mkdir(parents=True)
    (root / "carousel.yaml").write_text("defaults:\n  theme: paper\n")
    threads = {name: Thread(name, [_sentence(rng)]) for name in ("alpha", "beta", "gamma")}
    deleted: dict[str, Thread] = {}
    for thread in threads.values():
        (content / f"{thread.name}.md").write_text(thread.text())

    project = Project.at(root)
    request = BuildRequest(project=project, out_dir=root / "output", now=NOW, jobs=1)
    log = io.StringIO()
    progress = BuildProgress(log, live=False, show_cached=False)
    watcher = Watcher(request, fixed_now=NOW, progress=progress)
    watcher.builder = Builder(request, backend=InProcessBackend(project), progress=progress)
    watcher.initial_build()

    def save(thread: Thread) -> set[Path]:
        path = content / f"{thread.name}.md"
        if rng.random() < 0.3:  # an editor's rename-save: a temp file renamed over the thread
            temp = content / f".{thread.name}.md.swp"
            temp.write_bytes(thread.text().encode("utf-8"))
            os.replace(temp, path)
            return {temp, path}
        path.write_bytes(thread.text().encode("utf-8"))
        return {path}

    warm_rss = 0.0
    kinds = ["text", "text", "break", "fix", "add-post", "remove-post", "delete", "recreate", "new", "clash"]
    for step in range(EDITS):
        kind = rng.choice(kinds)
        names = sorted(threads)
        changed: set[Path] = set()
        if kind == "delete" and len(threads) > 1:
            name = rng.choice(names)
            deleted[name] = threads.pop(name)
            (content / f"{name}.md").unlink()
            changed = {content / f"{name}.md"}
        elif kind == "recreate" and deleted:
            name = rng.choice(sorted(deleted))
            threads[name] = deleted.pop(name)
            changed = save(threads[name])
        elif kind == "new":
            name = f"thread{step}"
            threads[name] = Thread(name, [_sentence(rng)])
            changed = save(threads[name])
        elif names:
            thread = threads[rng.choice(names)]
            if kind == "text":
                index = rng.randrange(len(thread.posts))
                thread.posts[index] = _sentence(rng)
            elif kind == "break":
                thread.broken = rng.choice(BROKEN_FRONT)
            elif kind == "fix":
                thread.broken, thread.clash = None, None
            elif kind == "add-post":
                thread.posts.append(_sentence(rng))
            elif kind == "remove-post" and len(thread.posts) > 1:
                thread.posts.pop(rng.randrange(len(thread.posts)))
            elif kind == "clash" and len(names) > 1:
                thread.clash = rng.choice([name for name in names if name != thread.name])
            changed = save(thread)
        if changed:
            watcher.rebuild(changed)  # reports every problem, never raises
        if step == 9:
            gc.collect()
            warm_rss = _rss_mb()
        assert "internal error" not in log.getvalue(), log.getvalue()[-2000:]

    # fix everything, as the author finally does, and let the watcher catch up
    changed = set()
    for thread in threads.values():
        if thread.broken or thread.clash:
            thread.broken, thread.clash = None, None
            changed |= save(thread)
    if changed:
        watcher.rebuild(changed)
    gc.collect()
    final_rss = _rss_mb()
    watcher.stop()

    assert "Traceback" not in log.getvalue()
    clean = run_build(BuildRequest(project=project, out_dir=tmp_path / "clean", now=NOW, jobs=1, force=True, use_cache=False))
    assert clean.exit_code == 0
    watched, expected = _tree(root / "output"), _tree(tmp_path / "clean")
    assert sorted(watched) == sorted(expected)
    assert [name for name in expected if watched[name] != expected[name]] == []
    assert {f"{name}/{name}.pdf" for name in threads} <= set(expected)
    assert final_rss - warm_rss < MEMORY_BOUND_MB, (warm_rss, final_rss)


def test_a_slug_taken_while_watching_fails_both_threads_naming_each_other(tmp_path):
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    good = "---\ntitle: {title}\ncover: false\noutro: false\n{extra}---\n\nText of {title}.\n"
    (root / "content/alpha.md").write_text(good.format(title="Alpha", extra=""))
    (root / "content/beta.md").write_text(good.format(title="Beta", extra=""))
    project = Project.at(root)
    request = BuildRequest(project=project, out_dir=root / "output", now=NOW, jobs=1)
    log = io.StringIO()
    progress = BuildProgress(log, live=False, show_cached=False)
    watcher = Watcher(request, fixed_now=NOW, progress=progress)
    watcher.builder = Builder(request, backend=InProcessBackend(project), progress=progress)
    watcher.initial_build()
    (root / "content/beta.md").write_text(good.format(title="Beta", extra="slug: alpha\n"))
    watcher.rebuild({root / "content/beta.md"})
    lines = log.getvalue().splitlines()
    assert "content/beta.md:5: slug 'alpha' is also the slug of content/alpha.md: set a different `slug:` in one of them" in lines
    assert "content/alpha.md:1: slug 'alpha' is also the slug of content/beta.md: set a different `slug:` in one of them" in lines
    alpha_pdf = (root / "output/alpha/alpha.pdf").read_bytes()
    # fixed: both build again, and alpha's output is alpha's
    (root / "content/beta.md").write_text(good.format(title="Beta", extra=""))
    watcher.rebuild({root / "content/beta.md"})
    watcher.stop()
    assert (root / "output/beta/beta.pdf").is_file() and (root / "output/alpha/alpha.pdf").read_bytes() == alpha_pdf
