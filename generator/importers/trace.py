"""What the import's cleaning rules did, line by line (`carousel import --explain`).

Every rule that drops, repairs or restructures text reports a `RuleHit` to the
`Trace` it is given; nothing is global, and a rule given no trace reports nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RuleHit:
    """One firing of a named rule: on which source line, and what it did to which text."""

    rule: str
    line: int | None
    action: str  # "dropped", "repaired", "split", "heading", "kept", ...
    text: str
    result: str | None = None

    def describe(self, where: str) -> str:
        """`where:line: rule: action "text" -> "result"` (one line, long text shortened)."""
        place = f"{where}:{self.line}" if self.line is not None else where
        shown = f"{self.action} {_quote(self.text)}"
        if self.result is not None:
            shown += f" -> {_quote(self.result)}"
        return f"{place}: {self.rule}: {shown}"


def _quote(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f'"{flat}"'


@dataclass
class Trace:
    """Collects the rule hits of one import, in the order they happened."""

    hits: list[RuleHit] = field(default_factory=list)

    def hit(self, rule: str, line: int | None, action: str, text: str, result: str | None = None) -> None:
        self.hits.append(RuleHit(rule, line, action, text, result))

    def lines(self, where: str) -> list[str]:
        """The hits as printable lines, sorted by source line (stable within a line)."""
        ordered = sorted(self.hits, key=lambda hit: hit.line if hit.line is not None else 0)
        return [hit.describe(where) for hit in ordered]


def changed_part(before: str, after: str, context: int = 25) -> tuple[str, str]:
    """The two texts from a little before where they first differ (what --explain shows of a repair)."""
    same = next((k for k, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
    start = max(0, same - context)
    return before[start:], after[start:]


def report(trace: Trace | None, rule: str, line: int | None, action: str, text: str, result: str | None = None) -> None:
    """Record a hit when there is a trace to record it in."""
    if trace is not None:
        trace.hit(rule, line, action, text, result)
