# The two set-up commands in the README: `make console` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: console test lint bench

$(BIN)/buddy: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/buddy

console: $(BIN)/buddy
	$(BIN)/buddy console

lint: $(BIN)/buddy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

bench: $(BIN)/buddy
	$(BIN)/python -m bench
