"""Layouts describe themselves: `layouts/<name>.yaml` beside `<name>.html` and `<name>.css`.

The declaration is what the planner, the fitter and the HTML renderer need to know of
a layout — nothing in Python names a layout:

    description: title + body
    slide: post              # post | cover | outro: which slides it draws
    align: top               # top | centre | bottom (vertically, in the content band)
    takes: [title, body, image]
    image: {place: below, share: [0.14, 0.45], feature: false}
    text: {font: text, line_height: 1.45, title: 1.0, above: {units: 0, title_em: 0}, below: {units: 0}}
    type_scale: [1, 1.125, 1.25, 1.5, 1.75, 2]
    continues: true
    balance: true            # top-aligned content that leaves room sits at the optical centre

A project's `layouts/<name>.yaml` overrides the built-in one of that name; a layout with
a template but no declaration is a top-aligned post layout taking title, body and image.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from generator.config.schema import StrictModel
from generator.config.validate import validate_model
from generator.config.yamlsource import YamlSyntaxError, load_located_yaml
from generator.confine import ConfinementError
from generator.errors import ConfigError, Diagnostic
from generator.project import Project

SlideKindName = Literal["post", "cover", "outro"]
# figure: the post's first number ("73%", "$4.2M"), or its `figure:` directive (a stat)
Content = Literal["title", "body", "image", "number", "figure", "quote", "attribution", "author", "actions"]


class ImagePlacement(StrictModel):
    """Where a layout draws a slide's image and how much of the content band it may take."""

    # behind: the image fills the whole slide behind the text (cropped to its focus)
    place: Literal["none", "above", "below", "beside", "behind"] = "below"
    share: tuple[float, float] = (0.14, 0.45)  # least and most of the content band's height
    beside: float = Field(0.42, gt=0.1, lt=0.9)  # width share of an image set beside the text
    feature: bool = False  # takes the post's first body image as its feature image

    @field_validator("share")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        low, high = value
        if not 0 <= low <= high <= 1:
            raise ValueError("share is [least, most], each between 0 and 1")
        return value


class Furniture(StrictModel):
    """Height a layout draws beside the body on every slide of a post (a step number,
    a card's padding, an attribution): grid units plus ems of the body and title sizes."""

    units: float = Field(0, ge=0, le=100)
    body_em: float = Field(0, ge=0, le=20)
    title_em: float = Field(0, ge=0, le=20)


class TextDeclaration(StrictModel):
    """How the layout sets a post's text."""

    font: Literal["text", "display"] = "text"
    line_height: float = Field(1.45, ge=0.8, le=3)
    title: float = Field(1.0, gt=0, le=4)  # the title's size, in `title_base` sizes (0.72: a caption title)
    title_base: Literal["title", "body", "meta"] = "title"  # a card's title is set at the body size
    title_font: Literal["display", "text"] = "display"
    title_margin: float = Field(6, ge=0, le=40)  # grid units under the title
    inset: float = Field(0, ge=0, le=40)  # grid units of padding each side (a card)
    above: Furniture = Field(default_factory=Furniture)
    below: Furniture = Field(default_factory=Furniture)


class LayoutDeclaration(StrictModel):
    """A layout's `<name>.yaml`."""

    description: str = ""
    slide: SlideKindName = "post"
    align: Literal["top", "centre", "bottom"] = "top"
    takes: list[Content] = Field(default_factory=lambda: list[Content](["title", "body", "image"]))
    image: ImagePlacement = Field(default_factory=ImagePlacement)
    text: TextDeclaration = Field(default_factory=TextDeclaration)
    # body sizes the fitter may use, in body sizes: short content steps up, long content
    # steps down to the floor (`shrink_floor`) before it is split
    type_scale: tuple[float, ...] = (1.0, 1.125, 1.25, 1.5, 1.75, 2.0)
    continues: bool = True  # may continue on a next slide; else it shrinks to fit one
    # 2: the body is set as two columns side by side, one per list or `###` section; a post
    # with fewer than two is set in one column, and the build warns
    columns: Literal[1, 2] = 1
    # a top-aligned post slide that leaves room sits at the band's optical centre (its
    # free room split about 2:3 above and below); a full slide stays at the top
    balance: bool = True

    @field_validator("type_scale")
    @classmethod
    def _steps(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value or any(not 0.25 <= step <= 4 for step in value):
            raise ValueError("type_scale steps are sizes between 0.25 and 4 times the layout's base size")
        return tuple(sorted(set(value)))

    @model_validator(mode="after")
    def _image_place(self) -> LayoutDeclaration:
        if "image" not in self.takes:
            self.image = self.image.model_copy(update={"place": "none", "feature": False})
        return self

    @property
    def centred(self) -> bool:
        return self.align == "centre"

    @property
    def balanced(self) -> bool:
        return self.align == "top" and self.balance and self.slide == "post"

    @property
    def max_scale(self) -> float:
        return self.type_scale[-1]


class Layout(StrictModel):
    """A layout found on the search path: its name, declaration and files."""

    name: str
    declaration: LayoutDeclaration
    origin: Literal["project", "built-in"]
    files: tuple[Path, ...]


def _template_names(project: Project) -> list[str]:
    return [name[: -len(".html")] for name in project.layouts.names("*.html") if not name.startswith("_") and "/" not in name]


def _find(project: Project, name: str) -> Path | None:
    """A layout file on the search path; None for one that leaves the project (a symlink
    outside it): rendering refuses that layout for the threads that use it."""
    try:
        return project.layouts.find(name)
    except ConfinementError:
        return None


def load_layouts(project: Project) -> dict[str, Layout]:
    """Every layout of the project and the built-ins, by name. Raises ConfigError (exit 2)
    naming the file and line of a bad declaration."""
    layouts: dict[str, Layout] = {}
    problems: list[Diagnostic] = []
    for name in _template_names(project):
        declaration = LayoutDeclaration()
        yaml_path = _find(project, f"{name}.yaml")
        if yaml_path is not None:
            shown = project.relative(yaml_path)
            try:
                located = load_located_yaml(yaml_path.read_text(encoding="utf-8"), shown)
            except YamlSyntaxError as error:
                problems.append(error.diagnostic)
                continue
            except UnicodeDecodeError as error:
                problems.append(Diagnostic(shown, None, f"not UTF-8 text: {error}"))
                continue
            if located.data is None:
                located.data = {}
            if not isinstance(located.data, dict):
                problems.append(Diagnostic(shown, 1, "a layout declaration is a mapping of keys to values"))
                continue
            parsed, diagnostics = validate_model(LayoutDeclaration, located, context="layout")
            problems += diagnostics
            if parsed is None:
                continue
            declaration = parsed
        files = tuple(path for path in (_find(project, f"{name}{suffix}") for suffix in (".yaml", ".html", ".css")) if path is not None)
        own = project.root / "layouts"
        is_own = own != project.builtin / "layouts" and any(own in path.parents for path in files)
        origin: Literal["project", "built-in"] = "project" if is_own else "built-in"
        layouts[name] = Layout(name=name, declaration=declaration, origin=origin, files=files)
    if problems:
        raise ConfigError(problems)
    return layouts


def layout_for_kind(layouts: dict[str, Layout], kind: str) -> str | None:
    """The layout that draws cover or outro slides: a project's own first, then by name."""
    candidates = sorted((layout.origin != "project", name) for name, layout in layouts.items() if layout.declaration.slide == kind)
    return candidates[0][1] if candidates else None
