# Shortcuts for the commands in docs/development.rst. Only `python3` is needed to start.
PYTHON ?= python3
TOX_VENV := .tox/_tox
TOX := $(TOX_VENV)/bin/tox

# tox needs python3.11/3.12/3.13 on PATH; pyenv's shims only serve the global version, so put
# the installed versions' bin directories first (only those that exist).
PYENV_BINS := $(sort $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/3.1[1-9].*/bin))
empty :=
space := $(empty) $(empty)
ifneq ($(PYENV_BINS),)
export PATH := $(subst $(space),:,$(PYENV_BINS)):$(PATH)
endif

.PHONY: help test demo example lint docs bench tox ci clean

help:
	@echo "make test     run every test stage (python3 dev.py test)"
	@echo "make demo     run the example shop at http://127.0.0.1:8000/ (alias: make example)"
	@echo "make lint     ruff, ruff format --check, mypy --strict (tox -e lint)"
	@echo "make docs     build the docs with warnings as errors (tox -e docs)"
	@echo "make bench    run the catalog read-path benchmark"
	@echo "make tox      the whole tox matrix"
	@echo "make ci       what CI runs (bash .ci/run)"

test:
	$(PYTHON) dev.py test

demo example:
	$(PYTHON) dev.py demo

$(TOX):
	$(PYTHON) -m venv $(TOX_VENV)
	$(TOX_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "tox>=4.22"

lint: $(TOX)
	$(TOX) -e lint

docs: $(TOX)
	$(TOX) -e docs

tox: $(TOX)
	$(TOX)

bench:
	$(PYTHON) dev.py setup
	.venv/bin/python benchmarks/catalog_bench.py

ci:
	bash .ci/run

clean:
	rm -rf .tox docs/_build dist build
