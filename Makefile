# Everyday tasks. Each runs from the repository root in .venv (make install first).
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test lint format types imports check bench evaluate golden ci clean

install:  ## a development environment: painref editable, with the test tools
	python3 -m venv $(VENV) && $(BIN)/pip install -e '.[test]'

test:  ## the suite
	$(BIN)/pytest

lint:  ## ruff's checks and formatting, without changing anything
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:  ## fix what ruff can, and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

types:  ## mypy, strict
	$(BIN)/mypy

imports:  ## the import contracts in pyproject.toml
	$(BIN)/lint-imports

check: lint types imports test  ## everything CI checks but the fresh installs

bench:  ## start-up and scale benchmark (reports; never fails on timings)
	$(BIN)/python bench/run.py

evaluate:  ## lookup quality on the labelled queries
	$(BIN)/python bench/evaluate.py

golden:  ## rewrite golden files and docs examples after a deliberate change; review the diff
	PAINREF_UPDATE_DOCS=1 $(BIN)/pytest -n 0 tests/test_golden.py tests/test_markdown.py tests/test_bad_input.py tests/test_readme.py

ci:  ## what CI runs, on this checkout
	bash .ci/run

clean:
	rm -rf .venv .venv-lowest .mypy_cache .ruff_cache .pytest_cache build dist
