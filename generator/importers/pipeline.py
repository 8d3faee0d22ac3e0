"""`carousel import`: read a source, plan every file to write, then write them.

Gather-then-write: `plan_import` reads and validates everything and renders every
file in memory, raising before anything is written; `apply_plan` only writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from generator import plugins
from generator.errors import ConfigError, Diagnostic, did_you_mean
from generator.importers.cleanup import RichText, title_from
from generator.importers.detect import decode_bytes, detect_path, detect_text
from generator.importers.model import SOURCE_KINDS, ImportedThread, RemoteMedia, SourceError
from generator.importers.page import parse_page
from generator.importers.text import parse_text
from generator.importers.trace import Trace, report
from generator.importers.writer import (
    add_profile,
    check_slug,
    find_profile,
    load_config_text,
    new_profile_id,
    slugify,
    thread_markdown,
)
from generator.importers.x_api import parse_x_api
from generator.importers.x_archive import parse_x_archive
from generator.output import atomic_write
from generator.project import CONFIG_NAME

# Archive media are copied to content/images/<slug>/, linked as images/<slug>/<file>.
IMAGES_DIR = "images"
MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


@dataclass(frozen=True)
class ImportRequest:
    """What the user asked for on the command line."""

    source: str
    project: Path
    kind: str = "auto"
    thread_id: str | None = None
    slug: str | None = None
    force: bool = False
    media_dir: Path | None = None  # downloaded X API media (named as in their URLs)


@dataclass(frozen=True)
class PlannedFile:
    """One file to write: where, and its bytes."""

    path: Path
    data: bytes


@dataclass(frozen=True)
class PlannedThread:
    """A thread as it will be written, for the command's report."""

    path: Path
    title: str
    posts: int
    handle: str | None
    images: int


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import will write, computed before anything is written."""

    project: Path
    files: tuple[PlannedFile, ...]
    threads: tuple[PlannedThread, ...]
    added_profiles: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def thread_id_argument(value: str | None) -> str | None:
    """--thread accepts a post id or a post URL (…/status/<id>)."""
    if value is None:
        return None
    match = re.search(r"/status(?:es)?/(\d+)", value)
    if match:
        return match.group(1)
    value = value.strip()
    if not value.isdigit():
        raise ConfigError(Diagnostic("--thread", None, f"'{value}' is not a post id or a post URL"))
    return value


def read_threads(request: ImportRequest, stdin: str | None = None, trace: Trace | None = None) -> list[ImportedThread]:
    """Read and parse the source into threads (no files touched); pasted text reports its rules to `trace`."""
    plugin_kinds = plugins.names(plugins.IMPORTERS_GROUP)
    if request.kind not in ("auto", *SOURCE_KINDS, *plugin_kinds):
        known = ("auto", *SOURCE_KINDS, *plugin_kinds)
        raise ConfigError(
            Diagnostic(
                "--from", None, f"unknown source kind '{request.kind}'{did_you_mean(request.kind, known)}; one of {', '.join(known)}"
            )
        )
    thread_id = thread_id_argument(request.thread_id)
    text: str | None
    if request.source == "-":
        where = "<stdin>"
        path = None
        text = stdin or ""
        kind = detect_text(text) if request.kind == "auto" else request.kind
    else:
        path = Path(request.source)
        where = request.source
        if not path.exists():
            raise SourceError.at(where, "no such file or folder")
        text = None
        if path.is_file():
            try:
                text = decode_bytes(path.read_bytes(), where)
            except OSError as error:
                raise SourceError.at(where, f"cannot read: {error.strerror or error}") from error
        kind = detect_path(path, text) if request.kind == "auto" else request.kind
        if path.is_dir() and kind != "x-archive" and kind not in plugin_kinds:
            raise SourceError.at(where, f"is a folder: --from {kind} needs a file (a folder is read as an X archive)")

    if kind in plugin_kinds:
        return _plugin_threads(kind, plugins.ImportSource(where=where, path=path, text=text, thread_id=thread_id))
    if kind in ("text", "page"):
        if thread_id is not None:
            raise ConfigError(Diagnostic("--thread", None, "applies to X API and X archive sources, not to pasted text"))
        if kind == "page":
            return [parse_page(text or "", where, trace)]
        return [parse_text(text or "", where, trace)]
    # JSON posts have no lines to point at: --explain traces pasted text and pages only
    report(trace, "explain", None, "not traced", f"{kind}: cleaned by the same rules, not line by line")
    if kind == "x-api":
        return [parse_x_api(text or "", where, thread_id)]
    # standard input holds a tweets.js alone: no note-tweet.js, account or media then
    return parse_x_archive(path, where, thread_id, text=text if path is None else None)


def _plugin_threads(kind: str, source: plugins.ImportSource) -> list[ImportedThread]:
    """A plugin importer's threads; its failures are the source's errors (one line, exit 2)."""
    try:
        threads = plugins.load_importer(kind).read(source)
    except (SourceError, ConfigError):
        raise
    except plugins.PluginError as error:
        raise SourceError.at(source.where, str(error)) from error
    except Exception as error:  # a third party's bug: one line, nothing written
        raise SourceError.at(source.where, f"importer '{kind}' failed: {type(error).__name__}: {error}") from error
    if not isinstance(threads, list) or not all(isinstance(thread, ImportedThread) for thread in threads):
        raise SourceError.at(source.where, f"importer '{kind}' did not return a list of ImportedThread")
    return threads


def _title(thread: ImportedThread) -> str:
    """The source's own title, else the first post's heading, else its first line."""
    first = thread.posts[0]
    title = title_from(RichText(thread.title)) if thread.title else ""
    title = title or (title_from(RichText(first.heading)) if first.heading else "")
    title = title or title_from(RichText(first.text, first.links, first.verbatim))
    if title:
        return title
    return f"Thread by {thread.author.at_handle}" if thread.author else "Imported thread"


def plan_import(request: ImportRequest, stdin: str | None = None, trace: Trace | None = None) -> ImportPlan:
    """Read the source and render every file the import writes. Raises before any write.

    The cleaning rules that fired are reported to `trace` (`carousel import --explain`).
    """
    project = request.project
    if not project.is_dir():
        raise ConfigError(Diagnostic(str(project), None, "the project folder does not exist"))
    slug_option = check_slug(request.slug) if request.slug is not None else None
    threads = [t for t in read_threads(request, stdin, trace) if t.posts]
    if not threads:
        raise SourceError.at(request.source if request.source != "-" else "<stdin>", "not a thread: no post has any text or image")
    if slug_option and len(threads) > 1:
        raise ConfigError(
            Diagnostic("--slug", None, f"names one thread, but the source holds {len(threads)} self-threads: choose one with --thread ID")
        )

    config_path = project / CONFIG_NAME
    config_text = config_path.read_text(encoding="utf-8") if config_path.is_file() else None
    config = load_config_text(config_text, CONFIG_NAME)
    new_config_text = config_text
    added: list[str] = []

    content = project / "content"
    files: list[PlannedFile] = []
    planned: list[PlannedThread] = []
    conflicts: list[Diagnostic] = []
    used_slugs: set[str] = set()
    warnings: list[str] = []
    for thread in threads:
        title = _title(thread)
        slug = slug_option or slugify(title) or (f"thread-{thread.id}" if thread.id else "thread")
        base, number = slug, 2
        while slug in used_slugs:  # two threads of one archive with the same title
            slug, number = f"{base}-{number}", number + 1
        used_slugs.add(slug)

        profile_id = None
        if thread.author is not None:
            profile_id = find_profile(config, thread.author)
            if profile_id is None:
                profile_id = new_profile_id(config, thread.author)
                new_config_text = add_profile(new_config_text, profile_id, thread.author)
                config = load_config_text(new_config_text, CONFIG_NAME)
                added.append(profile_id)

        image_sources: list[list[tuple[str, str]]] = []
        remote: list[RemoteMedia] = []
        image_count = 0
        for post_number, post in enumerate(thread.posts, start=1):
            sources = []
            for medium in post.media:
                if medium.path is not None and medium.filename:
                    target = content / IMAGES_DIR / slug / medium.filename
                    data = medium.path.read_bytes()
                    if target.exists() and target.read_bytes() != data and not request.force:
                        conflicts.append(
                            Diagnostic(_shown(target, project), None, "already exists (different): use --force to overwrite it")
                        )
                    files.append(PlannedFile(target, data))
                    sources.append((medium.alt, f"{IMAGES_DIR}/{slug}/{medium.filename}"))
                elif medium.url:
                    downloaded = downloaded_media(request.media_dir, medium.url)
                    if downloaded is None:
                        # the build never fetches: list it for the author instead of a broken image
                        remote.append(RemoteMedia(post_number, medium.url, medium.alt))
                        continue
                    target = content / IMAGES_DIR / slug / downloaded.name
                    data = downloaded.read_bytes()
                    if target.exists() and target.read_bytes() != data and not request.force:
                        conflicts.append(
                            Diagnostic(_shown(target, project), None, "already exists (different): use --force to overwrite it")
                        )
                    files.append(PlannedFile(target, data))
                    sources.append((medium.alt, f"{IMAGES_DIR}/{slug}/{downloaded.name}"))
            image_count += len(sources)
            image_sources.append(sources)

        markdown = thread_markdown(
            title=title,
            subtitle=thread.subtitle,
            posts=thread.posts,
            image_sources=image_sources,
            profile=profile_id,
            source=thread.source_url,
            date=thread.date,
            remote_media=remote,
        )
        target = content / f"{slug}.md"
        if target.exists() and not request.force:
            conflicts.append(Diagnostic(_shown(target, project), None, "already exists: use --force to overwrite it"))
        files.append(PlannedFile(target, markdown.encode("utf-8")))
        planned.append(PlannedThread(target, title, len(thread.posts), thread.author.at_handle if thread.author else None, image_count))
        warnings.extend(thread.source_warnings)
        warnings.extend(f"{_shown(target, project)}: warning: {w}" for w in thread.warnings)
        if remote:
            count = f"{len(remote)} image{'s' if len(remote) != 1 else ''}"
            warnings.append(
                f"{_shown(target, project)}: note: {count} of the thread {'are' if len(remote) != 1 else 'is'} on X, "
                f"listed under 'media:' in its front matter: download {'them' if len(remote) != 1 else 'it'} into a folder "
                "and import again with --media FOLDER --force to show it on the slides"
            )

    if conflicts:
        raise ConfigError(conflicts)
    if new_config_text is not None and new_config_text != config_text:
        files.insert(0, PlannedFile(config_path, new_config_text.encode("utf-8")))
    return ImportPlan(project, tuple(files), tuple(planned), tuple(added), tuple(warnings))


def downloaded_media(folder: Path | None, url: str) -> Path | None:
    """The file in `folder` downloaded from `url`: same name, or same stem (any image suffix)."""
    if folder is None:
        return None
    name = PurePosixPath(urlsplit(url).path).name
    stem = name.rsplit(".", 1)[0]
    if not stem or not folder.is_dir():
        return None
    exact = folder / name
    if exact.is_file() and not exact.is_symlink():
        return exact
    candidates = sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and not path.is_symlink() and path.stem == stem and path.suffix.lower() in MEDIA_SUFFIXES
    )
    return candidates[0] if candidates else None


def _shown(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)


def apply_plan(plan: ImportPlan) -> None:
    """Write the planned files (each atomically); identical files are left untouched."""
    for planned in plan.files:
        if planned.path.is_file() and planned.path.read_bytes() == planned.data:
            continue
        atomic_write(planned.path, planned.data)
