# Two commands for a fresh machine: `make demo` (set up + demo report) and `make test` (set up + tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lab lint format bench bench-batch bench-abc bench-import demo-data clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: install
	$(BIN)/workbench audit clients/demo

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# Jupyter refuses to start as root without --allow-root (containers, CI machines): pass it only then.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: install
	$(BIN)/jupyter lab notebooks/ $(ALLOW_ROOT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python benchmarks/audit_demo.py

bench-batch: install
	$(BIN)/python benchmarks/batch.py

bench-abc: install
	$(BIN)/python benchmarks/abc_5m.py

bench-import: install
	$(BIN)/python benchmarks/import_1m.py

demo-data: install
	$(BIN)/workbench demo clients/demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
