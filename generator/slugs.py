"""Slugs: the one path segment under the output folder that a thread's files go to.

A slug comes from a thread's file name or its front matter, so from other people: it
is checked to be one safe segment before any path is made from it, and every output
path is checked again, resolved, to lie inside the output folder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from generator.errors import Diagnostic

SLUG_MAX_LENGTH = 100
SAFE_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# names the output folder holds for itself, and names Windows cannot store as files
RESERVED_SLUGS = frozenset({"manifest.json"})
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))})


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot name an output folder, or None when it can."""
    shown = _shown(slug)
    if not slug:
        return "the slug is empty"
    if len(slug) > SLUG_MAX_LENGTH:
        return f"slug '{shown}' is {len(slug)} characters long (at most {SLUG_MAX_LENGTH})"
    if not SAFE_SLUG.fullmatch(slug) or ".." in slug or slug.endswith("."):
        return f"'{shown}' is not a valid slug: use letters, digits, '-', '_' and '.', starting with a letter or digit"
    if slug.lower() in RESERVED_SLUGS or slug.split(".")[0].lower() in WINDOWS_DEVICES:
        return f"slug '{shown}' is a reserved name"
    return None


def _shown(text: str, limit: int = 60) -> str:
    """The slug as a message may quote it: bounded, control characters escaped."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return cut.encode("unicode_escape").decode("ascii") if not cut.isprintable() else cut


def inside(root: Path, relative: str) -> Path | None:
    """`root / relative` resolved, if it lies strictly inside the resolved `root`; else None."""
    base = root.resolve()
    candidate = (base / relative).resolve()
    return candidate if base in candidate.parents else None


def duplicate_slugs(claims: Sequence[tuple[str, str]]) -> dict[int, Diagnostic]:
    """Threads whose slugs collide: {index into `claims`: its error}.

    `claims` are (shown path, slug). Slugs are compared case-insensitively (macOS and
    Windows file systems would write both into one folder). Every thread of a collision
    is reported, naming the others.
    """
    by_slug: dict[str, list[int]] = {}
    for index, (_, slug) in enumerate(claims):
        by_slug.setdefault(slug.casefold(), []).append(index)
    problems: dict[int, Diagnostic] = {}
    for indexes in by_slug.values():
        if len(indexes) < 2:
            continue
        for index in indexes:
            shown, slug = claims[index]
            others = ", ".join(claims[other][0] for other in indexes if other != index)
            problems[index] = Diagnostic(shown, 1, f"slug '{slug}' is also the slug of {others}: set a different `slug:` in one of them")
    return problems
