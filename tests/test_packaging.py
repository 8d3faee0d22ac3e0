"""The wheel ships the built-in layouts, themes and fonts, and finds them when installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.helpers import REPO_ROOT


@pytest.mark.slow
def test_wheel_contains_layouts_themes_and_fonts(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO_ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("carousel_studio-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for layout in ("_document.html", "_slide.html", "_base.css", "cover.html", "outro.html", "classic.html", "tweet.html"):
        assert f"generator/_builtin/layouts/{layout}" in names
    assert sum(1 for n in names if n.startswith("generator/_builtin/themes/") and n.endswith("/theme.yaml")) >= 8
    assert "generator/_builtin/themes/fonts/noto-color-emoji/NotoColorEmoji.ttf" in names
    assert any(n.startswith("generator/_builtin/themes/fonts/") and "OFL" in n.upper() for n in names)
    for studio_file in ("templates/thread.html", "templates/index.html", "static/studio.js", "static/studio.css"):
        assert f"generator/serve/{studio_file}" in names  # carousel serve's pages
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "carousel = generator.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()
