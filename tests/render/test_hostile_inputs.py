"""No silent loss from hostile inputs: what an SVG refers to and what the sanitiser removes are
warnings (and fail --strict); a thread's SVG that cannot be drawn at all (a <use> fan-out, an
@import WeasyPrint would drop the image for) is an error at its line, like a damaged PNG;
quoted inputs are bounded (issue 16)."""

from __future__ import annotations

import base64
import json

import pytest

from generator.errors import MAX_MESSAGE
from tests.helpers import build_in_process, write_project

IMPORTING_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
<style>@import url(parts.css); rect { fill: teal }</style><rect width="5" height="5"/></svg>
"""

EVIL_SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">
<image href="file:///etc/hostname" width="10" height="10"/>
<image xlink:href="../../../../../../etc/passwd" width="10" height="10"/>
<image href="https://example.com/x.png" width="10" height="10"/>
<rect width="50" height="50" fill="red"/>
</svg>
"""


def use_bomb(levels: int = 8, fan: int = 10) -> str:
    groups = ['<rect id="a0" width="1" height="1"/>']
    for level in range(1, levels):
        uses = "".join(f'<use href="#a{level - 1}"/>' for _ in range(fan))
        groups.append(f'<g id="a{level}">{uses}</g>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs>{"".join(groups)}</defs><use href="#a{levels - 1}"/></svg>'


BIG_URI = "data:image/png;base64," + base64.b64encode(b"\x89PNG" + b"A" * 600_000).decode()
HTML_POST = '<script>alert(1)</script><iframe src="x"></iframe><b onclick="steal()">bold</b> text'


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return write_project(
        root,
        {
            "carousel.yaml": f'profiles:\n  me:\n    name: Me\n    avatar: "{BIG_URI}"\n',
            "content/images/evil.svg": EVIL_SVG,
            "content/images/bomb.svg": use_bomb(),
            "content/images/importing.svg": IMPORTING_SVG,
            "content/images/parts.css": "rect { stroke: red }",
            "content/svg.md": "---\ntitle: Svg\n---\n\n![drawing](images/evil.svg)\n",
            "content/bomb.md": "---\ntitle: Bomb\n---\n\nFirst post.\n\n---\n\n![bomb](images/bomb.svg)\n",
            "content/importing.md": "---\ntitle: Importing\n---\n\n![styled](images/importing.svg)\n",
            "content/html.md": f"---\ntitle: Html\n---\n\n{HTML_POST}\n",
            "content/uri.md": "---\ntitle: Uri\nprofile: me\n---\n\nHello.\n",
            "content/good.md": "---\ntitle: Good\n---\n\nA good post.\n",
        },
    )


@pytest.fixture(scope="module")
def built(project):
    return build_in_process(project)


@pytest.fixture(scope="module")
def strict(project, built):
    return build_in_process(project, "--strict", "--force")


def test_refusals_inside_svg_are_warnings(built):
    output = built.output
    assert "content/svg.md: warning" in output and "content/svg.md:" not in output.replace("content/svg.md: warning", "")
    assert "content/svg.md: warning: resource refused: file:///etc/hostname (outside the project)" in output
    assert "content/svg.md: warning: resource refused: https://example.com/x.png (slides load only files inside the project)" in output
    assert "(outside the project)" in output.split("etc/passwd", 1)[1].splitlines()[0]


def test_an_svg_that_cannot_be_drawn_fails_its_thread_at_its_line(project, built):
    output = built.output
    assert built.exit_code == 1, output
    assert "content/bomb.md:9: cannot use image bomb.svg: SVG would draw more than 200,000 elements (<use> fan-out)" in output
    assert (
        "content/importing.md:5: cannot use image importing.svg: SVG <style> imports another stylesheet (@import), "
        "which slides cannot draw; put its rules in the <style> itself" in output
    )
    assert not (project / "output/bomb").exists() and not (project / "output/importing").exists()
    assert (project / "output/good/good.pdf").is_file() and (project / "output/svg/svg.pdf").is_file()


def test_sanitiser_removals_are_warnings(built):
    output = built.output
    for what in ("<script> element", "<iframe> element", "onclick attribute of <b>"):
        assert f"content/html.md:5: warning: post 1: raw HTML removed: {what}" in output


def test_strict_fails_on_svg_and_sanitiser_warnings(strict):
    output = strict.output
    assert strict.exit_code == 1
    assert "resource refused: file:///etc/hostname (outside the project) (--strict)" in output
    assert "raw HTML removed: <script> element (--strict)" in output
    assert "Traceback" not in output


def test_a_huge_data_uri_is_quoted_as_a_bounded_excerpt(project, built):
    line = next(line for line in built.output.splitlines() if "profiles.me.avatar" in line)
    assert len(line) < 400 and "characters]" in line
    manifest = (project / "output/manifest.json").read_text()
    assert len(manifest) < 20_000
    for entry in json.loads(manifest)["threads"].values():
        assert all(len(message) <= MAX_MESSAGE + 100 for message in entry["warnings"] + entry["errors"])


def test_a_10_mb_data_uri_thread_is_a_bounded_error(tmp_path):
    uri = "data:image/png;base64," + "A" * 10_000_000
    project = write_project(
        tmp_path,
        {
            "content/big.md": f"---\ntitle: Big\n---\n\n![x]({uri})\n",
            "content/good.md": "---\ntitle: Good\n---\n\nA good post.\n",
        },
    )
    result = build_in_process(project)
    assert result.exit_code == 1
    assert max(len(line) for line in result.output.splitlines()) < 400
    assert (project / "output/good/good.pdf").is_file()
    assert len((project / "output/manifest.json").read_text()) < 20_000


def test_a_1_mb_line_of_code_is_a_quick_located_error(tmp_path):
    project = write_project(
        tmp_path,
        {
            "content/code.md": "---\ntitle: Code\n---\n\n```python\nx = " + "1 + " * 250_000 + "1\n```\n",
            "content/good.md": "---\ntitle: Good\n---\n\nA good post.\n",
        },
    )
    result = build_in_process(project)
    assert result.exit_code == 1
    assert "content/code.md:5: post 1 has 1,000," in result.output
    assert (project / "output/good/good.pdf").is_file()


def test_svg_cost_check_refuses_bombs_and_cycles_and_keeps_real_drawings():
    from generator.render.svgcost import svg_problem

    laughs = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10 if n else "lol"}">' for n in range(9))
    entity_bomb = f'<?xml version="1.0"?><!DOCTYPE svg [{laughs}]><svg xmlns="http://www.w3.org/2000/svg"><text>&e8;</text></svg>'
    assert "not a well-formed SVG" in svg_problem(entity_bomb.encode())
    cycle = '<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>'
    assert svg_problem(cycle.encode()) == "SVG <use> elements refer to each other in a cycle"
    assert "fan-out" in svg_problem(use_bomb().encode())
    illustrator = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]><svg xmlns="&ns_svg;"><rect width="1" height="1"/></svg>'
    assert svg_problem(illustrator.encode()) is None
    assert svg_problem(EVIL_SVG.encode()) is None  # its images are refused one by one while drawing
    assert "@import" in svg_problem(IMPORTING_SVG.encode())
    assert svg_problem(IMPORTING_SVG.replace("@import url(parts.css);", "").encode()) is None
