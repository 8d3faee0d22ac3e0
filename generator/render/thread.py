"""Render one planned thread into its output files (in memory; nothing is written here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

from generator.alt_text import alt_file, thread_alt
from generator.caption import build_caption
from generator.config.schema import FORMATS
from generator.content.markdown import hashtags_of
from generator.errors import Diagnostic, Severity, ThreadError
from generator.fonts import configure_for_project
from generator.memo import Memo
from generator.model import ThreadPlan
from generator.platforms import OutputFacts, as_build_warnings, image_facts, lint
from generator.plugins import PluginError, RenderedThread, plugin_files
from generator.project import Project
from generator.render.fit import fit_slides
from generator.render.html import new_environment, render_html
from generator.render.pdf import bounded_excerpt, portable_identity, remove_unsafe_links, written_pdf
from generator.themes import Theme, load_theme

CACHE_DIR_NAME = ".carousel-cache"


@dataclass(frozen=True)
class ThreadArtifacts:
    """Everything a thread's build produces, before it is written."""

    slug: str
    files: dict[str, bytes]
    slide_count: int
    warnings: tuple[Diagnostic, ...]
    notes: tuple[str, ...] = ()
    html: str = ""  # the final HTML handed to WeasyPrint (for benchmarks and debugging)
    alt: tuple[str, ...] = ()  # alt text of every slide
    findings: tuple[Diagnostic, ...] = ()  # the platform linter's findings, with their own severity


class Renderer:
    """Renders thread plans for one project, keeping templates and themes warm between threads."""

    def __init__(self, project: Project):
        self.project = project
        # WeasyPrint reads FONTCONFIG_FILE for every document, so configuring here (in
        # every process that renders) is enough to see only vendored and project fonts.
        own = project.user_cache  # never the project's .carousel-cache: a repository can commit one (generator.user_cache)
        self.notices: list[str] = configure_for_project(
            project.root,
            project.builtin / "themes" / "fonts",
            project.root / CACHE_DIR_NAME / "fonts",
            fontconfig_cache=own / "fontconfig" if own is not None else None,
        )
        self.environment = new_environment(project)
        if own is not None:
            # compiled templates kept between processes (Jinja checks each source's checksum):
            # compiling the layouts costs ~40 ms of every build otherwise
            self.environment.bytecode_cache = FileSystemBytecodeCache(str(_cache_folder(own / "templates")))
        # font metrics and parsed stylesheets, remembered between runs by content (generator.memo)
        self.memo = Memo.in_cache(own) if own is not None else Memo(None)
        self._themes: dict[str, Theme] = {}

    def theme(self, name: str) -> Theme:
        if name not in self._themes:
            self._themes[name] = load_theme(self.project, name)
        return self._themes[name]

    def html(self, plan: ThreadPlan) -> str:
        """The final HTML of a thread, as handed to WeasyPrint."""
        accent = plan.profile.accent if plan.profile else None
        return render_html(self.environment, self.project, plan, self.theme(plan.theme).with_accent(accent), memo=self.memo)

    def render(self, plan: ThreadPlan, strict: bool = False) -> ThreadArtifacts:
        """HTML -> PDF (+ images, caption). Raises ThreadError when --strict finds a problem."""
        shown = plan.meta.shown_path
        warnings: list[Diagnostic] = list(plan.warnings)
        # (a profile accent that does not read on the theme is reported by planning, at its carousel.yaml line)
        # fitting lays the slides out (as often as it must) and measures every one
        fitted = fit_slides(self, plan)
        html, document = fitted.html, fitted.document
        warnings += [
            Diagnostic(shown, None, f"resource refused: {bounded_excerpt(url, 300)}", Severity.WARNING)
            for url in dict.fromkeys(fitted.refused)
        ]
        warnings += [
            Diagnostic(shown, None, f"renderer: {bounded_excerpt(message, 300)}", Severity.WARNING)
            for message in fitted.log
            if "refused" not in message
        ]
        for index, problem in fitted.problems:
            slide = fitted.slides[index - 1]
            warnings.append(Diagnostic(shown, plan.meta.line_of(slide), f"slide {index} ({slide.label}) {problem}", Severity.WARNING))
        if len(document.pages) != len(fitted.slides):
            warnings.append(Diagnostic(shown, None, f"{len(document.pages)} pages for {len(fitted.slides)} slides", Severity.WARNING))
        warnings += [
            Diagnostic(shown, None, removed, Severity.WARNING) for removed in remove_unsafe_links(document, plan.meta.source_path.parent)
        ]
        pdf, refused_drawing, drawing_log = written_pdf(
            document, identity=portable_identity(html, (self.project.root, self.project.builtin))
        )
        warnings += [
            Diagnostic(shown, None, f"resource refused: {bounded_excerpt(url, 300)}", Severity.WARNING)
            for url in dict.fromkeys(refused_drawing)
            if url not in fitted.refused
        ]
        warnings += [
            Diagnostic(shown, None, f"renderer: {bounded_excerpt(message, 300)}", Severity.WARNING)
            for message in dict.fromkeys(drawing_log)
            if "refused" not in message
        ]
        files: dict[str, bytes] = {}
        formats = plan.options.formats
        if "pdf" in formats:
            files[f"{plan.meta.slug}.pdf"] = pdf
        for image_format in ("png", "jpg"):
            if image_format in formats:
                from generator.render.raster import rasterise  # pypdfium2 + Pillow: only for images

                for number, image in enumerate(rasterise(pdf, plan.canvas, image_format), start=1):
                    files[f"slides/{number:02d}.{image_format}"] = image
        caption = build_caption(plan)
        files["caption.txt"] = caption.encode("utf-8")
        alts = thread_alt(plan, fitted.slides)
        files["alt.txt"] = alt_file(alts)
        files.update(plugin_outputs(plan, pdf, len(document.pages), caption, alts, set(files)))
        findings = tuple(lint(output_facts(plan, files, len(document.pages), len(pdf), caption)))
        warnings += as_build_warnings(findings)
        if strict and any(w.severity is Severity.WARNING for w in warnings):
            raise ThreadError([Diagnostic(w.path, w.line, f"{w.message} (--strict)") for w in warnings])
        return ThreadArtifacts(
            plan.meta.slug,
            files,
            len(document.pages),
            tuple(warnings),
            notes=fitted.notes,
            html=html,
            alt=alts,
            findings=findings,
        )


def plugin_outputs(plan: ThreadPlan, pdf: bytes, pages: int, caption: str, alts: tuple[str, ...], taken: set[str]) -> dict[str, bytes]:
    """The files of the output format plugins the thread asks for (generator/plugins.py)."""
    wanted = [name for name in plan.options.formats if name not in FORMATS]
    if not wanted:
        return {}
    rendered = RenderedThread(
        slug=plan.meta.slug,
        title=plan.meta.title_text or plan.meta.title,
        pdf=pdf,
        slide_count=pages,
        width=plan.canvas.width,
        height=plan.canvas.height,
        caption=caption,
        alt=alts,
    )
    files: dict[str, bytes] = {}
    for name in wanted:
        try:
            files.update(plugin_files(name, rendered, taken | set(files)))
        except PluginError as error:
            raise ThreadError([Diagnostic(plan.meta.shown_path, None, str(error))]) from error
    return files


def _cache_folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def output_facts(plan: ThreadPlan, files: dict[str, bytes], pages: int, pdf_size: int, caption: str) -> OutputFacts:
    """What the platform linter needs to know of a thread's output."""
    return OutputFacts(
        shown=plan.meta.shown_path,
        target=plan.target,
        platform=plan.platform,
        slides=pages,
        pdf_size=pdf_size,
        images=tuple(image_facts(name, data) for name, data in sorted(files.items()) if name.startswith("slides/")),
        caption=caption,
        caption_explicit=bool(plan.meta.caption and plan.meta.caption.strip()),
        images_without_alt=plan.images_without_alt,
        hashtags=len(hashtags_of(caption)),
        caption_line=plan.meta.caption_line,
    )
