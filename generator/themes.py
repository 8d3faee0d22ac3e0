"""Themes: a palette and a font pairing (theme.yaml) plus optional CSS (theme.css).

A theme lives in `themes/<name>/`. A project's `themes/<name>/theme.yaml` or
`theme.css` overrides the built-in file of the same name, file by file, and a
theme may `extends:` another, inheriting what it does not set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from generator.config.schema import HEX_COLOUR, StrictModel
from generator.confine import ConfinementError, read_confined_text
from generator.config.validate import validate_model
from generator.config.yamlsource import YamlSyntaxError, load_located_yaml
from generator.errors import ConfigError, Diagnostic, did_you_mean
from generator.project import Project

COLOUR_ROLES = ("background", "surface", "text", "muted", "accent", "accent_contrast")


def _colour(value: str | None) -> str | None:
    if value is not None and not HEX_COLOUR.match(value):
        raise ValueError(f"'{value}' is not a hex colour like '#1d4ed8'")
    return value


class ThemeColours(StrictModel):
    background: str | None = None
    surface: str | None = None
    text: str | None = None
    muted: str | None = None
    accent: str | None = None
    accent_contrast: str | None = None

    _hex = field_validator(*COLOUR_ROLES)(classmethod(lambda cls, v: _colour(v)))


class ThemeFonts(StrictModel):
    display: str | None = None
    text: str | None = None
    mono: str | None = None


class ThemeFile(StrictModel):
    """theme.yaml."""

    label: str | None = None
    description: str | None = None
    extends: str | None = None
    mode: Literal["light", "dark"] | None = None
    colors: ThemeColours = Field(default_factory=ThemeColours)
    fonts: ThemeFonts = Field(default_factory=ThemeFonts)
    display_weight: int | None = Field(None, ge=100, le=900)
    title_transform: Literal["none", "uppercase"] | None = None


@dataclass(frozen=True)
class Theme:
    """A resolved theme: every colour role and font set, CSS files base first."""

    name: str
    label: str
    description: str
    mode: str
    colours: dict[str, str]
    fonts: dict[str, str]
    display_weight: int
    title_transform: str
    css_files: tuple[Path, ...]
    source_files: tuple[Path, ...]  # everything it was made from (for caches and watch)

    def with_accent(self, accent: str | None) -> "Theme":
        """The theme with a brand accent colour in place of its own.

        Text on accent fills switches to whichever of the theme's accent contrast,
        white or near-black reads best on the new accent.
        """
        if not accent:
            return self
        candidates = (self.colours["accent_contrast"], "#ffffff", "#111111")
        on_accent = max(candidates, key=lambda colour: contrast_ratio(colour, accent))
        colours = dict(self.colours, accent=accent, accent_contrast=on_accent)
        return Theme(**{**self.__dict__, "colours": colours})


def available_themes(project: Project) -> list[str]:
    """Names of the themes a project can use (built-in and its own)."""
    return [name.split("/")[0] for name in project.themes.names("*/theme.yaml")]


def load_theme(project: Project, name: str) -> Theme:
    """Resolve a theme by name through its `extends:` chain."""
    chain: list[tuple[str, ThemeFile, Path, Path | None]] = []
    current: str | None = name
    while current is not None:
        if any(entry[0] == current for entry in chain):
            cycle = " -> ".join([entry[0] for entry in chain] + [current])
            raise ConfigError(Diagnostic(f"themes/{name}/theme.yaml", None, f"theme extends itself: {cycle}"))
        yaml_path = _find(project, f"{current}/theme.yaml")
        if yaml_path is None:
            choices = available_themes(project)
            where = f"themes/{chain[-1][0]}/theme.yaml" if chain else "theme"
            raise ConfigError(Diagnostic(where, None, f"unknown theme '{current}'{did_you_mean(current, choices)}"))
        shown = project.relative(yaml_path)
        try:
            located = load_located_yaml(read_confined_text(yaml_path, project.trusted_roots), shown)
        except YamlSyntaxError as error:
            raise ConfigError(error.diagnostic) from error
        spec, diagnostics = validate_model(ThemeFile, located)
        if diagnostics:
            raise ConfigError(diagnostics)
        assert spec is not None
        chain.append((current, spec, yaml_path, _find(project, f"{current}/theme.css")))
        current = spec.extends

    colours: dict[str, str] = {}
    fonts: dict[str, str] = {}
    merged: dict[str, object] = {}
    for _, spec, _, _ in reversed(chain):  # base first, the named theme last
        colours.update(spec.colors.model_dump(exclude_none=True))
        fonts.update(spec.fonts.model_dump(exclude_none=True))
        merged.update(spec.model_dump(exclude_none=True, include={"label", "description", "mode", "display_weight", "title_transform"}))
    missing = [role for role in COLOUR_ROLES if role not in colours]
    if missing:
        raise ConfigError(Diagnostic(project.relative(chain[0][2]), None, f"theme '{name}' sets no colour for: {', '.join(missing)}"))
    fonts.setdefault("text", "Inter")
    fonts.setdefault("display", fonts["text"])
    fonts.setdefault("mono", "JetBrains Mono")
    label = chain[0][1].label or name.replace("-", " ").title()
    css_files = tuple(css for *_, css in reversed(chain) if css is not None)
    sources = tuple(entry[2] for entry in chain) + css_files
    return Theme(
        name=name,
        label=label,
        description=str(merged.get("description", "")),
        mode=str(merged.get("mode", "light")),
        colours=colours,
        fonts=fonts,
        display_weight=int(merged.get("display_weight", 800)),
        title_transform=str(merged.get("title_transform", "none")),
        css_files=css_files,
        source_files=sources,
    )


def _find(project: Project, relative: str) -> Path | None:
    """A theme file along the search path; a symlink out of the project is a located error."""
    try:
        return project.themes.find(relative)
    except ConfinementError as error:
        raise ConfigError(Diagnostic(project.relative(error.path), None, error.reason)) from error


def relative_luminance(hex_colour: str) -> float:
    """WCAG relative luminance of a #rgb or #rrggbb colour."""
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
