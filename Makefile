# dcsim: two commands on a fresh machine with Python 3.11+.
#   make demo   sets up .venv, runs the reference scenario (out/lulea-air-1mw/), compiles the
#               model for the other cooling systems (python -m dcsim.warm) and runs an
#               example case with its report (out/evaporative-free-cooling/)
#   make test   sets up .venv with the test extra and runs the whole test suite
#   make test-fast
#               the same without the tests marked slow (a full simulated year or more than
#               about 2 s each; the marker is in pyproject.toml): the inner loop while editing
#   make bench  runs the benchmark suites of the working tree and of the reference commit
#               (benchmarks/baseline.json) in lockstep, and fails on a >25 % paired slowdown
#               (bench-quick: CI's short version; bench-update WHY="...": make HEAD the
#               reference, on purpose; see benchmarks/README.md)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-fast venv clean bench bench-quick bench-update

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dcsim needs Python 3.11 or newer, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes; the stamp files record what was installed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/dcsim run scenarios/lulea-air-1mw.toml -o out/lulea-air-1mw
	$(BIN)/python -m dcsim.warm scenarios/lulea-air-1mw.toml
	$(BIN)/dcsim case scenarios/cases/evaporative-free-cooling.toml -o out/evaporative-free-cooling

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not slow"

# Performance gate (benchmarks/README.md). BENCH_ARGS passes options to benchmarks/gate.py,
# e.g. make bench BENCH_ARGS="--against HEAD~3 -- -k thermal".
BENCH_RUNS ?= 1
WHY ?=
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/gate.py $(BENCH_ARGS)

bench-quick: $(VENV)/.installed-test
	$(BIN)/python benchmarks/gate.py --quick $(BENCH_ARGS)

bench-update: $(VENV)/.installed-test
	$(BIN)/python benchmarks/gate.py --update --runs $(BENCH_RUNS) --why "$(WHY)" $(BENCH_ARGS)

clean:
	rm -rf $(VENV) out .pytest_cache .benchmarks
