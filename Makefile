# The two set-up commands in the README: `make console` and `make test`.
# Installs are exact (uv.lock) and fast (uv): uv from PATH, else installed from PyPI into .uv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
UV ?= $(or $(shell command -v uv 2>/dev/null),.uv/bin/uv)
# Use $(PYTHON), never an interpreter uv would download; the environment is .venv.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Compile the installed packages once, as pip does: without it every start compiles them again
# wherever bytecode is not written (PYTHONDONTWRITEBYTECODE, read-only images): 2x the start-up.
export UV_COMPILE_BYTECODE := 1

.PHONY: console test lint bench bench-quick lock

.uv/bin/uv:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
		--target .uv uv==$(UV_VERSION)

# What the bot needs (for `make console`), and that plus the test tools (for `make test`).
$(VENV)/.synced-app: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --inexact --python $(PYTHON)
	touch $@

$(VENV)/.synced-test: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra test --python $(PYTHON)
	touch $@ $(VENV)/.synced-app

# After editing the dependencies in pyproject.toml: re-resolve uv.lock, and commit both.
lock: | $(UV)
	$(UV) lock --python $(PYTHON)

console: $(VENV)/.synced-app
	$(BIN)/buddy console

lint: $(VENV)/.synced-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

bench: $(VENV)/.synced-test
	$(BIN)/python -m bench

# Every figure of the README's "Figures" table, smaller sizes (a few minutes).
bench-quick: $(VENV)/.synced-test
	$(BIN)/python -m bench --quick
