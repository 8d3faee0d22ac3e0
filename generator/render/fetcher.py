"""A WeasyPrint URL fetcher confined to the project and the built-in assets (SPEC §6).

Rendering never touches the network, never reads `file://` outside the allowed
folders, and never follows a symlink out of them. Refusals are recorded so the
build can warn, naming the file.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.render.engine import weasyprint


class RefusedResource(ValueError):
    """Raised (and caught by WeasyPrint) for a resource outside the allowed folders."""


class ConfinedURLFetcher(weasyprint.URLFetcher):
    """Fetches `data:` URLs and files inside `roots`; refuses everything else."""

    def __init__(self, roots: tuple[Path, ...], **kwargs):
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

    def fetch(self, url, headers=None):
        if not self.allows(url):
            self.refused.append(url)
            raise RefusedResource(f"refused {url}: outside the project")
        return super().fetch(url, headers)
