"""A third-party plugin as a user would install it, for tests/test_plugins.py.

It lives outside the `generator` package and registers itself only through entry
points (carousel_test_plugin-1.0.0.dist-info/entry_points.txt):

* importer `lines`: a plain-text format, "@handle Name" on the first line, then one
  post per paragraph;
* output format `outline`: `<slug>.outline.txt`, the text of every page of the
  rendered PDF (read back with pypdfium2, as a viewer reads it);
* output format `escape`: a broken plugin that names a file outside its folder.
"""

from __future__ import annotations

import pypdfium2

from generator.importers.model import Author, ImportedPost, ImportedThread, SourceError
from generator.plugins import ImportSource, RenderedThread


class LinesImporter:
    """`carousel import --from lines FILE`."""

    def read(self, source: ImportSource) -> list[ImportedThread]:
        lines = (source.text or "").splitlines()
        if not lines or not lines[0].startswith("@"):
            raise SourceError.at(source.where, "a .lines file starts with '@handle Name'", line=1)
        handle, _, name = lines[0][1:].partition(" ")
        paragraphs = [block.strip() for block in "\n".join(lines[1:]).split("\n\n") if block.strip()]
        posts = tuple(ImportedPost(text=paragraph) for paragraph in paragraphs)
        return [ImportedThread(posts=posts, author=Author(name=name.strip() or handle, handle=handle))]


class OutlineOutput:
    """`formats: [pdf, outline]`: the slides' text, one block per page of the PDF."""

    def files(self, thread: RenderedThread) -> dict[str, bytes]:
        document = pypdfium2.PdfDocument(thread.pdf)
        try:
            pages = []
            for index in range(len(document)):
                textpage = document[index].get_textpage()
                pages.append(f"## slide {index + 1}\n{textpage.get_text_range().strip()}\n")
                textpage.close()
        finally:
            document.close()
        head = f"# {thread.title}\n{thread.slide_count} slides, {thread.width}x{thread.height}\n\n"
        return {f"{thread.slug}.outline.txt": (head + "\n".join(pages)).encode("utf-8")}


class EscapingOutput:
    """A broken plugin: its file name climbs out of the thread's output folder."""

    def files(self, thread: RenderedThread) -> dict[str, bytes]:
        return {"../escaped.txt": b"outside"}
