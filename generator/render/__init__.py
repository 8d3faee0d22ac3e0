"""Rendering: slide plans -> HTML -> PDF -> PNG/JPEG."""
