"""PDF pages -> PNG/JPEG images at exactly the canvas's pixel size (pypdfium2)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image

from generator.canvas import Canvas

JPEG_QUALITY = 92
# zlib level 3: the knee of time against size for slides (measured with bench/render.py:
# level 6 costs ~30 % more encoding time for files ~10 % smaller; level 1 saves ~1 ms more
# for files ~8 % larger than level 3).
PNG_COMPRESS_LEVEL = 3


def rasterise(pdf: bytes, canvas: Canvas, image_format: str) -> list[bytes]:
    """One encoded image per page, `canvas.width` × `canvas.height` pixels each."""
    document = pdfium.PdfDocument(pdf)
    images: list[bytes] = []
    try:
        for page_index in range(len(document)):
            page = document[page_index]
            width_pt, _ = page.get_size()
            # rev_byteorder: pdfium writes RGB, so the PIL image needs no channel swap or copy
            bitmap = page.render(scale=canvas.width / width_pt, draw_annots=False, rev_byteorder=True)
            image = bitmap.to_pil()
            if image.mode != "RGB":  # e.g. a transparent page rendered with alpha
                image = image.convert("RGB")
            if image.size != (canvas.width, canvas.height):
                # rounding in the page box can cost a pixel: never a blurry rescale, only a fit
                image = image.resize((canvas.width, canvas.height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            if image_format == "jpg":
                image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
            else:
                image.save(buffer, "PNG", optimize=False, compress_level=PNG_COMPRESS_LEVEL)
            images.append(buffer.getvalue())
            page.close()
    finally:
        document.close()
    return images
