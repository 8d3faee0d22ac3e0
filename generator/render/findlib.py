"""``ctypes.util.find_library``'s answers on Linux, without its processes.

On Linux, ``ctypes.util.find_library(name)`` runs, at every call, ``/sbin/ldconfig -p``
and answers the first ``lib<name>.… (<abi>`` entry; when there is none it links
``-l<name>`` with ``gcc -Wl,-t`` and with ``ld -t -L<each LD_LIBRARY_PATH folder>`` and
answers the SONAME (``objdump``) of the first ELF file in their output whose path holds
``lib<name>.``, or ``None``. ``import weasyprint`` asks 22 names that way, 16 of them
misses: 22 ``ldconfig``, 16 ``gcc`` and 16 ``ld`` processes, about 0.3 s.

`LibraryFinder` gives the same answers from one ``ldconfig -p`` listing and, for the
names it does not list, from one probe link per linker: the same links with ``-l`` of a
name no system has, and ``--verbose``, which shows every folder the linker searched and
every file it opened. A name neither linker can find (no ``lib<name>.…`` file in those
folders, no match in the probes' output) is answered ``None``; any other name, or every
name when a probe cannot be read (another linker), goes to the original function.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

FindLibrary = Callable[[str], str | None]

LDCONFIG = "/sbin/ldconfig"  # the path ctypes.util runs, not the one on PATH
C_LOCALE = {"LC_ALL": "C", "LANG": "C"}
PROBE = "carousel-studio-no-such-library"
NAME = "\0"  # stands for the name asked in a LinkProbe pattern
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.+-]+")  # names this module answers; others go to ctypes
_ATTEMPT = re.compile(rb"^attempt to open (.*) (failed|succeeded)$", re.MULTILINE)


def abi_type() -> str:
    """The ABI tag ``ldconfig -p`` prints for this interpreter's libraries (as ctypes.util computes it)."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    return {
        "x86_64-64": "libc6,x86-64",
        "ppc64-64": "libc6,64bit",
        "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit",
        "ia64-64": "libc6,IA-64",
    }.get(machine, "libc6")


def listed_soname(listing: bytes, name: str, abi: str) -> str | None:
    """The library ``find_library`` takes from an ``ldconfig -p`` listing (its own pattern)."""
    match = re.search(os.fsencode(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), abi)), listing)  # noqa: UP031
    return os.fsdecode(match.group(1)) if match else None


def traced_match(trace: bytes, name: str) -> bool:
    """Whether a link's output holds a path ``find_library`` would take for a plain ``name``.

    ctypes searches ``[^()\\s]*lib<name>\\.[^()\\s]*``; both ends may be empty, so for a
    name without spaces or parentheses that is ``lib<name>.`` anywhere (and no backtracking
    over the probes' 30 kB).
    """
    return os.fsencode(f"lib{name}.") in trace


@dataclass(frozen=True)
class LinkProbe:
    """What failed ``-l`` links show: the files the linkers tried, the files there, the output."""

    patterns: frozenset[str]  # the file names tried for -l<name>, with NAME for the name
    entries: frozenset[str]  # the file names in every folder the linkers searched
    output: bytes

    def may_find(self, name: str) -> bool:
        """Whether ``gcc -l<name>`` or ``ld -l<name>`` could give ``find_library`` a file."""
        if traced_match(self.output, name):
            return True
        return any(pattern.replace(NAME, name) in self.entries for pattern in self.patterns)


def tried_files(output: bytes) -> list[tuple[str, str]] | None:
    """(folder, file name) a ``--verbose`` link tried for ``-l`` of `PROBE`; None if it does not say so."""
    tried: list[tuple[str, str]] = []
    for match in _ATTEMPT.finditer(output):
        folder, file = os.path.split(os.fsdecode(match.group(1)))
        if PROBE not in file:
            continue
        if match.group(2) == b"succeeded":
            return None
        tried.append((folder or ".", file.replace(PROBE, NAME)))
    return tried or None


def folder_entries(folder: str) -> list[str] | None:
    """The file names in ``folder`` ([] if it does not exist); None if it cannot be read."""
    try:
        return os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError:
        return None  # the linker may read what we cannot: not a proof of absence


def probe_links() -> LinkProbe | None:
    """Run the two probe links; None when either shows a linker this module cannot read."""
    outputs = [output for output in (_probe_gcc(), _probe_ld()) if output is not None]
    tried: list[tuple[str, str]] = []
    for output in outputs:
        found = tried_files(output)
        if found is None:
            return None
        tried.extend(found)
    entries: set[str] = set()
    for folder in dict.fromkeys(folder for folder, _ in tried):
        listed = folder_entries(folder)
        if listed is None:
            return None
        entries.update(listed)
    return LinkProbe(frozenset(pattern for _, pattern in tried), frozenset(entries), b"\n".join(outputs))


def _probe_gcc() -> bytes | None:
    """``find_library``'s gcc link (same compiler, environment, output) with ``--verbose``."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        return None  # find_library's gcc step finds nothing either
    with tempfile.TemporaryDirectory() as folder:
        command = [compiler, "-Wl,-t", "-Wl,--verbose", "-o", os.path.join(folder, "a.out"), f"-l{PROBE}"]
        return _output(command, {**os.environ, **C_LOCALE}, merge_stderr=True)


def _probe_ld() -> bytes | None:
    """``find_library``'s ld link (``-L`` per ``LD_LIBRARY_PATH`` entry) with ``--verbose``."""
    command = ["ld", "-t", "--verbose"]
    library_path = os.environ.get("LD_LIBRARY_PATH")
    for folder in library_path.split(":") if library_path else []:
        command.extend(["-L", folder])
    command.extend(["-o", os.devnull, f"-l{PROBE}"])
    return _output(command, {**os.environ, **C_LOCALE}, merge_stderr=False)


def _output(command: Sequence[str], env: dict[str, str], *, merge_stderr: bool) -> bytes | None:
    """A command's output (it fails, as the probe links do); None when it cannot be started."""
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_stderr else subprocess.DEVNULL,
            env=env,
            check=False,
        )
    except OSError:
        return None  # find_library's step finds nothing when its command cannot start
    return done.stdout


def read_ldconfig() -> bytes:
    """``ldconfig -p`` as ``find_library`` runs it; b"" when it cannot run (no entry then)."""
    try:
        done = subprocess.run(
            [LDCONFIG, "-p"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=C_LOCALE, check=False
        )
    except OSError:
        return b""
    return done.stdout


@dataclass
class LibraryFinder:
    """A ``find_library`` for one import: one listing, at most one probe, answers memoised.

    ``LD_LIBRARY_PATH`` and ``PATH`` are read when the first unlisted name is probed;
    the finder is meant to live while one import runs, not across changes to them.
    """

    listing: bytes
    original: FindLibrary
    probe: Callable[[], LinkProbe | None] = probe_links
    abi: str = field(default_factory=abi_type)
    answers: dict[str, str | None] = field(default_factory=dict)
    passed_on: list[str] = field(default_factory=list)  # names answered by `original`

    def __call__(self, name: str) -> str | None:
        """``find_library(name)``: the same answer, from memory when possible."""
        if name not in self.answers:
            self.answers[name] = self._answer(name)
        return self.answers[name]

    def _answer(self, name: str) -> str | None:
        if _PLAIN_NAME.fullmatch(name) is None:
            self.passed_on.append(name)
            return self.original(name)
        listed = listed_soname(self.listing, name, self.abi)
        if listed is not None:
            return listed
        if self._probe is not None and not self._probe.may_find(name):
            return None
        self.passed_on.append(name)
        return self.original(name)

    @cached_property
    def _probe(self) -> LinkProbe | None:
        return self.probe()
