# Two commands for a newcomer: `make run` (set up and serve) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint migrate charger demo worker clean sauvegarde restauration bench grappe fournisseur-oidc territoires-donnees

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# The real OpenID Connect provider of the ProConnect browser tests (node-oidc-provider, pinned
# by tests/oidc/fournisseur/package-lock.json), installed from the npm registry.
FOURNISSEUR_OIDC := tests/oidc/fournisseur
$(FOURNISSEUR_OIDC)/node_modules/.package-lock.json: $(FOURNISSEUR_OIDC)/package-lock.json
	cd $(FOURNISSEUR_OIDC) && npm ci --no-audit --no-fund --loglevel=error

fournisseur-oidc: $(FOURNISSEUR_OIDC)/node_modules/.package-lock.json

# The commune → EPCI → département table of the territory pages (issue 18), regenerated from
# the npm package @etalab/decoupage-administratif pinned by tools/decoupage/package-lock.json
# into territoires/donnees/hauts-de-france.json (committed: the portal never reads the package
# nor fetches anything at run time). Bump the package's version there for a new year's geography.
territoires-donnees: install
	cd tools/decoupage && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python manage.py territoires_donnees

# Serve the portal with the real contract loaded. Without DATABASE_URL it runs on an embedded
# SQLite file and Celery runs tasks eagerly; with DATABASE_URL and CELERY_BROKER_URL it uses
# PostgreSQL and Redis and starts a Celery worker (with beat, for the periodic sweep of stuck
# report jobs) beside the server.
run: export DEBUG ?= 1
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py charger_cper
	$(BIN)/python manage.py creer_comptes_demo
	@if [ "$(DEMO)" = "1" ]; then $(BIN)/python manage.py charger_demo; \
	else echo "Scénario de démonstration fictif (dossiers, séances, engagements) : make run DEMO=1, ou make demo"; fi
	@echo "Portail : http://$(HOST):$(PORT)/   API : http://$(HOST):$(PORT)/api/docs/"
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
	  echo "Worker Celery (files celery et pdf, avec beat) démarré sur $$CELERY_BROKER_URL"; \
	  $(BIN)/celery -A cper worker -B -Q celery,pdf --loglevel=INFO --concurrency=2 \
	    --schedule=var/celerybeat-schedule & \
	  trap 'kill %1 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	else \
	  echo "Sans CELERY_BROKER_URL : les tâches s'exécutent immédiatement (mode intégré)."; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT); \
	fi

# Lint, migration check, then the whole suite on PostgreSQL and Redis, browser tests included
# (Chromium at /usr/bin/chromium; screenshots under test-artefacts/e2e/).
test: export DJANGO_SETTINGS_MODULE = cper.settings_test
test: install
	bash tools/paquets-systeme
	$(MAKE) --no-print-directory fournisseur-oidc
	$(MAKE) --no-print-directory lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# The benchmark of issues 9 and 14: generates (or reuses) cper_bench_petit, cper_bench_2000 and
# cper_bench on the PostgreSQL of BENCH_PG, serves the large one with gunicorn (2 workers) on a
# free loopback port, measures, writes outillage/bench/results.json and resultats.md and prints
# the table. `make bench TAILLE=100000` also builds a base of that size for the growth section.
bench: install
	TAILLE="$(TAILLE)" $(BIN)/python -m outillage.bench.mesurer

# The portal as a cluster on this machine's loopback (issue 20, deploiement/README.md): nginx in
# front of two gunicorn nodes, two Celery workers (queues celery and pdf) and beat, Redis as
# broker and shared cache, a PostgreSQL primary and its streaming replica, all under one
# temporary directory. Serves until Ctrl-C, then stops everything and removes the directory.
grappe: install
	$(BIN)/python -m deploiement.grappe

# Style and structure: ruff (with McCabe complexity at 10 on domain code), mypy (strict on the
# modules that carry the rules), import-linter (the floors), djlint (templates).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/djlint templates --lint

# Backup of the PostgreSQL database of DATABASE_URL (pg_dump -Fc) under var/sauvegardes/, and
# its restore into an EMPTY database: `createdb cper_restauree` then
# `make restauration FICHIER=var/sauvegardes/cper-….dump BASE=cper_restauree`.
sauvegarde: install
	$(BIN)/python manage.py sauvegarder

restauration: install
	@test -n "$(FICHIER)" || (echo "Usage : make restauration FICHIER=… [BASE=…]" && exit 2)
	$(BIN)/python manage.py restaurer "$(FICHIER)" $(if $(BASE),--base "$(BASE)")

clean:
	rm -rf var staticfiles .pytest_cache test-artefacts

# A fictitious demonstration scenario on the embedded default (never on a production instance).
demo: export DEBUG ?= 1
demo: install
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py charger_cper
	$(BIN)/python manage.py charger_demo
