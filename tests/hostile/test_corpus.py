"""The hostile-input corpus (issue 10): every case is its own small project, built beside a good thread.

For each case: no traceback; the good thread is built (unless the case breaks the
project itself: then exit 2 and nothing is built); the bad thread has a one-line
`file:line` message; the exit code follows SPEC §4; nothing is written outside
`output/` and `.carousel-cache/`; no canary's contents (a file outside the project)
appear in any output; no network connection is attempted.

Bound: every case finishes within CASE_BOUND_SECONDS. It is a hang guard (an alarm
fails the case instead of stalling CI), not a speed test: most cases take about a
second; the slowest, the 20,000-bracket post (20 slides of one unbreakable word),
about 25 s on one core, growing linearly with the post's length (before the fix it
took minutes, quadratically, in Markdown's link parser).
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import socket
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image

from generator.cli import main

CASE_BOUND_SECONDS = 180
CANARY = "CANARY-5e1f0c2b-do-not-publish"
GOOD = "---\ntitle: A good thread\ncover: false\noutro: false\n---\n\nThe good thread is built.\n"


def png_bytes(width: int, height: int, colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 80).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` but holds one tiny compressed row: a decompression bomb shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def thread(body: str, front: str = "title: Bad\n") -> str:
    return f"---\n{front}---\n\n{body}\n"


BILLION_LAUGHS = "".join(
    f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9) if level else ', '.join(['lol'] * 9)}]\n" for level in range(9)
)


@dataclass
class Case:
    """A hostile project: its files (paths under the project; `{outside}` is the canary folder)."""

    files: dict[str, str | bytes]
    exit_code: int
    message: str | None  # the start of the one-line message (`content/bad.md:5: ...`), or None when a safe render says nothing
    bad_built: bool = False  # the bad thread is built anyway (its problem was a refused resource, a warning)
    good_built: bool = True  # False: the project itself is broken (exit 2), nothing is built
    symlinks: dict[str, str] = field(default_factory=dict)  # project path -> target (`{outside}` allowed)
    sparse: dict[str, int] = field(default_factory=dict)  # project path -> apparent size in bytes (no disk used)


CASES: dict[str, Case] = {
    # --- slugs: never a path outside output/, never one of our own files --------------
    "slug-traversal": Case(
        {"content/bad.md": thread("x", "slug: ../../../escaped\n")},
        1,
        "content/bad.md:2: front matter: '../../../escaped' is not a valid slug",
    ),
    "slug-absolute": Case(
        {"content/bad.md": thread("x", "slug: /tmp/escaped\n")}, 1, "content/bad.md:2: front matter: '/tmp/escaped' is not a valid slug"
    ),
    "slug-dot": Case({"content/bad.md": thread("x", "slug: .\n")}, 1, "content/bad.md:2: front matter: '.' is not a valid slug"),
    "slug-dotdot": Case({"content/bad.md": thread("x", "slug: ..\n")}, 1, "content/bad.md:2: front matter: '..' is not a valid slug"),
    "slug-manifest": Case(
        {"content/bad.md": thread("x", "slug: manifest.json\n")},
        1,
        "content/bad.md:2: front matter: slug 'manifest.json' is a reserved name",
    ),
    "slug-too-long": Case({"content/bad.md": thread("x", f"slug: {'a' * 300}\n")}, 1, "content/bad.md:2: front matter: slug 'aaaa"),
    "slug-nul": Case(
        {"content/bad.md": thread("x", 'slug: "a\\0b"\n')}, 1, "content/bad.md:2: front matter: 'a\\x00b' is not a valid slug"
    ),
    "slug-backslash": Case({"content/bad.md": thread("x", "slug: 'a\\..\\..\\b'\n")}, 1, "content/bad.md:2: front matter:"),
    "slug-file-name": Case(
        {"content/bad thread.md": thread("x")}, 1, "content/bad thread.md:1: file name: 'bad thread' is not a valid slug"
    ),
    "slug-duplicate": Case(
        {"content/bad.md": thread("x", "slug: good\n")},
        1,
        "content/bad.md:2: slug 'good' is also the slug of content/good.md",
        good_built=False,
    ),
    "slug-duplicate-by-folder": Case(
        {"content/a/b.md": thread("x"), "content/a-b.md": thread("y")},
        1,
        "content/a-b.md:1: slug 'a-b' is also the slug of content/a/b.md",
    ),
    # --- front matter: located errors, never a traceback, in milliseconds ------------
    "date-invalid": Case(
        {"content/bad.md": thread("x", "date: 2026-13-45\n")}, 1, "content/bad.md:2: invalid YAML: cannot read '2026-13-45'"
    ),
    "date-out-of-range": Case(
        {"content/bad.md": thread("x", "date: 0001-01-01\n")}, 1, "content/bad.md:2: front matter: date: year 1 is out of range"
    ),
    "profile-unknown": Case(
        {"content/bad.md": thread("x", "profile: nobody\n")}, 1, "content/bad.md:2: front matter: unknown profile 'nobody'"
    ),
    "yaml-billion-laughs": Case({"content/bad.md": thread("x", BILLION_LAUGHS)}, 1, "content/bad.md:"),
    "yaml-recursive-alias": Case(
        {"content/bad.md": thread("x", "a: &a [1, *a]\n")},
        1,
        "content/bad.md:2: invalid YAML: an alias refers to the collection that contains it",
    ),
    "yaml-deep": Case(
        {"content/bad.md": thread("x", "a: " + "[" * 5000 + "]" * 5000 + "\n")}, 1, "content/bad.md:2: invalid YAML: nested more than"
    ),
    "yaml-big-number": Case(
        {"content/bad.md": thread("x", f"title: {'9' * 5000}\n")}, 1, "content/bad.md:2: invalid YAML: a number of 5000 digits"
    ),
    "yaml-nul": Case(
        {"content/bad.md": thread("x", "title: a\0b\n")}, 1, "content/bad.md:2: invalid YAML: character 0x0000 is not allowed"
    ),
    "yaml-not-mapping": Case({"content/bad.md": thread("x", "- a\n- b\n")}, 1, "content/bad.md:2: front matter: must be a mapping"),
    "yaml-unclosed": Case({"content/bad.md": "---\ntitle: x\n\nno closing line\n"}, 1, "content/bad.md:1: front matter is not closed"),
    "directive-bomb": Case(
        {"content/bad.md": thread("<!-- " + BILLION_LAUGHS.replace("\n", ", ") + " -->\nText")},
        1,
        "content/bad.md:5: directive: cannot read",
    ),
    # --- posts: bounded cost, documented limits ---------------------------------------
    "brackets-20000": Case({"content/bad.md": thread("[" * 20_000)}, 0, None, bad_built=True),
    "link-openers-10000": Case({"content/bad.md": thread("[a](" * 10_000)}, 0, None, bad_built=True),  # 12 s a post before
    "backticks-45000": Case({"content/bad.md": thread("`" * 45_000)}, 0, None, bad_built=True),  # hung the build (math scan)
    "chained-list-markers-2000": Case(
        {"content/bad.md": thread("1. " * 2000 + "x")}, 1, "content/bad.md:5: post 1 nests lists or quotes 1999 levels deep"
    ),
    "less-than-100000": Case(
        {"content/bad.md": thread("<" * 100_000)}, 1, "content/bad.md:5: post 1 has 100,000 characters (at most 50,000)"
    ),
    "nested-lists-1000": Case(
        {"content/bad.md": thread("".join("    " * level + "- item\n" for level in range(1000)))}, 1, "content/bad.md:"
    ),
    "nested-lists-40": Case(
        {"content/bad.md": thread("".join("    " * level + "- item\n" for level in range(40)))},
        1,
        "content/bad.md:22: post 1 nests lists or quotes 17 levels deep",
    ),
    "nested-quotes-1000": Case(
        {"content/bad.md": thread(">" * 1000 + " deep")}, 1, "content/bad.md:5: post 1 nests lists or quotes 1000 levels deep"
    ),
    "nested-html-1000": Case(
        {"content/bad.md": thread("<div>" * 1000 + "deep" + "</div>" * 1000)}, 1, "content/bad.md:5: post 1: its HTML nests"
    ),
    "huge-thread-file": Case(
        {"content/bad.md": thread("word " * 1_900_000)}, 1, "content/bad.md:1: the file is 9.1 MiB; a thread may be at most 8 MiB"
    ),
    "not-utf8": Case({"content/bad.md": b"---\ntitle: x\n---\n\ncaf\xe9\n"}, 1, "content/bad.md:5: not UTF-8 text (byte 0xe9)"),
    # --- resources: only files inside the project --------------------------------------
    "image-file-url": Case({"content/bad.md": thread("![x](file://{outside}/pic.png)")}, 0, "content/bad.md:5: warning:", bad_built=True),
    "image-parent-path": Case(
        {"content/bad.md": thread("![x](../../outside/pic.png)")},
        0,
        "content/bad.md:5: warning: image '../../outside/pic.png' refused: it is outside the project",
        bad_built=True,
    ),
    "image-http": Case(
        {"content/bad.md": thread("![x](http://127.0.0.1:9/pic.png)")},
        0,
        "content/bad.md:5: warning: image 'http://127.0.0.1:9/pic.png' refused",
        bad_built=True,
    ),
    "image-data-uri": Case(
        {"content/bad.md": thread("![x](data:image/png;base64,iVBORw0KGgo=)")},
        0,
        "content/bad.md:5: warning: image 'data:image/png;base64,iVBORw0KGgo=' refused",
        bad_built=True,
    ),
    "image-symlink-out": Case(
        {"content/bad.md": thread("![x](images/pic.png)")},
        0,
        "content/bad.md:5: warning: image 'images/pic.png' refused: it is outside the project",
        bad_built=True,
        symlinks={"content/images/pic.png": "{outside}/pic.png"},
    ),
    "thread-symlink-out": Case(
        {}, 1, "content/bad.md: a symlink leading outside the project", symlinks={"content/bad.md": "{outside}/canary.md"}
    ),
    "images-folder-symlink-out": Case(
        {"content/bad.md": thread("![x](pics/pic.png)")},
        0,
        "content/bad.md:5: warning: image 'pics/pic.png' refused: it is outside the project",
        bad_built=True,
        symlinks={"content/pics": "{outside}"},
    ),
    "link-file-url": Case(
        {"content/bad.md": thread("[the canary](file://{outside}/canary.txt)")}, 0, "content/bad.md:5: warning: 'file://", bad_built=True
    ),
    "raw-html": Case(
        {
            "content/bad.md": thread(
                '<script>document.write("x")</script><iframe src="file://{outside}/canary.txt"></iframe>\n\n'
                '<img src="http://127.0.0.1:9/x.png"> <object data="file://{outside}/canary.txt"></object>\n\n'
                '<style>@import url("file://{outside}/canary.txt");</style><link rel="stylesheet" href="http://127.0.0.1:9/x.css">\n\n'
                "Text after the tags."
            )
        },
        0,
        "content/bad.md:5: warning:",
        bad_built=True,
    ),
    "svg-external": Case(
        {
            "content/bad.md": thread("![logo](images/evil.svg)"),
            "content/images/evil.svg": (
                '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY canary SYSTEM "file://{outside}/canary.txt">]>\n'
                '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">\n'
                '<text x="5" y="20">&canary;</text>\n<image href="file://{outside}/pic.png" width="50" height="50"/>\n'
                '<image xlink:href="http://127.0.0.1:9/x.png" width="50" height="50"/>\n'
                '<use href="file://{outside}/other.svg#a"/>\n</svg>\n'
            ),
        },
        1,
        "content/bad.md:5: cannot use image evil.svg: not a well-formed SVG (undefined entity &canary;",
    ),
    "svg-entity-bomb": Case(
        {
            "content/bad.md": thread("![logo](images/lol.svg)"),
            "content/images/lol.svg": (
                '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "lollollollollollollollollollol">\n'
                + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">\n' for n in range(8))
                + ']>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text y="20">&i;</text></svg>\n'
            ),
        },
        1,
        "content/bad.md:5: cannot use image lol.svg: not a well-formed SVG (limit on input amplification factor",
    ),
    "image-fake": Case(
        {"content/bad.md": thread("![x](images/fake.png)"), "content/images/fake.png": "this is not a PNG\n"},
        1,
        "content/bad.md:5: cannot read image fake.png",
    ),
    "image-corrupt": Case(
        {"content/bad.md": thread("![x](images/broken.png)"), "content/images/broken.png": png_bytes(40, 30)[:60] + b"\0garbage" * 20},
        1,
        "content/bad.md:5: cannot read image broken.png: the file is damaged",
    ),
    "image-truncated-jpeg": Case(
        {"content/bad.md": thread("![x](images/cut.jpg)"), "content/images/cut.jpg": jpeg_bytes(64, 48)[:300]},
        1,
        "content/bad.md:5: cannot read image cut.jpg: the file is damaged",
    ),
    "image-decompression-bomb": Case(
        {"content/bad.md": thread("![x](images/big.png)"), "content/images/big.png": png_header_only(30_000, 30_000)},
        1,
        "content/bad.md:5: image big.png has more than",
    ),
    "image-too-many-pixels": Case(
        {"content/bad.md": thread("![x](images/wide.png)"), "content/images/wide.png": png_header_only(10_000, 8_000)},
        1,
        "content/bad.md:5: image wide.png is 10000x8000 pixels (at most 50,000,000)",
    ),
    "image-too-many-bytes": Case(
        {"content/bad.md": thread("![x](images/huge.png)")},
        1,
        "content/bad.md:5: image huge.png is 60 MiB (at most 50 MiB)",
        sparse={"content/images/huge.png": 60 * 2**20},
    ),
    "image-missing": Case({"content/bad.md": thread("![x](images/nope.png)")}, 1, "content/bad.md:5: image not found: images/nope.png"),
    # --- the project itself: exit 2, nothing built --------------------------------------
    "config-bomb": Case({"carousel.yaml": BILLION_LAUGHS}, 2, "carousel.yaml:", good_built=False),
    "config-not-utf8": Case({"carousel.yaml": b"defaults:\n  theme: caf\xe9\n"}, 2, "carousel.yaml:2: not UTF-8 text", good_built=False),
    "config-nul": Case({"carousel.yaml": "defaults:\n  theme: a\0\n"}, 2, "carousel.yaml:2: invalid YAML", good_built=False),
}


def _tree(root: Path, skip: tuple[Path, ...]) -> dict[str, str]:
    """Every file under `root` (not following symlinks) but those under `skip`: path -> sha256."""
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in files:
            path = here / name
            found[str(path.relative_to(root))] = "link" if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _pdf_text(path: Path) -> str:
    """The PDF's text layer as a viewer extracts it, words joined by single spaces."""
    document = pdfium.PdfDocument(path)
    try:
        return " ".join(" ".join(document[index].get_textpage().get_text_range().split()) for index in range(len(document)))
    finally:
        document.close()


@pytest.fixture
def no_network(monkeypatch):
    """Record (and refuse) every attempt to open a network connection or resolve a name."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args)[:200])
        raise OSError("network access attempted by a build")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.fixture
def bounded():
    """Fail a case that runs past CASE_BOUND_SECONDS instead of letting it hang."""

    def expired(signum, frame):
        raise TimeoutError(f"the case ran longer than {CASE_BOUND_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(CASE_BOUND_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def make_case(tmp_path: Path, case: Case) -> tuple[Path, Path]:
    """The case's project beside an `outside/` folder of canaries; returns (project, outside)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "canary.txt").write_text(CANARY + "\n")
    (outside / "canary.md").write_text(thread(CANARY))
    (outside / "pic.png").write_bytes(png_bytes(77, 55, "blue"))
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    (project / "content/good.md").write_text(GOOD)
    for relative, content in case.files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content.replace("{outside}", str(outside)), encoding="utf-8")
    for relative, target in case.symlinks.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target.replace("{outside}", str(outside)))
    for relative, size in case.sparse.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(png_bytes(4, 4))
            handle.truncate(size)
    return project, outside


def run_case(tmp_path: Path, case: Case, no_network: list[str], prepare: Callable[[Path], None] | None = None):
    project, outside = make_case(tmp_path, case)
    if prepare is not None:
        prepare(project)
    skip = (project / "output", project / ".carousel-cache")
    before = _tree(tmp_path, skip)
    result = CliRunner().invoke(main, ["build", "--project", str(project), "-j", "1", "--format", "pdf,png"])
    output = result.output
    # no traceback, no escaped exception
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert result.exit_code == case.exit_code, output
    # nothing written outside output/ (nor the cache), in the project or beside it
    assert _tree(tmp_path, skip) == before
    assert not no_network, no_network
    lines = output.splitlines()
    if case.message is not None:
        assert any(line.startswith(case.message) for line in lines), output
    out = project / "output"
    if case.good_built:
        assert "The good thread is built." in _pdf_text(out / "good/good.pdf")
    else:
        assert not (out / "good").exists()
    bad_pdfs = [path for path in out.rglob("*.pdf") if path.parent.name != "good"] if out.exists() else []
    assert bool(bad_pdfs) == case.bad_built, output
    # no canary anywhere in the output: raw bytes, PDF text layers
    for path in out.rglob("*") if out.exists() else []:
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path
            if path.suffix == ".pdf":
                assert CANARY not in _pdf_text(path), path
                assert str(outside) not in _pdf_text(path)
    return result, project


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case(name, tmp_path, no_network, bounded):
    run_case(tmp_path, CASES[name], no_network)


def test_refused_image_is_not_in_the_pdf(tmp_path, no_network, bounded):
    """The outside image (77 x 55 px) is not embedded through any of the routes tried."""
    case = Case(
        {
            "content/bad.md": thread(
                "![a](file://{outside}/pic.png) ![b](../../outside/pic.png) ![c](images/link.png)\n\n"
                '<img src="file://{outside}/pic.png"> <img src="../../outside/pic.png">'
            )
        },
        0,
        "content/bad.md:5: warning:",
        bad_built=True,
        symlinks={"content/images/link.png": "{outside}/pic.png"},
    )
    _, project = run_case(tmp_path, case, no_network)
    document = pdfium.PdfDocument(project / "output/bad/bad.pdf")
    try:
        for index in range(len(document)):
            for item in document[index].get_objects():
                if item.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE:
                    assert tuple(item.get_px_size()) != (77, 55), f"the outside image is on slide {index + 1}"
    finally:
        document.close()


def test_internal_error_is_one_located_line_and_the_others_build(tmp_path, no_network, bounded, monkeypatch):
    """A bug met while planning one thread: that thread fails with 'internal error', the others are built."""
    import generator.threads as threads

    real = threads.render_post

    def explode(md, text):
        if "EXPLODE" in text:
            raise ZeroDivisionError("simulated bug")
        return real(md, text)

    monkeypatch.setattr(threads, "render_post", explode)
    case = Case(
        {"content/bad.md": thread("EXPLODE here")},
        1,
        "content/bad.md: internal error while reading the thread: ZeroDivisionError: simulated bug",
    )
    result, project = run_case(tmp_path, case, no_network)
    assert "please report it" in result.output and "--debug" in result.output
    # with --debug, the traceback follows the line
    debug = CliRunner().invoke(main, ["--debug", "build", "--project", str(project), "-j", "1"])
    assert debug.exit_code == 1 and "Traceback (most recent call last)" in debug.output and "ZeroDivisionError" in debug.output


def test_build_outside_a_project_says_so_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    assert "no project found" in result.output
    assert list(tmp_path.iterdir()) == []
    check = CliRunner().invoke(main, ["check"])
    assert check.exit_code == 2 and "no project found" in check.output


def test_usage_error_is_exit_2(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content/good.md").write_text(GOOD)
    result = CliRunner().invoke(main, ["build", "--project", str(tmp_path), "--now", "yesterday-ish"])
    assert result.exit_code == 2
    assert not (tmp_path / "output").exists()
