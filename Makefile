# nnbook: the two commands that matter are `make book` and `make test`.
# Every public target first creates .venv and installs everything into it
# (once; again only when requirements.txt, constraints.txt or
# pyproject.toml change), so a fresh clone needs nothing else.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
# The interpreter that creates the venv: Python 3.11 if available.
BOOT_PYTHON ?= $(shell command -v python3.11 2>/dev/null \
                  || command -v python3 2>/dev/null)
CONSTRAINTS := $(wildcard constraints.txt)
PIP_CONSTRAINTS := $(if $(CONSTRAINTS),-c constraints.txt)

# pytest-xdist workers for the unit tests and for nbval (0 = no xdist);
# also the pages the book build reads (and executes) at once.
JOBS ?= 2
XDIST := $(if $(filter-out 0,$(JOBS)),-n $(JOBS))
NBVAL_XDIST := $(if $(XDIST),$(XDIST) --dist loadscope)

# Everything below runs inside the venv, quietly and without a display.
export PATH := $(BIN):$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export TF_CPP_MIN_LOG_LEVEL := 3
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

LINT_PATHS := $(wildcard nnkit tests benchmarks chapters book/_ext)

# matplotlib: plain Python (the unit tests) draws off-screen with Agg; a
# Jupyter kernel (the book, nbval, JupyterLab) needs the inline backend,
# or plots are never captured as outputs and the book has no figures.
# ipykernel keeps any MPLBACKEND it inherits, so each target sets it.
MPL_AGG := MPLBACKEND=Agg
MPL_INLINE := MPLBACKEND=module://matplotlib_inline.backend_inline

# One BLAS thread per process for tests, nbval and the book build. They
# run two workers (or a kernel beside TensorFlow) on a 2-core machine; a
# multi-threaded OpenBLAS then waits on busy cores and small matmuls get
# 10-40x slower. `make bench` and `make lab` keep the BLAS defaults.
ONE_BLAS := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

# The browser test (tests/browser) drives this Chromium headless.
# Debian: apt-get install chromium chromium-driver
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: help book book-en book-es i18n-update test test-fast test-browser lint nbval lab bench clean \
        distclean venv constraints

help:
	@echo "make book       build the HTML book into _build/html/ (runs every chapter),"
	@echo "                English, and Spanish in _build/html/es/"
	@echo "make book-es    only the Spanish edition (from the English build's cache)"
	@echo "make i18n-update  extract the English text into locales/es/*.po"
	@echo "make test       ruff + unit tests + notebooks (nbval) + book build"
	@echo "                + browser test (when Chromium is installed)"
	@echo "make test-fast  the pytest unit tests only"
	@echo "make test-browser  the built book, and the widgets in JupyterLab,"
	@echo "                in headless Chromium"
	@echo "make lab        open the chapters in JupyterLab"
	@echo "make bench      nnkit vs Keras benchmarks"
	@echo "make clean      remove _build and caches (keeps .venv)"
	@echo "make distclean  clean, and remove .venv too"

# --- the environment -------------------------------------------------------

$(STAMP): requirements.txt $(CONSTRAINTS) pyproject.toml
	@test -n "$(BOOT_PYTHON)" || { \
	  echo "error: need python3.11 (or python3) on PATH" >&2; exit 1; }
	@echo "== creating $(VENV) with $(BOOT_PYTHON) and installing requirements"
	$(BOOT_PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt $(PIP_CONSTRAINTS)
	$(BIN)/python -m pip install -e . --no-deps
	touch $@

venv: $(STAMP)

# --- the book ---------------------------------------------------------------

# Executes every chapter (cached in _build/.jupyter_cache, so unchanged
# notebooks are not re-run) and treats every warning as an error. Then
# puts nnkit's wheel into the site, for readers who download a chapter's
# notebook: pip install "nnkit-VERSION-py3-none-any.whl[book]".
book: book-en book-es

book-en: $(STAMP)
	$(ONE_BLAS) $(MPL_INLINE) NNBOOK_JOBS=$(JOBS) \
	  python book/_ext/jb_build.py build . -W -n --keep-going
	python book/_ext/nnkit_wheel.py _build/html

# The Spanish edition (book/_ext/nnbook_i18n.py): the same sources with
# language "es" and the translations in locales/es/LC_MESSAGES/, built
# from the English build's execution cache (nothing runs a second time)
# into _build/html/es/, warnings as errors. The site's root page then
# offers both editions.
book-es: $(STAMP)
	$(ONE_BLAS) $(MPL_INLINE) NNBOOK_JOBS=$(JOBS) \
	  python book/_ext/nnbook_i18n.py build es
	python book/_ext/nnkit_wheel.py _build/html/es

# After the English text changes: extract its messages (no execution)
# and merge them into the catalogs (new ones untranslated, changed ones
# fuzzy); then translate, and commit locales/. tests/test_catalogs.py
# fails until the catalogs match the text.
i18n-update: $(STAMP)
	python book/_ext/nnbook_i18n.py extract

# --- tests ------------------------------------------------------------------

# Runs every step even when an earlier one fails, prints how long each
# took, and exits non-zero if any failed. The browser test runs after the
# book build when Chromium and chromedriver are installed.
test: $(STAMP)
	@failed=""; summary=""; begin=$$(date +%s); browser=test-browser; \
	if [ ! -x "$(CHROMIUM)" ] || [ ! -x "$(CHROMEDRIVER)" ]; then \
	  browser=""; fi; \
	for step in lint test-fast nbval book $$browser; do \
	  echo "== make test: $$step"; \
	  start=$$(date +%s); \
	  if $(MAKE) --no-print-directory $$step; then st=ok; \
	  else st=FAILED; failed="$$failed $$step"; fi; \
	  secs=$$(( $$(date +%s) - start )); \
	  echo "== make test: $$step $$st in $${secs}s"; \
	  summary="$$summary$$(printf '  %-12s %-7s %6ss' "$$step" "$$st" "$$secs")"$$'\n'; \
	done; \
	if [ -z "$$browser" ]; then \
	  echo "== make test: test-browser skipped: no chromium" \
	    "($(CHROMIUM), $(CHROMEDRIVER); Debian: apt-get install" \
	    "chromium chromium-driver)"; \
	  summary="$$summary$$(printf '  %-12s %-7s' test-browser skipped)"$$'\n'; \
	fi; \
	echo "== make test: timings"; printf '%s' "$$summary"; \
	total=$$(( $$(date +%s) - begin )); \
	printf '  %-20s %6ss\n' total "$$total"; \
	mkdir -p _build; \
	{ echo "# make test, $$(date -u +%Y-%m-%dT%H:%MZ)"; \
	  printf '%s' "$$summary"; printf '  %-12s %-7s %6ss\n' total - \
	  "$$total"; } > _build/test-timings.txt; \
	if [ -n "$$failed" ]; then \
	  echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: all steps passed"

lint: $(STAMP)
	ruff check $(LINT_PATHS)

test-fast: $(STAMP)
	$(ONE_BLAS) $(MPL_AGG) python -m pytest $(XDIST) --ignore=tests/browser \
	  tests/

# Every chapter notebook, cell by cell. tests/nbval_record.py records
# what each notebook outputs, as the book's executor would, and adds the
# notebooks that pass to the book's execution cache: `make book` (next
# in `make test`) then renders them without running them again.
nbval: $(STAMP)
	$(ONE_BLAS) $(MPL_INLINE) python -m pytest --nbval-lax \
	  --nbval-current-env -p no:randomly -p tests.nbval_record \
	  $(NBVAL_XDIST) chapters/

# Every page of the built book in headless Chromium: no console errors,
# no failed or external requests, math rendered, images loaded, links
# and search working; screenshots in _build/screenshots/. Builds the book
# first if _build/html is missing. tests/browser/test_lab_widgets.py also
# starts `jupyter lab` as `make lab` does and uses nnkit's widgets in it.
# With JOBS > 0 two workers share the work (one Chromium each): the
# JupyterLab tests stay together on one worker (xdist group "lab", they
# share one JupyterLab) and the book's pages go to whichever is free.
test-browser: $(STAMP)
	@if [ ! -f _build/html/index.html ] || \
	    [ ! -f _build/html/es/index.html ]; then \
	  $(MAKE) --no-print-directory book; fi
	NNBOOK_BROWSER=1 NNBOOK_CHROMIUM=$(CHROMIUM) \
	  NNBOOK_CHROMEDRIVER=$(CHROMEDRIVER) python -m pytest -p no:randomly \
	  $(if $(XDIST),$(XDIST) --dist loadgroup) tests/browser

# --- working on the book ----------------------------------------------------

# JupyterLab refuses to run as root unless told; containers often are.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# lab/ adds Jupyter settings (JUPYTER_CONFIG_PATH): notebooks are served
# with their glue roles as inline expressions that jupyterlab-myst
# evaluates when the cells run, so the prose shows the numbers
# (lab/jupyter_server_config.py, nnkit.book.lab_open), and every cell
# is laid out (lab/labconfig/), which jupyterlab-myst needs to see them.
LAB_CONFIG := JUPYTER_CONFIG_PATH=$(CURDIR)/lab$(if \
  $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))

lab: $(STAMP)
	$(MPL_INLINE) $(LAB_CONFIG) jupyter lab $(LAB_ROOT) chapters/

# nnkit vs Keras (benchmarks/results.md), then the book's own cost from
# the last build and `make test` (benchmarks/book-cost.md); the
# performance appendix includes both. Run it on a quiet machine.
bench: $(STAMP)
	python benchmarks/run.py
	python benchmarks/book_cost.py

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o \
	  \( -name __pycache__ -o -name .ipynb_checkpoints \) \
	  -type d -prune -exec rm -rf {} +

# Re-pin constraints.txt from the current .venv (after editing
# requirements.txt and running `make venv`).
constraints: $(STAMP)
	{ sed -n '1,/^[^#]/{/^#/p}' constraints.txt 2>/dev/null; \
	  python -m pip freeze --exclude-editable | grep -viE '^(nnkit|-e )'; \
	} > constraints.txt.new
	mv constraints.txt.new constraints.txt

distclean: clean
	rm -rf $(VENV) *.egg-info
