# Urakata — the two commands: `make demo` (set up + demo company + serve) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
URAKATA := $(VENV)/bin/urakata

.PHONY: demo test setup lint types contracts migrations-check pytest pytest-postgres bench clean

demo: setup
	URAKATA_INSECURE_HTTP=1 $(URAKATA) demo $(DEMO_ARGS)

test: setup
	bash scripts/test.sh

setup:
	bash scripts/bootstrap.sh

lint: setup
	$(VENV)/bin/ruff check src benchmarks scripts
	$(VENV)/bin/ruff format --check src benchmarks scripts

types: setup
	$(VENV)/bin/mypy

contracts: setup
	$(VENV)/bin/lint-imports

bench: setup
	$(PY) benchmarks/api_employees.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
