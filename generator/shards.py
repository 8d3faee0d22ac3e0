"""`--shard K/N`: a deterministic share of a project's threads, for CI matrices.

Every shard job computes the same split from the same checkout: threads are dealt
heaviest first (weight: their slides, over all targets, as planned) to the lightest
shard so far; equal weights are ordered by a stable hash of the slug (sha256, not
Python's per-process `hash`), equal loads go to the lower shard. The shards are
disjoint and together hold every thread.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

SHARD_SYNTAX = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{1,9})\s*$")
MAX_SHARDS = 1_000  # a CI matrix has at most a few hundred jobs (GitHub Actions: 256)


@dataclass(frozen=True)
class Shard:
    """The K-th of N shares (1-based)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'2/4' -> Shard(2, 4). Raises ValueError with a message for the user."""
        match = SHARD_SYNTAX.match(text)
        if not match:
            if re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", text):
                raise ValueError(f"'{text[:40]}': N must be at most {MAX_SHARDS:,}")
            raise ValueError(f"'{text[:40]}' is not K/N (e.g. 1/4)")
        index, count = int(match.group(1)), int(match.group(2))
        if count > MAX_SHARDS:
            raise ValueError(f"'{text}': N must be at most {MAX_SHARDS:,}")
        if not 1 <= index <= count:
            raise ValueError(f"'{text}': K must be between 1 and N")
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def stable_hash(slug: str) -> int:
    """The same number for the same slug on every machine and run."""
    return int.from_bytes(hashlib.sha256(slug.encode("utf-8")).digest()[:8], "big")


def assign_shards(weights: Iterable[tuple[str, int]], count: int) -> dict[str, int]:
    """{slug: 1-based shard} for (slug, weight) pairs, balanced by weight."""
    loads = [0] * count
    assignment: dict[str, int] = {}
    for slug, weight in sorted(set(weights), key=lambda item: (-item[1], stable_hash(item[0]), item[0])):
        if slug in assignment:
            continue
        lightest = min(range(count), key=lambda shard: (loads[shard], shard))
        loads[lightest] += max(1, weight)
        assignment[slug] = lightest + 1
    return assignment
