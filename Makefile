# Two commands do everything on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2
# System packages (Debian/Ubuntu names) installed by .ci/system-deps when running as root:
# libharfbuzz-subset0 lets WeasyPrint subset fonts with HarfBuzz (fontTools is much slower).
SYSTEM_PACKAGES ?= libharfbuzz-subset0

.PHONY: build test test-tools install check lint format lock bench clean system-deps

# pdftotext (poppler-utils) reads the PDFs' text layer in tests, as a viewer does.
test-tools:
	@command -v pdftotext >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get install -y -qq poppler-utils >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq poppler-utils >/dev/null 2>&1; }; }; } || \
	  echo "note: install poppler-utils (pdftotext) to run the text-layer tests; they are skipped without it"
	@# Debian's chromium and chromium-driver run the studio's browser tests (tests/serve/test_browser.py).
	@{ command -v chromium >/dev/null && command -v chromedriver >/dev/null; } || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1; }; } || \
	  echo "note: install chromium and chromium-driver to run the studio's browser tests; they are skipped without them"

# Every Python package comes pinned, with its hashes, from requirements.lock (`make lock` rewrites it
# from pyproject.toml): the same commit installs the same libraries, so it renders the same bytes.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
	  echo "requirements.lock does not satisfy pyproject.toml: run 'make lock' and commit requirements.lock" >&2; exit 1; }
	touch $(STAMP)

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras --no-emit-index-url --no-emit-find-links \
	  --extra test -o requirements.lock pyproject.toml

system-deps:
	@sh .ci/system-deps $(SYSTEM_PACKAGES)

# generator/ is byte-compiled on every `make install`, fresh stamp or not: the editable install has no
# .pyc of its own, a source edit makes them stale, and where PYTHONDONTWRITEBYTECODE is set Python
# never writes one, so every `carousel` process would compile ~60 modules (~0.1 s). Up to date: ~50 ms.
install: $(STAMP) system-deps
	@$(BIN)/python -m compileall -q generator

build: install
	$(BIN)/carousel build --format pdf,png

check: install
	$(BIN)/carousel check

# Lint, format and types: what CI checks and .pre-commit-config.yaml runs before each commit.
LINT_PATHS := generator tests bench tools
lint: install
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

# The suite takes about 4 min on 2 cores. pytest-timeout fails a hung test after 5 min (pyproject.toml);
# `timeout` stops a stalled run (40 min: a loaded machine takes 16) with pytest's summary, long before CI's limit.
test: install test-tools lint
	timeout --signal=INT --kill-after=60 2400 $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --durations=20

bench: $(STAMP)
	$(BIN)/python bench/render.py

clean:
	rm -rf output .carousel-cache
