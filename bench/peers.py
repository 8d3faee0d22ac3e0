"""Peers: our whole build process against Marp CLI and a bare WeasyPrint script, same text.

    .venv/bin/python bench/peers.py [--repeat 5] [--many 110] [--no-marp]

One 10-slide text thread (cover, 8 posts, outro), rendered by

* ours:  `python -m generator build --force -j 1 --format pdf` (and `pdf,png`), our full design;
* bare:  a WeasyPrint script (bench/_bare_weasyprint.py) setting the same text in the same
         vendored fonts, one plain <section> per page: the floor WeasyPrint itself sets;
* marp:  `marp --pdf` (and `marp --images png`) on the same text in Marp's default theme at
         the same canvas size, when `marp` is on PATH. This script installs nothing. To install:
         `npm install -g @marp-team/marp-cli`; Marp drives a Chromium: on Debian
         `apt-get install chromium` and CHROME_PATH=/usr/bin/chromium (set here when unset).

Every run is a fresh process; contenders are interleaved (A B C A B C ...) so a busy machine
slows them alike. Wall time and CPU time (user + system of the process and every child it
waited for, Chromium's included) are medians. The second part sets the same text at --many
slides to get the marginal cost per slide, ours against bare: (t(many) - t(10)) / (many - 10).
Our generator/ is byte-compiled first, as an installed package is (_corpus.ensure_bytecode).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from _corpus import WORDS, ensure_bytecode, full_build_argv  # the same text as the other build benchmarks

REPO = Path(__file__).resolve().parents[1]
BARE_SCRIPT = REPO / "bench" / "_bare_weasyprint.py"
WIDTH, HEIGHT = 1080, 1350  # linkedin-portrait, our default canvas


@dataclass
class Deck:
    """The text of one thread: a title slide, posts (heading + paragraph) and a closing line."""

    title: str
    subtitle: str
    posts: list[tuple[str, str]]
    closing: str = "Follow for more threads like this one."

    @property
    def slides(self) -> int:
        return len(self.posts) + 2


def make_deck(posts: int, seed: int = 13) -> Deck:
    rng = random.Random(seed)

    def sentence(low: int, high: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."

    return Deck(
        title="Ship small, ship often",
        subtitle=sentence(5, 8),
        posts=[(sentence(3, 6), f"{sentence(14, 22)} {sentence(8, 14)}") for _ in range(posts)],
    )


def write_ours(deck: Deck, root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "carousel.yaml").write_text(
        'defaults:\n  profile: bench\nprofiles:\n  bench:\n    name: Bench Author\n    handle: "@bench"\n', encoding="utf-8"
    )
    posts = "\n\n---\n\n".join(f"## {heading}\n\n{text}" for heading, text in deck.posts)
    (root / "content" / "thread.md").write_text(f"---\ntitle: {deck.title}\nsubtitle: {deck.subtitle}\n---\n\n{posts}\n", encoding="utf-8")
    return root


def write_marp(deck: Deck, root: Path) -> Path:
    root.mkdir(parents=True)
    # Marp reads the slide size from the theme's `section` width/height
    (root / "theme.css").write_text(
        f"/* @theme bench */\n@import 'default';\nsection {{ width: {WIDTH}px; height: {HEIGHT}px; }}\n", encoding="utf-8"
    )
    slides = [f"# {deck.title}\n\n{deck.subtitle}"] + [f"## {h}\n\n{t}" for h, t in deck.posts] + [deck.closing]
    (root / "thread.md").write_text("---\nmarp: true\ntheme: bench\n---\n\n" + "\n\n---\n\n".join(slides) + "\n", encoding="utf-8")
    return root


def write_bare(deck: Deck, root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "deck.txt").write_text(
        "\n".join([deck.title, deck.subtitle] + [f"{h}\t{t}" for h, t in deck.posts] + [deck.closing]) + "\n", encoding="utf-8"
    )
    return root


@dataclass
class Runs:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux), so their CPU time is counted when we reap them.

    Chromium's helper processes outlive the browser process that started them for a moment
    and are never waited for by it: without this their CPU time would be lost.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36  # noqa: N806
    return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def reap_orphans() -> None:
    """Wait for every adopted descendant still running (their rusage joins RUSAGE_CHILDREN)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process tree) of one run; raises when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def contenders(deck: Deck, folder: Path, marp: str | None, *, with_png: bool) -> dict[str, tuple[list[str], Path]]:
    """name -> (command, working folder), all producing the same deck."""
    ours = write_ours(deck, folder / "ours")
    bare = write_bare(deck, folder / "bare")
    out = folder / "out"
    found: dict[str, tuple[list[str], Path]] = {
        "ours pdf": (
            full_build_argv(ours, "pdf", out / "ours-pdf"),
            ours,
        ),
        "bare weasyprint pdf": (
            [sys.executable, str(BARE_SCRIPT), str(bare / "deck.txt"), str(out / "bare.pdf"), str(folder / "bare-cache")],
            bare,
        ),
    }
    if with_png:
        found["ours pdf+png"] = (
            full_build_argv(ours, "pdf,png", out / "ours-png"),
            ours,
        )
    if marp:
        deck_dir = write_marp(deck, folder / "marp")
        base = [marp, "--no-config-file", "--theme", "theme.css", "--allow-local-files", "thread.md"]
        found["marp --pdf"] = (base + ["--pdf", "-o", str(out / "marp.pdf")], deck_dir)
        if with_png:
            found["marp --images png"] = (base + ["--images", "png", "-o", str(out / "marp" / "slide.png")], deck_dir)
    return found


def measure(commands: dict[str, tuple[list[str], Path]], repeat: int, env: dict[str, str]) -> dict[str, Runs]:
    runs = {name: Runs() for name in commands}
    for name, (command, cwd) in commands.items():  # warm-up: disk caches, fontconfig cache, Chromium profile  # noqa: B007
        timed(command, cwd, env)
    for _ in range(repeat):
        for name, (command, cwd) in commands.items():
            runs[name].add(*timed(command, cwd, env))
    return runs


def output_sizes(folder: Path) -> dict[str, int]:
    out = folder / "out"
    sizes = {"ours pdf": next((out / "ours-pdf").rglob("*.pdf")).stat().st_size, "bare weasyprint pdf": (out / "bare.pdf").stat().st_size}
    if (out / "marp.pdf").is_file():
        sizes["marp --pdf"] = (out / "marp.pdf").stat().st_size
    return sizes


def print_table(title: str, runs: dict[str, Runs], sizes: dict[str, int] | None = None) -> None:
    print(f"\n{title}")
    print(f"  {'':22} {'wall s':>8} {'CPU s':>8}  {'PDF':>8}   runs (wall)")
    for name, run in runs.items():
        size = f"{sizes[name] / 1024:6.1f} KiB" if sizes and name in sizes else " " * 10
        print(f"  {name:22} {run.median_wall:8.2f} {run.median_cpu:8.2f}  {size}   {', '.join(f'{w:.2f}' for w in run.wall)}")


def ratio_line(label: str, ours: Runs, other: Runs, goal: str) -> str:
    return (
        f"  {label:34} wall {ours.median_wall / other.median_wall:5.2f}x   CPU {ours.median_cpu / other.median_cpu:5.2f}x   (goal {goal})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="Interleaved runs of each contender (after one warm-up).")
    parser.add_argument("--many", type=int, default=110, help="Slides of the long deck for the marginal cost (0: skip).")
    parser.add_argument("--no-marp", action="store_true", help="Leave Marp out even when it is on PATH.")
    args = parser.parse_args()

    env = {key: value for key, value in os.environ.items() if key != "TERM"}
    # `python -m generator` runs this checkout's code, whatever the venv's editable install points at
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    if "CHROME_PATH" not in env and shutil.which("chromium"):
        env["CHROME_PATH"] = shutil.which("chromium") or ""
    marp = None if args.no_marp else shutil.which("marp")
    subreaper = become_subreaper()
    print(
        f"bench/peers.py  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  {platform.node()}  {os.cpu_count()} CPUs  "
        f"load {os.getloadavg()[0]:.1f}  Python {platform.python_version()}"
        f"{'' if subreaper else '  (CPU of orphaned child processes not counted)'}"
    )
    print(ensure_bytecode())
    if marp:
        version = subprocess.run([marp, "--version"], capture_output=True, text=True, env=env).stdout.strip().splitlines()
        print(f"marp: {version[0] if version else marp}  (CHROME_PATH={env.get('CHROME_PATH', 'auto')})")
    else:
        print("marp: not on PATH, left out (install: npm install -g @marp-team/marp-cli; Debian: apt-get install chromium)")

    deck = make_deck(8)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        commands = contenders(deck, folder, marp, with_png=True)
        runs = measure(commands, args.repeat, env)
        print_table(
            f"one {deck.slides}-slide text thread, whole process, median of {args.repeat} interleaved runs", runs, output_sizes(folder)
        )
    print("\n  ratios (ours / other; below 1 is faster)")
    if "marp --pdf" in runs:
        print(ratio_line("PDF: ours / marp --pdf", runs["ours pdf"], runs["marp --pdf"], "<= 0.33"))
        print(ratio_line("PDF+PNG: ours / marp --images png", runs["ours pdf+png"], runs["marp --images png"], "<= 0.33"))
    print(ratio_line("PDF: ours / bare WeasyPrint", runs["ours pdf"], runs["bare weasyprint pdf"], "as low as it goes"))
    slides = deck.slides
    print(
        f"  PNG export (ours pdf+png - ours pdf) per slide: wall {(runs['ours pdf+png'].median_wall - runs['ours pdf'].median_wall) / slides * 1000:.0f} ms, "
        f"CPU {(runs['ours pdf+png'].median_cpu - runs['ours pdf'].median_cpu) / slides * 1000:.0f} ms   (goal <= 40 ms)"
    )

    if args.many > slides:
        long_deck = make_deck(args.many - 2)
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            long_commands = contenders(long_deck, folder, None, with_png=False)
            short_commands = {f"{key} ({slides})": value for key, value in contenders(deck, folder / "short", None, with_png=False).items()}
            both = {**short_commands, **{f"{key} ({args.many})": value for key, value in long_commands.items()}}
            long_runs = measure(both, max(2, args.repeat // 2), env)
            sizes = output_sizes(folder)
        print_table(
            f"marginal cost per slide: {slides} and {args.many} slides, median of {max(2, args.repeat // 2)} interleaved runs", long_runs
        )
        marginal = {}
        for who in ("ours pdf", "bare weasyprint pdf"):
            short, long = long_runs[f"{who} ({slides})"], long_runs[f"{who} ({args.many})"]
            marginal[who] = (
                (long.median_wall - short.median_wall) / (args.many - slides),
                (long.median_cpu - short.median_cpu) / (args.many - slides),
            )
            print(f"  {who:22} per slide: wall {marginal[who][0] * 1000:6.1f} ms   CPU {marginal[who][1] * 1000:6.1f} ms")
        ours_m, bare_m = marginal["ours pdf"], marginal["bare weasyprint pdf"]
        print(f"  ours / bare per slide: wall {ours_m[0] / bare_m[0]:.2f}x   CPU {ours_m[1] / bare_m[1]:.2f}x   (goal <= 1.2)")
        print(
            f"  PDF size at {args.many} slides: ours {sizes['ours pdf'] / 1024:.1f} KiB, bare {sizes['bare weasyprint pdf'] / 1024:.1f} KiB"
        )


if __name__ == "__main__":
    main()
