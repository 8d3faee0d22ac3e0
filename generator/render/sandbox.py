"""The Jinja environment layouts run in: sandboxed, with bounded time and size.

Layouts may come from other people (a cloned client repo, a shared theme pack), so
a layout template is untrusted code. It runs in Jinja's `SandboxedEnvironment`
(no `__class__`/`__globals__` walks, no unsafe callables), sees only plain data
(`render.html` builds the context; no `Path`, nothing that does I/O), loads only
templates inside the layout folders (`confine`), and is stopped when it runs longer
than `RENDER_SECONDS`, builds a value longer than `MAX_VALUE_CHARS` or writes more
than `MAX_OUTPUT_CHARS`.

Time is checked at every loop step, function call and attribute lookup: a template
is rewritten at parse time so that every `{% for %}` iterates through
`bounded_iter`, and every `~` concatenation and filter result passes `bounded_value`.
"""

from __future__ import annotations

import operator
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined, Template, TemplateError, TemplateNotFound, nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from generator.confine import ConfinementError, confined_path

RENDER_SECONDS = 10.0  # one render of a thread's HTML; the built-in layouts take milliseconds
MAX_VALUE_CHARS = 8_000_000  # one string built by a template (concatenation, filter result)
MAX_OUTPUT_CHARS = 64_000_000  # the whole HTML document
MAX_REPEAT = 1_000_000  # `'x' * n`, `n ** m`: results past this are refused before they are built


class LayoutLimitExceeded(TemplateError):
    """A layout ran too long or built too much; the render is stopped."""


@dataclass
class _Budget:
    deadline: float
    output_chars: int = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LayoutLimitExceeded(f"layout ran longer than {RENDER_SECONDS:g} s and was stopped")


_BUDGET: ContextVar[_Budget | None] = ContextVar("layout_budget", default=None)


def _check_time() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.check_time()


class _BoundLoops(NodeTransformer):
    """Route every loop, concatenation and filter through the environment's budget checks."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _env_call("bounded_iter", node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _env_call("bounded_value", node)

    def visit_Filter(self, node: nodes.Filter) -> nodes.Node:
        self.generic_visit(node)
        if node.node is None:  # a `{% filter %}` block: its body is bounded by the output check
            return node
        return _env_call("bounded_value", node)


def _env_call(method: str, argument: nodes.Node) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(method), [argument], [], None, None, lineno=argument.lineno)


class RefusedTemplate(TemplateError):
    """A layout file that is a symlink leading out of its folder."""

    def __init__(self, path: Path):
        super().__init__("a symlink leading outside the project; refused")
        self.path = path


class _ConfinedLoader(FileSystemLoader):
    """A folder's templates, refusing any whose real path leaves the folder (a symlink out)."""

    def get_source(self, environment, template):  # type: ignore[no-untyped-def]
        source, filename, uptodate = super().get_source(environment, template)
        try:
            confined_path(Path(filename), tuple(Path(folder) for folder in self.searchpath))
        except ConfinementError as error:
            raise RefusedTemplate(Path(filename)) from error
        return source, filename, uptodate


class LayoutSandbox(SandboxedEnvironment):
    """Jinja for untrusted layouts: sandboxed, bounded in time and size, autoescaped."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, loader: BaseLoader):
        super().__init__(loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        bounded: nodes.Template = _BoundLoops().visit(tree)
        return bounded

    # budget checks reached from compiled templates
    def bounded_iter(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for count, item in enumerate(iterable):
            if count % 256 == 0:
                _check_time()
            yield item

    def bounded_value(self, value: Any) -> Any:
        if isinstance(value, (str, list, tuple)) and len(value) > MAX_VALUE_CHARS:
            raise LayoutLimitExceeded(f"layout built a value of {len(value):,} characters (limit {MAX_VALUE_CHARS:,})")
        return value

    def call(self, __context, __obj, *args, **kwargs):  # type: ignore[no-untyped-def]
        _check_time()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_time()
        return super().getattr(obj, attribute)

    def call_binop(self, context, operator_name: str, left: Any, right: Any) -> Any:  # type: ignore[no-untyped-def]
        _check_time()
        if operator_name == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, (str, list, tuple)) and isinstance(count, int) and len(sized) * count > MAX_REPEAT:
                    raise LayoutLimitExceeded(f"layout repeated a value {count:,} times (limit {MAX_REPEAT:,} items)")
            return operator.mul(left, right)
        if operator_name == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right * max(abs(left).bit_length(), 1) > 64:
                raise LayoutLimitExceeded(f"layout computed {left} ** {right} (too large)")
            return operator.pow(left, right)
        return self.bounded_value(super().call_binop(context, operator_name, left, right))


def new_layout_environment(folders: Sequence[Path]) -> LayoutSandbox:
    """The sandbox over the layout folders; an earlier folder overrides a later one by file name."""
    return LayoutSandbox(ChoiceLoader([_ConfinedLoader(str(folder)) for folder in folders]))


def render_bounded(template: Template, context: Mapping[str, Any]) -> str:
    """Render with the time and output bounds; raises LayoutLimitExceeded past them."""
    budget = _Budget(deadline=time.monotonic() + RENDER_SECONDS)
    token = _BUDGET.set(budget)
    try:
        pieces: list[str] = []
        for piece in template.generate(context):
            budget.output_chars += len(piece)
            if budget.output_chars > MAX_OUTPUT_CHARS:
                raise LayoutLimitExceeded(f"layout wrote more than {MAX_OUTPUT_CHARS:,} characters of HTML")
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _BUDGET.reset(token)


def describe(error: BaseException) -> str:
    """One line saying what went wrong in a layout."""
    if isinstance(error, TemplateNotFound):
        return f"template not found: {error.name}"
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:300]


def template_location(error: BaseException, folders: Sequence[Path]) -> tuple[Path | None, int | None]:
    """The layout file and line an error was raised in (Jinja puts template lines in tracebacks)."""
    if isinstance(error, RefusedTemplate):
        return error.path, None
    if isinstance(error, TemplateError) and getattr(error, "filename", None) and getattr(error, "lineno", None):
        return Path(error.filename), error.lineno  # type: ignore[attr-defined]
    roots = [str(folder.resolve()) for folder in folders] + [str(folder) for folder in folders]
    location: tuple[Path | None, int | None] = (None, None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith(".html") and any(frame.filename.startswith(root) for root in roots):
            location = (Path(frame.filename), frame.lineno)
    return location
