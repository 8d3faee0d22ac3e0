"""The typed schema of carousel.yaml, front matter and directives."""

import pytest
from pydantic import ValidationError

from generator.config.cascade import merge_layers, resolve_options
from generator.config.schema import FrontMatter, Options, PostDirectives, ProjectConfig


def test_defaults_follow_the_spec():
    options = Options()
    assert options.canvas == "linkedin-portrait"
    assert (options.typography.title, options.typography.body, options.typography.meta) == (36, 18, 13)
    assert options.fit == "split"
    assert options.formats == ["pdf"]
    assert options.cover.show and options.outro.show
    assert len(options.outro.actions) == 3


def test_all_canvas_presets_and_custom_sizes():
    sizes = {
        "linkedin-portrait": (1080, 1350),
        "linkedin-square": (1080, 1080),
        "instagram-portrait": (1080, 1350),
        "instagram-square": (1080, 1080),
        "instagram-tall": (1080, 1440),
        "story": (1080, 1920),
    }
    for name, (width, height) in sizes.items():
        canvas = Options(canvas=name).resolved_canvas()
        assert (canvas.width, canvas.height) == (width, height)
    custom = Options.model_validate({"canvas": {"width": 1200, "height": 628}}).resolved_canvas()
    assert (custom.width, custom.height) == (1200, 628)


def test_shorthands():
    options = Options.model_validate({"cover": False, "pattern": "dots", "fit": False, "formats": "pdf, png"})
    assert options.cover.show is False
    assert options.pattern.name == "dots"
    assert options.fit == "off"  # YAML reads a bare `off` as false
    assert options.formats == ["pdf", "png"]


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({"canvas": "linkedin-portait"}, "did you mean 'linkedin-portrait'"),
        ({"pattern": "dot"}, "did you mean 'dots'"),
        ({"typography": {"title": "big"}}, "valid number"),
        ({"pattern": {"name": "dots", "opacity": 0.5}}, "less than or equal to 0.12"),
        ({"formats": ["pdf", "gif"]}, "'pdf', 'png' or 'jpg'"),
    ],
)
def test_bad_values_are_rejected(data, fragment):
    with pytest.raises(ValidationError) as error:
        Options.model_validate(data)
    assert fragment in str(error.value)


def test_unknown_keys_are_errors_everywhere():
    for model, data in [
        (Options, {"themee": "paper"}),
        (ProjectConfig, {"default": {}}),
        (FrontMatter, {"titel": "x"}),
        (PostDirectives, {"layuot": "quote"}),
    ]:
        with pytest.raises(ValidationError):
            model.model_validate(data)


def test_outro_has_at_most_three_actions():
    with pytest.raises(ValidationError):
        Options.model_validate({"outro": {"actions": ["a", "b", "c", "d"]}})


def test_cascade_order_and_nested_merge():
    layers = [
        {"theme": "paper", "typography": {"title": 40}},  # carousel.yaml defaults
        {"theme": "midnight", "canvas": "story"},  # preset
        {"typography": {"body": 20}},  # front matter
        {"layout": "quote"},  # post directive
        {"canvas": "linkedin-square"},  # CLI
    ]
    options = resolve_options(layers)
    assert options.theme == "midnight"
    assert options.canvas == "linkedin-square"
    assert options.layout == "quote"
    assert (options.typography.title, options.typography.body, options.typography.meta) == (40, 20, 13)


def test_layers_only_carry_what_they_set():
    front = FrontMatter.model_validate({"title": "T", "theme": "paper", "outro": False})
    assert front.option_layer() == {"theme": "paper", "outro": {"show": False}}
    assert merge_layers([{"outro": {"headline": "Hi"}}, front.option_layer()])["outro"] == {"headline": "Hi", "show": False}
