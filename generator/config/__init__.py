"""Configuration: the typed schema, YAML loading with line numbers, the options cascade."""
