# citycert: `make demo` runs the app with demo data; `make test` runs the whole suite.
# Both do all the set-up themselves: find Python >= 3.12, install uv if missing, sync packages.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.SHELLFLAGS := -eu -o pipefail -c

UV_VERSION := 0.13.9
PYTHON := $(shell scripts/find-python)
ifeq ($(PYTHON),)
$(error no Python 3.12 or newer found on PATH or in pyenv)
endif
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)

export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
RUN := $(UV) run --locked

HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install demo test lint bench sbom audit check-deploy clean

help:
	@echo "make demo    install, migrate, load the Standard and demo data, serve http://$(HOST):$(PORT)"
	@echo "make test    install, then run the whole test suite"
	@echo "make lint    ruff (lint and format) and mypy"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make sbom    write the CycloneDX bill of materials of the locked packages to build/"
	@echo "make audit   check the locked packages against known vulnerabilities"
	@echo "make install set everything up (idempotent; demo and test run it)"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# Compiling translations needs no settings (and so no SECRET_KEY): plain `django` with none.
install: $(UV)
	$(UV) sync --locked
	cd src/citycert && env -u DJANGO_SETTINGS_MODULE $(RUN) python -m django compilemessages -v 0

demo: install
	DEBUG=true $(RUN) citycert migrate --no-input
	DEBUG=true $(RUN) citycert load_standard
	DEBUG=true $(RUN) citycert import_history
	DEBUG=true $(RUN) citycert refresh_public
	DEBUG=true $(RUN) citycert load_demo
	@echo "citycert is starting at http://$(HOST):$(PORT)/ with its background worker (Ctrl-C stops both)"
	DEBUG=true $(RUN) citycert db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	DEBUG=true $(RUN) citycert runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist); PYTEST_ARGS adds options, e.g. PYTEST_ARGS="-x".
test: install
	$(RUN) pytest -n auto $(PYTEST_ARGS)

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

bench: install
	$(RUN) python bench/scoring.py
	$(RUN) python bench/map_render.py
	$(RUN) python bench/public_pages.py
	$(RUN) python bench/staff_pages.py
	$(RUN) python bench/report.py
	$(RUN) python bench/spreadsheet_import.py
	$(RUN) python bench/public_cache_growth.py

# Supply chain: CycloneDX bills of materials of the locked packages (what is deployed, and
# everything with the development tools), then an audit of the lock against known
# vulnerabilities that says how many packages it could check (scripts/audit_dependencies.py).
sbom: install
	mkdir -p build
	$(UV) export --locked --no-dev --format cyclonedx1.5 --preview-features sbom-export -q -o build/sbom.cdx.json
	$(UV) export --locked --format cyclonedx1.5 --preview-features sbom-export -q -o build/sbom-all.cdx.json
	$(RUN) python -c 'import json, sys; [print(f, len(json.load(open(f))["components"]), "components") for f in sys.argv[1:]]' build/sbom.cdx.json build/sbom-all.cdx.json

audit: install
	mkdir -p build
	$(UV) export --locked --format requirements.txt --no-hashes --no-emit-project -q -o build/requirements.txt
	$(RUN) python scripts/audit_dependencies.py build/requirements.txt --report build/audit.json

clean:
	rm -rf .venv .tools var .pytest_cache .mypy_cache .ruff_cache .hypothesis
