# The two commands of the README: `make run` and `make test`. Each sets up what it needs on a
# fresh machine: a virtualenv in .venv with the project and its pinned extras, and — when run
# as root on Debian — the system packages the tests use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := chromium poppler-utils fonts-noto-cjk postgresql

.PHONY: run demo test lint format bench rules-doc clean system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

system-packages:
	@if [ -n "$(DEBIAN_PACKAGES)" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
		if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi; \
	fi

STORE ?= data/coo_lab.sqlite

# everything on localhost with the demo data: the service, a sync into data/coo.duckdb,
# Voilà (dashboards/) and JupyterLab (notebooks/); prints the URLs; Ctrl-C stops it all
run: $(STAMP) system-packages
	$(BIN)/coo-lab up --db $(STORE)

demo: $(STAMP)
	$(BIN)/coo-lab demo --db $(STORE)

test: $(STAMP) system-packages
	$(BIN)/ruff check coo_lab tests bench scripts
	$(BIN)/ruff format --check coo_lab tests bench scripts
	rm -rf test-output/browser
	$(BIN)/pytest -n 2 --dist loadfile -m "not alone"
	$(BIN)/pytest -m alone

lint: $(STAMP)
	$(BIN)/ruff check coo_lab tests bench scripts

format: $(STAMP)
	$(BIN)/ruff format coo_lab tests bench scripts
	$(BIN)/ruff check --fix coo_lab tests bench scripts

rules-doc: $(STAMP)
	$(BIN)/python -m coo_lab.domain.catalogue --write docs/rules.md

bench: $(STAMP)
	$(BIN)/python bench/rules.py
	$(BIN)/python bench/import_time.py
	$(BIN)/python bench/service.py
	$(BIN)/python bench/bulk.py
	$(BIN)/python bench/print.py
	$(BIN)/python bench/push.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .hypothesis
