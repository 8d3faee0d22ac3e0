"""var() of custom properties with one value are written as that value (render.css.with_root_values)."""

from __future__ import annotations

import pytest

import generator.render.html as render_html
from generator.render.css import declared_properties, with_root_values
from tests.helpers import build_in_process, write_project

CSS = """:root { --a: 8px; --b: calc(var(--a) * 2); --font: "Inter"; --inline: 1px; --loud: red !important; --loop: var(--loop); }
:root { --a: 10px; }
.x { margin: 0 0 var(--a); width: var(--b); font-family: var(--font); }
.y { --local: 3px; padding: var(--local); letter-spacing: var(--tracking, -0.01em); }
.z { top: var(--inline); color: var(--loud); left: var(--loop); right: var(--nowhere); }
@media print { .w { margin: var(--a); } }
"""


def test_a_property_declared_only_at_the_root_is_written_as_its_last_root_value():
    out = with_root_values(CSS, declared_properties('<p style="--inline: 2px">'))
    assert '.x { margin: 0 0 10px; width: calc(10px * 2); font-family: "Inter"; }' in out


def test_a_var_whose_value_can_differ_between_elements_stays():
    out = with_root_values(CSS, declared_properties('<p style="--inline: 2px">'))
    assert "padding: var(--local)" in out  # declared on .y
    assert "top: var(--inline)" in out  # declared in a style attribute
    assert "color: var(--loud)" in out  # !important at the root
    assert "left: var(--loop)" in out  # a cycle: invalid, left to WeasyPrint
    assert "right: var(--nowhere)" in out  # no value and no fallback
    assert "@media print { .w { margin: var(--a); } }" in out  # at-rules as written


def test_a_property_declared_nowhere_is_its_fallback():
    assert "letter-spacing: -0.01em" in with_root_values(CSS, frozenset())


def test_the_result_stays_safe_inside_a_style_element():
    out = with_root_values(':root { --q: "\\3c /style>"; } .q::before { content: var(--q); }', frozenset())
    assert "<" not in out
    assert 'content: "\\3c /style>"' in out


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The slides (PNG) of one project in several themes and layouts, with var() replaced and as written."""
    posts = "\n\n---\n\n".join(
        f"<!-- layout: {layout} -->\n## A title for {layout}\n\nA post with **bold**, a #hashtag and `code`.\n\n> a quote\n\n- one\n- two"
        for layout in ("classic", "quote", "numbered")
    )
    files: dict[str, str | bytes] = {
        "carousel.yaml": "defaults:\n  profile: me\nprofiles:\n  me:\n    name: Robin Example\n    handle: '@robin'\n    website: example.com\n",
    }
    for theme in ("candy", "brutalist", "editorial", "midnight"):
        files[f"content/{theme}.md"] = f"---\ntitle: Root values in {theme}\ntheme: {theme}\npattern: dots\n---\n\n{posts}\n"
    found: dict[str, dict[str, bytes]] = {}
    for kind in ("replaced", "written"):
        root = write_project(tmp_path_factory.mktemp(f"root-values-{kind}"), files)
        with pytest.MonkeyPatch.context() as patch:
            if kind == "written":
                patch.setattr(render_html, "with_root_values", lambda css, declared: css)
            result = build_in_process(root, "--format", "png")
        assert result.exit_code == 0, result.output
        found[kind] = {str(path.relative_to(root)): path.read_bytes() for path in sorted((root / "output").glob("*/slides/*.png"))}
    return found


def test_slides_are_the_same_pixels_with_var_replaced(builds: dict[str, dict[str, bytes]]) -> None:
    assert len(builds["replaced"]) == 4 * 5  # cover, three posts, outro in each theme
    assert builds["replaced"].keys() == builds["written"].keys()
    differ = [name for name, image in builds["replaced"].items() if image != builds["written"][name]]
    assert not differ


def test_a_name_written_with_an_escape_anywhere_keeps_every_var():
    assert with_root_values(CSS, declared_properties('<p style="--\\61: 2px">')) == CSS
