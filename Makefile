# Targets install into the active virtualenv/conda env if there is one, else
# into ./.venv. torch==2.13.0 (CPU) is installed first only when no torch is
# importable, so users with their own (GPU) torch keep it.
SHELL := /bin/bash
ifneq ($(VIRTUAL_ENV),)
PYTHON := $(VIRTUAL_ENV)/bin/python
else ifneq ($(CONDA_PREFIX),)
PYTHON := $(CONDA_PREFIX)/bin/python
else
PYTHON := .venv/bin/python
endif
PYTEST_ARGS ?=

.PHONY: install demo test test-slow clean ikem-demo

$(PYTHON):
	python3 -m venv .venv

install: $(PYTHON)
	$(PYTHON) -c "import torch" 2>/dev/null || $(PYTHON) -m pip install torch==2.13.0
	$(PYTHON) -m pip install -q -e '.[tests]'
	$(PYTHON) -c "import mmpartkd; print('mmpartkd', mmpartkd.__version__, 'ready')"

demo: install
	$(PYTHON) tools/demo.py --work-dir work_dirs/demo

ikem-demo: install
	$(PYTHON) tools/ikem_pipeline.py --work-dir work_dirs/ikem_demo

test: install
	$(PYTHON) -m pytest tests $(PYTEST_ARGS)

clean:
	rm -rf work_dirs build *.egg-info
