"""Carousel Studio: compile Markdown threads into designed carousel slides."""

__version__ = "0.1.0"
