"""Reply chains: which of an author's self-replies make up the thread, in reading order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping


def id_order(post_id: str) -> tuple[int, str]:
    """Post ids grow with time; compare them as numbers when they are numbers."""
    return (int(post_id), "") if post_id.isdigit() else (0, post_id)


def top_of(post_id: str, parent_of: Mapping[str, str | None]) -> str:
    """Climb self-replies from a post to the first post of its thread."""
    seen = {post_id}
    while (parent := parent_of.get(post_id)) is not None and parent not in seen:
        seen.add(parent)
        post_id = parent
    return post_id


def self_thread(root: str, parent_of: Mapping[str, str | None], through: str | None = None) -> list[str]:
    """The thread starting at `root`: at each branch the longest continuation wins.

    `parent_of` maps each of the author's own posts to the post it replies to (None
    when that is not one of theirs). When the author replied to one post twice (a
    branch), the branch leading to the longest thread is followed; ties go to the
    earlier reply. `through` forces the path through one named post.
    """
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in parent_of.items():
        if parent is not None and child != parent:
            children[parent].append(child)

    # longest chain below each post, computed bottom-up without recursion
    depth: dict[str, int] = {}
    stack: list[tuple[str, bool]] = [(root, False)]
    on_stack: set[str] = set()
    while stack:
        node, expanded = stack.pop()
        if expanded:
            depth[node] = 1 + max((depth.get(c, 0) for c in children[node] if c in depth), default=0)
            continue
        if node in on_stack:
            continue  # a cycle in broken data: stop there
        on_stack.add(node)
        stack.append((node, True))
        stack.extend((child, False) for child in children[node])

    path: set[str] = set()
    if through is not None:
        step: str | None = through
        while step is not None and step not in path:
            path.add(step)
            step = parent_of.get(step)

    chain = [root]
    visited = {root}
    while True:
        kids = [kid for kid in children[chain[-1]] if kid not in visited]
        if not kids:
            return chain
        forced = [kid for kid in kids if kid in path]
        if forced:
            nxt = forced[0]
        else:
            nxt = min(kids, key=lambda kid: (-depth.get(kid, 1), id_order(kid)))
        chain.append(nxt)
        visited.add(nxt)
