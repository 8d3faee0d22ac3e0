"""The `carousel` process entry (`generator.cli.run`): the command's exit code and output, ended quickly."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

import generator.cli
from tests.helpers import run_carousel, write_project

BROKEN = {"carousel.yaml": "defaults:\n  theme: papper\n", "content/a.md": "---\ntitle: A\n---\n\nHello.\n"}
GOOD = {"carousel.yaml": "defaults:\n  theme: paper\n", "content/a.md": "---\ntitle: A\n---\n\nHello.\n"}


class Exited(Exception):
    def __init__(self, code: int):
        self.code = code


@pytest.fixture
def quick_exits(monkeypatch):
    """os._exit recorded instead of ending the test process; no other thread (pytest-timeout's timer is one)."""

    def fake_exit(code: int) -> None:
        raise Exited(code)

    monkeypatch.setattr(generator.cli.os, "_exit", fake_exit)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(sys, "getprofile", lambda: None)


@pytest.mark.parametrize(("files", "code"), [(GOOD, 0), (BROKEN, 2)])
def test_run_ends_with_the_commands_exit_code(tmp_path, monkeypatch, capsys, quick_exits, files, code):
    project = write_project(tmp_path / "p", files)
    monkeypatch.setattr(sys, "argv", ["carousel", "check", "--project", str(project)])
    with pytest.raises(Exited) as ended:
        generator.cli.run()
    assert ended.value.code == code
    if code:
        assert "carousel.yaml:2: " in capsys.readouterr().err  # printed (and flushed) before the exit


def test_run_exits_normally_while_another_thread_runs(tmp_path, monkeypatch, quick_exits):
    project = write_project(tmp_path / "p", GOOD)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    monkeypatch.setattr(sys, "argv", ["carousel", "check", "--project", str(project)])
    with pytest.raises(SystemExit) as ended:
        generator.cli.run()
    assert ended.value.code == 0


def test_the_process_reports_and_exits_with_its_code(tmp_path):
    broken = run_carousel(write_project(tmp_path / "broken", BROKEN), "build", "-j", "1")
    assert broken.returncode == 2
    assert "papper" in broken.stderr
    help_text = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, timeout=120)
    assert help_text.returncode == 0
    commands = help_text.stdout.split("Commands:")[1].split()
    assert "build" in commands and "themes" in commands  # the whole help reached the pipe before the exit
