PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready

.PHONY: check test clean

# The first command on a fresh machine creates .venv and installs what the checks need.
$(READY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

check: $(READY)
	$(PY) -m checks check

test: $(READY)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) mutants .hypothesis
