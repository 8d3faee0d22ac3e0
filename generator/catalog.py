"""What a project can use: its config, themes, layouts, profiles and presets.

Loaded once per build and validated as a whole, so a bad carousel.yaml stops the
build before anything is written (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.config.schema import Options, ProjectConfig
from generator.config.yamlsource import LocatedYaml
from generator.errors import ConfigError, Diagnostic, did_you_mean
from generator.layouts import Layout, load_layouts
from generator.project import Project, load_config
from generator.themes import available_themes


def post_layouts(layouts: dict[str, Layout]) -> list[str]:
    """Names of the layouts a post may use (declared `slide: post`), sorted."""
    return sorted(name for name, layout in layouts.items() if layout.declaration.slide == "post")


def available_layouts(project: Project) -> list[str]:
    """Post layouts: every `layouts/<name>.html` but partials (`_*`) and the layouts
    declared for cover and outro slides."""
    return post_layouts(load_layouts(project))


@dataclass(frozen=True)
class Catalog:
    """A project's validated configuration and the names it may refer to."""

    project: Project
    config: ProjectConfig
    config_source: LocatedYaml
    themes: tuple[str, ...]
    layouts: tuple[str, ...]  # post layouts
    layout_index: dict[str, Layout]  # every layout (cover and outro too), by name

    def base_layer(self) -> dict[str, Any]:
        """carousel.yaml's layer of the cascade: top-level `outro:` then `defaults:`."""
        layer: dict[str, Any] = {}
        if self.config.outro is not None:
            layer["outro"] = self.config.outro.model_dump(exclude_unset=True)
        defaults = self.config.defaults.model_dump(exclude_unset=True)
        if "outro" in defaults and "outro" in layer:
            defaults["outro"] = {**layer["outro"], **defaults["outro"]}
        layer.update(defaults)
        return layer

    def target_layer(self, name: str) -> dict[str, Any]:
        """The options a carousel.yaml target sets."""
        return self.config.targets[name].option_layer()

    def target_platform(self, name: str) -> str | None:
        """The platform whose rules a target's output must meet (None: the canvas's)."""
        target = self.config.targets[name]
        if target.platform is not None:
            return target.platform
        return name if name in ("linkedin", "instagram") else None

    def check_names(self, layer: dict[str, Any], source: LocatedYaml, loc: tuple[Any, ...], context: str) -> list[Diagnostic]:
        """Unknown theme, layout or profile names in one options layer."""
        problems: list[Diagnostic] = []
        known = {"theme": self.themes, "layout": self.layouts, "profile": tuple(self.config.profiles)}
        for key, choices in known.items():
            value = layer.get(key)
            if value is not None and value not in choices:
                message = f"unknown {key} '{value}'{did_you_mean(str(value), choices)}"
                problems.append(source.diagnostic(loc + (key,), f"{context}: {message}" if context else message))
        return problems


def load_catalog(project: Project) -> Catalog:
    """Load carousel.yaml and check every name it uses. Raises ConfigError (exit 2)."""
    config, source = load_config(project)
    layouts = load_layouts(project)
    catalog = Catalog(project, config, source, tuple(available_themes(project)), tuple(post_layouts(layouts)), layouts)
    problems = catalog.check_names(config.defaults.model_dump(exclude_unset=True), source, ("defaults",), "")
    for name, preset in config.presets.items():
        problems += catalog.check_names(preset.model_dump(exclude_unset=True), source, ("presets", name), "")
    for name, target in config.targets.items():
        problems += catalog.check_names(target.option_layer(), source, ("targets", name), "")
    if problems:
        raise ConfigError(problems)
    return catalog


def cli_layer_problems(catalog: Catalog, layer: dict[str, Any]) -> list[Diagnostic]:
    """Unknown names given on the command line."""
    cli_source = LocatedYaml(data=layer, path="command line")
    return [Diagnostic("command line", None, d.message) for d in catalog.check_names(layer, cli_source, (), "")]


def validate_cli_layer(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate option overrides from CLI flags; raises ConfigError naming the flag."""
    from pydantic import ValidationError

    try:
        return Options.model_validate(raw).model_dump(exclude_unset=True)
    except ValidationError as error:
        raise ConfigError(
            [
                Diagnostic("command line", None, f"--{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}")
                for e in error.errors()
            ]
        ) from error
