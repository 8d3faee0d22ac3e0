"""The studio's HTTP surface: its JSON API, what it serves, and which writes it refuses."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import time
from pathlib import Path

import httpx
import pytest
import yaml
from PIL import Image

from tests.helpers import write_project
from tests.serve.conftest import RunningApp


def png_bytes(colour: str = "#3366cc") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


ALPHA = """\
---
title: Alpha   # the hook
theme: paper
---

First post of alpha.

---

<!-- layout: quote -->
Second post, a quote.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("http")
    (base / "secret.txt").write_text("outside the project", encoding="utf-8")
    root = write_project(
        base / "proj",
        {
            "carousel.yaml": "# settings\ndefaults:\n  canvas: linkedin-square\n",
            "content/alpha.md": ALPHA,
            "content/images/pic.png": png_bytes(),
            "output/alpha/slides/01.png": png_bytes("#cc3366"),
            "output/alpha/alpha.pdf": b"%PDF-1.7 stand-in",
        },
    )
    os.symlink(base / "secret.txt", root / "output" / "leak.png")
    os.symlink(base / "secret.txt", root / "content" / "images" / "leak.png")
    os.symlink(base, root / "content" / "images" / "outside")
    return root


def raw_get(app: RunningApp, path: str) -> tuple[int, bytes]:
    """GET a path exactly as written (httpx would normalise `..` away)."""
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", f"127.0.0.1:{app.port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def post(app: RunningApp, path: str, body: dict, *, token: str | None = "", origin: str | None = "") -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["X-Carousel-Token"] = token or app.token
    if origin is not None:
        headers["Origin"] = origin or app.url
    return httpx.post(app.url + path, json=body, headers=headers, timeout=30)


# --- reading ------------------------------------------------------------------------------


def test_api_lists_threads_with_slide_urls(app_server: RunningApp):
    data = httpx.get(app_server.url + "/api/threads").json()
    [thread] = data["threads"]
    assert thread["slug"] == "alpha" and thread["source"] == "content/alpha.md"
    detail = httpx.get(app_server.url + "/api/threads/alpha").json()
    assert detail["sha256"] == sha(app_server.studio.project.root / "content/alpha.md")
    assert [post["number"] for post in detail["posts"]] == [1, 2]
    assert detail["arrangement"] == ["cover", [1], [2], "outro"]
    assert detail["resolved"]["canvas"] == "linkedin-square" and detail["resolved"]["post_layouts"] == {"1": "classic", "2": "quote"}
    assert "content/images/pic.png" in detail["choices"]["images"]
    assert not any("leak" in image or "outside" in image for image in detail["choices"]["images"])
    assert httpx.get(app_server.url + "/api/threads/nope").status_code == 404


def test_pages_embed_the_session_token(app_server: RunningApp):
    page = httpx.get(app_server.url + "/t/alpha")
    assert page.status_code == 200 and app_server.token in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_built_output_and_project_images_are_served(app_server: RunningApp):
    assert raw_get(app_server, "/output/alpha/slides/01.png") == (200, png_bytes("#cc3366"))
    assert raw_get(app_server, "/project/content/images/pic.png")[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/output/../carousel.yaml",
        "/output/alpha/../../carousel.yaml",
        "/output/%2e%2e/carousel.yaml",
        "/output/%2E%2E%2Fcarousel.yaml",
        "/output/%252e%252e/carousel.yaml",
        "/output/..%5c..%5ccarousel.yaml",
        "/output//etc/passwd",
        "/output/%2Fetc%2Fpasswd",
        "/output/leak.png",  # a symlink out of the project
        "/project/content/images/leak.png",
        "/project/content/images/outside/secret.txt",
        "/project/../secret.txt",
        "/project/%2e%2e/secret.txt",
        "/project/content/alpha.md",  # the project serves images only
        "/project/carousel.yaml",
    ],
)
def test_traversal_and_other_files_are_refused(app_server: RunningApp, path: str):
    status, body = raw_get(app_server, path)
    assert status == 404, path
    assert b"outside the project" not in body and b"canvas" not in body


def test_a_foreign_host_header_is_refused(app_server: RunningApp):
    # DNS rebinding: a page at evil.example resolving to 127.0.0.1
    response = httpx.get(app_server.url + "/api/threads", headers={"Host": "evil.example"})
    assert response.status_code == 400


# --- writing --------------------------------------------------------------------------------


def thread_file(app: RunningApp) -> Path:
    return app.studio.project.root / "content" / "alpha.md"


@pytest.mark.parametrize(
    "token, origin, reason",
    [
        (None, "", "session token"),
        ("wrong-token", "", "session token"),
        ("", None, "origin missing"),
        ("", "http://evil.example", "origin http://evil.example"),
        ("", "http://localhost:1", "origin http://localhost:1"),
    ],
)
def test_writes_without_token_or_from_another_origin_are_refused(app_server: RunningApp, token, origin, reason):
    path = thread_file(app_server)
    before = path.read_bytes()
    response = post(
        app_server, "/api/threads/alpha/options", {"sha256": sha(path), "options": {"theme": "ink"}}, token=token, origin=origin
    )
    assert response.status_code == 403
    assert reason in response.json()["errors"][0]
    assert path.read_bytes() == before


def test_a_form_post_is_refused(app_server: RunningApp):
    path = thread_file(app_server)
    before = path.read_bytes()
    response = httpx.post(
        app_server.url + "/api/threads/alpha/options",
        data={"theme": "ink"},
        headers={"X-Carousel-Token": app_server.token, "Origin": app_server.url},
    )
    assert response.status_code == 403 and "application/json" in response.json()["errors"][0]
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "options, post_number, message",
    [
        ({"thme": "ink"}, None, "content/alpha.md: front matter: unknown key 'thme' (did you mean 'theme'?)"),
        ({"typography": {"titel": 40}}, None, "front matter: unknown key 'typography.titel' (did you mean 'title'?)"),
        ({"typography": {"title": 500}}, None, "front matter: typography.title: Input should be less than or equal to 120"),
        ({"canvas": "linkedin-sqare"}, None, "unknown canvas 'linkedin-sqare' (did you mean 'linkedin-square'?)"),
        ({"theme": "inkk"}, None, "content/alpha.md:3: front matter: unknown theme 'inkk' (did you mean 'ink'?)"),
        ({"slides": ["cover", 7]}, None, "front matter: slides: no post 7 (the thread has 2 posts)"),
        ({"layot": "tweet"}, 2, "directive: unknown key 'layot' (did you mean 'layout'?)"),
        ({"layout": "twet"}, 2, "directive: unknown layout 'twet' (did you mean 'tweet'?)"),
        ({"alt": "x --> <script>alert(1)</script> <!--"}, 1, "content/alpha.md: a slide option cannot contain '-->'"),
    ],
)
def test_invalid_options_get_422_with_the_schema_message_and_leave_the_file(app_server: RunningApp, options, post_number, message):
    path = thread_file(app_server)
    before = path.read_bytes()
    body = {"sha256": sha(path), "options": options}
    if post_number is not None:
        body["post"] = post_number
    response = post(app_server, "/api/threads/alpha/options", body)
    assert response.status_code == 422, response.text
    assert any(message in error for error in response.json()["errors"]), response.json()
    assert path.read_bytes() == before


def test_a_stale_page_is_refused_with_409(app_server: RunningApp):
    path = thread_file(app_server)
    before = path.read_bytes()
    response = post(app_server, "/api/threads/alpha/options", {"sha256": "0" * 64, "options": {"theme": "ink"}})
    assert response.status_code == 409
    assert "content/alpha.md changed on disk since this page read it" in response.json()["errors"][0]
    assert path.read_bytes() == before


def test_valid_changes_are_written_back_keeping_the_rest(app_server: RunningApp):
    path = thread_file(app_server)
    response = post(
        app_server, "/api/threads/alpha/options", {"sha256": sha(path), "options": {"theme": "midnight", "typography": {"title": 42}}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["sha256"] == sha(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Alpha   # the hook\ntheme: midnight\ntypography:\n  title: 42\n---\n")
    response = post(app_server, "/api/threads/alpha/options", {"sha256": sha(path), "post": 1, "options": {"layout": "tweet"}})
    assert response.status_code == 200, response.text
    assert "\n<!-- layout: tweet -->\nFirst post of alpha.\n" in path.read_text(encoding="utf-8")
    detail = httpx.get(app_server.url + "/api/threads/alpha").json()
    assert detail["resolved"]["theme"] == "midnight" and detail["resolved"]["post_layouts"]["1"] == "tweet"


def test_apply_image_writes_a_path_relative_to_the_thread(app_server: RunningApp):
    path = thread_file(app_server)
    for outside in ["../secret.txt", "/etc/hostname", "content/images/leak.png", "content/alpha.md"]:
        response = post(app_server, "/api/threads/alpha/options", {"sha256": sha(path), "post": 2, "options": {"image": outside}})
        assert response.status_code == 422, outside
        assert "pick an image file inside the project" in response.json()["errors"][0]
    response = post(
        app_server, "/api/threads/alpha/options", {"sha256": sha(path), "post": 2, "options": {"image": "content/images/pic.png"}}
    )
    assert response.status_code == 200, response.text
    assert "<!-- layout: quote, image: images/pic.png -->" in path.read_text(encoding="utf-8")
    detail = httpx.get(app_server.url + "/api/threads/alpha").json()
    assert detail["posts"][1]["image"] == "content/images/pic.png"


def test_save_as_preset_writes_carousel_yaml(app_server: RunningApp):
    config = app_server.studio.project.config_path
    before = config.read_bytes()
    bad = post(app_server, "/api/presets", {"name": "bold", "options": {"theme": "nope"}, "config_sha256": sha(config)})
    assert bad.status_code == 422 and "unknown theme 'nope'" in bad.json()["errors"][0]
    bad = post(app_server, "/api/presets", {"name": "../x", "options": {"theme": "ink"}, "config_sha256": sha(config)})
    assert bad.status_code == 422
    stale = post(app_server, "/api/presets", {"name": "bold", "options": {"theme": "ink"}, "config_sha256": "0" * 64})
    assert stale.status_code == 409
    assert config.read_bytes() == before
    refused = post(app_server, "/api/presets", {"name": "bold", "options": {"theme": "ink"}, "config_sha256": sha(config)}, token=None)
    assert refused.status_code == 403
    response = post(
        app_server, "/api/presets", {"name": "bold", "options": {"theme": "ink", "pattern": "grid"}, "config_sha256": sha(config)}
    )
    assert response.status_code == 200, response.text
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# settings\ndefaults:\n  canvas: linkedin-square\n")
    assert yaml.safe_load(text)["presets"] == {"bold": {"theme": "ink", "pattern": "grid"}}


def test_events_stream_one_build_event_per_rebuilt_thread(app_server: RunningApp):
    from generator.build import ThreadResult
    from generator.errors import Diagnostic
    from generator.watch import WatchUpdate

    update = WatchUpdate(
        results=(
            ThreadResult("alpha", "content/alpha.md", "built"),
            ThreadResult(
                "beta", "content/beta.md", "failed", diagnostics=[Diagnostic("content/beta.md", 3, "front matter: unknown theme 'x'")]
            ),
        )
    )
    seen: list[tuple[str, dict]] = []
    # the server pings every 15 s, so a read timeout alone never ends a stream that lost an event
    deadline = time.monotonic() + 60
    with httpx.stream("GET", app_server.url + "/events", timeout=30) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        event = ""
        for line in response.iter_lines():
            assert time.monotonic() < deadline, f"events published after 'hello' never arrived: {seen}"
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                seen.append((event, json.loads(line.removeprefix("data: "))))
                if event == "hello":
                    for message in app_server.studio.on_update(update):
                        app_server.hub.publish(message)
                if len(seen) == 3:
                    break
    assert [(event, data.get("slug")) for event, data in seen] == [("hello", None), ("build", "alpha"), ("build", "beta")]
    assert seen[2][1]["errors"] == ["content/beta.md:3: front matter: unknown theme 'x'"]


def test_hosts_answered_follow_the_interface_listened_on():
    from generator.serve.app import Security

    assert set(Security.for_host("127.0.0.1").allowed_hosts) == {"127.0.0.1", "localhost", "[::1]", "::1"}
    assert "192.168.1.5" in Security.for_host("192.168.1.5").allowed_hosts
    assert "evil.example" not in Security.for_host("192.168.1.5").allowed_hosts
    assert Security.for_host("0.0.0.0").allowed_hosts == ("*",)
    assert Security.for_host("127.0.0.1").token != Security.for_host("127.0.0.1").token  # one per session
