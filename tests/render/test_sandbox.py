"""Layouts are untrusted: sandboxed Jinja, plain data only, bounded time and size (issue 16)."""

from __future__ import annotations

import pytest

from generator.render import sandbox
from tests.helpers import build_in_process, pdf_pages, write_project

GOOD = "---\ntitle: A good thread\n---\n\nA good post that builds.\n"
CANARY = "CANARY-7f3a-secret"


def evil_thread(layout: str) -> str:
    return f"---\ntitle: Evil {layout}\nlayout: {layout}\n---\n\nHello.\n"


LAYOUTS = {
    # server-side template injection: walk from a string to Python's classes
    "ssti": "<p>{{ ''.__class__.__mro__[1].__subclasses__() }}</p>",
    "globals": "<p>{{ measure.body.__globals__ }}</p>",
    "cycler": "<p>{{ cycler.__init__.__globals__.os.popen('id').read() }}</p>",
    # read files through what the context offers
    "path": "<p>{{ thread.source_path.read_text() }}</p>",
    "include": '{% include "/etc/hostname" %}',
    "parent": '{% include "../carousel.yaml" %}',
    # endless work
    "loop": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "double": "{% set ns = namespace(s='xx') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "power": "{{ 9 ** 9 ** 9 }}",
    "repeat": "{{ 'x' * 1000000000 }}",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("sandbox")
    files = {"content/good.md": GOOD, "carousel.yaml": f"defaults:\n  theme: paper\n# {CANARY}\n"}
    for name, template in LAYOUTS.items():
        files[f"layouts/{name}.html"] = template + "\n"
        files[f"content/{name}.md"] = evil_thread(name)
    (root / "outside").mkdir()
    (root / "outside/canary.html").write_text(CANARY)
    project = write_project(root / "project", files)
    (project / "layouts/linked.html").symlink_to(root / "outside/canary.html")
    write_project(project, {"content/linked.md": evil_thread("linked")})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sandbox, "RENDER_SECONDS", 2.0)
        result = build_in_process(project)
    return project, result


def test_good_thread_still_builds(built):
    project, result = built
    assert result.exit_code == 1, result.output
    words = " ".join(page["text"] for page in pdf_pages(project / "output/good/good.pdf")).split()
    assert "A good post that builds.".split() == words[words.index("post") - 2 : words.index("post") + 3]


@pytest.mark.parametrize("name", sorted(LAYOUTS) + ["linked"])
def test_hostile_layout_fails_alone_with_a_located_error(built, name):
    project, result = built
    lines = [line for line in result.output.splitlines() if f"layouts/{name}.html" in line or f"content/{name}.md" in line]
    assert lines, result.output
    assert any("layout" in line for line in lines), lines
    assert not (project / f"output/{name}").exists()
    assert "Traceback" not in result.output


def test_no_canary_or_secret_anywhere(built):
    project, result = built
    assert CANARY not in result.output
    for path in (project / "output").rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes()


def test_messages_name_the_line_and_the_reason(built):
    _, result = built
    output = result.output
    assert "layouts/ssti.html:1: layout:" in output and "unsafe" in output
    assert "layouts/loop.html:1: layout: layout ran longer than 2 s and was stopped" in output
    assert "layouts/double.html:1: layout: layout built a value of" in output
    assert "layouts/repeat.html:1: layout: layout repeated a value" in output
