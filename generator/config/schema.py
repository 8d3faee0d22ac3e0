"""The declarative, typed schema of carousel.yaml, front matter and post directives.

Every model forbids unknown keys. Option models are used for each layer of the
cascade; `model_dump(exclude_unset=True)` tells which keys a layer really set.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from generator import plugins
from generator.canvas import CANVAS_PRESETS, Canvas
from generator.errors import did_you_mean

PATTERNS = ("none", "dots", "grid", "lines", "diagonal", "waves", "gradient", "topography", "cross")
FORMATS = ("pdf", "png", "jpg")
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=False)


def _hex_colour(value: str | None) -> str | None:
    if value is not None and not HEX_COLOUR.match(value):
        raise ValueError(f"'{value}' is not a hex colour like '#1d4ed8'")
    return value


FOCUS = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)%\s*$")


def focus_point(value: Any) -> Any:
    """`30% 40%` -> (0.3, 0.4): the point of an image (across, down) a crop keeps in view."""
    if value is None or isinstance(value, tuple):
        return value
    match = FOCUS.match(str(value))
    if not match or not all(0 <= float(part) <= 100 for part in match.groups()):
        raise ValueError(f"'{value}' is not a focus point: write two percentages, across then down, like 30% 40%")
    return (float(match.group(1)) / 100, float(match.group(2)) / 100)


def _fit_off(value: Any) -> Any:
    """YAML 1.1 reads a bare `off` as false; `fit: off` means the 'off' mode."""
    return "off" if value is False else value


def _bool_as_show(value: Any) -> Any:
    """`cover: false` is shorthand for `cover: {show: false}`."""
    return {"show": value} if isinstance(value, bool) else value


class CanvasSize(StrictModel):
    width: int = Field(ge=240, le=4096)
    height: int = Field(ge=240, le=4096)


class Typography(StrictModel):
    """Sizes in px on the 540 px-wide reference canvas."""

    title: float = Field(36, gt=0, le=120)
    body: float = Field(18, gt=0, le=80)
    meta: float = Field(13, gt=0, le=40)  # 26 px on a 1080 px slide: header and footer readable on a phone


class PatternOptions(StrictModel):
    name: str = "none"
    opacity: float = Field(0.08, ge=0, le=0.12)

    @field_validator("name")
    @classmethod
    def _known_pattern(cls, value: str) -> str:
        if value not in PATTERNS:
            raise ValueError(f"unknown pattern '{value}'{did_you_mean(value, PATTERNS)}; one of {', '.join(PATTERNS)}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _name_shorthand(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class CoverOptions(StrictModel):
    show: bool = True
    hint: str = "Swipe"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _bool_as_show(value)


class Action(StrictModel):
    icon: str = ""
    text: str

    @model_validator(mode="before")
    @classmethod
    def _text_shorthand(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


def _default_actions() -> list[Action]:
    return [
        Action(icon="➕", text="Follow for more"),
        Action(icon="♻️", text="Repost to share it"),
        Action(icon="🔖", text="Save it for later"),
    ]


class OutroOptions(StrictModel):
    show: bool = True
    headline: str = "Found this useful?"
    actions: list[Action] = Field(default_factory=_default_actions, max_length=3)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _bool_as_show(value)


def _known_format(name: str) -> str:
    """pdf, png, jpg or an installed output format plugin (looked up when validated)."""
    known = (*FORMATS, *plugins.names(plugins.OUTPUTS_GROUP))
    if name not in known:
        listed = ", ".join(f"'{k}'" for k in known[:-1]) + f" or '{known[-1]}'"
        raise ValueError(f"unknown format '{name}'{did_you_mean(name, known)}: should be {listed}")
    return name


OutputFormatName = Annotated[str, AfterValidator(_known_format)]


def _default_formats() -> list[str]:
    return ["pdf"]


CanvasSpec = Annotated[CanvasSize | str, Field(union_mode="left_to_right")]


class Options(StrictModel):
    """Every option of the cascade, with its built-in default."""

    canvas: CanvasSpec = "linkedin-portrait"
    layout: str = "classic"
    theme: str = "paper"
    typography: Typography = Field(default_factory=Typography)
    pattern: PatternOptions = Field(default_factory=PatternOptions)
    profile: str | None = None
    cover: CoverOptions = Field(default_factory=CoverOptions)
    outro: OutroOptions = Field(default_factory=OutroOptions)
    header: bool = True
    footer: bool = True
    slide_numbers: bool = True
    swipe_hint: bool = True
    fit: Literal["split", "shrink", "grow", "off"] = "split"
    shrink_floor: float = Field(0.8, ge=0.5, le=1.0)
    # pdf, png, jpg, or the name of an output format plugin (generator/plugins.py)
    formats: list[OutputFormatName] = Field(default_factory=_default_formats, min_length=1)

    @field_validator("canvas")
    @classmethod
    def _known_canvas(cls, value: CanvasSize | str) -> CanvasSize | str:
        if isinstance(value, str) and value not in CANVAS_PRESETS:
            raise ValueError(
                f"unknown canvas '{value}'{did_you_mean(value, CANVAS_PRESETS)}; one of {', '.join(CANVAS_PRESETS)} or {{width, height}}"
            )
        return value

    @field_validator("fit", mode="before")
    @classmethod
    def _yaml_off(cls, value: Any) -> Any:
        return _fit_off(value)

    @field_validator("formats", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    def resolved_canvas(self) -> Canvas:
        if isinstance(self.canvas, CanvasSize):
            return Canvas(f"{self.canvas.width}x{self.canvas.height}", self.canvas.width, self.canvas.height)
        width, height = CANVAS_PRESETS[self.canvas]
        return Canvas(self.canvas, width, height)


# Option keys whose values are merged key by key across layers instead of replaced.
NESTED_OPTIONS = frozenset({"typography", "pattern", "cover", "outro"})


class Profile(StrictModel):
    """A brand kit: who the carousel is by."""

    name: str
    handle: str = ""
    avatar: str | None = None
    logo: str | None = None
    website: str | None = None
    accent: str | None = None

    _colour = field_validator("accent")(classmethod(lambda cls, v: _hex_colour(v)))

    @property
    def at_handle(self) -> str:
        handle = self.handle.strip()
        return handle if not handle or handle.startswith("@") else f"@{handle}"


PLATFORM_NAMES = ("linkedin", "instagram", "custom")
TARGET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class Target(Options):
    """A named target of carousel.yaml: option overrides (canvas, formats …) for one platform.

    `platform` says whose rules apply; by default the target's name when it is one
    ('linkedin', 'instagram'), else the canvas's platform.
    """

    platform: Literal["linkedin", "instagram", "custom"] | None = None

    def option_layer(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True)
        return {key: value for key, value in data.items() if key in Options.model_fields}


def _target_names(targets: dict[str, Any]) -> dict[str, Any]:
    for name in targets:
        if not TARGET_NAME.match(name):
            raise ValueError(f"target name '{name}' must be lower-case letters, digits, '-' or '_' (it names a folder)")
    return targets


class ProjectConfig(StrictModel):
    """carousel.yaml."""

    defaults: Options = Field(default_factory=Options)
    profiles: dict[str, Profile] = Field(default_factory=dict)
    presets: dict[str, Options] = Field(default_factory=dict)
    outro: OutroOptions | None = None
    targets: dict[str, Target] = Field(default_factory=dict)

    _names = field_validator("targets")(classmethod(lambda cls, v: _target_names(v)))


SlideRef = int | Literal["cover", "outro"] | list[int]


class MediaReference(StrictModel):
    """An image of an imported thread that is still on X: kept for the author, never fetched."""

    post: int = Field(ge=1)
    url: str
    alt: str = ""


class FrontMatter(Options):
    """A thread's front matter: its own fields plus any option of the cascade."""

    title: str | None = None
    subtitle: str | None = None
    slug: str | None = None
    preset: str | None = None
    date: datetime | date | None = None
    draft: bool = False
    source: str | None = None
    caption: str | None = None
    slides: list[SlideRef] | None = None
    media: list[MediaReference] | None = None
    # the carousel.yaml targets this thread is built for: a list restricts them, a
    # mapping restricts them and overrides options per target
    targets: list[str] | dict[str, Options | None] | None = None
    lang: str = Field("en", pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")  # the thread's language (hyphenation, screen readers)

    def option_layer(self) -> dict[str, Any]:
        """Only the cascade options this front matter set."""
        data = self.model_dump(exclude_unset=True)
        return {key: value for key, value in data.items() if key in Options.model_fields}


class PublishFields(BaseModel):
    """Only a thread's `draft:` and `date:`, read on their own (the rest ignored): whether
    a thread that does not validate would be published by a build at all."""

    model_config = ConfigDict(extra="ignore")
    date: datetime | date | None = None
    draft: bool = False


class PostDirectives(StrictModel):
    """Options a post may set for its own slide in a leading `<!-- key: value -->` comment."""

    layout: str | None = None
    image: str | None = None
    title: str | None = None
    alt: str | None = None
    number: int | None = Field(None, ge=0, le=9999)  # the step a numbered layout shows; the next count on
    pattern: PatternOptions | None = None
    fit: Literal["split", "shrink", "grow", "off"] | None = None
    header: bool | None = None
    footer: bool | None = None
    slide_numbers: bool | None = None
    swipe_hint: bool | None = None
    # the point of the image a crop keeps in view: "30% 40%" (across, down)
    focus: tuple[float, float] | None = None
    figure: str | None = Field(None, max_length=24)  # the figure a stat layout shows: "73%", "$4.2M"

    _fit = field_validator("fit", mode="before")(classmethod(lambda cls, v: _fit_off(v)))

    @field_validator("figure", mode="before")
    @classmethod
    def _figure(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @field_validator("focus", mode="before")
    @classmethod
    def _focus(cls, value: Any) -> Any:
        return focus_point(value)

    def option_layer(self) -> dict[str, Any]:
        """Only the cascade options this directive set (an empty `layout:` sets nothing)."""
        data = self.model_dump(exclude_unset=True)
        return {key: value for key, value in data.items() if key in Options.model_fields and value is not None}
