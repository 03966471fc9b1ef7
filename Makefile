# The two commands of the README:
#   make run    install into .venv, migrate, load demo data, start the worker, serve :8000
#   make test   the whole test suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install migrate seed worker lint check

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: export DEBUG ?= 1
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Portal: http://127.0.0.1:8000  (login demo: lihat README.md)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py bantar_worker --queue-name default --no-reload & \
	  $(PY) manage.py runserver 127.0.0.1:8000

test: export SECRET_KEY ?= test-only-secret-key
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: export SECRET_KEY ?= test-only-secret-key
check: $(STAMP)
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py check
