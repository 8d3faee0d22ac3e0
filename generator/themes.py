"""Themes: a palette and a font pairing (theme.yaml) plus optional CSS (theme.css).

A theme lives in `themes/<name>/`. A project's `themes/<name>/theme.yaml` or
`theme.css` overrides the built-in file of the same name, file by file, and a
theme may `extends:` another, inheriting what it does not set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from pydantic import Field, field_validator

from generator.colour import contrast_ratio, mix, parse_hex, readable, relative_luminance, veil_opacity
from generator.config.schema import HEX_COLOUR, StrictModel
from generator.config.validate import validate_model
from generator.config.yamlsource import YamlSyntaxError, load_located_yaml
from generator.confine import ConfinementError, read_confined_text
from generator.errors import ConfigError, Diagnostic, did_you_mean
from generator.project import Project

__all__ = [
    "ACCENT_CONTRAST",
    "TEXT_CONTRAST",
    "Theme",
    "available_themes",
    "contrast_ratio",
    "load_theme",
    "relative_luminance",
    "with_derived_roles",
]

COLOUR_ROLES = ("background", "surface", "text", "muted", "accent", "accent_contrast")
# Roles a theme may set but need not: derived from the others so they always read
# (accent_text: the accent as text, ≥ 4.5:1 on background and surface; highlight: the
# marker band behind ==highlighted== words, with the text ≥ 4.5:1 on it).
DERIVED_ROLES = ("accent_text", "highlight")
TEXT_CONTRAST = 4.5  # WCAG AA for body-size text
ACCENT_CONTRAST = 3.0  # DESIGN.md: the accent on the background
CARD_EDGE = 0.25  # about 1.7:1 on the background: seen, not loud
SCRIM_MARGIN = 0.3  # a photo's scrim aims above 4.5:1: rounding and anti-aliased edges


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
    accent_text: str | None = None
    highlight: str | None = None

    _hex = field_validator(*COLOUR_ROLES, *DERIVED_ROLES)(classmethod(lambda cls, v: _colour(v)))


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
    # how ==highlighted== words are drawn: in the accent colour, or on a marker band
    highlight: Literal["colour", "marker"] | None = None
    # the cover's composition: hook left-aligned, centred, or on an accent panel
    cover: Literal["left", "centre", "panel"] | None = None


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
    highlight: str = "colour"  # "colour" or "marker" (see ThemeFile.highlight)
    cover: str = "left"  # "left", "centre" or "panel" (see ThemeFile.cover)

    def style_variables(self) -> dict[str, str]:
        """CSS custom properties of the theme's drawing choices (beside its colours):
        how ==highlights== are drawn — accent-coloured text, or text on a marker band — and
        the scrim laid over a photo behind text."""
        scrim = {
            "--scrim": self.scrim(),
            "--scrim-clear": self.scrim(opacity=0.0),
            # the edge of a card (a post, a panel): a quarter of the way to the text colour,
            # visible on light themes where the surface is close to the background
            "--edge": mix(self.colours["background"], self.colours["text"], CARD_EDGE),
        }
        if self.highlight == "marker":
            return {"--highlight-ink": self.colours["text"], "--highlight-band": self.colours["highlight"], **scrim}
        return {"--highlight-ink": self.colours["accent_text"], "--highlight-band": "transparent", **scrim}

    def scrim(self, opacity: float | None = None) -> str:
        """The background colour at the opacity that keeps the text colour at 4.5:1 (with
        a margin for anti-aliasing) over any photo behind it: contrast by construction.
        (`opacity`: the same colour at another opacity, e.g. 0 where a scrim fades out.)"""
        if opacity is None:
            opacity = veil_opacity(self.colours["text"], self.colours["background"], TEXT_CONTRAST + SCRIM_MARGIN)
        red, green, blue = (round(channel * 255) for channel in parse_hex(self.colours["background"]))
        return f"rgba({red}, {green}, {blue}, {opacity:.2f})"

    def with_accent(self, accent: str | None) -> Theme:
        """The theme with a brand accent colour in place of its own.

        Text on accent fills switches to whichever of the theme's accent contrast,
        white or near-black reads best on the new accent.
        """
        if not accent:
            return self
        candidates = (self.colours["accent_contrast"], "#ffffff", "#111111")
        on_accent = max(candidates, key=lambda colour: contrast_ratio(colour, accent))
        base = {role: value for role, value in self.colours.items() if role not in DERIVED_ROLES}
        colours = with_derived_roles(dict(base, accent=accent, accent_contrast=on_accent))
        return Theme(**{**self.__dict__, "colours": colours})


def with_derived_roles(colours: dict[str, str]) -> dict[str, str]:
    """The colours with accent_text and highlight derived where missing, and moved (in
    lightness only) where a theme set one that does not read: contrast by construction."""
    background, surface, text = colours["background"], colours["surface"], colours["text"]
    accent_text = readable(colours.get("accent_text") or colours["accent"], (background, surface), TEXT_CONTRAST, fallback=text)
    highlight = colours.get("highlight") or _marker_band(colours["accent"], background, text)
    if contrast_ratio(text, highlight) < TEXT_CONTRAST:
        highlight = _marker_band(highlight, background, text)
    return dict(colours, accent_text=accent_text, highlight=highlight)


def _marker_band(accent: str, background: str, text: str) -> str:
    """A marker-pen band of the accent on the background that the text still reads on:
    as much accent as the text's contrast allows (at most 45 %, at least a tint)."""
    for share in (0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15):
        band = mix(background, accent, share)
        if contrast_ratio(text, band) >= TEXT_CONTRAST:
            return band
    return mix(background, accent, 0.1)


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
        merged.update(
            spec.model_dump(
                exclude_none=True, include={"label", "description", "mode", "display_weight", "title_transform", "highlight", "cover"}
            )
        )
    missing = [role for role in COLOUR_ROLES if role not in colours]
    if missing:
        raise ConfigError(Diagnostic(project.relative(chain[0][2]), None, f"theme '{name}' sets no colour for: {', '.join(missing)}"))
    colours = with_derived_roles(colours)
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
        display_weight=int(cast(int, merged.get("display_weight", 800))),
        title_transform=str(merged.get("title_transform", "none")),
        css_files=css_files,
        source_files=sources,
        highlight=str(merged.get("highlight", "colour")),
        cover=str(merged.get("cover", "left")),
    )


def _find(project: Project, relative: str) -> Path | None:
    """A theme file along the search path; a symlink out of the project is a located error."""
    try:
        return project.themes.find(relative)
    except ConfinementError as error:
        raise ConfigError(Diagnostic(project.relative(error.path), None, error.reason)) from error
