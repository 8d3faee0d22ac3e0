"""Diagnostics: every problem is reported as `file:line: message`.

Stages collect diagnostics instead of stopping at the first problem, so that a
user sees every mistake of a build at once.
"""

from __future__ import annotations

import difflib
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

MAX_QUOTE = 160  # characters of one quoted run (a word, a URL) kept in a message
MAX_MESSAGE = 2000
_LONG_RUN = re.compile(rf"\S{{{MAX_QUOTE + 1},}}")


def bounded_message(message: str) -> str:
    """`message` with every run of non-space characters over MAX_QUOTE cut to an excerpt, at most MAX_MESSAGE long."""
    shortened = _LONG_RUN.sub(lambda match: f"{match.group(0)[: MAX_QUOTE - 40]}…[{len(match.group(0)):,} characters]", message)
    return shortened if len(shortened) <= MAX_MESSAGE else f"{shortened[:MAX_MESSAGE]}…[{len(shortened):,} characters]"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem, located in a file (and a line when known)."""

    path: str
    line: int | None
    message: str
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        # a message quotes inputs (URLs, values); a 10 MB data: URI must not become a 10 MB warning
        if len(self.message) > MAX_QUOTE:
            object.__setattr__(self, "message", bounded_message(self.message))

    detail: str = field(default="", compare=False, repr=False)  # a traceback, shown only with --debug

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def display_path(path: Path, root: Path | None) -> str:
    """A path as users should read it: relative to the project when inside it."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix for the closest choice, or an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


# Where users should send an internal error (a bug of ours, not of their input).
REPORT_AT = "the Carousel Studio issue tracker"


def internal_error(path: str, error: BaseException, stage: str) -> Diagnostic:
    """A bug of ours (or of a library) met while handling one file: say so, keep the traceback for --debug."""
    summary = traceback.format_exception_only(type(error), error)[-1].strip()
    if len(summary) > 300:
        summary = summary[:299] + "…"
    message = (
        f"internal error while {stage}: {summary} (a bug in Carousel Studio, not in your file: "
        f"please report it to {REPORT_AT} with this file; run with --debug for the traceback)"
    )
    return Diagnostic(path, None, message, detail="".join(traceback.format_exception(error)))


class CarouselError(Exception):
    """A failure that carries its diagnostics. `exit_code` follows the CLI contract."""

    exit_code = 1

    def __init__(self, diagnostics: Iterable[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class ConfigError(CarouselError):
    """carousel.yaml, a theme or the command line is wrong: nothing can be built (exit 2)."""

    exit_code = 2


class ThreadError(CarouselError):
    """One thread cannot be built; the others still are (exit 1)."""

    exit_code = 1
