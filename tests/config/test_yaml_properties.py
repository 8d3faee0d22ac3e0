"""Property tests: the front-matter loader takes any text to data with lines, or one located error."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.config.schema import FrontMatter
from generator.config.validate import validate_model
from generator.config.yamlsource import YamlSyntaxError, load_located_yaml
from tests.property_strategies import PROPERTY_SETTINGS, yaml_text


@PROPERTY_SETTINGS
@given(yaml_text() | st.text())
def test_loader_gives_data_or_one_located_error(text):
    try:
        source = load_located_yaml(text, "content/a.md", first_line=2)
    except YamlSyntaxError as error:
        assert error.diagnostic.path == "content/a.md"
        assert error.diagnostic.line is not None and error.diagnostic.line >= 2
        assert "\n" not in error.diagnostic.message
        return
    assert source.line_of(()) >= 2
    if isinstance(source.data, dict):
        # the schema then gives a model or located problems, never an exception
        model, problems = validate_model(FrontMatter, source, context="front matter")
        assert (model is None) == bool(problems)
        for problem in problems:
            assert problem.path == "content/a.md" and problem.line >= 2
