"""Render one planned thread into its output files (in memory; nothing is written here)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.caption import build_caption
from generator.errors import Diagnostic, Severity, ThreadError
from generator.fonts import configure_for_project
from generator.model import ThreadPlan
from generator.project import Project
from generator.render.html import new_environment, render_html
from generator.render.fit import fit_slides
from generator.render.pdf import pdf_bytes, portable_identity
from generator.render.raster import rasterise
from generator.themes import Theme, contrast_ratio, load_theme

CACHE_DIR_NAME = ".carousel-cache"
INSTAGRAM_MAX_SLIDES = 20
LINKEDIN_MAX_PAGES = 300
LINKEDIN_MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class ThreadArtifacts:
    """Everything a thread's build produces, before it is written."""

    slug: str
    files: dict[str, bytes]
    slide_count: int
    warnings: tuple[Diagnostic, ...]
    notes: tuple[str, ...] = ()
    html: str = ""  # the final HTML handed to WeasyPrint (for benchmarks and debugging)


class Renderer:
    """Renders thread plans for one project, keeping templates and themes warm between threads."""

    def __init__(self, project: Project):
        self.project = project
        # WeasyPrint reads FONTCONFIG_FILE for every document, so configuring here (in
        # every process that renders) is enough to see only vendored and project fonts.
        self.notices: list[str] = configure_for_project(project.root, project.builtin / "themes" / "fonts", project.root / CACHE_DIR_NAME / "fonts")
        self.environment = new_environment(project)
        self._themes: dict[str, Theme] = {}

    def theme(self, name: str) -> Theme:
        if name not in self._themes:
            self._themes[name] = load_theme(self.project, name)
        return self._themes[name]

    def html(self, plan: ThreadPlan) -> str:
        """The final HTML of a thread, as handed to WeasyPrint."""
        accent = plan.profile.accent if plan.profile else None
        return render_html(self.environment, self.project, plan, self.theme(plan.theme).with_accent(accent))

    def render(self, plan: ThreadPlan, strict: bool = False) -> ThreadArtifacts:
        """HTML -> PDF (+ images, caption). Raises ThreadError when --strict finds a problem."""
        shown = plan.meta.shown_path
        warnings: list[Diagnostic] = list(plan.warnings)
        theme = self.theme(plan.theme)
        accent = plan.profile.accent if plan.profile else None
        if accent and contrast_ratio(accent, theme.colours["background"]) < 3:
            warnings.append(Diagnostic(shown, None, f"profile accent {accent} has contrast {contrast_ratio(accent, theme.colours['background']):.1f}:1 on theme '{theme.name}' (needs 3:1)", Severity.WARNING))
        # fitting lays the slides out (as often as it must) and measures every one
        fitted = fit_slides(self, plan)
        html, document = fitted.html, fitted.document
        warnings += [Diagnostic(shown, None, f"resource refused: {url}", Severity.WARNING) for url in dict.fromkeys(fitted.refused)]
        warnings += [Diagnostic(shown, None, f"renderer: {message}", Severity.WARNING) for message in fitted.log if "refused" not in message]
        for index, problem in fitted.problems:
            warnings.append(Diagnostic(shown, None, f"slide {index} ({fitted.slides[index - 1].label}) {problem}", Severity.WARNING))
        if len(document.pages) != len(fitted.slides):
            warnings.append(Diagnostic(shown, None, f"{len(document.pages)} pages for {len(fitted.slides)} slides", Severity.WARNING))
        warnings += _platform_limits(plan, len(document.pages), shown)
        roots = {"project": self.project.root, "builtin": self.project.builtin}
        pdf = pdf_bytes(document, identity=portable_identity(html, roots))
        if len(pdf) > LINKEDIN_MAX_BYTES:
            warnings.append(Diagnostic(shown, None, f"PDF is {len(pdf) / 1e6:.0f} MB; LinkedIn accepts 100 MB", Severity.WARNING))
        if strict and any(w.severity is Severity.WARNING for w in warnings):
            raise ThreadError([Diagnostic(w.path, w.line, f"{w.message} (--strict)") for w in warnings])
        files: dict[str, bytes] = {}
        formats = plan.options.formats
        if "pdf" in formats:
            files[f"{plan.meta.slug}.pdf"] = pdf
        for image_format in ("png", "jpg"):
            if image_format in formats:
                for number, image in enumerate(rasterise(pdf, plan.canvas, image_format), start=1):
                    files[f"slides/{number:02d}.{image_format}"] = image
        files["caption.txt"] = build_caption(plan).encode("utf-8")
        return ThreadArtifacts(plan.meta.slug, files, len(document.pages), tuple(warnings), notes=fitted.notes, html=html)


def _platform_limits(plan: ThreadPlan, pages: int, shown: str) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    if plan.canvas.platform == "instagram" and pages > INSTAGRAM_MAX_SLIDES:
        problems.append(Diagnostic(shown, None, f"{pages} slides; Instagram shows at most {INSTAGRAM_MAX_SLIDES}", Severity.WARNING))
    if pages > LINKEDIN_MAX_PAGES:
        problems.append(Diagnostic(shown, None, f"{pages} pages; LinkedIn accepts at most {LINKEDIN_MAX_PAGES}", Severity.WARNING))
    return problems
