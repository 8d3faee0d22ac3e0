"""A studio server for a tmp_path project, on a free port, for HTTP tests.

The web app runs on uvicorn in a thread of the test process; no watch loop (HTTP tests
need no rendering), so these tests are fast.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn

from generator.build import BuildRequest
from generator.project import Project
from generator.serve.app import EventHub, Security, create_app
from generator.serve.studio import Studio

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningApp:
    url: str
    port: int
    token: str
    studio: Studio
    hub: EventHub


@pytest.fixture(scope="module")
def app_server(request: pytest.FixtureRequest) -> Iterator[RunningApp]:
    """Serve the project the module's `project` fixture made."""
    root: Path = request.getfixturevalue("project")
    project = Project.at(root)
    build_request = BuildRequest(
        project=project, out_dir=(root / "output").resolve(), now=NOW, include_drafts=True, include_future=True, jobs=1
    )
    studio = Studio(build_request, now=lambda: NOW)
    hub = EventHub()
    security = Security.for_host("127.0.0.1")
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(studio, hub, security), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the studio server did not start"
        time.sleep(0.02)
    try:
        yield RunningApp(f"http://127.0.0.1:{port}", port, security.token, studio, hub)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
