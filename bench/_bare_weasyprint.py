"""The floor for bench/peers.py: WeasyPrint alone setting a deck's text in our vendored fonts.

    python bench/_bare_weasyprint.py DECK.txt OUT.pdf CACHE_DIR

DECK.txt: title line, subtitle line, one `heading<TAB>paragraph` line per post, a closing
line. One plain <section> per 1080x1350 px page, Inter from themes/fonts/ (fontconfig sees
only that folder, as our build does). No template, no fitting, no chrome: the simplest
equivalent slide. Imports nothing of Carousel Studio.
"""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path

FONTS = Path(__file__).resolve().parents[1] / "themes" / "fonts"
CSS = """
@page { size: 1080px 1350px; margin: 0 }
body { margin: 0; font-family: Inter, sans-serif; color: #1d1d1f; background: #fbfaf7 }
section { box-sizing: border-box; width: 1080px; height: 1350px; padding: 120px 96px; break-after: page; overflow: hidden }
h1 { font-size: 96px; line-height: 1.05; margin: 0 0 48px; font-weight: 800 }
h2 { font-size: 64px; line-height: 1.1; margin: 0 0 40px; font-weight: 700 }
p { font-size: 40px; line-height: 1.4; margin: 0 }
"""


def main() -> None:
    deck, out, cache = (Path(arg) for arg in sys.argv[1:4])
    cache.mkdir(parents=True, exist_ok=True)
    conf = cache / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{FONTS}</dir><cachedir>{cache / "fc"}</cachedir></fontconfig>\n', encoding="utf-8"
    )
    os.environ["FONTCONFIG_FILE"] = str(conf)
    import weasyprint

    lines = deck.read_text(encoding="utf-8").splitlines()
    title, subtitle, *posts, closing = lines
    sections = [f"<section><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></section>"]
    for line in posts:
        heading, text = line.split("\t", 1)
        sections.append(f"<section><h2>{html.escape(heading)}</h2><p>{html.escape(text)}</p></section>")
    sections.append(f"<section><h2>{html.escape(closing)}</h2></section>")
    document = f"<!doctype html><html lang=en><head><meta charset=utf-8><style>{CSS}</style></head><body>{''.join(sections)}</body></html>"
    out.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=document).write_pdf(out)


if __name__ == "__main__":
    main()
