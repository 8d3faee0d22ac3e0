"""Instructions of one WeasyPrint render: our slides against the bare script's, load-independent.

    .venv/bin/python bench/instructions.py [--slides 12]

CPU time on a shared machine varies by ±25 % between runs; the number of instructions
does not. The bench deck of bench/peers.py (--slides slides) is rendered by our pipeline
once to get its final HTML; then valgrind (cachegrind, no cache simulation) counts the
instructions of a process that lays that HTML out 0 and 2 times, and the same for the
bare script's HTML of the same text: (I(2) - I(0)) / 2 is one render. Needs valgrind
(`apt-get install valgrind`); takes a few minutes (valgrind runs ~50x slower).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _bare_weasyprint import CSS as BARE_CSS
from peers import Deck, make_deck, write_ours

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RENDER = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from generator.fonts import configure_for_project
configure_for_project(Path({cache!r}), Path({fonts!r}), Path({cache!r}) / "fonts")
from generator.render.engine import weasyprint
document = Path(sys.argv[1]).read_text(encoding="utf-8")
weasyprint.HTML(string=document).write_pdf()  # first document: fonts, caches
for _ in range(int(sys.argv[2])):
    weasyprint.HTML(string=document).render()
"""


def our_html(deck: Deck, folder: Path) -> str:
    from datetime import UTC, datetime

    from generator.build import BuildRequest, plan_threads
    from generator.catalog import load_catalog
    from generator.project import Project
    from generator.render.thread import Renderer

    project = Project.at(write_ours(deck, folder / "ours")).with_user_cache(os.environ)
    renderer = Renderer(project)
    request = BuildRequest(project=project, out_dir=folder / "out", now=datetime.now(UTC), cli_options={"formats": ["pdf"]})
    (plan,) = [plan for _, plan, _failure in plan_threads(load_catalog(project), request) if plan is not None]
    return renderer.render(plan).html


def bare_html(deck: Deck) -> str:
    sections = [f"<section><h1>{html.escape(deck.title)}</h1><p>{html.escape(deck.subtitle)}</p></section>"]
    sections += [f"<section><h2>{html.escape(heading)}</h2><p>{html.escape(text)}</p></section>" for heading, text in deck.posts]
    sections.append(f"<section><h2>{html.escape(deck.closing)}</h2></section>")
    return f"<!doctype html><html lang=en><head><meta charset=utf-8><style>{BARE_CSS}</style></head><body>{''.join(sections)}</body></html>"


def instructions(script: Path, document: Path, renders: int) -> int:
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--branch-sim=no", "--cachegrind-out-file=/dev/null"]
        + [sys.executable, str(script), str(document), str(renders)],
        capture_output=True,
        text=True,
        env={key: value for key, value in os.environ.items() if key != "TERM"},
    )
    match = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or not match:
        raise SystemExit(f"valgrind failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return int(match.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", type=int, default=12, help="Slides of the bench deck (cover, posts, outro).")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not on PATH (Debian: apt-get install valgrind)")
    deck = make_deck(args.slides - 2)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        script = folder / "render.py"
        script.write_text(RENDER.format(repo=str(REPO), cache=str(folder), fonts=str(REPO / "themes" / "fonts")), encoding="utf-8")
        documents = {"ours": our_html(deck, folder), "bare weasyprint": bare_html(deck)}
        print(f"bench/instructions.py  one WeasyPrint render (layout) of the {deck.slides}-slide bench deck")
        counts = {}
        for who, text in documents.items():
            path = folder / f"{who.split()[0]}.html"
            path.write_text(text, encoding="utf-8")
            counts[who] = (instructions(script, path, 2) - instructions(script, path, 0)) / 2
            print(f"  {who:16} {counts[who] / 1e6:8,.0f} M instructions   {counts[who] / deck.slides / 1e6:6.1f} M per slide")
        print(f"  ours / bare: {counts['ours'] / counts['bare weasyprint']:.2f}x")


if __name__ == "__main__":
    main()
