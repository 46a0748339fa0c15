# Urakata — the two commands: `make demo` (set up + demo company + serve) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
URAKATA := $(VENV)/bin/urakata

.PHONY: demo test fuzz setup lint types contracts migrations-check pytest pytest-postgres bench clean

demo: setup
	URAKATA_INSECURE_HTTP=1 $(URAKATA) demo $(DEMO_ARGS)

test: setup
	bash scripts/test.sh

# A longer API fuzz run for releases: every schemathesis phase, more examples per operation.
fuzz: setup
	URAKATA_TESTING=1 URAKATA_FUZZ_PHASES=$${URAKATA_FUZZ_PHASES:-examples,coverage,fuzzing,stateful} \
	URAKATA_FUZZ_EXAMPLES=$${URAKATA_FUZZ_EXAMPLES:-50} \
	$(VENV)/bin/pytest src/urakata/web/tests/test_api_fuzz.py -q -p no:randomly -s

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
