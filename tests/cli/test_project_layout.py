"""A project's own layout, declared like the built-ins, is planned, fitted, listed and
watched exactly like one."""

from __future__ import annotations

import json
import random

from click.testing import CliRunner

from generator.cli import main
from tests.cli.test_watch import WatchProcess
from tests.fixtures.fit.corpus import paragraph
from tests.helpers import build_in_process, write_project
from tests.textlayer import missing_words, normal_words, pdftotext_pages, thread_source_words

SPOTLIGHT_YAML = """
    description: a coloured panel with the text on it
    align: top
    takes: [title, body]
    text: {font: text, line_height: 1.5, title: 0.9, inset: 6, above: {units: 6}, below: {units: 6}}
    type_scale: [1, 1.25, 1.5]
    continues: true
"""
SPOTLIGHT_HTML = """
    <div class="spotlight">
      {% if slide.title %}<h2 class="slide__title">{{ slide.title }}</h2>{% endif %}
      <div class="prose">{{ slide.body }}</div>
    </div>
"""
SPOTLIGHT_CSS = """
    .spotlight { background: var(--surface); border-radius: var(--radius); padding: var(--space-6); }
    .spotlight .slide__title { font-size: calc(var(--title-size) * 0.9); }
"""


def _project(tmp_path):
    rng = random.Random(81)
    long_post = paragraph(rng, 1000) + "\n\n" + paragraph(rng, 1000)
    assert len(long_post) >= 2000
    return write_project(
        tmp_path / "project",
        {
            "carousel.yaml": "defaults:\n  canvas: linkedin-square\n  outro: false\n",
            "layouts/spotlight.yaml": SPOTLIGHT_YAML,
            "layouts/spotlight.html": SPOTLIGHT_HTML,
            "layouts/spotlight.css": SPOTLIGHT_CSS,
            "content/lit.md": f"---\ntitle: A project layout\nlayout: spotlight\n---\n\n## Under the light\n\n{long_post}\n\n---\n\nA short one.\n",
            "content/plain.md": "---\ntitle: Plain\n---\n\nNothing special here.\n",
        },
    )


def test_a_project_layout_is_listed_with_its_declaration(tmp_path):
    root = _project(tmp_path)
    result = CliRunner().invoke(main, ["layouts", "--project", str(root)])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("spotlight"))
    assert line.split()[:4] == ["spotlight", "project", "post", "top"]
    assert "a coloured panel with the text on it" in line


def test_a_project_layout_is_split_fitted_and_keeps_every_word(tmp_path):
    root = _project(tmp_path)
    result = build_in_process(root, "--strict")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((root / "output" / "manifest.json").read_text())
    notes = manifest["threads"]["lit"]["notes"]
    assert any(note.startswith("post 1 split over") for note in notes), notes
    pdf = root / "output" / "lit" / "lit.pdf"
    layer = [word for page in pdftotext_pages(pdf) for word in normal_words(page)]
    assert not missing_words(thread_source_words((root / "content" / "lit.md").read_text()), layer)
    # the short post grew into its slide (the layout's type scale), the long one did not overflow
    html_pages = pdftotext_pages(pdf)
    assert len(html_pages) >= 4


def test_watch_rebuilds_threads_using_a_project_layout_when_its_files_change(tmp_path):
    root = _project(tmp_path)
    watch = WatchProcess(root)
    try:
        watch.wait_ready()
        pdf = root / "output" / "lit" / "lit.pdf"
        plain = root / "output" / "plain" / "plain.pdf"
        first, plain_stat = pdf.read_bytes(), plain.stat().st_mtime_ns
        css = root / "layouts" / "spotlight.css"
        watch.change(lambda: css.write_text(css.read_text() + "\n.spotlight { border: 4px solid var(--accent); }\n"), "spotlight.css")
        second = pdf.read_bytes()
        assert second != first
        declaration = root / "layouts" / "spotlight.yaml"
        watch.change(
            lambda: declaration.write_text(declaration.read_text().replace("type_scale: [1, 1.25, 1.5]", "type_scale: [1]")),
            "spotlight.yaml",
        )
        assert pdf.read_bytes() != second
        assert plain.stat().st_mtime_ns == plain_stat  # a thread that does not use it is left alone
    finally:
        assert watch.interrupt() == 0
