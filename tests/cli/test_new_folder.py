"""`carousel new DIR` where DIR (or a folder inside it) cannot be made: one line naming it, exit 2 (QA pass M1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import carousel_in_process


def files_under(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def test_folder_under_a_file(tmp_path):
    (tmp_path / "carousel.yaml").write_text("x\n", encoding="utf-8")
    target = tmp_path / "carousel.yaml" / "sub"
    result = carousel_in_process(tmp_path, "new", str(target))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"{target}: cannot create folder: {tmp_path / 'carousel.yaml'} is not a folder\n"
    assert files_under(tmp_path) == ["carousel.yaml"]


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_device_in_place_of_the_folder(tmp_path):
    result = carousel_in_process(tmp_path, "new", "/dev/null")
    assert result.exit_code == 2, result.output
    assert result.stderr == "/dev/null: cannot create folder: it exists and is not a folder\n"


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_folder_the_system_refuses(tmp_path):
    result = carousel_in_process(tmp_path, "new", "/proc/x")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("/proc/x: cannot create folder: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert not os.path.exists("/proc/x")


@pytest.mark.parametrize("name", ["content", "themes", ".github"])
def test_file_where_a_folder_of_the_project_goes_writes_nothing(tmp_path, name):
    project = tmp_path / "repo"
    project.mkdir()
    (project / name).write_text("in the way\n", encoding="utf-8")
    result = carousel_in_process(tmp_path, "new", str(project))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"{project / name}: cannot create folder: it exists and is not a folder\n"
    assert files_under(project) == [name]
