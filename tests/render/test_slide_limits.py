"""No silent loss: a thread needing more slides than a carousel may have is an error, never cut (issue 16)."""

from __future__ import annotations

import random
import re

from generator.limits import LIMITS
from tests.helpers import build_in_process, write_project

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma"]


def test_a_700000_word_thread_is_a_clear_error(tmp_path):
    rng = random.Random(7)
    posts = [" ".join(rng.choice(WORDS) for _ in range(7000)) for _ in range(100)]  # 700,000 words
    project = write_project(
        tmp_path,
        {
            "content/huge.md": "---\ntitle: Huge\n---\n\n" + "\n\n---\n\n".join(posts) + "\n",
            "content/good.md": "---\ntitle: Good\n---\n\nA good post.\n",
        },
    )
    result = build_in_process(project)
    assert result.exit_code == 1, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("content/huge.md:"))
    assert re.search(r"content/huge.md: [0-9,]+ slides needed \(post [0-9]+ alone needs [0-9,]+\)", line), line
    assert f"a carousel may have at most {LIMITS.thread_slides:,}: split the thread (nothing was cut)" in line
    assert not (project / "output/huge").exists()
    assert (project / "output/good/good.pdf").is_file()
