"""A document gets only the CSS rules its elements can use (render.css.used_rules)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from generator.build import BuildRequest, plan_threads
from generator.catalog import load_catalog
from generator.project import Project
from generator.render.css import document_names, used_rules
from generator.render.thread import Renderer
from tests.helpers import write_project

CSS = """@page { size: 100px 100px; }
:root { --a: 1px; }
.slide { color: red; }
.highlight .k { color: blue; }
.prose table td, .slide__title { margin: 0; }
.slide:not(.missing) { padding: 0; }
@media print { .absent { color: green; } }
#slide-1 .cover__title { color: black; }
code { font-family: monospace; }
.cover .cover__title::before { content: "\\3c /style>"; }
"""


def test_document_names_reads_every_way_of_writing_an_attribute():
    names = document_names("""<p class="a  b\tc"><i CLASS='d'><b class=e id=x-1></b><span class="f&#32;g" id="one two">""")
    assert {"a", "b", "c", "d", "e", "f", "g"} <= names.classes
    assert {"x-1", "one two"} <= names.ids


def test_rules_no_element_can_match_are_left_out_in_order():
    names = document_names('<section class="slide" id="slide-1"><h2 class="slide__title">T</h2></section>')
    kept = used_rules(CSS, names)
    assert ".highlight .k" not in kept  # no element has `highlight` or `k`
    assert "#slide-1 .cover__title" not in kept  # the id is there, the class is not
    assert ".cover .cover__title" not in kept
    for rule in ("@page", ":root", ".slide {", ".prose table td, .slide__title", ".slide:not(.missing)", "@media print", "code {"):
        assert rule in kept, rule
    assert kept.index("@page") < kept.index(":root") < kept.index(".slide {") < kept.index("code {")


def test_a_kept_rule_stays_safe_inside_a_style_element():
    names = document_names('<div class="cover"><h1 class="cover__title">T</h1></div>')
    kept = used_rules(CSS, names)
    assert ".cover .cover__title::before" in kept
    assert "<" not in kept


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The final HTML of a thread without code and of one with code (one project, in process)."""
    root = write_project(
        tmp_path_factory.mktemp("used-rules"),
        {
            "carousel.yaml": "defaults:\n  theme: paper\n",
            "content/prose.md": "---\ntitle: Prose only\n---\n\nA plain post.\n",
            "content/code.md": "---\ntitle: With code\n---\n\n```python\ndef f():\n    return 1\n```\n",
        },
    )
    project = Project.at(root)
    renderer = Renderer(project)
    request = BuildRequest(project=project, out_dir=root / "output", now=datetime(2026, 12, 1, tzinfo=UTC))
    plans = {plan.meta.slug: plan for _, plan, _failure in plan_threads(load_catalog(project), request) if plan is not None}
    return {slug: renderer.render(plan).html for slug, plan in plans.items()}


def style_of(html: str) -> str:
    return html[html.index("<style>") : html.index("</style>")]


def test_a_thread_without_code_gets_no_syntax_colours(rendered):
    assert ".highlight .k" not in style_of(rendered["prose"])
    assert "mark.hl" not in style_of(rendered["prose"])  # nor ==highlight== marks


def test_a_thread_with_code_gets_the_syntax_colours_it_uses(rendered):
    style = style_of(rendered["code"])
    assert ".highlight .k {" in style  # `def` and `return`
    assert ".highlight .mi {" in style  # the 1
    assert ".highlight .gd {" not in style  # no diff in this code
