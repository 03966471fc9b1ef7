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

# Tests run with DEBUG off, so the settings ask for what production asks for (see README).
test: export SECRET_KEY ?= test-only-secret-key-long-enough-for-the-production-check
test: export PUBLIC_BASE_URL ?= https://bantar.test
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: export SECRET_KEY ?= test-only-secret-key
check: $(STAMP)
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py check

# --- Backup and restore (README "Backup and restore") --------------------------------
# make backup: database + stored PDFs into BACKUP_DIR (default ./backups), keeping the
# newest 30 of each, then re-hash every stored PDF (non-zero exit if one is missing or
# changed). Uses the same environment as the portal (DATABASE_URL, MEDIA_ROOT, ...).
.PHONY: backup check-files
backup: $(STAMP)
	$(PY) manage.py dbbackup --noinput --clean
	$(PY) manage.py mediabackup --noinput --clean
	$(PY) manage.py check_stored_files

check-files: $(STAMP)
	$(PY) manage.py check_stored_files

# --- Benchmarks (issue 10; benchmarks/README.md) -----------------------------------------
# make bench: city-scale data in a PostgreSQL database created for the run and dropped
# after it; one table of every heavy path beside its floor. Gunicorn on 127.0.0.1:8113.
# BENCH_SCALE=0.1 for a quick look (goals hold at scale 1 only).
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432
.PHONY: bench
bench: $(STAMP)
	BENCH_POSTGRES=$(BENCH_POSTGRES) $(PY) benchmarks/bench.py

# --- Mutation testing (issue 12; README "Mutation testing") ------------------------------
# make mutate: mutmut 3 mutates the rule code ([tool.mutmut] in pyproject.toml) in a copy
# under mutants/ and runs the tests that reach each mutant; then lists the survivors. Each
# survivor is killed by a new test or explained in docs/mutants.md. The database tests run
# on copies of one SQLite test database migrated here first (BANTAR_MUTATE_DB_TEMPLATE,
# tests/conftest.py), so a mutant costs its tests, not a migration.
# MUTATE_FUNCTIONS: the rule functions mutated (mutmut's names, `module.x*Class*method`);
# the rest of those files is generated but not run, so a run stays bounded (docs/mutants.md
# "Latest run": 29 min on the loaded shared machine, the lock's tests the largest part).
MUTMUT ?= $(VENV)/bin/mutmut
MUTATE_DB := $(CURDIR)/mutants/test-db.sqlite3
MUTATE_FUNCTIONS ?= \
	'awards.terbilang.*' \
	'assessments.recap.x*RecapRow*check_pass_rule__mutmut_*' \
	'assessments.recap.x__at_least__mutmut_*' \
	'assessments.recap.x_reaches_pct__mutmut_*' \
	'assessments.recap.x_to_decimal__mutmut_*' \
	'rt_registry.models.x_size_category_for__mutmut_*' \
	'rt_registry.models.x*RT*size_category__mutmut_*' \
	'rt_registry.models.x*ScopedQuerySet*visible_to__mutmut_*' \
	'rt_registry.admin_scope.x_scoped__mutmut_*' \
	'rt_registry.admin_scope.x_scoped_queryset__mutmut_*' \
	'rt_registry.admin_scope.x*ScopedAdminMixin*formfield_for_foreignkey__mutmut_*' \
	'rt_registry.admin_scope.x*ScopedAdminMixin*in_scope__mutmut_*' \
	'rt_registry.admin_scope.x*ScopedAdminMixin*has_*_permission__mutmut_*' \
	'rt_registry.admin_scope.x*ScopedAdminMixin*save_model__mutmut_*' \
	'rt_registry.admin_scope.x*ScopedAdminMixin*delete_queryset__mutmut_*' \
	'rt_registry.admin_scope.x*ScopedRelatedFilter*choice_queryset__mutmut_*' \
	'assessments.models.x*Cycle*ensure_editable__mutmut_*' \
	'assessments.models.x*Cycle*is_open_for__mutmut_*' \
	'awards.models.x*Award*ensure_lock_allows_save__mutmut_*' \
	'awards.models.x*Decree*ensure_final_unchanged__mutmut_*' \
	'assessments.scoring.x__validate_sheet__mutmut_*' \
	'rt_registry.resources.x_whole_number__mutmut_*' \
	'rt_registry.spreadsheets.x_check_upload__mutmut_*' \
	'rt_registry.spreadsheets.x_too_many_columns__mutmut_*'
.PHONY: mutate
mutate: export SECRET_KEY ?= test-only-secret-key-long-enough-for-the-production-check
mutate: export PUBLIC_BASE_URL ?= https://bantar.test
mutate: export HYPOTHESIS_PROFILE = mutate
mutate: $(STAMP)
	test -x $(VENV)/bin/mutmut || test "$(MUTMUT)" != "$(VENV)/bin/mutmut" || \
	  $(PY) -m pip install --quiet -e ".[test,mutate]"
	mkdir -p mutants && rm -f $(MUTATE_DB)
	env -u DATABASE_URL DATABASE_URL=sqlite:///$(MUTATE_DB) $(PY) manage.py migrate --noinput -v0
	env -u DATABASE_URL BANTAR_MUTATE_DB_TEMPLATE=$(MUTATE_DB) \
	  $(MUTMUT) run --max-children 2 $(MUTATE_FUNCTIONS)
	$(MUTMUT) results
