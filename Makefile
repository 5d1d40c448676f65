# One command runs the bot, one runs the tests (see README).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev

.PHONY: run test test-fast lint typecheck index eval bench install install-dev clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11 is required; set PYTHON=...)"; exit 2; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $@

$(DEV): $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(STAMP)
install-dev: $(DEV)

run: $(STAMP)
	$(PY) -m bot serve

index: $(STAMP)
	$(PY) -m bot index

test: $(DEV) lint typecheck
	$(PY) -m pytest -q

# The quick loop while editing: everything but the tests marked slow (see tests/conftest.py).
test-fast: $(DEV)
	$(PY) -m pytest -q -m "not slow"

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

typecheck: $(DEV)
	$(VENV)/bin/mypy

eval: $(STAMP)
	$(PY) -m bot eval

bench: $(STAMP)
	$(PY) -m bot bench

clean:
	rm -rf $(VENV) data bench-results .pytest_cache .mypy_cache .ruff_cache
