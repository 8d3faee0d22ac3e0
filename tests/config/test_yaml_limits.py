"""YAML from other people is loaded with limits: bombs, recursion, depth, long numbers, bad values."""

from __future__ import annotations

import pytest

from generator.config.yamlsource import YamlLimits, YamlSyntaxError, load_located_yaml


def _error(text: str, **limits) -> str:
    with pytest.raises(YamlSyntaxError) as caught:
        load_located_yaml(text, "content/a.md", first_line=2, limits=YamlLimits(**limits) if limits else YamlLimits())
    return str(caught.value.diagnostic)


def test_billion_laughs_is_refused_while_composing():
    levels = "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9) if n else ', '.join(['lol'] * 9)}]\n" for n in range(10))
    assert _error(levels).startswith("content/a.md:")
    assert "aliases expand to more than 20000 values" in _error(levels)


def test_alias_count_is_bounded():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 200) + "]\n"
    assert _error(text) == "content/a.md:3: invalid YAML: more than 100 aliases"


def test_recursive_alias():
    assert "recursive alias" in _error("a: &a\n  b: *a\n")


def test_depth_is_bounded_before_python_recursion():
    assert _error("a: " + "[" * 100_000 + "]" * 100_000) == "content/a.md:2: invalid YAML: nested more than 32 levels deep"


def test_long_numbers_and_bad_dates_are_located():
    assert _error("x: 1\ny: " + "7" * 5000) == "content/a.md:3: invalid YAML: a number of 5000 digits (at most 64)"
    assert _error("date: 2026-13-45") == "content/a.md:2: invalid YAML: cannot read '2026-13-45': month must be in 1..12"


def test_control_characters_and_size():
    assert _error("a: 1\nb: x\x00y") == "content/a.md:3: invalid YAML: character 0x0000 is not allowed"
    assert "too large" in _error("a: " + "x" * 300_000)


def test_ordinary_yaml_keeps_working_with_lines():
    source = load_located_yaml("title: x\nshared: &s {a: 1}\nuse: *s\nlist: [1, 2]\n", "a.md", first_line=2)
    assert source.data == {"title": "x", "shared": {"a": 1}, "use": {"a": 1}, "list": [1, 2]}
    assert source.line_of(("list", 1)) == 5


def test_a_key_given_twice_is_refused_at_its_second_line():
    """PyYAML keeps the last value silently; YAML itself forbids duplicate keys."""
    assert _error("title: one\ntheme: ink\ntitle: two\n") == "content/a.md:4: invalid YAML: the key 'title' is given twice: keep one"
    assert _error("defaults:\n  theme: ink\n  theme: paper\n") == "content/a.md:4: invalid YAML: the key 'theme' is given twice: keep one"
    assert _error("{layout: quote, layout: tweet}").endswith("the key 'layout' is given twice: keep one")
    base = load_located_yaml("a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n", "content/a.md")  # merge keys and shared aliases are fine
    assert base.data["b"] == {"x": 1, "y": 2}
