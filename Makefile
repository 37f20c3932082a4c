# Two commands: `make run` and `make test`. Everything they need is installed from uv.lock.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.8
TOOLS := var/tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint types unit pg messages compilemessages check-messages clean

$(UV):
	@mkdir -p var
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	@touch $@

install: $(VENV)/.synced

compilemessages: install
	$(PY) -m jieli.core.i18n_tools compile

run: install compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py jieli_bootstrap
	$(PY) manage.py jieli_serve --host $(HOST) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports  # layer rules and no import cycles (pyproject [tool.importlinter])

types: install
	$(VENV)/bin/mypy jieli

check-messages: install
	$(PY) -m jieli.core.i18n_tools check

unit: install compilemessages
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -p no:cacheprovider

# The PostgreSQL leg: runs when a server answers on 127.0.0.1:5432; CI=true makes it mandatory.
pg: install compilemessages
	@bash .ci/postgres-leg

test: lint types check-messages unit pg

messages: install
	$(PY) -m jieli.core.i18n_tools make

clean:
	rm -rf $(VENV) var/tools
