"""Kill a program at its n-th write step: every step that changes the file system under a folder.

A step is an audited file-system event (`sys.addaudithook`: open for writing, mkdir,
rename/replace, link, unlink, rmdir, chmod, a copy) whose path is under the folder, or
a folder swap through `generator.output._exchange` (renameat2 via ctypes, which raises
no audit event). The kill happens *before* the step, so killing at each n in turn, up
to one past the count, reaches every state a kill can leave (a kill right after a
step is the kill before the next one).

In process the "kill" is `Killed` raised at that step and at every later one, so no
cleanup of the program's runs either (its `except`/`finally` blocks fail at their first
write); a subprocess can instead SIGKILL itself there.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator import output

_PATH_EVENTS = {
    "os.rename": 2,  # os.rename and os.replace
    "os.link": 2,
    "os.symlink": 2,
    "shutil.copyfile": 2,
    "os.remove": 1,
    "os.rmdir": 1,
    "os.mkdir": 1,
    "os.chmod": 1,
    "os.utime": 1,
    "os.truncate": 1,
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class Killed(BaseException):
    """Stands for a kill -9: nothing catches it."""


def _under(value: Any, root: str) -> bool:
    if not isinstance(value, str | bytes | os.PathLike):
        return False
    path = os.fsdecode(os.fspath(value))
    return path == root or path.startswith(root + os.sep)


_current: list[KillPoints] = []  # audit hooks cannot be removed: one hook, serving the KillPoints in use


def _dispatch(event: str, args: tuple[Any, ...]) -> None:
    if _current:
        _current[-1].audit(event, args)


class KillPoints:
    """Counts the write steps under `root`; with `kill_at`, calls `on_kill` at that step (and, once killed, at every later one)."""

    hooked = False

    def __init__(self, root: Path, kill_at: int | None = None, on_kill: Callable[[], None] | None = None):
        self.root = str(root)
        self.kill_at = kill_at
        self.on_kill = on_kill or self._raise
        self.steps: list[str] = []
        self.killed = False

    @staticmethod
    def _raise() -> None:
        raise Killed

    def step(self, name: str) -> None:
        self.steps.append(name)
        if self.killed or (self.kill_at is not None and len(self.steps) == self.kill_at):
            self.killed = True
            self.on_kill()

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
            if writes and _under(path, self.root):
                self.step(f"open {os.fsdecode(os.fspath(path))}")
        elif event in _PATH_EVENTS and any(_under(arg, self.root) for arg in args[: _PATH_EVENTS[event]]):
            self.step(f"{event} {args[0]!s}")

    def __enter__(self) -> KillPoints:
        if not KillPoints.hooked:
            sys.addaudithook(_dispatch)
            KillPoints.hooked = True
        _current.append(self)
        real_exchange = self._real_exchange = output._exchange

        def exchange(first: Path, second: Path) -> bool:
            self.step(f"exchange {second}")
            return real_exchange(first, second)

        output._exchange = exchange
        return self

    def __exit__(self, *exc: object) -> None:
        output._exchange = self._real_exchange
        _current.remove(self)


def sigkill_self() -> None:
    """A real kill -9 of this process."""
    os.kill(os.getpid(), signal.SIGKILL)
