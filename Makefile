# Shireitō: `make run` sets up and serves the demo; `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
BIND ?= 127.0.0.1:8000
SHIREITO_TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
TEST_ENV := SHIREITO_DATA_DIR=var/test

.PHONY: install run test lint format migrations-check test-sqlite test-postgresql suite-sqlite suite-postgresql messages translations bench bench-taxii clean

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
		python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && $$python -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	@touch $@

# Compiled only when a catalog changed: each `shireito` start costs a second or two.
CATALOGS := $(wildcard src/shireito/locale/*/LC_MESSAGES/django.po)
translations: $(CATALOGS:.po=.mo)

%.mo: %.po $(VENV)/.installed
	@$(BIN)/shireito compiletranslations

# One process migrates, loads the demo when the database is empty, prints the sign-in names and
# serves; static files are collected only when they changed; the address is printed when the
# server listens.
run: install
	@scripts/ensure-run-packages
	@mkdir -p var
	SHIREITO_DEMO_MODE=true $(BIN)/shireito demo serve --bind $(BIND)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(TEST_ENV) $(BIN)/mypy src/shireito
	PYTHONPATH=src $(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

migrations-check: install
	$(TEST_ENV) $(BIN)/shireito makemigrations --check --dry-run

test-sqlite: install
	@$(MAKE) --no-print-directory suite-sqlite

# The suites without the install step, so that two can run at once (scripts/run-test-suites).
suite-sqlite:
	$(TEST_ENV) $(BIN)/pytest

test-postgresql: install
	@$(MAKE) --no-print-directory suite-postgresql

suite-postgresql:
	@if $(BIN)/python scripts/db-reachable "$(SHIREITO_TEST_DATABASE_URL)"; then \
		echo "== PostgreSQL run ($(SHIREITO_TEST_DATABASE_URL)); browser tests ran on SQLite =="; \
		$(TEST_ENV) SHIREITO_DATABASE_URL="$(SHIREITO_TEST_DATABASE_URL)" $(BIN)/pytest -m "not e2e"; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(SHIREITO_TEST_DATABASE_URL) is not reachable" >&2; exit 1; \
	else \
		echo "WARNING: PostgreSQL at $(SHIREITO_TEST_DATABASE_URL) is not reachable: PostgreSQL run skipped" >&2; \
	fi

test: install
	scripts/ensure-test-services
	$(MAKE) lint migrations-check
	$(BIN)/python scripts/run-test-suites

messages: install
	cd src/shireito && ../../$(BIN)/shireito makemessages --locale ja --no-obsolete --no-location --ignore 'static/*'
	$(MAKE) translations

# Every script in bench/ (but taxii.py) on SQLite, then on PostgreSQL at 127.0.0.1:5432 when it
# answers (SHIREITO_BENCH_POSTGRESQL_URL names another): one table, kept in docs/benchmarks.md.
# BENCH_ARGS=--quick for small sizes, BENCH_ARGS="--only dashboard" for one script.
bench: install
	$(BIN)/python bench/run.py --write docs/benchmarks.md $(BENCH_ARGS)

# Our TAXII server beside medallion 3.0.0 (installed from PyPI into var/bench-taxii on first
# use), then our page time at 1,000,000 objects: several minutes, so not part of `make bench`.
bench-taxii: install
	$(BIN)/python bench/taxii.py

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
