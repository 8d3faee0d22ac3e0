"""WeasyPrint is imported through generator.render.engine: find_library's answers without its processes."""

from __future__ import annotations

import ctypes.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.render import engine
from generator.render.findlib import NAME, PROBE, LibraryFinder, LinkProbe, listed_soname, read_ldconfig, tried_files

ROOT = Path(__file__).resolve().parents[2]

LISTING = b"""\
3 libs found in cache `/etc/ld.so.cache'
\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0
\tlibgobject-2.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libgobject-2.0.so.0
\tlibgobject-2.0.so.0 (libc6) => /lib/i386-linux-gnu/libgobject-2.0.so.0
"""

# One fresh process: count the processes started while WeasyPrint is imported, keep
# every name find_library was asked and its answer, and render a page.
IMPORT_SCRIPT = """
import ctypes.util, json, subprocess, sys
spawned = 0
start = subprocess.Popen.__init__
def counting(self, *args, **kwargs):
    global spawned
    spawned += 1
    start(self, *args, **kwargs)
subprocess.Popen.__init__ = counting
if sys.argv[1] == "engine":
    from generator.render import engine
    weasyprint, answers, passed_on = engine.weasyprint, engine.IMPORT_FINDER.answers, engine.IMPORT_FINDER.passed_on
else:
    answers, passed_on, original = {}, [], ctypes.util.find_library
    def recording(name):
        answers[name] = original(name)
        return answers[name]
    ctypes.util.find_library = recording
    import weasyprint
spawned_by_import = spawned
pdf = weasyprint.HTML(string="<p>Hello</p>").write_pdf()
print(json.dumps({"spawned": spawned_by_import, "answers": answers, "passed_on": passed_on, "pdf": pdf[:5].decode()}))
"""


def import_weasyprint(how: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT, how], capture_output=True, text=True, cwd=ROOT, env=os.environ.copy(), check=True
    )
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def imports() -> dict[str, dict[str, object]]:
    return {how: import_weasyprint(how) for how in ("engine", "bare")}


@pytest.mark.skipif(sys.platform != "linux", reason="the finder replaces the Linux lookup only")
def test_import_gets_the_answers_ctypes_gives(imports):
    engine_run, bare = imports["engine"], imports["bare"]
    assert bare["answers"], "WeasyPrint asked find_library nothing: this test no longer tests anything"
    assert engine_run["answers"] == bare["answers"]  # same names asked, same answers
    assert engine_run["pdf"] == bare["pdf"] == "%PDF-"


@pytest.mark.skipif(sys.platform != "linux", reason="the finder replaces the Linux lookup only")
def test_import_starts_a_handful_of_processes(imports):
    engine_run, bare = imports["engine"], imports["bare"]
    passed_on = engine_run["passed_on"]
    assert isinstance(passed_on, list)
    # ldconfig, the gcc probe, the ld probe; a name passed on costs what ctypes spends on it
    assert engine_run["spawned"] <= 3 + 5 * len(passed_on)
    assert isinstance(engine_run["spawned"], int) and isinstance(bare["spawned"], int)
    assert engine_run["spawned"] < bare["spawned"]


def fake_probe(output: bytes = b"", entries: frozenset[str] = frozenset()) -> LinkProbe:
    return LinkProbe(frozenset({f"lib{NAME}.so", f"lib{NAME}.a", f"{NAME}.a"}), entries, output)


class Recorder:
    def __init__(self, answer: str | None = "from-ctypes") -> None:
        self.asked: list[str] = []
        self.answer = answer

    def __call__(self, name: str) -> str | None:
        self.asked.append(name)
        return self.answer


def test_listed_names_are_answered_from_the_listing():
    assert listed_soname(LISTING, "gobject-2.0", "libc6,x86-64") == "libgobject-2.0.so.0"
    assert listed_soname(LISTING, "pango-1.0", "libc6,64bit") is None  # only listed for x86-64
    assert listed_soname(LISTING, "pango-1.0", "libc6") == "libpango-1.0.so.0"  # ctypes' pattern: "(libc6" is a prefix
    assert listed_soname(LISTING, "gobject", "libc6,x86-64") is None  # "lib<name>." exactly
    original, probes = Recorder(), []
    finder = LibraryFinder(LISTING, original, probe=lambda: probes.append(1) or fake_probe(), abi="libc6,x86-64")
    assert finder("pango-1.0") == "libpango-1.0.so.0"
    assert original.asked == [] and probes == []


def test_names_no_linker_can_find_are_none_after_one_probe():
    original, probes = Recorder(), []
    finder = LibraryFinder(LISTING, original, probe=lambda: probes.append(1) or fake_probe(entries=frozenset({"libz.so"})), abi="libc6")
    assert [finder(name) for name in ("pango-1.0-0", "harfbuzz-vector", "libpango-1.0.so.0", "harfbuzz-vector")] == [None] * 4
    assert original.asked == [] and len(probes) == 1


def test_names_a_linker_may_find_go_to_ctypes():
    original = Recorder("libz.so.1")
    probe = fake_probe(output=b"/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a\n", entries=frozenset({"libz.so", "extra.a"}))
    finder = LibraryFinder(LISTING, original, probe=lambda: probe, abi="libc6")
    assert [finder(name) for name in ("z", "extra", "gcc", "gcc", "nothing")] == ["libz.so.1"] * 4 + [None]
    assert original.asked == ["z", "extra", "gcc"]  # memoised: gcc is asked once


def test_without_a_readable_probe_or_for_odd_names_ctypes_answers():
    original = Recorder(None)
    assert LibraryFinder(LISTING, original, probe=lambda: None, abi="libc6")("pango-1.0-0") is None
    assert LibraryFinder(LISTING, original, probe=fake_probe, abi="libc6")("../pango") is None
    assert original.asked == ["pango-1.0-0", "../pango"]


def test_probe_output_gives_the_files_tried():
    output = (
        b"attempt to open /usr/lib/gcc/12/crtbeginS.o succeeded\n"
        b"attempt to open /usr/lib/gcc/12/lib%(p)s.so failed\n"
        b"attempt to open /usr/lib/gcc/12/lib%(p)s.a failed\n"
        b"attempt to open lib%(p)s.so failed\n"
        b"attempt to open /usr/lib/%(p)s.a failed\n" % {b"p": PROBE.encode()}
    )
    assert tried_files(output) == [
        ("/usr/lib/gcc/12", f"lib{NAME}.so"),
        ("/usr/lib/gcc/12", f"lib{NAME}.a"),
        (".", f"lib{NAME}.so"),
        ("/usr/lib", f"{NAME}.a"),
    ]
    assert tried_files(b"ld.lld: error: unable to find library -l" + PROBE.encode()) is None  # another linker
    assert tried_files(b"attempt to open /lib/lib%s.so succeeded\n" % PROBE.encode()) is None


@pytest.mark.skipif(sys.platform != "linux", reason="ctypes' Linux lookup")
def test_answers_as_ctypes_for_missing_names_and_ld_library_path(tmp_path, monkeypatch):
    listing = read_ldconfig()
    listed = re.search(rb"\s(lib\S+\.so\.\d+) \([^)]*\) => (\S+)", listing)
    if listed is None:
        pytest.skip("ldconfig lists no library here")
    (tmp_path / "libcarouselprobe.so").symlink_to(listed.group(2).decode())  # found through LD_LIBRARY_PATH only
    monkeypatch.setenv("LD_LIBRARY_PATH", f"{tmp_path}:/nonexistent")
    finder = LibraryFinder(listing, ctypes.util.find_library)
    names = ["carouselprobe", "carousel-no-such-library", "libpango-1.0-0", "harfbuzz-vector", "c", "gcc_s", "m"]
    assert [finder(name) for name in names] == [ctypes.util.find_library(name) for name in names]
    assert "carouselprobe" in finder.passed_on and "carousel-no-such-library" not in finder.passed_on


def test_lookup_is_restored_after_the_block():
    original = ctypes.util.find_library
    with pytest.raises(RuntimeError), engine.fast_library_lookup() as finder:
        assert sys.platform != "linux" or ctypes.util.find_library is finder
        raise RuntimeError("an import failed")
    assert ctypes.util.find_library is original
    assert engine.weasyprint.__name__ == "weasyprint"


def test_weasyprint_loaded_its_libraries():
    from weasyprint.text import ffi

    assert ffi.pango is not None and ffi.harfbuzz is not None and ffi.fontconfig is not None
