PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready

.PHONY: check test train clean

# The first command on a fresh machine creates .venv and installs what the checks need.
$(READY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

check: $(READY)
	$(PY) -m checks check

test: $(READY)
	$(PY) -m pytest

train: $(READY)
	$(PY) -m reference train

clean:
	rm -rf $(VENV) mutants .hypothesis

# make bench: the benchmark needs micrograd (the bench extra) and, when a CPU build is on hand, torch.
# TORCH_CPU names a CPU-only build (+cpu), so pip can never fetch a CUDA one; without it the
# benchmark skips the PyTorch rows and says so. make test and make check need neither.
# BENCH_ARGS passes options to checks/bench.py, e.g. make bench BENCH_ARGS=--no-growth
TORCH_CPU ?= torch==2.13.0+cpu
BENCH_READY := $(VENV)/.bench-ready

$(BENCH_READY): $(READY) pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	@$(PY) -c 'import torch' 2>/dev/null \
		|| $(PY) -m pip install --quiet --disable-pip-version-check '$(TORCH_CPU)' 2>/dev/null \
		|| echo "make bench: $(TORCH_CPU) could not be installed; the benchmark runs without PyTorch"
	touch $@

.PHONY: bench
bench: $(BENCH_READY)
	$(PY) -m checks.bench $(BENCH_ARGS)
