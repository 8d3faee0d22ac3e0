"""Generated projects for the build benchmarks (deterministic: same arguments, same files)."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO))  # PYTHONPATH (e.g. a snapshot of the code) comes first

LAYOUTS = ("classic", "numbered", "quote", "classic", "tweet", "classic")
THEMES = ("paper", "midnight", "paper", "ocean", "forest")
# The benchmark text: a plain English sentence, repeated and shuffled into posts.
TEXT = (
    "ship small batches often because every release teaches the team something real about users and the cost of waiting grows quietly until a launch "
    "turns into a week of firefighting while short feedback loops keep attention on what matters most to the people who use the product"
)
WORDS = TEXT.split()

CONFIG = """\
defaults:
  theme: paper
  profile: bench
profiles:
  bench:
    name: Bench Author
    handle: "@bench"
    avatar: assets/avatar.png
presets:
  dark:
    theme: midnight
    pattern: grid
"""


def _png(colour: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def thread_text(index: int, posts: int = 8, seed: int = 0) -> str:
    """A thread of `posts` posts: with cover and outro, posts + 2 slides."""
    rng = random.Random(seed * 100_003 + index)
    theme = THEMES[index % len(THEMES)]
    lines = ["---", f"title: Bench thread {index:03d}", f"subtitle: {_sentence(rng, 4, 8)}", f"theme: {theme}", "---", ""]
    for number in range(1, posts + 1):
        if number > 1:
            lines += ["", "---", ""]
        layout = LAYOUTS[(index + number) % len(LAYOUTS)]
        if layout != "classic":
            lines.append(f"<!-- layout: {layout} -->")
        if layout == "classic":
            lines.append(f"## {_sentence(rng, 3, 6)}")
            lines.append("")
        lines.append(_sentence(rng, 12, 26) + " " + _sentence(rng, 6, 14))
        if number % 4 == 0 and layout == "classic":
            lines += ["", f"- {_sentence(rng, 3, 6)}", f"- {_sentence(rng, 3, 6)}"]
        if number == 3 and index % 10 == 0:
            lines += ["", "![A diagram](images/diagram.png)"]
    return "\n".join(lines) + "\n"


def ensure_bytecode() -> str:
    """Byte-compile this checkout's generator/ (what `make install` and a pip install do); returns a note.

    Python reads a module's .pyc when it is up to date and compiles the source otherwise; with
    PYTHONDONTWRITEBYTECODE set (as on some machines) it never writes one, so an editable checkout
    would compile every module in every process (~0.1 s), a cost no installed package has.
    """
    import compileall

    compileall.compile_dir(REPO / "generator", quiet=1)
    flag = " (PYTHONDONTWRITEBYTECODE is set: .pyc made here, not by Python)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return f"bytecode: generator/ compiled{flag}"


def make_project(root: Path, threads: int, posts: int = 8) -> Path:
    """A content repo with `threads` threads of `posts` posts each (posts + 2 slides)."""
    (root / "content/images").mkdir(parents=True, exist_ok=True)
    (root / "assets").mkdir(exist_ok=True)
    (root / "carousel.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "assets/avatar.png").write_bytes(_png((200, 120, 60), (128, 128)))
    (root / "content/images/diagram.png").write_bytes(_png((40, 90, 200), (640, 400)))
    for index in range(threads):
        (root / f"content/thread-{index:03d}.md").write_text(thread_text(index, posts), encoding="utf-8")
    return root


def carousel(project: Path, *args: str, check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
    """Run `carousel ARGS` in a fresh process; returns (wall seconds, the completed process)."""
    env = {key: value for key, value in os.environ.items() if key != "TERM"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", *args, "--project", str(project)], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if check and done.returncode != 0:
        raise SystemExit(f"carousel {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, done


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


# --- measuring a build's wall time and memory (the whole process tree) --------------


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = handle.read().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(word.decode(errors="replace") for word in words if word)
    if "spawn_main" in text:
        return "render worker"
    if "resource_tracker" in text:
        return "multiprocessing resource tracker"
    if " -m generator" in text:
        return "carousel (parent)"
    return text[:60]


def tree_rss(pid: int) -> tuple[int, int, int, dict[str, int]]:
    """(sum of RSS, largest RSS, processes, RSS by process) over a process and its descendants."""
    pending, total, largest, count, parts = [pid], 0, 0, 0, {}
    while pending:
        current = pending.pop()
        rss = _rss_bytes(current)
        if rss:
            total, largest, count = total + rss, max(largest, rss), count + 1
            parts[f"{current} {_command(current)}"] = rss
        pending += _children(current)
    return total, largest, count, parts


def measured_build(project: Path, *args: str, interval: float = 0.02) -> dict:
    """Run `carousel build ARGS`, sampling the memory of its process tree; wall time and peaks."""
    import resource

    env = {key: value for key, value in os.environ.items() if key != "TERM"}
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", *args, "--project", str(project)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    stderr: list[str] = []
    import threading

    reader = threading.Thread(target=lambda: stderr.extend(process.stderr), daemon=True)
    reader.start()
    peak_total = peak_single = peak_processes = 0
    peak_parts: dict[str, int] = {}
    while process.poll() is None:
        total, largest, count, parts = tree_rss(process.pid)
        if total > peak_total:
            peak_total, peak_parts = total, parts
        peak_single, peak_processes = max(peak_single, largest), max(peak_processes, count)
        time.sleep(interval)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the build and the workers it waited for
    cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
    reader.join(timeout=10)
    text = "".join(stderr)
    if process.returncode != 0:
        raise SystemExit(f"carousel build {' '.join(args)} failed ({process.returncode}):\n{text[-3000:]}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_total": peak_total,
        "peak_single": peak_single,
        "peak_parts": peak_parts,
        "processes": peak_processes,
        "summary": last_line(text),
        "load": os.getloadavg()[0],
    }


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mb(value: int) -> str:
    return f"{value / 2**20:.0f} MB"


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def full_build_argv(project: Path, formats: str, out: Path) -> list[str]:
    """Our whole build of `project` in a fresh process: every thread rendered (--force), one worker."""
    return [
        sys.executable,
        "-m",
        "generator",
        "build",
        "--force",
        "-j",
        "1",
        "--format",
        formats,
        "--out",
        str(out),
        "--project",
        str(project),
    ]
