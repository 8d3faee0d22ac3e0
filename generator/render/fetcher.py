"""A WeasyPrint URL fetcher confined to the project and the built-in assets (SPEC §6).

Rendering never touches the network, never reads `file://` outside the allowed
folders, and never follows a symlink out of them. Refusals are recorded so the
build can warn, naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.render.engine import weasyprint
from generator.render.svgcost import MAX_SVG_BYTES, svg_problem


class RefusedResource(ValueError):
    """Raised (and caught by WeasyPrint) for a resource outside the allowed folders."""


class ConfinedURLFetcher(weasyprint.URLFetcher):  # type: ignore[misc]  # (WeasyPrint is untyped)
    """Fetches `data:` URLs and files inside `roots`; refuses everything else."""

    def __init__(self, roots: tuple[Path, ...], **kwargs: Any):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, **kwargs)
        self.roots = tuple(root.resolve() for root in roots)
        self.refused: list[str] = []

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()  # resolve() follows symlinks: a link out is refused
        return any(path == root or root in path.parents for root in self.roots)

    def shown(self, url: str) -> str:
        """A URL as messages show it: a project file by its relative path, anything long cut short."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
            for root in self.roots:
                if path == root or root in path.parents:
                    return path.relative_to(root).as_posix()
        return url if len(url) <= 120 else f"{url[:100]}… ({len(url):,} characters)"

    def refuse(self, url: str, reason: str) -> RefusedResource:
        self.refused.append(f"{self.shown(url)} ({reason})")
        return RefusedResource(f"refused {self.shown(url)}: {reason}")

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if not self.allows(url):
            raise self.refuse(url, "outside the project" if url.startswith("file:") else "slides load only files inside the project")
        if _is_svg(url):
            response = super().fetch(url, headers)
            data = response.read(MAX_SVG_BYTES + 1)
            response.close()
            problem = svg_problem(data)
            if problem is not None:
                raise self.refuse(url, problem)
            return weasyprint.urls.URLFetcherResponse(url, body=data, headers={"Content-Type": "image/svg+xml"})
        return super().fetch(url, headers)


def _is_svg(url: str) -> bool:
    if url.startswith("data:"):
        return url[5:40].lower().startswith("image/svg")
    return urlsplit(url).path.lower().endswith(".svg")
