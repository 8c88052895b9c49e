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
# Links in the demo's emails point where it is served (make demo PORT=8101).
SITE_URL ?= http://$(HOST):$(PORT)
DEV := DEBUG=true SITE_URL=$(SITE_URL)
# Optional extras of the package, e.g. EXTRAS=s3 (evidence in an S3-compatible bucket).
EXTRAS ?=
SYNC := $(UV) sync --locked $(addprefix --extra ,$(EXTRAS))

.PHONY: help install install-production demo test lint bench sbom audit check-deploy clean \
	cluster cluster-stop cluster-status test-cluster

help:
	@echo "make demo    install, migrate, load the Standard and demo data, serve http://$(HOST):$(PORT)"
	@echo "make test    install, then run the whole test suite"
	@echo "make lint    ruff (lint and format) and mypy"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make sbom    write the CycloneDX bill of materials of the locked packages to build/"
	@echo "make audit   check the locked packages against known vulnerabilities"
	@echo "make install set everything up (idempotent; demo and test run it)"
	@echo "make install-production  the same without the development tools, for a server"
	@echo "bin/citycert the citycert command (DEBUG=true unless DEBUG or SECRET_KEY is set)"
	@echo "make cluster start the cluster on loopback (Varnish, HAProxy, two app servers, workers,"
	@echo "             PgBouncer, PostgreSQL, Redis, S3 by moto); make cluster-stop stops it"
	@echo "make test-cluster  start the cluster, run tests/cluster/, stop it (docs/deploy.md)"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# Compiling translations needs no settings (and so no SECRET_KEY): plain `django` with none.
install: $(UV)
	$(SYNC)
	cd src/citycert && env -u DJANGO_SETTINGS_MODULE $(RUN) python -m django compilemessages -v 0

# A server's set-up: the locked packages without the development and test tools.
install-production: $(UV)
	$(SYNC) --no-dev
	cd src/citycert && env -u DJANGO_SETTINGS_MODULE $(RUN) --no-dev python -m django compilemessages -v 0

demo: install
	$(DEV) $(RUN) citycert migrate --no-input
	$(DEV) $(RUN) citycert load_standard
	$(DEV) $(RUN) citycert import_history
	$(DEV) $(RUN) citycert refresh_public
	$(DEV) $(RUN) citycert load_demo
	@echo "citycert is starting at http://$(HOST):$(PORT)/ with its background worker (Ctrl-C stops both)"
	$(DEV) $(RUN) citycert worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(DEV) $(RUN) citycert runserver $(HOST):$(PORT)

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

# The cluster (docs/deploy.md, scripts/cluster.py): real parts on loopback, in the background,
# pid files and logs in var/cluster/. Its tests (tests/cluster/) are not part of `make test`.
CLUSTER_RUN := $(RUN) --extra s3
cluster: install
	$(CLUSTER_RUN) python scripts/cluster.py start

cluster-stop:
	$(CLUSTER_RUN) python scripts/cluster.py stop

cluster-status:
	$(CLUSTER_RUN) python scripts/cluster.py status

# Starts the cluster, runs its tests, stops it; fails if any of them failed.
test-cluster: cluster
	status=0; $(CLUSTER_RUN) pytest -p no:xdist tests/cluster --cluster $(PYTEST_ARGS) || status=$$?; \
	$(CLUSTER_RUN) python scripts/cluster.py stop; exit $$status

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
