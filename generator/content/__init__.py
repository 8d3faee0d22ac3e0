"""Thread sources: splitting a thread file, and Markdown to safe HTML."""
