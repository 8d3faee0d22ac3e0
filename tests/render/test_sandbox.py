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
    assert words[words.index("post") - 2 : words.index("post") + 3] == ["A", "good", "post", "that", "builds."]


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


def test_templates_see_plain_data_only(tmp_path, monkeypatch):
    """No Path and nothing that reads files anywhere in what a layout receives."""
    import dataclasses
    from pathlib import PurePath
    from types import FunctionType, SimpleNamespace

    from PIL import Image

    from generator.render import html

    contexts = []
    real = html.render_bounded

    def spy(template, context):
        contexts.append(context)
        return real(template, context)

    monkeypatch.setattr(html, "render_bounded", spy)
    project = write_project(
        tmp_path,
        {
            "carousel.yaml": "profiles:\n  me:\n    name: Me\n    handle: me\n    avatar: me.png\n    logo: me.png\n",
            "content/a.md": "---\ntitle: A\nprofile: me\n---\n\nHello ![pic](me.png)\n\n---\n\n<!-- layout: tweet -->\nAs a tweet.\n",
        },
    )
    Image.new("RGB", (40, 40), "blue").save(project / "me.png")
    Image.new("RGB", (40, 40), "blue").save(project / "content/me.png")
    assert build_in_process(project).exit_code == 0
    assert contexts

    def walk(value, where, depth=0):
        assert depth < 12, where
        assert not isinstance(value, PurePath), where
        for name in ("read_text", "read_bytes", "open", "write_text", "parse_file", "unlink"):
            assert not hasattr(value, name) or isinstance(value, str), f"{where}.{name}"
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}[{key!r}]", depth + 1)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]", depth + 1)
        elif isinstance(value, SimpleNamespace):
            for key, item in vars(value).items():
                walk(item, f"{where}.{key}", depth + 1)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), f"{where}.{field.name}", depth + 1)
        else:
            assert isinstance(value, (str, int, float, type(None), FunctionType)) or type(value).__module__.startswith(
                ("datetime", "enum")
            ), f"{where}: {type(value).__name__}"

    for context in contexts[:2]:
        for key, value in context.items():
            walk(value, key)
