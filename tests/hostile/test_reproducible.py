"""The same project built in two folders, by two users, in two time zones and locales: identical bytes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.helpers import write_project

THREAD = """\
    ---
    title: Same bytes everywhere
    date: 2026-03-01T09:00:00+01:00
    ---

    A post with an image and a date, built in two checkouts.

    ![A square](images/square.png)

    ---

    <!-- layout: quote -->
    Second post, as a quote. Ünïcödé and emoji 🚀.
    """


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _build(project: Path, home: Path, env_changes: dict[str, str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "TZ"))}
    env.update(env_changes, HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--format", "pdf,png", "-j", "1", "--now", "2026-06-01T00:00:00Z"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _outputs(project: Path) -> dict[str, bytes]:
    out = project / "output"
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def test_two_checkouts_give_identical_files(tmp_path):
    files = {
        "carousel.yaml": "profiles:\n  me:\n    name: Me\n    handle: me\n",
        "content/same.md": THREAD,
        "content/images/square.png": _png(),
    }
    first = write_project(tmp_path / "alice" / "work" / "carousels", files)
    second = write_project(tmp_path / "b" / "checkout-two", files)
    (tmp_path / "home-a").mkdir()
    (tmp_path / "home-b").mkdir()
    one = _build(first, tmp_path / "home-a", {"TZ": "UTC", "LANG": "C.UTF-8", "USER": "alice", "LOGNAME": "alice"})
    two = _build(
        second,
        tmp_path / "home-b",
        {"TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8", "USER": "bob", "LOGNAME": "bob"},
    )
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    a, b = _outputs(first), _outputs(second)
    assert sorted(a) == sorted(b)
    assert {"manifest.json", "same/same.pdf", "same/caption.txt", "same/slides/01.png"} <= set(a)
    different = [name for name in a if a[name] != b[name]]
    assert different == []
    assert str(first).encode() not in a["same/same.pdf"] and b"alice" not in a["same/same.pdf"]
