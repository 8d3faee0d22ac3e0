"""The options cascade (SPEC §3).

built-in defaults < carousel.yaml `defaults:` < preset < front matter < post directive < CLI flags.
Each layer is a dict holding only the keys it set; nested option groups merge key by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from generator.config.schema import NESTED_OPTIONS, Options


def merge_layers(layers: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Merge option layers, later ones winning; nested groups merge one level deep."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key in NESTED_OPTIONS and isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged


def resolve_options(layers: Iterable[Mapping[str, Any]]) -> Options:
    """The options that result from the layers on top of the built-in defaults."""
    return Options.model_validate(merge_layers(layers))


def set_keys(model: Options) -> dict[str, Any]:
    """The layer a validated options model stands for: only what its source set."""
    return model.model_dump(exclude_unset=True)
