# The build, test and book pipeline. `make book` and `make test` are the two commands of the README.
# Every step leaves a stamp (or a real output file) so that a warm rerun only redoes what changed.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := book

VENV     := .venv
PY       := $(VENV)/bin/python
BUILD    := .build
STAMPS   := $(BUILD)/stamps
KERNEL   := $(VENV)/share/jupyter/kernels/debiasood/kernel.json
MATHJAX  := book/_mathjax/mathjax/tex-mml-chtml.js
MATHJAX_VERSION := 3.2.2
# Nothing may reach a model hub at run time; matplotlib must pick its inline backend in notebooks.
OFFLINE  := env -u MPLBACKEND HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.py))
# Executed notebooks in the order make starts them, longest first by their cold-build CPU time (03, 04, 08, 05,
# then 01, 07, 02, 06; debiasood.book.nb.RUN_COSTS), so that the two cores finish close together.
ALL_EXECUTED := $(patsubst notebooks/%.py,book/generated/%.ipynb,$(NOTEBOOKS))
LONGEST      := $(foreach n,03 04 08 05 01 07 02 06,$(filter book/generated/$(n)_%,$(ALL_EXECUTED)))
EXECUTED     := $(LONGEST) $(filter-out $(LONGEST),$(ALL_EXECUTED))
DEPFILES  := $(patsubst notebooks/%.py,book/generated/%.d,$(NOTEBOOKS))
PAGES     := $(wildcard book/*.md book/*.bib book/*.svg book/_extra/* book/_css/*)
# Extra arguments for debiasood.book.run_notebooks, e.g. `make notebooks NOTEBOOK_ARGS=--smoke`.
# Changing them does not invalidate executed notebooks: use `make -B notebooks`.
NOTEBOOK_ARGS ?=
PYTEST_ARGS   ?=
# Independent steps run side by side: on 2 cores, two notebooks at a time (one BLAS thread each: two thread
# pools of 2 on 2 cores slow each other down). `make JOBS=1` runs one step at a time.
JOBS             ?= 2
NOTEBOOK_THREADS ?= 1
MAKEFLAGS += -j$(JOBS)
# One stamp per feature store ($DEBIASOOD_CACHE, else the default): see the rule below.
STORE_STAMP := $(STAMPS)/feature-store$(subst /,-,$(DEBIASOOD_CACHE))

.PHONY: setup system notebooks book test clean

setup: system $(VENV)/.installed $(KERNEL) $(MATHJAX)

# System packages: WordNet 3.0 (the label corpus) and Chromium (the browser test). Installed when missing
# and running as root; otherwise we say what to install and stop.
system:
	@missing=""
	[ -d /usr/share/wordnet ] || missing="$$missing wordnet-base"
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"
	command -v npm >/dev/null || missing="$$missing npm"
	[ -z "$$missing" ] && exit 0
	if [ "$$(id -u)" != 0 ]; then
	  echo "error: missing system packages:$$missing" >&2
	  echo "       install them with:  sudo apt-get install -y$$missing" >&2
	  echo "       then rerun make." >&2
	  exit 1
	fi
	mkdir -p $(STAMPS)
	[ -f $(STAMPS)/apt-update ] || { apt-get update && touch $(STAMPS)/apt-update; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y$$missing

# The virtual environment; reinstalled only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	[ -x $(PY) ] || python3.11 -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -e '.[book,dev]'
	touch $@

# The Jupyter kernel the notebooks run on, inside the venv (nothing is written to $$HOME).
$(KERNEL): $(VENV)/.installed
	$(PY) -m ipykernel install --sys-prefix --name debiasood --display-name "Python (debiasood)"
	touch $@

# MathJax 3, vendored so the book renders math offline. It lives outside any `_static` folder because
# Jupyter Book 1 injects every .js file under `_static` into every page.
$(MATHJAX):
	mkdir -p $(BUILD)/npm
	npm install --prefix $(BUILD)/npm --no-audit --no-fund --loglevel=error mathjax@$(MATHJAX_VERSION)
	rm -rf book/_mathjax
	mkdir -p book/_mathjax/mathjax
	es5=$(BUILD)/npm/node_modules/mathjax/es5
	cp -r $$es5/tex-mml-chtml.js $$es5/input $$es5/output book/_mathjax/mathjax/

notebooks: $(EXECUTED)

# A notebook is executed again when its source, or a module it imports (directly or through other modules),
# changes: book/generated/NN.d lists them (written by `run_notebooks --deps`, rewritten when one of them
# changes). Two notebooks that need the same features while the feature store is cold compute them once:
# the store locks each entry while it is written.
book/generated/%.ipynb: notebooks/%.py | setup $(STORE_STAMP)
	$(OFFLINE) OMP_NUM_THREADS=$(NOTEBOOK_THREADS) MKL_NUM_THREADS=$(NOTEBOOK_THREADS) \
	  $(PY) -m debiasood.book.run_notebooks $< --output-dir book/generated $(NOTEBOOK_ARGS)

# The features every MiniLM chapter reads, computed once with both cores before notebooks run side by side
# on one core each (see run_notebooks.warm_feature_store). The stamp only saves a wait: a notebook still
# computes whatever the store lacks.
$(STORE_STAMP): | setup
	mkdir -p $(STAMPS)
	$(OFFLINE) $(PY) -m debiasood.book.run_notebooks --warm-store
	touch $@

book/generated/%.d: notebooks/%.py | $(VENV)/.installed
	mkdir -p book/generated
	$(PY) -m debiasood.book.run_notebooks --deps $< --output-dir book/generated > $@.tmp
	mv $@.tmp $@

# Not for the goals that must work before the venv exists, or that remove it.
ifeq ($(filter clean system,$(MAKECMDGOALS)),)
-include $(DEPFILES)
endif

# The parameter tables of book/reproduce.md, read from the notebooks' parameters cells.
book/generated/parameters.md: $(NOTEBOOKS) debiasood/book/run_notebooks.py debiasood/book/nb.py | setup
	mkdir -p book/generated
	$(PY) -m debiasood.book.run_notebooks --describe $(NOTEBOOKS) > $@

# A fresh build every time (it takes seconds): --all makes Sphinx reread every page, or a warning from a
# previous failed build would go unnoticed, and removing the old site drops pages that no longer exist.
_build/.book-stamp: $(EXECUTED) book/generated/parameters.md $(PAGES) _config.yml _toc.yml | setup
	rm -rf _build/html
	$(OFFLINE) $(VENV)/bin/jupyter-book build -W -n --keep-going --all .
	touch $@

book: setup _build/.book-stamp

# Two pytest workers on two cores: one BLAS/OpenMP thread each, or torch's thread pools fight over the cores
# (measured: small scoring calls up to 7x slower with 2 threads per worker).
test: book
	$(OFFLINE) OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Removes what the build made; keeps the virtual environment (rm -rf .venv to drop it too).
clean:
	rm -rf _build book/generated book/_mathjax $(BUILD)
