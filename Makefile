# Two commands on a fresh machine with Python 3.11+ and make:
#   make demo   sets everything up and cleans samples/ (outputs: samples/**/*.clean.txt)
#   make test   sets everything up and runs the checks and the tests
#   make test-install   builds the wheel, installs it in a new virtual environment, runs its own checks
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test test-install lint bench quality fuzz train test-extras

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/cleaner clean samples/

lint: setup
	$(BIN)/ruff check cleaner tests bench
	$(BIN)/ruff format --check cleaner tests bench

test: lint
	$(BIN)/python -m pytest

# The extras (parquet, ray, datatrove) in a venv of their own, and their tests with the real parts: a local
# Ray cluster, datatrove's local executor, pyarrow reading back what was written.
EXTRAS := .venv-extras
$(EXTRAS)/.installed: pyproject.toml
	$(PYTHON) -m venv $(EXTRAS)
	$(EXTRAS)/bin/python -m pip install --quiet --upgrade pip
	$(EXTRAS)/bin/python -m pip install --quiet -e '.[test,parquet,ray,datatrove]'
	touch $@

test-extras: $(EXTRAS)/.installed
	$(EXTRAS)/bin/python -m pytest tests/extras

test-install: setup
	CLEANER_TEST_INSTALL=1 $(BIN)/python -m pytest -q tests/test_install.py

bench: setup
	$(BIN)/python bench/speed.py

quality: setup
	$(BIN)/python bench/quality.py

# The property tests of tests/test_properties.py with many more examples than make test runs (minutes to hours):
# FUZZ_EXAMPLES=N per property (20000), FUZZ_K=clean_html to run one (README, Limits on hostile input)
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -x --hypothesis-show-statistics tests/test_properties.py $(if $(FUZZ_K),-k "$(FUZZ_K)")

train: setup
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(BIN)/python bench/train.py
