"""Validate parsed YAML against a schema model, turning pydantic errors into diagnostics."""

from __future__ import annotations

import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.config.yamlsource import LocatedYaml
from generator.errors import Diagnostic, did_you_mean

ModelT = TypeVar("ModelT", bound=BaseModel)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation may hold (through Optional, Union, list, dict, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found.extend(_models_in(argument))
    return found


def _container_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose field set an error location's last key belongs to."""
    current: type[BaseModel] | None = model
    for key in loc[:-1]:
        if current is None:
            return None
        if isinstance(key, int) or key not in current.model_fields:
            # a dict key or list index: stay on the value type of the container
            continue
        candidates = _models_in(current.model_fields[key].annotation)
        current = candidates[0] if candidates else None
    return current


def _clean_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union-member tags ('str', 'CanvasSize', 'function-before[...]') from a location.

    A part is kept when it is a key (or index) of the data at that point: so a user's
    key that looks like a tag (`A:`, `str:`) stays, and the error is located on it.
    """
    cleaned: list[Any] = []
    current = data
    for part in loc:
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            current = current[part]
        elif isinstance(part, str) and (
            "[" in part or part[:1].isupper() or part in {"str", "int", "bool", "float", "list", "dict", "literal"}
        ):
            continue  # a union member's tag
        else:
            current = None  # past the data (a missing key): keep the rest as it is
        cleaned.append(part)
    return tuple(cleaned)


def _message(model: type[BaseModel], error: ErrorDetails, loc: tuple[Any, ...]) -> str:
    dotted = ".".join(str(part) for part in loc)
    if error["type"] == "extra_forbidden":
        container = _container_at(model, loc)
        choices = list(container.model_fields) if container else []
        return f"unknown key '{dotted}'{did_you_mean(str(loc[-1]), choices) if loc else ''}"
    if error["type"] == "missing":
        return f"{dotted}: required key is missing"
    message = error["msg"].removeprefix("Value error, ")
    return f"{dotted}: {message}" if dotted else message


def validate_model(
    model: type[ModelT], source: LocatedYaml, context: str = "", loc_prefix: tuple[Any, ...] = ()
) -> tuple[ModelT | None, list[Diagnostic]]:
    """Validate `source.data` (or the part at `loc_prefix`) as `model`.

    Returns the model, or None with one diagnostic per distinct problem.
    """
    data = source.data
    for key in loc_prefix:
        data = data[key]
    try:
        return model.model_validate(data if data is not None else {}), []
    except ValidationError as exc:
        diagnostics: list[Diagnostic] = []
        seen: set[tuple[Any, ...]] = set()
        for error in exc.errors():
            loc = _clean_loc(data, tuple(error["loc"]))
            if loc in seen:
                continue  # a union reports each member's failure; one is enough
            seen.add(loc)
            message = _message(model, error, loc)
            if loc_prefix:
                message = f"{'.'.join(map(str, loc_prefix))}.{message}"
            if context:
                message = f"{context}: {message}"
            diagnostics.append(source.diagnostic(loc_prefix + loc, message))
        return None, diagnostics
