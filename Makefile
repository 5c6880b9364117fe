# MedOffice: `make demo` serves the demo practice; `make test` runs everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
VENV := .venv
BIN := $(VENV)/bin
LOAD_ENV := set -a; . var/env; set +a;

.PHONY: help demo serve test lint bench format uv venv venv-dev chromium openapi check-openapi clean

help:
	@echo "make demo   build and serve the demo practice on http://127.0.0.1:$(PORT)"
	@echo "make test   lint and run the whole test suite (SQLite, then PostgreSQL when reachable)"
	@echo "make lint   ruff, migrations check, OpenAPI check, import contracts"
	@echo "make bench  run bench/ and write docs/performance.md"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"

# The demo and the tests install the optional extras (pyproject.toml): Faker for the demo
# practice, RQ and Redis for the RQ task backend. A production install leaves out what it
# does not use: `uv sync --frozen --no-dev` (add `--extra redis` for TASK_BACKEND=rq).
EXTRAS := --extra demo --extra redis

venv: uv
	@$(UV) sync --frozen --no-dev --inexact $(EXTRAS) --quiet

venv-dev: uv
	@$(UV) sync --frozen $(EXTRAS) --quiet

var/env: | venv
	@$(BIN)/python -m medoffice.secrets var/env

var/static/.stamp: uv.lock $(shell find src/medoffice -path '*/static/*' -type f 2>/dev/null) | var/env
	@$(LOAD_ENV) $(BIN)/medoffice collectstatic --noinput -v0
	@touch $@

demo: venv var/env var/static/.stamp
	@$(BIN)/python -m medoffice.secrets var/env  # adds keys an older var/env lacks (the audit key)
	@$(LOAD_ENV) $(BIN)/medoffice migrate --noinput -v0
	@$(LOAD_ENV) $(BIN)/medoffice demo-data
	@PORT=$(PORT) scripts/run-demo.sh

chromium:
	@test -x /usr/bin/chromium || { echo "installing Debian's chromium"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null) \
	  || { echo "could not install chromium with apt-get"; exit 1; }; }

lint: venv-dev
	@$(BIN)/ruff check src tests bench
	@$(BIN)/ruff format --check src tests bench
	@MEDOFFICE_TESTING=1 $(BIN)/mypy
	@MEDOFFICE_TESTING=1 $(BIN)/medoffice makemigrations --check --dry-run
	@MEDOFFICE_TESTING=1 $(BIN)/medoffice export-openapi --check openapi.json
	@PYTHONPATH=src $(BIN)/lint-imports --no-cache

format: venv-dev
	@$(BIN)/ruff check --fix src tests bench
	@$(BIN)/ruff format src tests bench

openapi: venv-dev
	@MEDOFFICE_TESTING=1 $(BIN)/medoffice export-openapi openapi.json

test: venv-dev chromium lint
	@scripts/run-tests.sh

bench: venv-dev
	@$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
