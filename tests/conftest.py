"""Test session set-up shared by every test module.

The font environment must exist before WeasyPrint is imported (see generator/fonts.py):
pytest imports this file before collecting any test module, in the main process and in
every xdist worker, so fonts are configured here at import time. Only vendored fonts are
visible and SOURCE_DATE_EPOCH is fixed, as in a real build.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from generator import fonts, user_cache

# A stable folder so fontconfig's cache survives between sessions; the generated
# fonts.conf has a content-hashed name, so concurrent sessions and workers share it safely.
FONT_CACHE_DIR = Path(tempfile.gettempdir()) / "carousel-studio-tests" / "font-cache"

fonts.configure_font_environment([fonts.builtin_font_dir()], FONT_CACHE_DIR)

# The user's cache folder (compiled templates, the memo, fontconfig's cache) of every
# build a test runs, in this process or a child: never the real ~/.cache of whoever runs
# the tests. Stable between sessions, like the font cache; entries are keyed by content.
USER_CACHE_DIR = Path(tempfile.gettempdir()) / "carousel-studio-tests" / "user-cache"
os.environ[user_cache.ENV_NAME] = str(USER_CACHE_DIR)
