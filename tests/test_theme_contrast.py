"""Every built-in theme meets the contrast figures of DESIGN.md (WCAG ratios)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.project import Project
from generator.themes import available_themes, contrast_ratio, load_theme

# (foreground role, background role, minimum ratio): DESIGN.md "Colour"
REQUIREMENTS = [
    ("text", "background", 4.5),  # body text
    ("muted", "background", 4.5),  # muted text carries text too (handles, captions, footer)
    ("accent", "background", 3.0),  # accent marks, hashtags, step numbers
    ("accent_contrast", "accent", 4.5),  # text on accent fills (swipe pill)
    ("text", "surface", 4.5),  # text on cards and code
    ("muted", "surface", 4.5),  # handles on the tweet and profile cards
    ("accent", "surface", 3.0),  # accent marks inside cards
    ("accent_text", "background", 4.5),  # hashtags, mentions, links, highlighted words
    ("accent_text", "surface", 4.5),  # the same inside cards
    ("text", "highlight", 4.5),  # text on a marker-band highlight
]


def _builtin_project(tmp_path) -> Project:
    return Project.at(tmp_path)  # an empty project sees only the built-in themes


def _themes(tmp_path) -> list[str]:
    return sorted(set(available_themes(_builtin_project(tmp_path))))


def test_there_are_at_least_eight_themes_light_and_dark(tmp_path):
    project = _builtin_project(tmp_path)
    names = _themes(tmp_path)
    assert len(names) >= 8, names
    modes = {load_theme(project, name).mode for name in names}
    assert modes == {"light", "dark"}


def test_some_theme_extends_another(tmp_path):
    project = _builtin_project(tmp_path)
    extended = [name for name in _themes(tmp_path) if sum(path.name == "theme.yaml" for path in load_theme(project, name).source_files) > 1]
    assert extended, "no built-in theme uses `extends:`"


@pytest.mark.parametrize("foreground, background, minimum", REQUIREMENTS)
def test_every_builtin_theme_meets_the_contrast_figures(tmp_path, foreground, background, minimum):
    project = _builtin_project(tmp_path)
    failures = []
    for name in _themes(tmp_path):
        colours = load_theme(project, name).colours
        ratio = contrast_ratio(colours[foreground], colours[background])
        if ratio < minimum:
            failures.append(f"{name}: {foreground} {colours[foreground]} on {background} {colours[background]} is {ratio:.2f}:1")
    assert not failures, f"needs {minimum}:1 — " + "; ".join(failures)


def test_each_theme_uses_at_most_two_families_plus_mono(tmp_path):
    project = _builtin_project(tmp_path)
    for name in _themes(tmp_path):
        fonts = load_theme(project, name).fonts
        assert len({fonts["display"], fonts["text"]}) <= 2
        assert fonts["mono"] == "JetBrains Mono"


def test_a_profile_accent_gets_readable_text_on_it():
    from generator.project import Project
    from generator.themes import contrast_ratio, load_theme

    theme = load_theme(Project.at(Path(__file__).resolve().parents[1]), "paper")
    for accent in ("#e4572e", "#ffd400", "#1f4fd1", "#00a86b"):
        branded = theme.with_accent(accent)
        assert branded.colours["accent"] == accent
        assert contrast_ratio(branded.colours["accent_contrast"], accent) >= 4.5, accent


def test_every_code_token_class_reads_on_the_code_surface(tmp_path):
    from generator.render.syntax import token_colours

    project = _builtin_project(tmp_path)
    failures = []
    for name in _themes(tmp_path):
        colours = load_theme(project, name).colours
        for token, colour in token_colours(colours).items():
            ratio = contrast_ratio(colour, colours["surface"])
            if ratio < 4.5:
                failures.append(f"{name}: .{token} {colour} on {colours['surface']} is {ratio:.2f}:1")
    assert not failures, "; ".join(failures[:10])


def test_the_syntax_css_uses_exactly_those_colours(tmp_path):
    from generator.render.syntax import syntax_css, token_colours

    colours = load_theme(_builtin_project(tmp_path), "midnight").colours
    css = syntax_css(colours)
    for token, colour in token_colours(colours).items():
        assert f".highlight .{token} {{ color: {colour};" in css


@pytest.mark.parametrize("accent", ["#ffd400", "#e4572e", "#00a86b", "#1f4fd1", "#ffffff", "#000000"])
def test_a_profile_accent_gets_a_readable_text_shade_and_keeps_its_fill(accent):
    project = Project.at(Path(__file__).resolve().parents[1])
    for name in ("paper", "midnight"):
        branded = load_theme(project, name).with_accent(accent)
        colours = branded.colours
        assert colours["accent"] == accent  # fills keep the raw accent
        for ground in ("background", "surface"):
            assert contrast_ratio(colours["accent_text"], colours[ground]) >= 4.5, (name, accent, ground)


def test_a_theme_accent_text_that_does_not_read_is_moved(tmp_path):
    (tmp_path / "themes" / "pale").mkdir(parents=True)
    (tmp_path / "themes" / "pale" / "theme.yaml").write_text(
        "extends: paper\ncolors:\n  accent: '#7fb2ff'\n  accent_text: '#aaccff'\n", encoding="utf-8"
    )
    colours = load_theme(Project.at(tmp_path), "pale").colours
    assert contrast_ratio(colours["accent_text"], colours["background"]) >= 4.5
    assert colours["accent"] == "#7fb2ff"
