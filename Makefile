# thidua — the command index. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run serve test e2e lint fmt messages vendor system-deps bench check-deploy clean-db backup restore pg-client prod-check

help:
	@echo "make run     - set up everything and serve the demo at http://$(HOST):$(PORT)"
	@echo "make test    - run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make e2e     - only the browser journeys"
	@echo "make lint    - ruff check and format check;  make fmt - reformat"
	@echo "make messages - refresh and compile the vi/en translation catalogues"
	@echo "make vendor  - re-copy Bootstrap and htmx from npm into static/vendor"
	@echo "make bench   - benchmarks on a province-sized data set (DATABASE_URL=postgres://... or var/bench.sqlite3)"
	@echo "make backup  - archive the database and uploaded files into var/backups/thidua-YYYYmmdd-HHMMSS.tar.gz"
	@echo "make restore FILE=var/backups/thidua-....tar.gz [FORCE=1] - restore an archive into an empty database"
	@echo "make prod-check - gunicorn with production settings on loopback against PostgreSQL (throwaway database)"

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Debian packages the app and its tests need: fonts with Vietnamese glyphs, WeasyPrint's
# libraries, poppler (pdftotext/pdftoppm) and chromium for the browser tests.
SYSTEM_PACKAGES := chromium poppler-utils fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 gettext
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

var:
	@mkdir -p var

# A development .env (DEBUG on) so that `manage.py` works by hand too; never overwrites one.
.env:
	cp .env.example .env

# The task worker (long documents: django-tasks-db's `db_worker`, the command deploy/systemd/thidua-worker.service
# runs) starts in the background beside the server and is stopped when the server stops (Ctrl-C or exit).
run: $(VENV)/.installed var .env
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo --if-empty
	@echo "thidua: http://$(HOST):$(PORT)  (demo logins: see README.md)"
	@DEBUG=true $(PY) manage.py db_worker --queue-name='*' --interval=2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	echo "task worker: manage.py db_worker (pid $$worker)"; \
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# Two workers by default (the machines have two cores); JOBS=1 runs serially.
JOBS ?= 2
test: $(VENV)/.dev-installed system-deps var .env
	$(VENV)/bin/pytest -n $(JOBS) $(PYTEST_ARGS)

e2e: $(VENV)/.dev-installed system-deps
	$(VENV)/bin/pytest -m e2e $(PYTEST_ARGS)

# Benchmarks at province scale (issue 7): DATABASE_URL (PostgreSQL) or var/bench.sqlite3 -- a database of
# its own, migrated and filled by `manage.py seed_scale` when empty; results in bench/results.json.
# BENCH_ARGS: e.g. "--rounds 50 --clients 16 --seconds 30", or "--no-load".
bench: $(VENV)/.dev-installed system-deps var
	$(PY) -m bench.run $(BENCH_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.installed
	scripts/messages

vendor:
	npm install --no-audit --no-fund --prefix var/npm bootstrap@$$(node -p "require('./package.json').dependencies.bootstrap") htmx.org@$$(node -p "require('./package.json').dependencies['htmx.org']")
	cp var/npm/node_modules/bootstrap/dist/css/bootstrap.min.css* var/npm/node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* var/npm/node_modules/bootstrap/LICENSE static/vendor/bootstrap/
	cp var/npm/node_modules/htmx.org/dist/htmx.min.js var/npm/node_modules/htmx.org/LICENSE static/vendor/htmx/

check-deploy: $(VENV)/.installed
	DEBUG=false SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	  ALLOWED_HOSTS=thidua.example.gov.vn $(PY) manage.py check --deploy --fail-level WARNING

# Backups (accounts/backup.py, docs/deploy.md): PostgreSQL through pg_dump/pg_restore, SQLite through its backup
# API; the uploaded files (MEDIA_ROOT) go into the same archive. The PostgreSQL client tools are installed
# with apt-get when the configured database is PostgreSQL and they are missing.
pg-client:
	@url="$${DATABASE_URL:-$$(sed -n 's/^DATABASE_URL=//p' .env 2>/dev/null | tr -d "\"'")}"; \
	case "$$url" in postgres*) \
	  if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null || ! command -v psql >/dev/null; then \
	    echo "Installing system packages: postgresql-client"; \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-client >/dev/null; \
	  fi;; \
	esac

backup: $(VENV)/.installed var pg-client
	$(PY) manage.py backup $(if $(DIR),--dir "$(DIR)") $(if $(KEEP),--keep $(KEEP))

restore: $(VENV)/.installed pg-client
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/thidua-YYYYmmdd-HHMMSS.tar.gz [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(filter 1 true yes,$(FORCE)),--force)

# Production settings, real gunicorn, PostgreSQL: see scripts/prod-check.
prod-check: $(VENV)/.installed pg-client
	$(PY) scripts/prod-check
