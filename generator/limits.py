"""Documented limits on what a thread may hold (README, "Limits").

Threads come from other people; these bounds keep a build's time and memory
proportional to what a carousel can show, and each one is a clear `file:line`
error for that thread when exceeded, never a truncation or a hang. They are far
above any real thread: an X thread of 25 long posts is about 10,000 characters.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputLimits:
    thread_bytes: int = 8 * 1024 * 1024  # a thread file (front matter + posts)
    post_chars: int = 50_000  # one post's Markdown (an X long post is at most 25,000)
    nesting_depth: int = 16  # nested lists and blockquotes in a post
    image_bytes: int = 50 * 1024 * 1024  # one image file
    image_pixels: int = 50_000_000  # one raster image, width x height (about 7000 x 7000)
    thread_slides: int = 1000  # slides of one carousel (LinkedIn takes 300 pages, Instagram 20)
    post_slides: int = 500  # slides one post may continue over


LIMITS = InputLimits()
