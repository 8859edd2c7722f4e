PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready

# Python's bytecode cache lives in .venv/pycache, never in the source tree: the tests start many Python
# processes, and on a machine that sets PYTHONDONTWRITEBYTECODE each would compile every module again.
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
export PYTHONDONTWRITEBYTECODE :=

.PHONY: check test train clean mutation

# The first command on a fresh machine creates .venv and installs what the checks need.
$(READY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

check: $(READY)
	$(PY) -m checks check

# Both cores: the tests spend most of their time in hypothesis searches, training runs and graded child processes.
test: $(READY)
	$(PY) -m pytest -n 2 --dist worksteal

train: $(READY)
	$(PY) -m reference train

clean:
	rm -rf $(VENV) mutants .hypothesis

# make mutation: mutmut mutates the components of reference/ and the helpers they compute with (the list
# and the tests it runs are in pyproject.toml, [tool.mutmut]); then checks/instruments/mutation.py prints a table per
# component and fails on any surviving mutant of gradient code, and on any other survivor that
# checks/instruments/equivalent_mutants.txt does not explain. mutants/ is rebuilt every time: mutmut keeps stale
# verdicts when only the tests change. Progress goes to mutants/mutmut-run.log; the JSON report to
# mutants/mutation-report.json.
MUTATION_LOG := mutants/mutmut-run.log

mutation: $(READY)
	rm -rf mutants
	mkdir mutants
	@echo "make mutation: mutmut run, progress in $(MUTATION_LOG) (a few minutes)"
	@CHECKS_PROFILE=mutation $(VENV)/bin/mutmut run --max-children 2 > $(MUTATION_LOG) 2>&1 \
		|| { tr '\r' '\n' < $(MUTATION_LOG) | tail -n 30; echo "make mutation: mutmut run failed; log: $(MUTATION_LOG)"; exit 1; }
	$(PY) -m checks.instruments.mutation

# make bench: the benchmark needs micrograd (the bench extra) and, when a CPU build is on hand, torch.
# TORCH_CPU names a CPU-only build (+cpu), so pip can never fetch a CUDA one; without it the
# benchmark skips the PyTorch rows and says so. make test and make check need neither.
# BENCH_ARGS passes options to checks/instruments/bench.py, e.g. make bench BENCH_ARGS=--no-growth
TORCH_CPU ?= torch==2.13.0+cpu
BENCH_READY := $(VENV)/.bench-ready

$(BENCH_READY): $(READY) pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	@$(PY) -c 'import torch' 2>/dev/null \
		|| $(PY) -m pip install --quiet --disable-pip-version-check '$(TORCH_CPU)' 2>/dev/null \
		|| echo "make bench: $(TORCH_CPU) could not be installed; the benchmark runs without PyTorch"
	touch $@

# make compare-torch: the 5-8-1 ReLU network trained five epochs side by side in reference and in PyTorch (float64),
# from the same weights on the same batches; every gradient entry of every step must agree within 1e-9 (exit 1
# otherwise, naming where it diverged). torch stays optional: the target tries the CPU build, and without torch the
# comparison says how to install it and exits 0. COMPARE_ARGS passes options, e.g. COMPARE_ARGS=--rows=2000
TORCH_TRIED := $(VENV)/.torch-tried

$(TORCH_TRIED): $(READY)
	@$(PY) -c 'import torch' 2>/dev/null \
		|| $(PY) -m pip install --quiet --disable-pip-version-check '$(TORCH_CPU)' 2>/dev/null \
		|| echo "make compare-torch: $(TORCH_CPU) could not be installed"
	touch $@

.PHONY: compare-torch
compare-torch: $(TORCH_TRIED)
	$(PY) -m checks.instruments.compare_torch $(COMPARE_ARGS)

.PHONY: bench bench-grading
bench: $(BENCH_READY)
	$(PY) -m checks.instruments.bench $(BENCH_ARGS)

# make bench-grading: one submission and a course of 100, graded with the default settings (several minutes).
bench-grading: $(READY)
	$(PY) -m checks.instruments.grading_speed
