# The two commands of the README: `make dev` runs the desk locally, `make test` runs the tests.
# Both set up the virtualenv in .venv first (again whenever a requirements file changes).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: dev test lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

dev: $(STAMP)
	$(PY) -m local

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .

bench: $(STAMP)
	$(PY) bench/import_time.py

clean:
	rm -rf $(VENV) build .pytest_cache
