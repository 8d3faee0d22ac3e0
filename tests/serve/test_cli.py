"""`carousel serve` on the command line: its options, and a clear exit when it cannot serve."""

from __future__ import annotations

import socket

from tests.helpers import run_carousel, write_project


def test_help_names_the_options(tmp_path):
    result = run_carousel(tmp_path, "serve", "--help")
    assert result.returncode == 0
    for option in ("--port", "--host", "--open"):
        assert option in result.stdout


def test_a_port_in_use_exits_2_with_a_message(tmp_path):
    project = write_project(tmp_path, {"content/a.md": "A post.\n"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_carousel(project, "serve", "--port", str(port), timeout=60)
    assert result.returncode == 2
    assert f"error: could not serve on 127.0.0.1:{port} (is the port in use? try --port)" in result.stderr
    assert not (project / "output").exists()  # nothing was built: the watch loop never started
