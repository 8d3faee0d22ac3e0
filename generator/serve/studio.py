"""The studio's model: what the pages show of a project, and the changes they write back.

A `Studio` reads the build's manifest (what was built, with which warnings and
errors), plans a thread for its controls (its options, posts and arrangement), and
applies option changes to thread files and carousel.yaml. A change is checked
before anything is written: the file must be the one the page read (same sha256),
and the edited text must plan without new errors through the same schema and name
checks as a build. Writes are atomic. Nothing here knows about HTTP.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.build import BuildRequest
from generator.canvas import CANVAS_PRESETS
from generator.catalog import Catalog, load_catalog
from generator.config.schema import PATTERNS, FrontMatter, Options, PostDirectives, ProjectConfig
from generator.config.validate import validate_model
from generator.config.yamlsource import YamlSyntaxError, load_located_yaml
from generator.content.markdown import new_markdown, plain_text, render_post
from generator.content.thread import ThreadSyntaxError, split_thread
from generator.errors import CarouselError
from generator.model import ThreadPlan
from generator.output import atomic_write, read_manifest
from generator.serve.edits import EditError, edit_front_matter, edit_mapping_text, edit_post_directive
from generator.serve.paths import project_images, safe_project_image
from generator.threads import load_thread, slug_for
from generator.watch import WatchUpdate

# The fit modes the schema accepts, so a new mode shows in the studio without an edit here.
FITS: tuple[str, ...] = typing.get_args(Options.model_fields["fit"].annotation)
PRESET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
EXCERPT_CHARS = 90


class Refused(Exception):
    """A change the studio will not make; `status` is the HTTP status that says why."""

    def __init__(self, status: int, messages: list[str] | str):
        self.status = status
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def canvas_size(name: str) -> tuple[int, int]:
    """Pixel size of a canvas as the manifest names it (a preset, or 'WxH')."""
    if name in CANVAS_PRESETS:
        return CANVAS_PRESETS[name]
    match = re.fullmatch(r"(\d+)x(\d+)", name or "")
    return (int(match.group(1)), int(match.group(2))) if match else CANVAS_PRESETS["linkedin-portrait"]


@dataclass
class BuildState:
    """What the watch loop last said, shared between its thread and the web server's."""

    config_errors: list[str] = field(default_factory=list)
    builds: int = 0  # how many builds finished (0: the initial build is still running)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, update: WatchUpdate) -> None:
        with self.lock:
            self.config_errors = [str(d) for d in update.config_errors]
            self.builds += 1


class Studio:
    """One project as the studio pages see and change it."""

    def __init__(self, request: BuildRequest, *, now: Callable[[], datetime]):
        self.request = request
        self.project = request.project
        self.out_dir = request.out_dir
        self.now = now
        self.state = BuildState()
        self._write_lock = threading.Lock()  # one edit at a time: check-then-write must not interleave

    # --- reading ---------------------------------------------------------------------

    def _manifest_threads(self) -> dict[str, Any]:
        threads = read_manifest(self.out_dir).get("threads", {})
        return threads if isinstance(threads, dict) else {}

    def _sources(self, manifest: Mapping[str, Any]) -> dict[str, Path]:
        """slug -> thread file, for every thread file that exists."""
        by_source = {entry.get("source"): slug for slug, entry in manifest.items() if isinstance(entry, dict)}
        sources: dict[str, Path] = {}
        for path in self.project.discover_threads():
            slug = by_source.get(self.project.relative(path)) or slug_for(self.project.content_dir, path)
            sources.setdefault(slug, path)
        return sources

    def _slides(self, slug: str, entry: Mapping[str, Any]) -> list[dict[str, Any]]:
        files = entry.get("files") or {}
        prefix = f"{slug}/slides/"
        names = sorted(name for name in files if name.startswith(prefix) and name.endswith(".png"))
        return [{"index": index + 1, "url": f"/output/{name}?v={files[name][:12]}"} for index, name in enumerate(names)]

    def _summary(self, slug: str, path: Path, entry: Mapping[str, Any]) -> dict[str, Any]:
        files = entry.get("files") or {}
        pdf = f"{slug}/{slug}.pdf"
        width, height = canvas_size(str(entry.get("canvas", "")))
        return {
            "slug": slug,
            "source": self.project.relative(path),
            "title": entry.get("title") or slug,
            "status": entry.get("status", "invalid" if entry.get("errors") else "building"),
            "outcome": entry.get("outcome", "building"),
            "date": entry.get("date"),
            "canvas": {"name": entry.get("canvas"), "width": width, "height": height},
            "theme": entry.get("theme"),
            "slide_count": int(entry.get("slides") or 0),
            "slides": self._slides(slug, entry),
            "pdf": f"/output/{pdf}?v={files[pdf][:12]}" if pdf in files else None,
            "warnings": list(entry.get("warnings") or []),
            "errors": list(entry.get("errors") or []),
            "url": f"/t/{slug}",
        }

    def threads(self) -> list[dict[str, Any]]:
        """Every thread file, with what its last build made of it."""
        manifest = self._manifest_threads()
        return [self._summary(slug, path, manifest.get(slug) or {}) for slug, path in self._sources(manifest).items()]

    def source_of(self, slug: str) -> Path | None:
        return self._sources(self._manifest_threads()).get(slug)

    def thread(self, slug: str) -> dict[str, Any] | None:
        """A thread's summary plus what its controls need: options, posts, arrangement, choices."""
        manifest = self._manifest_threads()
        path = self._sources(manifest).get(slug)
        if path is None:
            return None
        detail = self._summary(slug, path, manifest.get(slug) or {})
        text = path.read_text(encoding="utf-8", errors="replace")
        detail["sha256"] = file_sha256(path)
        detail["config_sha256"] = file_sha256(self.project.config_path)
        detail["config_errors"] = list(self.state.config_errors)
        shown = self.project.relative(path)
        try:
            source, _ = split_thread(text, shown)
            front: dict[str, Any] = dict(source.front_matter.data or {})
            posts = source.posts
        except ThreadSyntaxError:
            front, posts = {}, ()
        detail["front_matter"] = _jsonable(front)
        markdown = new_markdown()
        detail["posts"] = [
            {
                "number": post.number,
                "line": post.line,
                "excerpt": _excerpt(render_post(markdown, post.markdown)),
                "directives": _jsonable(post.directives),
                "image": self._project_image_of(path, post.directives.get("image")),
            }
            for post in posts
        ]
        catalog, plan, problems = self._plan(path, text)
        detail["plan_errors"] = problems
        detail["resolved"] = _resolved(plan) if plan is not None else None
        detail["arrangement"] = _arrangement(plan) if plan is not None else None
        detail["choices"] = self._choices(catalog)
        detail["option_keys"] = list(Options.model_fields)
        return detail

    def _project_image_of(self, thread_path: Path, image: Any) -> str | None:
        """A directive's image (relative to the thread file) as a path relative to the project."""
        if not isinstance(image, str) or not image:
            return None
        target = (thread_path.parent / image).resolve()
        try:
            return target.relative_to(self.project.root).as_posix()
        except ValueError:
            return None

    def _plan(self, path: Path, text: str) -> tuple[Catalog | None, ThreadPlan | None, list[str]]:
        try:
            catalog = load_catalog(self.project)
        except CarouselError as error:
            return None, None, [str(d) for d in error.diagnostics]
        try:
            return catalog, load_thread(catalog, path, self.request.cli_options, new_markdown(), text=text), []
        except CarouselError as error:
            return catalog, None, [str(d) for d in error.diagnostics]

    def _choices(self, catalog: Catalog | None) -> dict[str, Any]:
        config = catalog.config if catalog is not None else ProjectConfig()
        return {
            "canvas": list(CANVAS_PRESETS),
            "layout": list(catalog.layouts) if catalog else [],
            "theme": list(catalog.themes) if catalog else [],
            "pattern": list(PATTERNS),
            "profile": list(config.profiles),
            "preset": list(config.presets),
            "fit": list(FITS),
            "images": self.images(),
        }

    def images(self) -> list[str]:
        """Image files inside the project (paths relative to it), for "apply image"."""
        return project_images(self.project.root, skip=(self.out_dir, self.request.resolved_cache_dir))

    # --- writing ---------------------------------------------------------------------

    def apply_options(self, slug: str, sha256: str | None, options: Any, post: int | None = None) -> dict[str, Any]:
        """Write option changes to a thread's front matter (or post `post`'s directive).

        `options` maps option names to new values (None removes the option, so the
        value cascades from above again; mappings merge key by key). Raises Refused.
        """
        if not isinstance(options, dict) or not options:
            raise Refused(400, 'send the options to change as a JSON object, e.g. {"theme": "midnight"}')
        with self._write_lock:
            path = self.source_of(slug)
            if path is None:
                raise Refused(404, f"no thread '{slug}'")
            shown = self.project.relative(path)
            text = self._current_text(path, sha256, shown)
            if post is not None:
                options = self._directive_options(path, options)
            try:
                new_text = edit_post_directive(text, post, options) if post is not None else edit_front_matter(text, options)
            except EditError as error:
                raise Refused(422, f"{shown}: {error}") from error
            self._check_thread_text(path, text, new_text, options, post)
            if new_text != text:
                atomic_write(path, new_text.encode("utf-8"))
            return {"ok": True, "sha256": file_sha256(path), "changed": new_text != text, "source": shown}

    def _current_text(self, path: Path, sha256: str | None, shown: str) -> str:
        if not sha256:
            raise Refused(400, "the request must say which version of the file it changes (sha256)")
        if file_sha256(path) != sha256:
            raise Refused(
                409, f"{shown} changed on disk since this page read it: the page now shows the new version, make the change again"
            )
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise Refused(422, f"{shown}: not UTF-8 text") from error

    def _directive_options(self, path: Path, options: dict[str, Any]) -> dict[str, Any]:
        """A directive `image` given relative to the project becomes relative to the thread file."""
        image = options.get("image")
        if image is None:
            return options
        if not isinstance(image, str):
            raise Refused(422, "directive: image: give a path inside the project")
        target = safe_project_image(self.project.root, image)
        if target is None:
            raise Refused(422, f"directive: image '{image}' refused: pick an image file inside the project")
        relative = Path(_relpath(target, path.parent))
        return {**options, "image": relative.as_posix()}

    def _check_thread_text(self, path: Path, old_text: str, new_text: str, options: Mapping[str, Any], post: int | None) -> None:
        """Refuse (422) an edit whose text does not validate, or plans with errors the file did not have."""
        shown = self.project.relative(path)
        model = PostDirectives if post is not None else FrontMatter
        context = "directive" if post is not None else "front matter"
        # the schema's own message first, for the keys and values that were sent
        probe = load_located_yaml("{}", shown)
        probe.data = _without_none(options)
        _, schema_problems = validate_model(model, probe, context=context)
        if schema_problems:
            raise Refused(422, [f"{shown}: {d.message}" for d in schema_problems])
        _, _, before = self._plan(path, old_text)
        _, _, after = self._plan(path, new_text)
        strip = re.compile(r"^[^:]*(:\d+)?: ")
        known = {strip.sub("", message) for message in before}
        new_problems = [message for message in after if strip.sub("", message) not in known]
        if new_problems:
            raise Refused(422, new_problems)

    def save_preset(self, name: Any, options: Any, sha256: str | None) -> dict[str, Any]:
        """Write `options` as preset `name` into carousel.yaml (replacing a preset of that name)."""
        if not isinstance(name, str) or not PRESET_NAME.match(name):
            raise Refused(422, "preset name: use letters, digits, '-' and '_' (e.g. linkedin-dark)")
        if not isinstance(options, dict) or not options:
            raise Refused(422, "a preset needs at least one option")
        unknown = [key for key in options if key not in Options.model_fields]
        probe = load_located_yaml("{}", "carousel.yaml")
        probe.data = options
        _preset, problems = validate_model(Options, probe, context=f"presets.{name}")
        if unknown or problems:
            raise Refused(422, [d.message for d in problems] or [f"presets.{name}: unknown option '{unknown[0]}'"])
        with self._write_lock:
            path = self.project.config_path
            exists = path.is_file()
            if exists and file_sha256(path) != sha256:
                raise Refused(
                    409, "carousel.yaml changed on disk since this page read it: the page now shows the new version, save the preset again"
                )
            text = path.read_text(encoding="utf-8") if exists else ""
            try:
                new_text = edit_mapping_text(text, {"presets": {name: None}})
                new_text = edit_mapping_text(new_text, {"presets": {name: dict(options)}})
            except EditError as error:
                raise Refused(422, f"carousel.yaml: {error}") from error
            self._check_config_text(new_text, name)
            atomic_write(path, new_text.encode("utf-8"))
            return {"ok": True, "config_sha256": file_sha256(path), "preset": name}

    def _check_config_text(self, text: str, preset: str) -> None:
        try:
            source = load_located_yaml(text, "carousel.yaml")
        except YamlSyntaxError as error:
            raise Refused(422, str(error.diagnostic)) from error
        config, problems = validate_model(ProjectConfig, source)
        if config is None:
            raise Refused(422, [str(d) for d in problems])
        try:
            catalog = load_catalog(self.project)
        except CarouselError as error:
            raise Refused(422, [str(d) for d in error.diagnostics]) from error
        name_problems = catalog.check_names(config.presets[preset].model_dump(exclude_unset=True), source, ("presets", preset), "")
        if name_problems:
            raise Refused(422, [str(d) for d in name_problems])

    # --- the watch loop's side ---------------------------------------------------------

    def on_update(self, update: WatchUpdate) -> list[dict[str, Any]]:
        """Record a build and return the events it makes: one `build` per thread looked at."""
        self.state.update(update)
        events: list[dict[str, Any]] = []
        if update.config_errors or update.initial:
            events.append({"event": "config", "errors": list(self.state.config_errors)})
        for result in update.results:
            events.append(
                {
                    "event": "build",
                    "slug": result.slug,
                    "outcome": result.outcome,
                    "rendered": result.outcome == "built" and not result.cached,
                    "errors": [str(d) for d in result.diagnostics if d.is_error],
                }
            )
        return events


def _relpath(target: Path, start: Path) -> str:
    return os.path.relpath(target, start)


def _excerpt(html: Any) -> str:
    text = " ".join(plain_text(html.title_html + " " + " ".join(html.blocks)).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _without_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _resolved(plan: ThreadPlan) -> dict[str, Any]:
    options = plan.options
    return {
        "canvas": plan.canvas.name,
        "width": plan.canvas.width,
        "height": plan.canvas.height,
        "layout": options.layout,
        "theme": options.theme,
        "pattern": options.pattern.name,
        "opacity": options.pattern.opacity,
        "typography": options.typography.model_dump(),
        "profile": options.profile or (plan.profile.name if plan.profile else None),
        "cover": options.cover.show,
        "outro": options.outro.show,
        "actions": [action.model_dump() for action in options.outro.actions],
        "headline": options.outro.headline,
        "fit": options.fit,
        "post_layouts": {str(n): slide.layout for slide in plan.slides if slide.kind == "post" for n in slide.post_numbers},
    }


def _arrangement(plan: ThreadPlan) -> list[Any]:
    """The planned slides as `slides:` writes them: 'cover', 'outro' or a list of post numbers."""
    return [slide.kind if slide.kind != "post" else list(slide.post_numbers) for slide in plan.slides]
