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

`.carousel-cache/builds.json` records, per slug, the key of the output last written
(and the stat of each file when it was last verified), so a build of an unchanged
repository renders nothing and rewrites nothing. Which files a unit wrote, with their
sha256, is the manifest's fact (`output/manifest.json`): the cache does not keep a
second copy, `lookup` checks the files the manifest records. The cache is only a
shortcut: an entry is used only when its key matches *and* the files the manifest
lists are on disk with their hashes.

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
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Protocol
from urllib.parse import unquote, urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationError

from generator import __version__
from generator.confine import is_confined
from generator.environment import output_environment
from generator.errors import CarouselError, Diagnostic, Severity
from generator.model import ThreadPlan
from generator.output import atomic_write
from generator.project import Project
from generator.render.css import stylesheet_urls

CACHE_DIR_NAME = ".carousel-cache"
CACHE_FILE_NAME = "builds.json"
CACHE_FORMAT = 1
CACHE_TOOL = "carousel-studio build cache"

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
    ):
        self.project = project
        self.hasher = hasher
        self.strict = strict
        self.theme_names = tuple(sorted(theme_names))
        self.cli_options = canonical(cli_options or {})
        # taken when the context is made, right after carousel.yaml was read for the catalog
        self.config_digest = hasher.sha256(project.config_path)
        self.fingerprint = fingerprint or generator_fingerprint()
        self.layout_names = tuple(sorted(set(layout_names)))
        self._layout_files: dict[str, tuple[int, Path]] | None = None
        self._themes: dict[str, tuple[str, ...] | CarouselError] = {}
        self._theme_digests: dict[str, str] = {}
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
                from jinja2 import Environment, TemplateSyntaxError, meta

                try:
                    if not is_confined(found[1], self.project.trusted_roots):
                        raise OSError("a symlink leading outside the project")
                    names = list(meta.find_referenced_templates(Environment().parse(found[1].read_text(encoding="utf-8"))))
                except (OSError, UnicodeDecodeError, TemplateSyntaxError):
                    names = []  # the render reports it; the file itself is a dependency anyway
                known = [n for n in names if n is not None]
                references = frozenset(known) if len(known) == len(names) else None
            self._references[name] = references
        return self._references[name]

    def unused_layout_files(self, plan: ThreadPlan) -> frozenset[str]:
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
                digest.update(f"{path}:{self.hasher.sha256(path)}\0".encode())
            self._fonts_digest = digest.hexdigest()
        return self._fonts_digest

    # the key
    def key(self, plan: ThreadPlan) -> ThreadKey:
        files = frozenset(path.resolve() for path in plan.dependencies if path.resolve() != self.project.config_path.resolve()) | frozenset(
            asset.path.resolve() for asset in (plan.avatar, plan.logo) if asset is not None
        )
        unused = self.unused_layout_files(plan)
        try:
            chain = self.theme_chain(plan.theme)
        except CarouselError:
            return ThreadKey(None, ThreadDeps(files, unused, (plan.theme,)))
        files |= self.stylesheet_references(plan, unused, chain)
        deps = ThreadDeps(files, unused, chain)
        return ThreadKey(_digest({**self._dependency_material(deps), "plan": canonical(plan)}), deps)

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
                "thread": [str(path), source],
                "config": self.config_digest,
                "names": [self.layout_names, self.theme_names],
            }
        )

    def _dependency_material(self, deps: ThreadDeps) -> dict[str, Any]:
        """What the key and the stamp both hash: the generator, --strict and the content of every dependency."""
        return {
            "cache": [CACHE_FORMAT, self.fingerprint],
            "strict": self.strict,
            "files": [[str(file), self.hasher.sha256(file)] for file in sorted(deps.files)],
            "layouts": [
                [name, index, self.hasher.sha256(file)]
                for name, (index, file) in sorted(self.layout_files().items())
                if name not in deps.layouts_unused
            ],
            "themes": [[theme, self.theme_digest(theme)] for theme in deps.themes],
            "fonts": self.fonts_digest(),
        }


def _digest(material: dict[str, Any]) -> str:
    text = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the cache file ----------------------------------------------------------------
#
# builds.json is validated by these models on load: anything malformed (a hand edit,
# a truncated write, a foreign file) is a cache miss reported as one warning, never a crash.


def record_digest(files: Mapping[str, str]) -> str:
    """One hash of a manifest's record of a unit's files (names and sha256), to tell whether it changed."""
    return hashlib.sha256(json.dumps(sorted(files.items()), ensure_ascii=False).encode("utf-8")).hexdigest()


def _checked_output_name(relative: str) -> str:
    """A file name an entry may hold: relative, below the output folder (a foreign entry may not point elsewhere)."""
    parts = relative.split("/")
    if not relative or relative.startswith("/") or "\\" in relative or any(part in ("", ".", "..") for part in parts):
        raise ValueError("a file outside the output folder")
    return relative


OutputName = Annotated[str, AfterValidator(_checked_output_name)]
FileStat = Annotated[list[int], Field(min_length=2, max_length=2)]  # [size, mtime_ns]


def _diagnostic_from_json(value: object) -> object:
    if isinstance(value, (list, tuple)) and len(value) == 4:
        return dict(zip(("path", "line", "message", "severity"), value))
    return value


def _diagnostic_to_json(diagnostic: Diagnostic) -> list[object]:
    return [diagnostic.path, diagnostic.line, diagnostic.message, diagnostic.severity.value]


# stored as [path, line, message, severity]
StoredDiagnostic = Annotated[Diagnostic, BeforeValidator(_diagnostic_from_json), PlainSerializer(_diagnostic_to_json)]


def _deps_to_json(deps: ThreadDeps) -> dict[str, list[str]]:
    return {
        "files": sorted(str(path) for path in deps.files),
        "layouts_unused": sorted(deps.layouts_unused),
        "themes": list(deps.themes),
    }


StoredDeps = Annotated[ThreadDeps, PlainSerializer(_deps_to_json)]


class PlanMeta(BaseModel):
    """What the manifest needs of a plan, kept so that a thread taken from the cache is not planned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    date: str | None  # ISO date
    draft: bool
    canvas: str
    theme: str
    target: str | None = None
    platform: str | None = None


class CacheEntry(BaseModel):
    """What was last written for a unit, and from which key (and stamp)."""

    model_config = ConfigDict(extra="forbid")

    key: str
    out_dir: str
    # size and mtime of the manifest's files (relative to out_dir) when written or last
    # verified against the record whose `record_digest` is `verified`: a file with the
    # same stat need not be hashed again while the manifest records the same files
    stats: dict[OutputName, FileStat]
    verified: str = ""
    # slides and alt text, like the files, are the manifest's record (build.recorded_output)
    diagnostics: list[StoredDiagnostic]
    notes: list[str]
    source: str = ""  # the thread file, as shown (content/x.md)
    stamp: str | None = None  # see KeyContext.stamp
    deps: StoredDeps | None = None
    meta: PlanMeta | None = None


class _CacheHeader(BaseModel):
    """The fields that tell whose cache a file is, read before its entries are validated."""

    model_config = ConfigDict(extra="ignore")

    tool: object = None
    format: object = None
    fingerprint: object = None


class _CacheFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tool: str
    format: int
    fingerprint: str
    entries: dict[str, CacheEntry]


def _first_problem(error: ValidationError, skip: int = 0) -> str:
    """One line for a validation error: the validator's own message, or where (less `skip` outer levels) and what."""
    problem = error.errors(include_url=False)[0]
    cause = (problem.get("ctx") or {}).get("error")
    if problem["type"] == "value_error" and cause is not None:
        return str(cause)
    where = ".".join(str(part) for part in problem["loc"][skip:])
    return f"{where}: {problem['msg']}" if where else str(problem["msg"])


class BuildStore(Protocol):
    """Where a build keeps, per unit, what it last wrote and from which key (the Builder's seam)."""

    warnings: list[Diagnostic]  # problems met opening the store (one line each)

    def entry(self, unit: str) -> CacheEntry | None:
        """The unit's entry as stored, intact output or not."""

    def lookup(self, unit: str, key: str | None, out_dir: Path, files: Mapping[str, str]) -> CacheEntry | None:
        """The unit's entry if it was made from `key` and `files` (the manifest's record) are intact in `out_dir`."""

    def slug_of_source(self, source: str, target: str | None = None) -> str | None:
        """The unit built from the thread file `source` (as shown) for `target`, if exactly one."""

    def store(self, unit: str, entry: CacheEntry) -> None: ...

    def forget(self, unit: str) -> None: ...

    def save(self) -> None:
        """Make what was stored and forgotten last (a store may do it as it goes)."""


class BuildCache:
    """`.carousel-cache/builds.json`: per slug, the key and files of the last output written (a BuildStore)."""

    def __init__(self, path: Path | None, entries: dict[str, CacheEntry] | None = None, fingerprint: str | None = None):
        self.path = path  # None: a disabled cache (nothing read, nothing written)
        self.entries: dict[str, CacheEntry] = entries or {}
        self.fingerprint = fingerprint or generator_fingerprint()
        self.warnings: list[Diagnostic] = []
        self._dirty = False

    @classmethod
    def disabled(cls) -> BuildCache:
        return cls(None)

    @classmethod
    def open(cls, cache_dir: Path, shown: str) -> BuildCache:
        """Load the cache; a corrupt or foreign one is discarded with a warning."""
        path = cache_dir / CACHE_FILE_NAME
        cache = cls(path)
        if not path.exists():
            return cache
        shown_file = f"{shown}/{CACHE_FILE_NAME}"
        try:
            text = path.read_bytes()
        except OSError as error:
            cache._discard(shown_file, f"corrupt build cache discarded ({type(error).__name__}: {error})")
            return cache
        try:
            header = _CacheHeader.model_validate_json(text)
        except ValidationError as error:
            if any(problem["type"] == "json_invalid" for problem in error.errors()):
                cache._discard(shown_file, f"corrupt build cache discarded ({_first_problem(error)})")
            else:
                cache._discard(shown_file, "foreign build cache discarded (not written by this version of carousel)")
            return cache
        if header.tool != CACHE_TOOL or header.format != CACHE_FORMAT:
            cache._discard(shown_file, "foreign build cache discarded (not written by this version of carousel)")
            return cache
        if header.fingerprint != cache.fingerprint:
            cache._dirty = True  # another generator: every entry is stale, start afresh quietly
            return cache
        try:
            cache.entries = dict(_CacheFile.model_validate_json(text).entries)
        except ValidationError as error:
            located = error.errors(include_url=False)[0]["loc"]
            what = "no entries" if located[:1] != ("entries",) or len(located) < 2 else f"bad entry: {_first_problem(error, skip=1)}"
            cache._discard(shown_file, f"corrupt build cache discarded ({what})")
        return cache

    def _discard(self, shown: str, message: str) -> None:
        self.warnings.append(Diagnostic(shown, None, message, Severity.WARNING))
        self.entries = {}
        self._dirty = True

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def entry(self, unit: str) -> CacheEntry | None:
        return self.entries.get(unit)

    def lookup(self, slug: str, key: str | None, out_dir: Path, files: Mapping[str, str]) -> CacheEntry | None:
        """The entry for `slug` if it was made from `key` and `files` are intact in out_dir.

        `files` is what the manifest records for the unit ({`slug/relative`: sha256}); the
        manifest is read from the output folder, so its names are checked like any input.
        """
        entry = self.entries.get(slug)
        if entry is None or key is None or entry.key != key or entry.out_dir != str(out_dir) or not files:
            return None
        record = record_digest(files)
        stats = dict(entry.stats) if entry.verified == record else {}  # stats vouch only for the record they were checked against
        for relative, digest in files.items():
            try:
                _checked_output_name(relative)
            except ValueError:
                return None  # a manifest naming a file outside the output folder is never followed
            path = out_dir / relative
            try:
                stat = path.stat()
            except OSError:
                return None
            if stats.get(relative) == [stat.st_size, stat.st_mtime_ns]:
                continue
            try:
                if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                    return None
            except OSError:
                return None
            stats[relative] = [stat.st_size, stat.st_mtime_ns]  # touched, not changed
        verified = {name: stats[name] for name in files}  # every file now matched its stat or its hash
        if entry.verified != record or verified != entry.stats:
            entry.stats, entry.verified = verified, record
            self._dirty = True
        return entry

    def slug_of_source(self, source: str, target: str | None = None) -> str | None:
        """The unit (slug, or slug/target) whose entry was built from `source` (content/x.md) for `target`, if exactly one."""

        def for_target(unit: str) -> bool:
            return unit.rpartition("/")[2] == target if target is not None and "/" in unit else target is None and "/" not in unit

        slugs = [slug for slug, entry in self.entries.items() if entry.source == source and for_target(slug)]
        return slugs[0] if len(slugs) == 1 else None

    def store(self, slug: str, entry: CacheEntry) -> None:
        if self.entries.get(slug) != entry:
            self.entries[slug] = entry
            self._dirty = True

    def forget(self, slug: str) -> None:
        if self.entries.pop(slug, None) is not None:
            self._dirty = True

    def save(self) -> None:
        """Write the cache if anything changed (atomically; the folder ignores itself in git)."""
        if self.path is None or not self._dirty:
            return
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, b"# written by carousel: the build cache is local\n*\n")
        document = _CacheFile(
            tool=CACHE_TOOL, format=CACHE_FORMAT, fingerprint=self.fingerprint, entries=dict(sorted(self.entries.items()))
        )
        text = json.dumps(document.model_dump(mode="json"), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        atomic_write(self.path, text.encode("utf-8"))
        self._dirty = False


def output_stats(out_dir: Path, files: Iterable[str]) -> dict[str, list[int]]:
    stats: dict[str, list[int]] = {}
    for relative in files:
        try:
            stat = (out_dir / relative).stat()
        except OSError:
            continue
        stats[relative] = [stat.st_size, stat.st_mtime_ns]
    return stats
