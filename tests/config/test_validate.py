"""Schema errors become one-line `file:line: message` diagnostics."""

from generator.config.schema import FrontMatter, ProjectConfig
from generator.config.validate import validate_model
from generator.config.yamlsource import load_located_yaml


def test_unknown_key_names_file_line_and_suggestion():
    source = load_located_yaml("defaults:\n  theme: paper\n  typography:\n    titel: 40\n", "carousel.yaml")
    config, problems = validate_model(ProjectConfig, source)
    assert config is None
    assert [str(p) for p in problems] == ["carousel.yaml:4: unknown key 'defaults.typography.titel' (did you mean 'title'?)"]


def test_bad_type_names_the_field():
    source = load_located_yaml("defaults:\n  header: maybe\n", "carousel.yaml")
    _, problems = validate_model(ProjectConfig, source)
    assert str(problems[0]).startswith("carousel.yaml:2: defaults.header: Input should be a valid boolean")


def test_front_matter_lines_are_file_lines():
    # front matter text starts on line 2 of the thread file
    source = load_located_yaml("title: x\ncanvass: story\n", "content/a.md", first_line=2)
    _, problems = validate_model(FrontMatter, source, context="front matter")
    assert str(problems[0]) == "content/a.md:3: front matter: unknown key 'canvass' (did you mean 'canvas'?)"


def test_every_problem_is_reported():
    source = load_located_yaml("title: x\ncanvas: nope\nfit: sometimes\nbogus: 1\n", "a.md", first_line=2)
    _, problems = validate_model(FrontMatter, source, context="front matter")
    assert sorted(p.line for p in problems) == [3, 4, 5]
