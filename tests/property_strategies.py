"""Hypothesis strategies shared by the property tests: text that looks like (broken) threads, YAML and JSON."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Modest example counts keep the suite fast; no deadline (the machine is shared, timings vary).
PROPERTY_SETTINGS = settings(
    max_examples=int(__import__("os").environ.get("PROPERTY_EXAMPLES", "60")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

FRONT_KEYS = [
    "title",
    "subtitle",
    "slug",
    "profile",
    "preset",
    "canvas",
    "date",
    "draft",
    "source",
    "theme",
    "layout",
    "slides",
    "typography",
    "pattern",
    "cover",
    "outro",
    "fit",
    "formats",
    "caption",
    "header",
    "unknown_key",
]
DIRECTIVE_KEYS = ["layout", "image", "title", "pattern", "fit", "header", "footer", "slide_numbers", "swipe_hint", "bogus"]
SCALARS = st.one_of(
    st.sampled_from(
        [
            "",
            "x",
            "paper",
            "quote",
            "classic",
            "off",
            "on",
            "yes",
            "null",
            "~",
            "2026-13-45",
            "2026-12-01T09:00:00+01:00",
            "../../x",
            ".",
            "manifest.json",
            "[1, [2, 3], cover]",
            "{width: 100, height: 99999}",
            "'unterminated",
            '"a\\0b"',
            "&a [*a]",
            "*undefined",
            "!!python/object:os.system",
            "9" * 80,
            "-1",
            "1e999",
            ".inf",
            "linkedin-square",
            "images/x.png",
            "file:///etc/passwd",
            "http://127.0.0.1:9/x.png",
            "#fff",
            "[cover, 1, 99, outro]",
        ]
    ),
    st.text(max_size=30),
    st.integers(),
)
MARKDOWN_BITS = st.sampled_from(
    [
        "\n\n---\n\n",
        "---",
        "\n",
        "# Heading\n",
        "- item\n",
        "    - nested\n",
        "1. one\n",
        "> quote\n",
        "```\ncode\n```\n",
        "~~~",
        "[link](http://x.y)",
        "[",
        "]",
        "(",
        "<",
        ">",
        "<div>",
        "</div>",
        "<script>x</script>",
        "<img src=x.png>",
        "![alt](images/missing.png)",
        "![a](file:///etc/passwd)",
        "**bold**",
        "*",
        "_",
        "`",
        "|a|b|\n|-|-|\n",
        "&amp;",
        "#tag ",
        "@someone ",
        "🚀",
        "\u200b",
        "\x00",
        "\r\n",
        "<!-- layout: quote -->\n",
        "<!-- image: x.png, pattern: none -->\n",
        "<!-- ",
        " -->",
        "<!-- layout: [ -->\n",
        "\\",
        "\t",
    ]
)


@st.composite
def yaml_text(draw) -> str:
    """Front-matter-like YAML: known and unknown keys, odd scalars, nesting, anchors, garbage."""
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(FRONT_KEYS) | st.text(max_size=8))
        value = draw(SCALARS)
        indent = "  " * draw(st.integers(0, 2))
        lines.append(f"{indent}{key}: {value}")
    if draw(st.booleans()):
        lines.append(draw(st.text(max_size=40)))
    return "\n".join(lines)


@st.composite
def directive(draw) -> str:
    pairs = [f"{draw(st.sampled_from(DIRECTIVE_KEYS) | st.text(max_size=6))}: {draw(SCALARS)}" for _ in range(draw(st.integers(0, 3)))]
    return "<!-- " + ", ".join(pairs) + " -->\n"


@st.composite
def thread_text(draw) -> str:
    """A thread file: maybe front matter (maybe unclosed), posts of Markdown bits, directives, separators."""
    parts = []
    if draw(st.booleans()):
        parts.append("---\n" + draw(yaml_text()) + ("\n---\n\n" if draw(st.integers(0, 9)) else "\n"))
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            parts.append(draw(directive()))
        parts.append("".join(draw(st.lists(MARKDOWN_BITS | st.text(max_size=12), max_size=12))))
        parts.append("\n\n---\n\n")
    return "".join(parts)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "data",
                    "includes",
                    "id",
                    "text",
                    "note_tweet",
                    "author_id",
                    "conversation_id",
                    "created_at",
                    "entities",
                    "referenced_tweets",
                    "in_reply_to_user_id",
                    "users",
                    "media",
                    "attachments",
                    "media_keys",
                    "tweet",
                    "full_text",
                    "in_reply_to_status_id_str",
                    "id_str",
                    "extended_entities",
                    "urls",
                    "type",
                    "url",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def json_text(value) -> str:
    return json.dumps(value)
