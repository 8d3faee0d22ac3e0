"""A content project: its root, carousel.yaml, threads, and resource search paths."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.config.schema import ProjectConfig
from generator.config.validate import validate_model
from generator.config.yamlsource import CONFIG_LIMITS, LocatedYaml, YamlSyntaxError, load_located_yaml
from generator.confine import ConfinementError, confined_path
from generator.errors import ConfigError, Diagnostic
from generator.resources import SearchPath, builtin_root
from generator.user_cache import user_cache_dir

CONFIG_NAME = "carousel.yaml"


@dataclass(frozen=True)
class Project:
    """Paths of a project. Immutable and picklable, so worker processes can get it."""

    root: Path
    builtin: Path
    # the user's cache folder (generator.user_cache): compiled templates, the memo and
    # fontconfig's cache; None keeps nothing of them between runs
    user_cache: Path | None = None

    @classmethod
    def at(cls, root: Path, builtin: Path | None = None, user_cache: Path | None = None) -> Project:
        return cls(root=root.resolve(), builtin=(builtin or builtin_root()).resolve(), user_cache=user_cache)

    def with_user_cache(self, environ: Mapping[str, str]) -> Project:
        """This project with the user's cache folder that `environ` names, for rendering
        (ConfigError when `$CAROUSEL_CACHE_HOME` is inside the project)."""
        return dataclasses.replace(self, user_cache=user_cache_dir(environ, self.root))

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def layouts(self) -> SearchPath:
        return SearchPath((self.root / "layouts", self.builtin / "layouts"), self.trusted_roots)

    @property
    def themes(self) -> SearchPath:
        return SearchPath((self.root / "themes", self.builtin / "themes"), self.trusted_roots)

    @property
    def trusted_roots(self) -> tuple[Path, ...]:
        """Folders rendering may read from: the project and the built-in assets."""
        return (self.root, self.builtin / "layouts", self.builtin / "themes")

    def relative(self, path: Path) -> str:
        """A path as shown in messages: relative to the project when inside it.

        A symlink is named by where it is (the link), not by where it leads.
        """
        for candidate in (Path(os.path.normpath(path.absolute())), path.resolve()):
            try:
                return candidate.relative_to(self.root).as_posix()
            except ValueError:
                continue
        return str(path)

    def discover_threads(self) -> list[Path]:
        """Every `content/**/*.md`, sorted for a stable build order."""
        if not self.content_dir.is_dir():
            return []
        return sorted(p for p in self.content_dir.rglob("*.md") if p.is_file() and not p.name.startswith("."))


def load_config(project: Project) -> tuple[ProjectConfig, LocatedYaml]:
    """Read and validate carousel.yaml (a missing file means all defaults).

    Returns the config and its located source, for later name checks with lines.
    """
    path = project.config_path
    shown = project.relative(path) if path.is_file() else CONFIG_NAME
    if not path.is_file() and not path.is_symlink():
        return ProjectConfig(), LocatedYaml(data={}, path=shown)
    data = b""
    try:
        confined = confined_path(path, (project.root,))
        size = confined.stat().st_size
        if size > CONFIG_LIMITS.max_bytes:
            raise ConfigError(Diagnostic(shown, 1, f"the file is {size:,} bytes (at most {CONFIG_LIMITS.max_bytes:,})"))
        data = confined.read_bytes()
        source = load_located_yaml(data.decode("utf-8"), shown, limits=CONFIG_LIMITS)
    except ConfinementError as error:
        raise ConfigError(Diagnostic(CONFIG_NAME, None, error.reason)) from error
    except OSError as error:
        raise ConfigError(Diagnostic(CONFIG_NAME, None, f"cannot read: {error.strerror or error}")) from error
    except YamlSyntaxError as error:
        raise ConfigError(error.diagnostic) from error
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError(Diagnostic(shown, line, f"not UTF-8 text (byte {data[error.start]:#04x}): save the file as UTF-8")) from error
    if source.data is not None and not isinstance(source.data, dict):
        raise ConfigError(Diagnostic(shown, 1, "carousel.yaml must be a mapping of keys to values"))
    config, diagnostics = validate_model(ProjectConfig, source)
    if diagnostics:
        raise ConfigError(diagnostics)
    assert config is not None
    return config, source
