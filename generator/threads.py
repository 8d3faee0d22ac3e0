"""Parse, validate and plan one thread: from `content/<slug>.md` to a ThreadPlan.

Collects every problem of a thread before giving up on it, so that a user sees
them all at once. Reads files but writes nothing.
"""

from __future__ import annotations

import dataclasses
import os
import re
import struct
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import markdown
from PIL import Image, UnidentifiedImageError

from generator.canvas import Canvas
from generator.catalog import Catalog
from generator.config.cascade import resolve_options
from generator.config.schema import FrontMatter, Options, PostDirectives, Profile, PublishFields
from generator.config.validate import validate_model
from generator.config.yamlsource import LocatedYaml
from generator.confine import ConfinementError, confined_path
from generator.content.figures import take_figure
from generator.content.markdown import PostHtml, hashtags_of, markdown_plain, plain_text, render_inline, render_post
from generator.content.thread import FENCE, PostSource, ThreadSource, ThreadSyntaxError, split_thread
from generator.errors import ConfigError, Diagnostic, Severity, ThreadError, did_you_mean
from generator.layouts import layout_for_kind
from generator.limits import LIMITS
from generator.model import ImageAsset, SlideKind, SlideSpec, ThreadMeta, ThreadPlan, ThreadStatus, thread_status
from generator.render.split import column_sections
from generator.render.svgcost import svg_problem
from generator.slugs import slug_problem
from generator.themes import ACCENT_CONTRAST, contrast_ratio, load_theme

IMG_TAG = re.compile(r"<img\b[^>]*>")
IMG_SRC = re.compile(r'\bsrc="([^"]*)"')
MATH_IMAGE = re.compile(r'^<img class="math\b')


@dataclass(frozen=True)
class PostEntry:
    """A post after Markdown and option resolution, before it is placed on a slide."""

    post: PostSource
    html: PostHtml
    options: Options
    directive_image: ImageAsset | None
    body_images: tuple[ImageAsset, ...]
    alt: str = ""  # the post's explicit `<!-- alt: … -->`
    number: int | None = None  # `<!-- number: N -->`: the step a numbered layout shows
    focus: tuple[float, float] | None = None  # `<!-- focus: 30% 40% -->`: what a crop keeps in view
    figure: str | None = None  # `<!-- figure: 73% -->`: the figure a stat layout shows


def slug_for(project_content_dir: Path, path: Path) -> str:
    """`content/a/b.md` -> 'a-b'; `content/b.md` -> 'b'."""
    try:
        relative = path.resolve().relative_to(project_content_dir.resolve())
    except ValueError:
        relative = Path(path.name)
    return "-".join(relative.with_suffix("").parts)


def _is_inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or root in path.parents for root in roots)


class _ImageResolver:
    """Resolve image references to files inside the project; note what is refused."""

    def __init__(self, catalog: Catalog, shown: str):
        self.roots = tuple(root.resolve() for root in catalog.project.trusted_roots)
        self.shown = shown
        self.problems: list[Diagnostic] = []
        self.used: list[Path] = []

    def resolve(self, src: str, alt: str, base_dir: Path, line: int) -> ImageAsset | None:
        if not src:
            return None  # the sanitiser dropped a refused URL; _refused_urls named it
        parts = urlsplit(src)
        if parts.scheme and parts.scheme != "file" and len(parts.scheme) > 1:
            self.problems.append(
                Diagnostic(self.shown, line, f"image '{src}' refused: slides use only files inside the project", Severity.WARNING)
            )
            return None
        raw_path = Path(unquote(parts.path)) if parts.scheme == "file" else base_dir / unquote(src)
        path = raw_path.resolve()
        if not _is_inside(path, self.roots):
            self.problems.append(Diagnostic(self.shown, line, f"image '{src}' refused: it is outside the project", Severity.WARNING))
            # a link inside the project that leads out is still a dependency (by its own name, never
            # read): replacing it with a real image must rebuild the thread
            self.used.append(Path(os.path.normpath(raw_path.absolute())))
            return None
        if not path.is_file():
            self.problems.append(Diagnostic(self.shown, line, f"image not found: {src}"))
            return None
        self.used.append(path)
        return _image_asset(path, alt, self.shown, line, self.problems)


def _image_asset(path: Path, alt: str, shown: str, line: int, problems: list[Diagnostic]) -> ImageAsset | None:
    """The image's natural size, read from its header; its bytes and pixels checked before any decoding."""
    try:
        size = path.stat().st_size
    except OSError as error:
        problems.append(Diagnostic(shown, line, f"cannot read image {path.name}: {error.strerror or error}"))
        return None
    if size > LIMITS.image_bytes:
        problems.append(
            Diagnostic(shown, line, f"image {path.name} is {size / 2**20:.0f} MiB (at most {LIMITS.image_bytes / 2**20:.0f} MiB)")
        )
        return None
    if path.suffix.lower() == ".svg":
        # an SVG too costly to draw (or one WeasyPrint would drop) is refused as a whole, like a
        # damaged PNG: the image would otherwise be missing from the slide
        try:
            problem = svg_problem(path.read_bytes())
        except OSError as error:
            problem = f"cannot be read ({error.strerror or error})"
        if problem is not None:
            problems.append(Diagnostic(shown, line, f"cannot use image {path.name}: {problem}"))
            return None
        return ImageAsset(path, alt)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own pixel limit is lower
            with Image.open(path) as image:  # reads the header only
                width, height = image.size
                if width * height > LIMITS.image_pixels:
                    problems.append(
                        Diagnostic(shown, line, f"image {path.name} is {width}x{height} pixels (at most {LIMITS.image_pixels:,})")
                    )
                    return None
                _check_decodes(image)
    except Image.DecompressionBombError:
        problems.append(
            Diagnostic(
                shown,
                line,
                f"image {path.name} has more than {2 * (Image.MAX_IMAGE_PIXELS or 0):,} pixels (at most {LIMITS.image_pixels:,})",
            )
        )
        return None
    except UnidentifiedImageError:
        problems.append(Diagnostic(shown, line, f"cannot read image {path.name}: not an image format slides can show"))
        return None
    except (OSError, ValueError, SyntaxError, EOFError, struct.error) as error:  # Pillow's plugins raise all of these
        problems.append(Diagnostic(shown, line, f"cannot read image {path.name}: the file is damaged ({_short(error)})"))
        return None
    return ImageAsset(path, alt, width, height)


def _check_decodes(image: Image.Image) -> None:
    """Raise if the image data is damaged, at a fraction of a full decode's cost.

    PNG: every chunk and its checksum is read (no inflating); JPEG: decoded at 1/8
    scale; other formats: decoded (their pixels are bounded by the limit above).
    """
    width, height = image.size
    if image.format == "PNG":
        image.verify()
        return
    if image.format == "JPEG":
        image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
    image.load()


def _short(error: BaseException, limit: int = 80) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rewrite_images(html: str, resolved: dict[str, ImageAsset | None]) -> str:
    """Point kept <img> at their files; drop refused ones."""

    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        if MATH_IMAGE.search(tag):
            return tag  # a drawn formula, not a file
        src_match = IMG_SRC.search(tag)
        asset = resolved.get(src_match.group(1) if src_match else "")
        if asset is None:
            return ""
        size = f' width="{asset.width}" height="{asset.height}"' if asset.width else ""
        return IMG_SRC.sub(f'src="{asset.url}"', tag, count=1).replace("<img", f"<img{size}", 1)

    return IMG_TAG.sub(replace, html)


FOREIGN_URL = re.compile(r"""\b(?:file|ftp|gopher|smb|javascript|vbscript):[^\s)"'<>]*""", re.IGNORECASE)


def _refused_urls(post: PostSource, shown: str) -> list[Diagnostic]:
    """Name every URL with a scheme that slides never load (the sanitiser drops them)."""
    return [
        Diagnostic(shown, post.line, f"'{url}' refused: slides use only files inside the project", Severity.WARNING)
        for url in dict.fromkeys(match.group(0) for match in FOREIGN_URL.finditer(post.markdown))
    ]


def _markdown_first_line(text: str, post: PostSource) -> int:
    """The file line where a post's Markdown (after its directives) starts."""
    first = post.markdown.split("\n", 1)[0].strip()
    lines = text.replace("\r\n", "\n").split("\n")
    for index in range(max(0, post.line - 1), len(lines)):
        if lines[index].strip() == first:
            return index + 1
    return post.line


def _has_text(post: PostHtml) -> bool:
    return bool(plain_text(post.title_html).strip()) or any(plain_text(block).strip() for block in post.blocks)


def _strip_empty_blocks(blocks: list[str]) -> list[str]:
    return [block for block in blocks if plain_text(block).strip() or "<img" in block or "<hr" in block]


def _layer_source(data: dict[str, Any], shown: str, line: int) -> LocatedYaml:
    return LocatedYaml(data=data, path=shown, first_line=line, _lines={(): line})


def _as_datetime(value: datetime | date | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time())


def declared_status(path: Path, shown: str, now: datetime) -> ThreadStatus | None:
    """draft, scheduled or due as a thread file's `draft:` and `date:` say, whatever else
    in it is wrong; None when they cannot be read (then nobody can tell whether it is due)."""
    try:
        source, _ = split_thread(read_thread_text(path, shown), shown)
    except (ThreadError, ThreadSyntaxError):
        return None
    fields, problems = validate_model(PublishFields, source.front_matter)
    if problems or fields is None:
        return None
    return thread_status(fields.draft, _as_datetime(fields.date), now)


def read_thread_text(path: Path, shown: str) -> str:
    """A thread file's text, within the size limit; not UTF-8 is an error at the line of the first bad byte."""
    try:
        size = path.stat().st_size
        if size > LIMITS.thread_bytes:
            raise ThreadError(
                Diagnostic(shown, 1, f"the file is {size / 2**20:.1f} MiB; a thread may be at most {LIMITS.thread_bytes / 2**20:.0f} MiB")
            )
        data = path.read_bytes()
    except OSError as error:
        raise ThreadError(Diagnostic(shown, 1, f"cannot read the file: {error.strerror or error}")) from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ThreadError(Diagnostic(shown, line, f"not UTF-8 text (byte {data[error.start]:#04x}): save the file as UTF-8")) from error


def _post_problems(post: PostSource, shown: str) -> list[Diagnostic]:
    """A post beyond the input limits (checked before Markdown sees it)."""
    if len(post.markdown) > LIMITS.post_chars:
        return [
            Diagnostic(
                shown,
                post.line,
                f"post {post.number} has {len(post.markdown):,} characters (at most {LIMITS.post_chars:,}): split it into several posts with '---'",
            )
        ]
    if too_deep := _too_deep(post.markdown, LIMITS.nesting_depth):
        depth, line = too_deep
        return [
            Diagnostic(
                shown, post.line + line, f"post {post.number} nests lists or quotes {depth} levels deep (at most {LIMITS.nesting_depth})"
            )
        ]
    return []


QUOTE_MARKERS = re.compile(r"[ \t]*(?:>[ \t]?)+")
# list markers and quotes opened on one line ("1. 1. 1. x", "- > - x"): one level each
CHAINED_MARKERS = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)+")
_ONE_MARKER = re.compile(r"[-*+]|\d{1,9}[.)]|>")


def _too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """(depth, 0-based line) of the first line nested deeper than `limit`, else None.

    A line's depth is its number of `>` markers, or its indentation in list steps of 4
    columns plus the list markers and quotes it opens itself (`1. 1. 1. x` is three
    lists deep). Lines inside fenced code are skipped: code may be indented as deeply as it likes.
    """
    fence: str | None = None
    for index, line in enumerate(text.split("\n")):
        if fence_match := FENCE.match(line.lstrip(" >")):
            marker = fence_match.group(1)
            fence = marker[0] if fence is None else (None if marker[0] == fence else fence)
            continue
        if fence is not None:
            continue
        quotes = QUOTE_MARKERS.match(line)
        quote_depth = quotes.group(0).count(">") if quotes else 0
        expanded = line.expandtabs(4)
        chained = CHAINED_MARKERS.match(expanded)
        opened = len(_ONE_MARKER.findall(chained.group(0))) if chained else 0
        depth = max(quote_depth, (len(expanded) - len(expanded.lstrip(" "))) // 4 + max(0, opened - 1))
        if depth > limit:
            return depth, index
    return None


def load_thread(
    catalog: Catalog,
    path: Path,
    cli_layer: dict[str, Any],
    md: markdown.Markdown,
    text: str | None = None,
    target: str | None = None,
) -> ThreadPlan:
    """Read, validate and plan one thread. Raises ThreadError (exit 1) naming every problem found.

    `text`, when given, is planned as the content of `path` (the studio checks an edit
    before it writes it). `target` plans it for one carousel.yaml target (its options
    over the thread's, then the thread's own overrides for that target); the plan's
    `targets` names every target the thread is built for.
    """
    project = catalog.project
    shown = project.relative(path)
    if text is None:
        try:
            confined_path(path, project.trusted_roots)
        except ConfinementError as error:
            raise ThreadError(Diagnostic(shown, None, error.reason)) from error
        text = read_thread_text(path, shown)
    try:
        source, problems = split_thread(text, shown)
    except ThreadSyntaxError as error:
        raise ThreadError(error.diagnostic) from error

    front, schema_problems = validate_model(FrontMatter, source.front_matter, context="front matter")
    problems += schema_problems
    # names are checked on the raw values too, so one run reports every mistake
    raw_names = {
        key: value for key, value in source.front_matter.data.items() if key in ("theme", "layout", "profile") and isinstance(value, str)
    }
    problems += catalog.check_names(raw_names, source.front_matter, (), "front matter")
    if front is None:
        raise ThreadError(problems)
    slug = front.slug if front.slug is not None else slug_for(project.content_dir, path)
    slug_line = source.front_matter.line_of(("slug",)) if front.slug is not None else 1
    if (problem := slug_problem(slug)) is not None:
        where = "front matter: " if front.slug is not None else "file name: "
        hint = "" if front.slug is not None else " (rename the file or set `slug:` in its front matter)"
        problems.append(Diagnostic(shown, slug_line, f"{where}{problem}{hint}"))
    if front.date is not None and not 1900 <= front.date.year <= 9000:
        problems.append(
            source.front_matter.diagnostic(("date",), f"front matter: date: year {front.date.year} is out of range (1900-9000)")
        )

    front_layer = front.option_layer()
    preset_layer: dict[str, Any] = {}
    if front.preset is not None:
        if front.preset in catalog.config.presets:
            preset_layer = catalog.config.presets[front.preset].model_dump(exclude_unset=True)
        else:
            problems.append(
                source.front_matter.diagnostic(
                    ("preset",), f"front matter: unknown preset '{front.preset}'{did_you_mean(front.preset, catalog.config.presets)}"
                )
            )
    targets, target_problems = _selected_targets(catalog, front, source)
    problems += target_problems
    thread_layers = [catalog.base_layer(), preset_layer, front_layer]
    if target is not None:
        # a target is about the platform (canvas, formats): it wins over the thread's options
        thread_layers += [catalog.target_layer(target), _thread_target_layer(front, target)]
    options = resolve_options(thread_layers + [cli_layer])

    profile = _profile(catalog, options)
    problems += _accent_problems(catalog, profile, options)
    resolver = _ImageResolver(catalog, shown)
    avatar, logo = _brand_images(catalog, profile, options, resolver)

    md_posts: list[PostEntry] = []
    images_without_alt: list[tuple[int, str]] = []
    base_dir = path.parent
    for post in source.posts:
        if post_problems := _post_problems(post, shown):
            problems += post_problems
            continue
        problems += _refused_urls(post, shown)
        directive_layer: dict[str, Any] = {}
        title_override = ""
        explicit_alt = ""
        step_number: int | None = None
        focus: tuple[float, float] | None = None
        figure: str | None = None
        directive_image: ImageAsset | None = None
        if post.directives:
            directive_source = _layer_source(post.directives, shown, post.directive_line or post.line)
            directives, directive_problems = validate_model(PostDirectives, directive_source, context="directive")
            problems += directive_problems
            if directives is not None:
                directive_layer = directives.option_layer()
                problems += catalog.check_names(directive_layer, directive_source, (), "directive")
                title_override = directives.title or ""
                explicit_alt = (directives.alt or "").strip()
                step_number = directives.number
                focus = directives.focus
                figure = directives.figure
                if directives.image:
                    directive_image = resolver.resolve(directives.image, "", base_dir, post.directive_line or post.line)
        post_options = resolve_options(thread_layers + [directive_layer, cli_layer])
        rendered = render_post(md, post.markdown)
        problems += [
            Diagnostic(shown, post.line, f"post {post.number}: raw HTML removed: {what}", Severity.WARNING) for what in rendered.removed
        ]
        if rendered.problems:
            first = _markdown_first_line(text, post)
            problems += [
                Diagnostic(shown, first + offset, f"post {post.number}: {message}", Severity.WARNING)
                for offset, message in rendered.problems
            ]
        if rendered.depth > 4 * LIMITS.nesting_depth:
            problems.append(
                Diagnostic(
                    shown,
                    post.line,
                    f"post {post.number}: its HTML nests {rendered.depth} elements deep (at most {4 * LIMITS.nesting_depth})",
                )
            )
            continue
        resolved = {ref.src: resolver.resolve(ref.src, ref.alt, base_dir, post.line) for ref in rendered.images}
        blocks = tuple(_strip_empty_blocks([_rewrite_images(block, resolved) for block in rendered.blocks]))
        title_problems: list[str] = []
        title_html = render_inline(md, title_override, title_problems) if title_override else rendered.title_html
        problems += [
            Diagnostic(shown, post.directive_line or post.line, f"post {post.number}: title: {message}", Severity.WARNING)
            for message in title_problems
        ]
        body_images = tuple(asset for asset in resolved.values() if asset is not None)
        md_posts.append(
            PostEntry(
                post, PostHtml(title_html, blocks), post_options, directive_image, body_images, explicit_alt, step_number, focus, figure
            )
        )
        if not explicit_alt and not _has_text(rendered):
            # nothing on the slide would describe the image: its alt text would be empty.
            # (A featured image has no alt of its own; body images have their ![alt].)
            if directive_image is not None:
                images_without_alt.append((post.directive_line or post.line, str(post.directives.get("image"))))
            images_without_alt += [
                (post.line, ref.src) for ref in rendered.images if not ref.alt.strip() and resolved.get(ref.src) is not None
            ]

    problems += resolver.problems
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ThreadError(errors)

    title_plain = front.title or _derived_title(md_posts)
    for key, value in (("title", front.title), ("subtitle", front.subtitle)):
        field_problems: list[str] = []
        if value:
            render_inline(md, value, field_problems)
        problems += [
            Diagnostic(shown, source.front_matter.line_of((key,)), f"front matter: {key}: {message}", Severity.WARNING)
            for message in field_problems
        ]
    meta = ThreadMeta(
        slug=slug,
        slug_line=slug_line,
        source_path=path,
        shown_path=shown,
        title=title_plain,
        title_html=render_inline(md, title_plain),
        subtitle_html=render_inline(md, front.subtitle) if front.subtitle else "",
        date=_as_datetime(front.date),
        draft=front.draft,
        source_url=front.source,
        caption=front.caption,
        title_text=markdown_plain(md, title_plain).replace("\n", " "),
        subtitle_text=markdown_plain(md, front.subtitle).replace("\n", " ") if front.subtitle else "",
        hook_text=markdown_plain(md, source.posts[0].markdown) if source.posts else "",
        hashtags=tuple(hashtags_of("\n".join(markdown_plain(md, post.markdown) for post in source.posts))),
        lang=front.lang,
        post_lines=tuple(post.line for post in source.posts),
        title_line=source.front_matter.line_of(("title",)) if front.title else None,
        caption_line=source.front_matter.line_of(("caption",)) if front.caption else None,
    )
    slides, arrangement_problems = _arrange(catalog, front, source, options, md_posts)
    if any(problem.is_error for problem in arrangement_problems):
        raise ThreadError(arrangement_problems)
    problems += arrangement_problems
    problems += _blurry_backdrops(slides, md_posts, shown, options.resolved_canvas())
    problems += _lone_columns(slides, md_posts, shown)
    dependencies = [path] + resolver.used
    if project.config_path.is_file():
        dependencies.append(project.config_path)
    return ThreadPlan(
        meta=meta,
        options=options,
        canvas=options.resolved_canvas(),
        theme=options.theme,
        profile=profile,
        avatar=avatar,
        logo=logo,
        slides=tuple(slides),
        dependencies=tuple(dict.fromkeys(dependencies)),
        warnings=tuple(p for p in problems if not p.is_error),
        images_without_alt=tuple(images_without_alt),
        target=target,
        platform_name=catalog.target_platform(target) if target is not None else None,
        targets=targets,
    )


def _selected_targets(catalog: Catalog, front: FrontMatter, source: ThreadSource) -> tuple[tuple[str, ...], list[Diagnostic]]:
    """The carousel.yaml targets this thread is built for: all, or those its `targets:` names."""
    declared = tuple(catalog.config.targets)
    if front.targets is None:
        return declared, []
    problems = []
    for index, name in enumerate(front.targets):
        if name not in catalog.config.targets:
            known = f"; carousel.yaml declares {', '.join(declared)}" if declared else "; carousel.yaml declares no targets"
            loc: tuple[Any, ...] = ("targets", index) if isinstance(front.targets, list) else ("targets", name)
            problems.append(
                source.front_matter.diagnostic(loc, f"front matter: unknown target '{name}'{did_you_mean(name, declared)}{known}")
            )
        elif isinstance(front.targets, dict) and front.targets[name] is not None:
            overrides = front.targets[name].model_dump(exclude_unset=True)  # type: ignore[union-attr]
            problems += catalog.check_names(overrides, source.front_matter, ("targets", name), "front matter")
    return tuple(name for name in declared if name in front.targets), problems


def _thread_target_layer(front: FrontMatter, target: str) -> dict[str, Any]:
    if isinstance(front.targets, dict) and front.targets.get(target) is not None:
        return front.targets[target].model_dump(exclude_unset=True)  # type: ignore[union-attr]
    return {}


def _profile(catalog: Catalog, options: Options) -> Profile | None:
    profiles = catalog.config.profiles
    if options.profile is not None:
        return profiles.get(options.profile)  # an unknown name is reported by check_names
    if len(profiles) == 1:
        return next(iter(profiles.values()))
    return None


def _accent_problems(catalog: Catalog, profile: Profile | None, options: Options) -> list[Diagnostic]:
    """A profile `accent:` that cannot reach 3:1 on the thread's theme, located in carousel.yaml."""
    if profile is None or not profile.accent:
        return []
    try:
        theme = load_theme(catalog.project, options.theme)
    except ConfigError:
        return []  # an unknown or broken theme is reported where the theme is loaded
    ratio = contrast_ratio(profile.accent, theme.colours["background"])
    if ratio >= ACCENT_CONTRAST:
        return []
    key = options.profile or next(iter(catalog.config.profiles))
    source = catalog.config_source
    message = (
        f"profiles.{key}.accent: {profile.accent} has contrast {ratio:.1f}:1 on theme '{theme.name}' "
        f"(needs {ACCENT_CONTRAST:g}:1 for fills and marks; its text shade is derived to 4.5:1)"
    )
    return [Diagnostic(source.path, source.line_of(("profiles", key, "accent")), message, Severity.WARNING)]


def _brand_images(
    catalog: Catalog, profile: Profile | None, options: Options, resolver: _ImageResolver
) -> tuple[ImageAsset | None, ImageAsset | None]:
    if profile is None:
        return None, None
    key = options.profile or next(iter(catalog.config.profiles))
    line_source = catalog.config_source
    images: list[ImageAsset | None] = []
    for field_name in ("avatar", "logo"):
        value = getattr(profile, field_name)
        if not value:
            images.append(None)
            continue
        before = len(resolver.problems)
        asset = resolver.resolve(value, profile.name, catalog.project.root, line_source.line_of(("profiles", key, field_name)))
        # brand images are named in carousel.yaml: point problems there
        for index in range(before, len(resolver.problems)):
            problem = resolver.problems[index]
            resolver.problems[index] = Diagnostic(
                line_source.path, problem.line, f"profiles.{key}.{field_name}: {problem.message}", problem.severity
            )
        images.append(asset)
    return images[0], images[1]


def _derived_title(md_posts: list[PostEntry]) -> str:
    """A title for a thread without one: its first post's heading or first sentence."""
    if not md_posts:
        return "Untitled"
    post_html = md_posts[0].html
    text = plain_text(post_html.title_html or (post_html.blocks[0] if post_html.blocks else "")).strip()
    first_sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return (first_sentence[:90].rsplit(" ", 1)[0] + "…") if len(first_sentence) > 90 else (first_sentence or "Untitled")


def _post_slide(catalog: Catalog, entries: list[PostEntry]) -> SlideSpec:
    """One slide showing one or more posts (their blocks in order); the first post's options rule."""
    first = entries[0]
    options = first.options
    declaration = catalog.layout_index[options.layout].declaration
    blocks = [block for entry in entries for block in entry.html.blocks]
    image = first.directive_image
    body_images = [asset for entry in entries for asset in entry.body_images]
    if image is None and declaration.image.feature and body_images:
        image = body_images[0]
        # the featured image is drawn by the layout: take it out of the text
        blocks = [re.sub(rf'<img\b[^>]*src="{re.escape(image.url)}"[^>]*>', "", b, count=1) for b in blocks]
        blocks = _strip_empty_blocks(blocks)
    if image is not None and first.focus is not None:
        image = dataclasses.replace(image, focus=first.focus)
    title_html, figure = first.html.title_html, ""
    if "figure" in declaration.takes:
        taken = take_figure(title_html, tuple(blocks), first.figure)
        figure, title_html, blocks = taken.figure, taken.title_html, list(taken.blocks)
    return SlideSpec(
        kind="post",
        layout=options.layout,
        options=options,
        declaration=declaration,
        post_numbers=tuple(entry.post.number for entry in entries),
        title_html=title_html,
        figure=figure,
        blocks=tuple(blocks),
        image=image,
        alt=" ".join(entry.alt for entry in entries if entry.alt),
    )


MAX_UPSCALE = 1.5  # past this a photo's pixels show as blur


def backdrop_scale(image: ImageAsset, width: float, height: float) -> float:
    """How much an image is enlarged to cover a width x height slide (crop to fill)."""
    if not (image.width and image.height):
        return 1.0  # vector: sharp at any size
    return max(width / image.width, height / image.height)


def _blurry_backdrops(slides: list[SlideSpec], md_posts: list[PostEntry], shown: str, canvas: Canvas) -> list[Diagnostic]:
    """A warning for each image a layout draws behind the whole slide (`image: {place:
    behind}`) that would be enlarged past MAX_UPSCALE to fill it: the layout draws it at
    MAX_UPSCALE on the background instead, and the author learns it needs more pixels."""
    lines = {entry.post.number: entry.post.directive_line or entry.post.line for entry in md_posts}
    problems: list[Diagnostic] = []
    for spec in slides:
        image = spec.image
        if image is None or spec.declaration.image.place != "behind" or not spec.post_numbers:
            continue
        scale = backdrop_scale(image, canvas.width, canvas.height)
        if scale > MAX_UPSCALE:
            problems.append(
                Diagnostic(
                    shown,
                    lines.get(spec.post_numbers[0]),
                    f"post {spec.post_numbers[0]}: image {image.path.name} is {image.width}x{image.height} px: filling the "
                    f"{canvas.width}x{canvas.height} slide would enlarge it {scale:.1f}x into blur, so it is shown at "
                    f"{MAX_UPSCALE:g}x, not filling the slide (use one at least {canvas.width / MAX_UPSCALE:.0f}x"
                    f"{canvas.height / MAX_UPSCALE:.0f} px)",
                    Severity.WARNING,
                )
            )
    return problems


def _lone_columns(slides: list[SlideSpec], md_posts: list[PostEntry], shown: str) -> list[Diagnostic]:
    """A warning for each post on a two-column layout that has only one column's worth:
    two lists separated by a blank line are one list in Markdown, a common slip."""
    lines = {entry.post.number: entry.post.directive_line or entry.post.line for entry in md_posts}
    return [
        Diagnostic(
            shown,
            lines.get(spec.post_numbers[0]),
            f"post {spec.post_numbers[0]}: layout {spec.layout} sets two lists or two '###' sections side by side, and this "
            "post has one (two lists with only a blank line between them are one list): it is set in one column; "
            "put a '### Before' / '### After' heading above each list",
            Severity.WARNING,
        )
        for spec in slides
        if spec.declaration.columns == 2 and spec.post_numbers and column_sections(spec.blocks) < 2
    ]


def _special_slide(catalog: Catalog, kind: SlideKind, options: Options) -> SlideSpec | None:
    """The cover or outro slide, drawn by the layout declared for it (None: no such layout)."""
    name = layout_for_kind(catalog.layout_index, kind)
    if name is None:
        return None
    return SlideSpec(kind=kind, layout=name, options=options, declaration=catalog.layout_index[name].declaration)


def _numbered(slides: list[SlideSpec], md_posts: list[PostEntry]) -> list[SlideSpec]:
    """Numbered layouts count steps, not slide positions: the first numbered slide is 1,
    the next 2...; a post's `<!-- number: N -->` sets the count from there."""
    numbers = {entry.post.number: entry.number for entry in md_posts}
    step = 0
    counted: list[SlideSpec] = []
    for spec in slides:
        if spec.kind == "post" and "number" in spec.declaration.takes:
            given = numbers.get(spec.post_numbers[0]) if spec.post_numbers else None
            step = given if given is not None else step + 1
            spec = spec.with_changes(step=step)
        counted.append(spec)
    return counted


def _arrange(
    catalog: Catalog, front: FrontMatter, source: ThreadSource, options: Options, md_posts: list[PostEntry]
) -> tuple[list[SlideSpec], list[Diagnostic]]:
    """Cover, posts and outro in the default order or as `slides:` arranges them."""
    problems: list[Diagnostic] = []
    cover = _special_slide(catalog, "cover", options)
    outro = _special_slide(catalog, "outro", options)
    if front.slides is None:
        slides = [cover] if options.cover.show and cover is not None else []
        slides += [_post_slide(catalog, [entry]) for entry in md_posts]
        if options.outro.show and outro is not None:
            slides.append(outro)
        return _numbered(slides, md_posts), problems
    slides = []
    count = len(md_posts)
    for index, item in enumerate(front.slides):
        if item == "cover":
            if cover is not None:
                slides.append(cover)
        elif item == "outro":
            if outro is not None:
                slides.append(outro)
        else:
            numbers = item if isinstance(item, list) else [item]
            bad = [n for n in numbers if not 1 <= n <= count]
            if bad or not numbers:
                message = (
                    f"no post {bad[0]} (the thread has {count} posts)" if bad else "an empty group []: list the posts that share a slide"
                )
                problems.append(source.front_matter.diagnostic(("slides", index), f"front matter: slides: {message}"))
                continue
            slides.append(_post_slide(catalog, [md_posts[n - 1] for n in numbers]))
    shown_posts = {n for item in front.slides if not isinstance(item, str) for n in (item if isinstance(item, list) else [item])}
    if front.slides and (left_out := [n for n in range(1, count + 1) if n not in shown_posts]):
        where = source.front_matter.diagnostic(("slides",), "")
        listed = ", ".join(map(str, left_out[:5])) + (" …" if len(left_out) > 5 else "")
        problems.append(
            Diagnostic(where.path, where.line, f"front matter: slides: leaves out post {listed} (not on any slide)", Severity.WARNING)
        )
    if not slides and not any(problem.is_error for problem in problems):
        # an empty list (or only a cover or outro that is switched off) would build an empty PDF
        problems.append(
            source.front_matter.diagnostic(("slides",), "front matter: slides: lists no slide; leave it out to show every post")
        )
    return _numbered(slides, md_posts), problems
