# Medical-insurance fund supervision case management — developer commands.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/casework_test
HOST ?= 127.0.0.1
PORT ?= 8000
# libharfbuzz-subset0 lets weasyprint subset the CJK fonts itself (smaller, faster PDFs).
# chromium: the browser the end-to-end tests drive (Playwright is pointed at /usr/bin/chromium).
SYSTEM_PACKAGES := fonts-noto-cjk gettext poppler-utils libharfbuzz-subset0 chromium

.DEFAULT_GOAL := help
.PHONY: help demo test test-pg e2e lint bench load messages system install serve clean

help:  ## List targets
	@grep -E '^[a-z-]+:.*##' Makefile | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

system:  ## Install the system packages (CJK fonts for PDFs, gettext, poppler) when missing
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install as root: apt-get install$$missing" >&2; exit 1; fi; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[test]"
	touch $@

install: system $(VENV)/.installed  ## Create .venv and install the project with its test tools

demo: install  ## Fresh database, demo data, ASGI server on 127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py demo_data --base-url http://$(HOST):$(PORT)
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop); deadline reminders every 5 minutes"
	REMINDER_INTERVAL=300 $(VENV)/bin/uvicorn config.asgi:application --host $(HOST) --port $(PORT)

serve: install  ## Start the ASGI server on the existing database
	REMINDER_INTERVAL=300 $(VENV)/bin/uvicorn config.asgi:application --host $(HOST) --port $(PORT)

test: install  ## Run the whole test suite (SQLite, 2 workers)
	$(PY) -m pytest -n 2 -q

test-pg: install  ## Run the whole test suite on the local PostgreSQL
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -n 2 -q

e2e: install  ## Browser end-to-end scenarios (chromium + Playwright); screenshots in var/e2e-artifacts/
	$(PY) -m pytest tests/e2e -m e2e -p no:xdist -q

lint: install  ## ruff, Django checks, and translations compiled from their sources
	$(VENV)/bin/ruff check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

bench: install  ## Seed PostgreSQL at realistic volume and print list, triage and hit-ingestion timings
	$(PY) benchmarks/bench_lists.py
	$(PY) benchmarks/bench_ingest.py
	$(PY) benchmarks/bench_penalty.py
	$(PY) benchmarks/bench_ws.py
	$(PY) benchmarks/bench_referrals.py
	$(PY) benchmarks/bench_statistics.py

load: install  ## 200 users for 5 minutes on 3 workers (PostgreSQL + Redis), one worker killed; rows counted after
	$(PIP) install -q -e ".[test,load]"
	$(PY) benchmarks/load/run.py

messages: install  ## Extract and compile the zh_Hans catalog
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:  ## Remove the virtualenv and the demo database
	rm -rf $(VENV) db.sqlite3 staticfiles
