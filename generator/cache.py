"""The incremental build cache and the dependency key of a thread's output.

A thread's output is a function of:

* its plan (source, front matter, post directives, the resolved options from
  carousel.yaml and the command line, profile, slide arrangement), serialised
  canonically; carousel.yaml itself is *not* hashed, so editing it only invalidates
  the threads whose resolved options changed;
* the content of every file the plan references (the thread file, images, avatar,
  logo);
* the layout files it may use: every file of the layouts search path except the
  `<layout>.html/.css` of layouts none of its slides use (unless a used template
  names them statically);
* every file of the themes along its `extends:` chain, in the project and built in;
* every font under `themes/fonts/` and `themes/*/fonts/` (fonts are global to the
  renderer through fontconfig);
* the generator: its version, a hash of the package's own source files and the
  versions of the libraries that shape the output; and `--strict`.

`output/manifest.json` is the one record of each unit: the files it wrote with their
sha256 and, in its `build` part, the key they were made from (with the stamp,
dependencies, diagnostics and notes of that build), so a build of an unchanged
repository renders nothing and rewrites nothing (`ManifestStore`). A record is used only
when its key matches *and* the files it lists are on disk with their hashes. Keys,
stamps and recorded dependencies name files relative to the project (`ProjectNames`),
so the manifest is the same in any checkout. `.carousel-cache/hashes.json` is only a
memo of output files' hashes by stat (`OutputHashes`): losing it costs hashing.

Planning 200 threads costs seconds (Markdown, YAML, validation), so an entry also
holds a *stamp*: a hash of the inputs of the plan itself (the thread file's bytes,
carousel.yaml's bytes, the command-line options, the names of the available themes
and layouts) plus the same file, layout, theme and font material as the key, using
the dependencies recorded the last time. An equal stamp implies an equal plan and so
an equal key: the thread is up to date without being planned. A different stamp
(say carousel.yaml changed) only means the thread is planned and keyed again.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol
from urllib.parse import unquote, urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer, ValidationError, model_validator

from generator import __version__
from generator.confine import is_confined
from generator.environment import output_environment
from generator.errors import CarouselError, Diagnostic, Severity
from generator.memo import Memo
from generator.model import ThreadPlan
from generator.output import atomic_write
from generator.project import Project
from generator.render.css import stylesheet_urls

CACHE_DIR_NAME = ".carousel-cache"
CACHE_FORMAT = 1

# Files named after a layout a thread does not use (its declaration, template and
# stylesheet) are the only layout files it does not depend on.
LAYOUT_SUFFIXES = (".yaml", ".html", ".css")


# --- the generator's fingerprint ---------------------------------------------------


def _package_dir() -> Path:
    import generator

    return Path(generator.__file__).resolve().parent


@lru_cache(maxsize=1)
def generator_fingerprint() -> str:
    """Version, source files of the `generator` package, library and plugin versions, hashed.

    Any change to the rendering code (by anyone), to a Python or native library on the
    rendering path (Pango, HarfBuzz, fontconfig) or to a plugin invalidates every cached output.
    """
    digest = hashlib.sha256()
    digest.update(f"carousel-studio {__version__}\0".encode())
    for name, version in output_environment():
        digest.update(f"{name}={version}\0".encode())
    package = _package_dir()
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file() or path.suffix in (".pyc", ".pyo"):
            continue
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# --- hashing files, memoised by stat -----------------------------------------------


def _stat_signature(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


class FileHasher:
    """sha256 of files, remembered while a file's stat is unchanged (fonts are large).

    With `roots`, a file whose real path is outside them (a symlink out of the
    project) is not read: it hashes as missing, and the build refuses it by name.
    """

    def __init__(self, roots: tuple[Path, ...] = ()) -> None:
        self._memo: dict[Path, tuple[tuple[int, int, int, int], str]] = {}
        self.roots = roots

    def sha256(self, path: Path) -> str | None:
        """The file's sha256, or None when it does not exist or cannot be read."""
        if self.roots and not is_confined(path, self.roots):
            return None
        try:
            stat = path.stat()
        except OSError:
            self._memo.pop(path, None)
            return None
        signature = _stat_signature(stat)
        remembered = self._memo.get(path)
        if remembered is not None and remembered[0] == signature:
            return remembered[1]
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
        self._memo[path] = (signature, digest)
        return digest


# --- a canonical form of a plan ----------------------------------------------------


def canonical(value: Any) -> Any:
    """A JSON-able form of a plan (dataclasses, pydantic models, paths, …), stable across processes."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, (Path, os.PathLike)):
        return os.fspath(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"@": type(value).__name__, **{f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return {"@": type(value).__name__, **canonical(model_dump(mode="json"))}
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return repr(value)


# --- the dependencies of a thread --------------------------------------------------


@dataclass(frozen=True)
class ThreadDeps:
    """What a thread's output depends on, in the terms watch mode maps changes with."""

    files: frozenset[Path]  # the thread file, images, avatar, logo (absolute)
    layouts_unused: frozenset[str]  # layout file names (e.g. "quote.css") it does not use
    themes: tuple[str, ...]  # theme names along its extends chain

    def union(self, other: ThreadDeps) -> ThreadDeps:
        """What either depends on (a thread built for several targets)."""
        return ThreadDeps(
            self.files | other.files, self.layouts_unused & other.layouts_unused, tuple(dict.fromkeys(self.themes + other.themes))
        )

    def uses_layout_file(self, name: str) -> bool:
        return name not in self.layouts_unused

    def uses_theme_dir(self, theme: str) -> bool:
        return theme in self.themes


@dataclass(frozen=True)
class ThreadKey:
    key: str | None  # None: the key could not be computed (the render will report why)
    deps: ThreadDeps


@dataclass(frozen=True)
class ChangeSet:
    """A batch of changed paths, sorted by what each one is to a build."""

    paths: frozenset[Path]  # as reported
    files: frozenset[Path]  # thread files, images, anything not a layout or theme file
    layout_files: frozenset[str]  # names relative to a layouts folder (e.g. "quote.css")
    themes: frozenset[str]  # the theme folders changed files are in
    fonts: bool  # a font of the themes search path (fontconfig reads fonts once: fresh renderers)
    folders: bool  # a layouts/ or themes/ folder itself appeared or went

    @property
    def reloads_renderers(self) -> bool:
        """Templates, themes or fonts changed: renderers must load them again."""
        return bool(self.layout_files or self.themes or self.fonts or self.folders)


class DependencyIndex:
    """By thread file: what its output was last found to depend on, over every target.

    The build records it as it stamps and keys threads (`Builder.dependencies`); watch
    mode asks it which threads a batch of changed paths affects.
    """

    def __init__(self, project: Project):
        self.project = project
        self.layout_roots = tuple(folder.resolve() for folder in project.layouts.folders)
        self.theme_roots = tuple(folder.resolve() for folder in project.themes.folders)
        self._deps: dict[Path, ThreadDeps] = {}

    def record(self, path: Path, deps: ThreadDeps) -> None:
        """Add what one (thread, target) depends on to what the thread depends on."""
        self._deps[path] = deps.union(self._deps[path]) if path in self._deps else deps

    def forget(self, path: Path) -> None:
        self._deps.pop(path, None)

    def get(self, path: Path) -> ThreadDeps | None:
        return self._deps.get(path)

    def dependency_files(self) -> set[Path]:
        """Every file some thread depends on (watch mode watches their folders)."""
        return {file for deps in self._deps.values() for file in deps.files}

    def classify(self, changed: Iterable[Path]) -> ChangeSet:
        """Sort changed (absolute) paths into layout files, theme folders, fonts and other files."""
        paths = frozenset(changed)
        layout_files: set[str] = set()
        themes: set[str] = set()
        files: set[Path] = set()
        fonts = folders = False
        for path in paths:
            if path in self.layout_roots or path in self.theme_roots:
                folders = True
            elif _relative_to_any(path, self.theme_roots) is not None and is_font_path(self.project, path):
                fonts = True
            elif (relative := _relative_to_any(path, self.layout_roots)) is not None:
                layout_files.add(relative)
            elif (relative := _relative_to_any(path, self.theme_roots)) is not None:
                themes.add(relative.split("/")[0])
            else:
                files.add(path)
        return ChangeSet(paths, frozenset(files), frozenset(layout_files), frozenset(themes), fonts, folders)

    def affects(self, path: Path, change: ChangeSet) -> bool:
        """Whether `change` may alter the output of the thread at `path` (yes when its dependencies are unknown)."""
        deps = self._deps.get(path)
        if deps is None or change.fonts or change.folders or path in change.paths:
            return True
        for changed in change.files:
            if changed in deps.files or any(changed in dependency.parents for dependency in deps.files):
                return True  # the file, or a folder holding it (deleted, moved)
        if any(deps.uses_layout_file(name) for name in change.layout_files):
            return True
        return any(deps.uses_theme_dir(name) for name in change.themes)


def _relative_to_any(path: Path, roots: Iterable[Path]) -> str | None:
    for root in roots:
        if root in path.parents:
            return path.relative_to(root).as_posix()
    return None


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())


FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"})


def _is_font_relative(parts: tuple[str, ...]) -> bool:
    if not parts:
        return False
    in_fonts_folder = parts[0] == "fonts" or (len(parts) > 1 and parts[1] == "fonts")
    return in_fonts_folder or parts[-1].lower().endswith(tuple(FONT_SUFFIXES))


def font_files(project: Project) -> list[Path]:
    """Every font of the themes search path: all of themes/fonts/, themes/*/fonts/, and any
    font file elsewhere under themes/ (generator.fonts makes a project's fonts global)."""
    found: list[Path] = []
    for themes in project.themes.folders:
        found += [path for path in _files_under(themes) if _is_font_relative(path.relative_to(themes).parts)]
    return found


def is_font_path(project: Project, path: Path) -> bool:
    """Whether a path is a font (or a fonts folder) of the themes search path."""
    for themes in project.themes.folders:
        try:
            parts = path.relative_to(themes).parts
        except ValueError:
            continue
        return _is_font_relative(parts)
    return False


BUILTIN_PREFIX = "builtin:"
# stand for the project's and the built-in folders in a plan's text: not ASCII, so they
# cannot occur in the ASCII-only JSON they are put in, and the replacement is one to one
_PROJECT_MARK, _BUILTIN_MARK = "\u27e8project\u27e9", "\u27e8builtin\u27e9"


class ProjectNames:
    """Names of a project's files that do not depend on where the project (or carousel) is.

    A file of the project is named relative to it (`content/a.md`), a built-in layout,
    theme or font file `builtin:<relative>`; keys, stamps and recorded dependencies
    use these names, so a record is the same in any checkout (tests/hostile/test_reproducible.py).
    """

    def __init__(self, project: Project):
        self.project = project
        # the more specific root first (a project may hold the built-in folders, as this repository does)
        roots = [(project.builtin, BUILTIN_PREFIX, _BUILTIN_MARK), (project.root, "", _PROJECT_MARK)]
        self._roots = sorted(roots, key=lambda root: len(root[0].parts), reverse=True)

    def known(self, path: Path) -> bool:
        """Whether an absolute path is inside the project or the built-in folder (so it has a portable name)."""
        return any(path == root or root in path.parents for root, _, _ in self._roots)

    def name(self, path: Path) -> str:
        """The portable name of an absolute path (the path itself when outside both roots)."""
        for root, prefix, _ in self._roots:
            if path == root or root in path.parents:
                return prefix + path.relative_to(root).as_posix()
        return str(path)

    def path(self, name: str) -> Path:
        """The absolute path a portable name stands for."""
        if name.startswith(BUILTIN_PREFIX):
            return self.project.builtin / name[len(BUILTIN_PREFIX) :]
        return self.project.root / name

    def portable(self, value: Any) -> str:
        """A canonical value as JSON text with the project's and built-in folders (as paths and
        file:// URLs, which plans hold) replaced by marks."""
        text = json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        for root, _, mark in self._roots:
            for written, kind in ((root.as_uri(), "url"), (str(root), "path")):
                text = text.replace(json.dumps(written, ensure_ascii=True)[1:-1], f"{mark}{kind}:")
        return text


class KeyContext:
    """Computes thread keys for one state of a project (re-create it after changes).

    Directory listings, parsed themes and template references are memoised for the
    life of the context; file hashes through the (longer-lived) FileHasher.
    """

    def __init__(
        self,
        project: Project,
        layout_names: Iterable[str],
        hasher: FileHasher,
        *,
        strict: bool,
        fingerprint: str | None = None,
        theme_names: Iterable[str] = (),
        cli_options: dict[str, Any] | None = None,
        config: Any = None,
        memo: Memo | None = None,
    ):
        self.project = project
        self.hasher = hasher
        self.memo = memo or Memo(None)  # template references remembered between runs
        self.strict = strict
        self.theme_names = tuple(sorted(theme_names))
        self.cli_options = canonical(cli_options or {})
        self.fingerprint = fingerprint or generator_fingerprint()
        self.names = ProjectNames(project)
        # carousel.yaml as the catalog read it (`config`: a comment changes no stamp, as it changes
        # no plan, so a record is the same whichever builds saw the comment); else its bytes now
        self.config_digest = (
            hashlib.sha256(self.names.portable(canonical(config)).encode()).hexdigest()
            if config is not None
            else hasher.sha256(project.config_path)
        )
        self.layout_names = tuple(sorted(set(layout_names)))
        self._layout_files: dict[str, tuple[int, Path]] | None = None
        self._themes: dict[str, tuple[str, ...] | CarouselError] = {}
        self._theme_digests: dict[str, str] = {}
        self._layout_material: dict[frozenset[str], list[list[Any]]] = {}
        self._references: dict[str, frozenset[str] | None] = {}
        self._css_urls_memo: dict[Path, tuple[str, ...]] = {}
        self._fonts_digest: str | None = None

    # layouts
    def layout_files(self) -> dict[str, tuple[int, Path]]:
        """Every file of the layouts search path: name -> (folder index, the file that wins)."""
        if self._layout_files is None:
            files: dict[str, tuple[int, Path]] = {}
            for index, folder in enumerate(self.project.layouts.folders):
                for path in _files_under(folder):
                    files.setdefault(path.relative_to(folder).as_posix(), (index, path))
            self._layout_files = files
        return self._layout_files

    def _template_references(self, name: str) -> frozenset[str] | None:
        """Templates a layout template names statically; None when it includes by expression."""
        if name not in self._references:
            found = self.layout_files().get(name)
            references: frozenset[str] | None = frozenset()
            if found is not None:
                try:
                    if not is_confined(found[1], self.project.trusted_roots):
                        raise OSError("a symlink leading outside the project")
                    source = found[1].read_bytes()
                    names = self.memo.remembered(
                        "template-references",
                        source,
                        partial(_referenced_templates, source),
                        lambda value: isinstance(value, list) and all(name is None or isinstance(name, str) for name in value),
                    )
                except OSError:
                    names = []  # the render reports it; the file itself is a dependency anyway
                known = [n for n in names if n is not None]
                references = frozenset(known) if len(known) == len(names) else None
            self._references[name] = references
        return self._references[name]

    def unused_layout_files(self, plan: ThreadPlan) -> frozenset[str]:
        """Layout files the thread cannot use: those of layouts none of its slides use,
        unless a template it uses names them statically (or includes by expression)."""
        used = {slide.layout for slide in plan.slides}
        candidates = {f"{layout}{suffix}" for layout in self.layout_names if layout not in used for suffix in LAYOUT_SUFFIXES}
        # follow static {% include %}/{% extends %}/{% import %} from what the thread uses
        pending = [name for name in self.layout_files() if name.endswith(".html") and name not in candidates]
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            references = self._template_references(name)
            if references is None and not name.startswith("_slide"):
                return frozenset()  # a dynamic include outside _slide.html: it may use anything
            for referenced in references or ():
                candidates.discard(referenced)
                candidates.discard(referenced.removesuffix(".html") + ".css")
                pending.append(referenced)
        return frozenset(candidates)

    # files named by stylesheets
    def _css_urls(self, css: Path) -> tuple[str, ...]:
        if css not in self._css_urls_memo:
            try:
                if not is_confined(css, self.project.trusted_roots):
                    raise OSError("a symlink leading outside the project")
                text = css.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            urls = []
            for written in stylesheet_urls(text):
                url = written.strip()
                parts = urlsplit(url)
                if not url or url.startswith(("#", "//")) or (parts.scheme and parts.scheme != "file"):
                    continue
                urls.append(unquote(parts.path) if parts.scheme == "file" else unquote(url.split("#")[0].split("?")[0]))
            self._css_urls_memo[css] = tuple(urls)
        return self._css_urls_memo[css]

    def stylesheet_references(self, plan: ThreadPlan, unused: frozenset[str], chain: tuple[str, ...]) -> frozenset[Path]:
        """Files the thread's layout and theme stylesheets name with url() (a texture, a logo).

        Stylesheets are inlined into the thread's HTML, so a relative url() resolves
        against the thread's folder; it is taken relative to the stylesheet's own folder
        too (when in doubt, depend on it). Files that do not exist yet count as well, so
        creating one rebuilds. Only files inside the trusted roots: rendering reads no other.
        """
        stylesheets = [path for name, (_, path) in self.layout_files().items() if name.endswith(".css") and name not in unused]
        for theme in chain:
            for folder in self.project.themes.folders:
                stylesheets += [path for path in _files_under(folder / theme) if path.suffix == ".css"]
        roots = tuple(root.resolve() for root in self.project.trusted_roots)
        base = plan.meta.source_path.parent
        found: set[Path] = set()
        for css in stylesheets:
            for url in self._css_urls(css):
                for folder in (base, css.parent):
                    candidate = Path(os.path.normpath(folder / url)) if not Path(url).is_absolute() else Path(url)
                    if any(candidate == root or root in candidate.parents for root in roots):
                        found.add(candidate)
        return frozenset(found)

    # themes
    def theme_chain(self, name: str) -> tuple[str, ...]:
        """Theme names along `extends:`; raises the theme's ConfigError if it cannot be loaded."""
        if name not in self._themes:
            from generator.themes import load_theme

            try:
                theme = load_theme(self.project, name)
                self._themes[name] = tuple(dict.fromkeys(p.parent.name for p in theme.source_files if p.name == "theme.yaml"))
            except CarouselError as error:
                self._themes[name] = error
        chain = self._themes[name]
        if isinstance(chain, CarouselError):
            raise chain
        return chain

    def theme_digest(self, name: str) -> str:
        if name not in self._theme_digests:
            digest = hashlib.sha256()
            for index, folder in enumerate(self.project.themes.folders):
                theme_dir = folder / name
                for path in _files_under(theme_dir):
                    relative = path.relative_to(theme_dir).as_posix()
                    digest.update(f"{index}:{relative}:{self.hasher.sha256(path)}\0".encode())
            self._theme_digests[name] = digest.hexdigest()
        return self._theme_digests[name]

    def fonts_digest(self) -> str:
        if self._fonts_digest is None:
            digest = hashlib.sha256()
            for path in font_files(self.project):
                digest.update(f"{self.names.name(path)}:{self.hasher.sha256(path)}\0".encode())
            self._fonts_digest = digest.hexdigest()
        return self._fonts_digest

    # the key
    def key(self, plan: ThreadPlan) -> ThreadKey:
        files = frozenset(
            self._dependency_path(path) for path in plan.dependencies if path.resolve() != self.project.config_path.resolve()
        ) | frozenset(asset.path.resolve() for asset in (plan.avatar, plan.logo) if asset is not None)
        unused = self.unused_layout_files(plan)
        try:
            chain = self.theme_chain(plan.theme)
        except CarouselError:
            return ThreadKey(None, ThreadDeps(files, unused, (plan.theme,)))
        files |= self.stylesheet_references(plan, unused, chain)
        deps = ThreadDeps(files, unused, chain)
        return ThreadKey(_digest({**self._dependency_material(deps), "plan": self.names.portable(canonical(plan))}), deps)

    def _dependency_path(self, path: Path) -> Path:
        """A dependency by its real path; a link inside the project that leads out of it by
        the link's own name (it hashes as missing: the target is never read)."""
        resolved = path.resolve()
        return path if not self.names.known(resolved) and self.names.known(path) else resolved

    def stamp(self, path: Path, deps: ThreadDeps, *, source_digest: str | None = None) -> str | None:
        """A hash of the inputs a thread's plan is made from, with the dependencies it had.

        `source_digest`: the thread file's sha256 when it was read for planning (default:
        now). None when the thread file cannot be read (it is planned, which reports why).
        """
        source = source_digest or self.hasher.sha256(path)
        if source is None:
            return None
        return _digest(
            {
                **self._dependency_material(deps),
                "cli": self.cli_options,
                "thread": [self.names.name(path), source],
                "config": self.config_digest,
                "names": [self.layout_names, self.theme_names],
            }
        )

    def _layouts_material(self, unused: frozenset[str]) -> list[list[Any]]:
        """The layout files a thread uses with their hashes; memoised like the theme digests (most threads share one set)."""
        if unused not in self._layout_material:
            self._layout_material[unused] = [
                [name, index, self.hasher.sha256(file)] for name, (index, file) in sorted(self.layout_files().items()) if name not in unused
            ]
        return self._layout_material[unused]

    def _dependency_material(self, deps: ThreadDeps) -> dict[str, Any]:
        """What the key and the stamp both hash: the generator, --strict and the content of every dependency."""
        return {
            "cache": [CACHE_FORMAT, self.fingerprint],
            "strict": self.strict,
            # a file outside the project (a symlink's target) is never read, its content never matters:
            # it is left out, so a dependency list is all portable names (the link's name is in the plan)
            "files": [[self.names.name(file), self.hasher.sha256(file)] for file in sorted(deps.files) if self.names.known(file)],
            "layouts": self._layouts_material(deps.layouts_unused),
            "themes": [[theme, self.theme_digest(theme)] for theme in deps.themes],
            "fonts": self.fonts_digest(),
        }


def _referenced_templates(source: bytes) -> list[str | None]:
    """Templates a Jinja template's source names ({% include %}, {% extends %}, {% import %});
    None for one named by an expression. Nothing for a template that does not parse."""
    from jinja2 import Environment, TemplateSyntaxError, meta

    try:
        return list(meta.find_referenced_templates(Environment().parse(source.decode("utf-8"))))
    except (UnicodeDecodeError, TemplateSyntaxError):
        return []  # the render reports it; the file itself is a dependency anyway


def _digest(material: dict[str, Any]) -> str:
    text = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the store: each unit's `build` part of output/manifest.json -------------------------
#
# The manifest is the one record of a unit: its files with their sha256, slides and alt
# text, and (its `build` part) the key, stamp, dependencies, diagnostics, notes and plan
# facts of the build that wrote those files. A build part is validated by these models on
# load: anything malformed (a hand edit, a foreign file) is a miss for that unit, reported
# as one warning, never a crash.


def _checked_output_name(relative: str) -> str:
    """A file name a record may hold: relative, below the output folder (a foreign record may not point elsewhere)."""
    parts = relative.split("/")
    if not relative or relative.startswith("/") or "\\" in relative or any(part in ("", ".", "..") for part in parts):
        raise ValueError("a file outside the output folder")
    return relative


def _checked_dependency_name(name: str) -> str:
    """A dependency as recorded: a portable name (ProjectNames), never absolute, never leaving its root."""
    relative = name.removeprefix(BUILTIN_PREFIX)
    parts = relative.split("/")
    if not relative or relative.startswith("/") or "\\" in relative or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"a dependency that is not a project-relative name: {name!r}")
    return name


OutputName = Annotated[str, AfterValidator(_checked_output_name)]
DependencyName = Annotated[str, AfterValidator(_checked_dependency_name)]


def _diagnostic_from_json(value: object) -> object:
    if isinstance(value, (list, tuple)) and len(value) == 4:
        return dict(zip(("path", "line", "message", "severity"), value))
    return value


def _diagnostic_to_json(diagnostic: Diagnostic) -> list[object]:
    return [diagnostic.path, diagnostic.line, diagnostic.message, diagnostic.severity.value]


# stored as [path, line, message, severity]
StoredDiagnostic = Annotated[Diagnostic, BeforeValidator(_diagnostic_from_json), PlainSerializer(_diagnostic_to_json)]


class PlanMeta(BaseModel):
    """What the manifest needs of a plan, kept so that a thread known up to date is not planned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    date: str | None  # ISO date
    draft: bool
    canvas: str
    theme: str
    target: str | None = None
    platform: str | None = None


class RecordedDeps(BaseModel):
    """ThreadDeps as the manifest holds them: files by portable name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    files: list[DependencyName]
    layouts_unused: list[str]
    themes: list[str]


class BuildRecord(BaseModel):
    """A unit's `build` part in output/manifest.json: how the files the unit lists were made.

    It describes the build that wrote those files, which a later failed or skipped
    build does not change (its notes and plan facts may differ from the unit's own
    fields, which tell the last outcome).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    stamp: str | None  # see KeyContext.stamp
    deps: RecordedDeps
    diagnostics: list[StoredDiagnostic]
    notes: list[str]
    meta: PlanMeta
    # a hash of the fields above: a record edited by hand is not trusted (its unit is built
    # again), whichever of key or stamp the next build would have compared
    check: str

    @model_validator(mode="after")
    def _checked(self) -> BuildRecord:
        if self.check != record_check(self.model_dump(mode="json", exclude={"check"})):
            raise ValueError("edited: its check does not match")
        return self


def record_check(fields: Mapping[str, Any]) -> str:
    """The `check` of a build part's other fields."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """A unit's build record in memory: paths absolute again, and the thread file (as shown) it was built from."""

    key: str
    stamp: str | None
    deps: ThreadDeps
    diagnostics: tuple[Diagnostic, ...]
    notes: tuple[str, ...]
    meta: PlanMeta
    source: str  # the unit's `source` in the manifest (content/x.md)


def _first_problem(error: ValidationError) -> str:
    """One line for a validation error: the validator's own message, or where and what."""
    problem = error.errors(include_url=False)[0]
    cause = (problem.get("ctx") or {}).get("error")
    if problem["type"] == "value_error" and cause is not None:
        return str(cause)
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {problem['msg']}" if where else str(problem["msg"])


class BuildStore(Protocol):
    """Where a build keeps, per unit, what it last wrote and from which key (the Builder's seam).

    `units` is the manifest's `threads` mapping as the build holds it (unit -> record).
    """

    fingerprint: str  # the generator the records were made by (the manifest's `fingerprint`)

    def entry(self, units: Mapping[str, Any], unit: str) -> CacheEntry | None:
        """The unit's build record, intact output or not."""

    def lookup(self, units: Mapping[str, Any], unit: str, key: str | None, files: Mapping[str, str]) -> CacheEntry | None:
        """The unit's record if it was made from `key` and `files` (what the manifest lists) are intact on disk."""

    def slug_of_source(self, units: Mapping[str, Any], source: str, target: str | None = None) -> str | None:
        """The unit built from the thread file `source` (as shown) for `target`, if exactly one."""

    def record(self, entry: CacheEntry) -> dict[str, Any]:
        """The manifest's `build` part for an entry (JSON)."""

    def wrote(self, files: Mapping[str, str]) -> None:
        """These files ({`slug/relative`: sha256}) were just written: remember how they look on disk."""

    def save(self, units: Mapping[str, Any]) -> None:
        """Keep what a later build can reuse that the manifest does not say (the hash memo)."""


def read_build_parts(units: Mapping[str, Any], shown: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The units with every malformed `build` part taken out (that unit is built again), and a warning for each."""
    cleaned: dict[str, Any] = {}
    warnings: list[Diagnostic] = []
    for unit, record in units.items():
        part = record.get("build") if isinstance(record, dict) else None
        if part is not None:
            try:
                BuildRecord.model_validate(part)
            except ValidationError as error:
                message = f"build record of '{unit}' ignored ({_first_problem(error)}); it is built again"
                warnings.append(Diagnostic(shown, None, message, Severity.WARNING))
                record = {name: value for name, value in record.items() if name != "build"}
        cleaned[unit] = record
    return cleaned, warnings


def without_build_parts(units: Mapping[str, Any]) -> dict[str, Any]:
    """The units with no `build` part (records another generator made: every unit is built again)."""
    return {
        unit: ({k: v for k, v in record.items() if k != "build"} if isinstance(record, dict) else record) for unit, record in units.items()
    }


class ManifestStore:
    """The BuildStore over output/manifest.json: each unit's `build` part, written with its files.

    The parts are read from the units mapping a build holds and written into it (the
    Builder puts `record(...)` into a unit's manifest entry), so they reach the disk in
    the same journaled write as the files they describe (OutputFolder.replace_thread).
    Disabled (`use_cache=False`), nothing is reused and the hash memo is neither read nor
    written; records are still written, so the manifest is the same either way.
    """

    def __init__(self, project: Project, hashes: OutputHashes, *, enabled: bool = True):
        self.names = ProjectNames(project)
        self.hashes = hashes
        self.enabled = enabled
        self.fingerprint = generator_fingerprint()
        self._parsed: dict[str, tuple[object, CacheEntry | None]] = {}  # by unit: (the build part read, its entry)

    def entry(self, units: Mapping[str, Any], unit: str) -> CacheEntry | None:
        record = units.get(unit)
        if not self.enabled or not isinstance(record, dict) or record.get("build") is None:
            return None
        part = record["build"]
        known = self._parsed.get(unit)
        if known is not None and known[0] is part:  # parts are replaced, never changed in place
            return known[1]
        entry = self._entry_of(part, record.get("source"))
        self._parsed[unit] = (part, entry)
        return entry

    def _entry_of(self, part: object, source: object) -> CacheEntry | None:
        try:
            built = BuildRecord.model_validate(part)
        except ValidationError:
            return None  # reported once, when the manifest was read (read_build_parts)
        deps = ThreadDeps(
            frozenset(self.names.path(name) for name in built.deps.files),
            frozenset(built.deps.layouts_unused),
            tuple(built.deps.themes),
        )
        shown = source if isinstance(source, str) else ""
        return CacheEntry(built.key, built.stamp, deps, tuple(built.diagnostics), tuple(built.notes), built.meta, shown)

    def lookup(self, units: Mapping[str, Any], unit: str, key: str | None, files: Mapping[str, str]) -> CacheEntry | None:
        """The unit's entry if it was made from `key` and `files` are intact in the output folder.

        `files` is what the manifest records for the unit ({`slug/relative`: sha256}); the
        manifest is read from the output folder, so its names are checked like any input.
        """
        entry = self.entry(units, unit)
        if entry is None or key is None or entry.key != key or not files:
            return None
        for relative, digest in files.items():
            try:
                _checked_output_name(relative)
            except ValueError:
                return None  # a manifest naming a file outside the output folder is never followed
            if self.hashes.sha256(relative) != digest:
                return None
        return entry

    def slug_of_source(self, units: Mapping[str, Any], source: str, target: str | None = None) -> str | None:
        """The unit (slug, or slug/target) with a build record made from `source` (content/x.md) for `target`, if exactly one."""

        def for_target(unit: str) -> bool:
            return unit.rpartition("/")[2] == target if target is not None and "/" in unit else target is None and "/" not in unit

        slugs = [
            unit
            for unit, record in units.items()
            if isinstance(record, dict) and record.get("source") == source and record.get("build") is not None and for_target(unit)
        ]
        return slugs[0] if len(slugs) == 1 else None

    def record(self, entry: CacheEntry) -> dict[str, Any]:
        deps = RecordedDeps(
            files=sorted(self.names.name(path) for path in entry.deps.files if self.names.known(path)),  # as the key has them
            layouts_unused=sorted(entry.deps.layouts_unused),
            themes=list(entry.deps.themes),
        )
        fields = {
            "key": entry.key,
            "stamp": entry.stamp,
            "deps": deps.model_dump(mode="json"),
            "diagnostics": [_diagnostic_to_json(diagnostic) for diagnostic in entry.diagnostics],
            "notes": list(entry.notes),
            "meta": entry.meta.model_dump(mode="json"),
        }
        return {**fields, "check": record_check(fields)}

    def wrote(self, files: Mapping[str, str]) -> None:
        if self.enabled:
            for relative, digest in files.items():
                self.hashes.remember(relative, digest)

    def save(self, units: Mapping[str, Any]) -> None:
        if self.enabled:
            listed = {name for record in units.values() if isinstance(record, dict) for name in _listed_files(record)}
            self.hashes.save(listed)


def _listed_files(record: Mapping[str, Any]) -> list[str]:
    files = record.get("files")
    return [name for name in files if isinstance(name, str)] if isinstance(files, dict) else []


# --- a memo of the output files' hashes -----------------------------------------------------
#
# So that a no-op build does not read every PNG again, the sha256 of each output file is
# remembered with the file's stat (size, mtime, inode, ctime) in .carousel-cache/hashes.json.
# It is a memo, not a record: it says nothing the manifest does not (a file with that stat
# had that sha256), a file is hashed again whenever its stat differs, and a memo that is
# missing, unreadable or made for another output folder only costs hashing. An edit that
# keeps a file's size, mtime, inode *and* ctime (possible only by resetting the clock) is
# not seen, as with any stat-based tool (make, rsync).

HASHES_FILE_NAME = "hashes.json"
HASHES_TOOL = "carousel-studio output hashes"
LEGACY_CACHE_FILE = "builds.json"  # the record before the manifest held it: removed when seen
Signature = tuple[int, int, int, int]


class _HashesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tool: Literal["carousel-studio output hashes"]
    out_dir: str
    files: dict[OutputName, tuple[int, int, int, int, str]]  # size, mtime_ns, inode, ctime_ns, sha256


class OutputHashes:
    """sha256 of the files of one output folder, by name, remembered by stat (see above)."""

    def __init__(self, out_dir: Path, cache_dir: Path | None):
        self.out_dir = out_dir
        self.path = cache_dir / HASHES_FILE_NAME if cache_dir is not None else None  # None: nothing read or written
        self._memo: dict[str, tuple[Signature, str]] = {}
        self._saved: dict[str, tuple[Signature, str]] = {}
        self._loaded = False

    def _load(self) -> None:
        self._loaded = True
        if self.path is None or not self.path.is_file():
            return
        try:
            document = _HashesFile.model_validate_json(self.path.read_bytes())
        except (OSError, ValidationError):
            return  # a memo only: without it every file is hashed once, and it is written anew
        if document.out_dir == str(self.out_dir):
            self._memo = {
                name: ((size, mtime, inode, ctime), digest) for name, (size, mtime, inode, ctime, digest) in document.files.items()
            }
            self._saved = dict(self._memo)

    def _signature(self, relative: str) -> Signature | None:
        try:
            return _stat_signature((self.out_dir / relative).stat())
        except OSError:
            return None

    def sha256(self, relative: str) -> str | None:
        """The sha256 of `out_dir/relative`, hashed only when its stat is not the one remembered; None if unreadable."""
        if not self._loaded:
            self._load()
        signature = self._signature(relative)
        if signature is None:
            return None
        remembered = self._memo.get(relative)
        if remembered is not None and remembered[0] == signature:
            return remembered[1]
        try:
            digest = hashlib.sha256((self.out_dir / relative).read_bytes()).hexdigest()
        except OSError:
            return None
        self._memo[relative] = (signature, digest)
        return digest

    def remember(self, relative: str, digest: str) -> None:
        """A file just written with this sha256 (its stat taken now)."""
        if not self._loaded:
            self._load()
        signature = self._signature(relative)
        if signature is not None:
            self._memo[relative] = (signature, digest)

    def save(self, listed: set[str]) -> None:
        """Write the memo of the files the manifest lists, if it changed (atomically); drop an old builds.json."""
        if self.path is None:
            return
        folder = self.path.parent
        (folder / LEGACY_CACHE_FILE).unlink(missing_ok=True)
        memo = {name: value for name, value in sorted(self._memo.items()) if name in listed}
        if memo == self._saved and self.path.is_file():
            return
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, b"# written by carousel: the build cache is local\n*\n")
        files = {name: (*signature, digest) for name, (signature, digest) in memo.items()}
        document = _HashesFile(tool=HASHES_TOOL, out_dir=str(self.out_dir), files=files)
        atomic_write(self.path, (json.dumps(document.model_dump(mode="json"), sort_keys=True) + "\n").encode("utf-8"))
        self._saved = memo
