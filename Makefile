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

.PHONY: run test install assets lint types unit pg browsers e2e messages compilemessages \
	check-messages clean demo-vectors bench-pages fuzz pdf-fonts

$(UV):
	@mkdir -p var
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	@touch $@

install: $(VENV)/.synced

# Front-end packages (H4): `npm ci` from package-lock.json, scripts off (no install-time
# downloads or telemetry); Django's finders collect the built files from node_modules.
node_modules/.jieli-assets: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.jieli-assets

compilemessages: install
	$(PY) -m jieli.core.i18n_tools compile

# gunicorn (2 workers x 4 threads, index loaded once before forking) plus supervised job
# workers for the user and bulk queues; see docs/deployment.md.
run: install assets compilemessages
	@# PDF reports and agendas need the CJK font; without it (not root) they answer a clear 503.
	-@bash scripts/pdf-fonts.sh
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py jieli_bootstrap
	$(PY) manage.py jieli_serve --host $(HOST) --port $(PORT)

# Encode the demo listings once and write jieli/demo/data/vectors-<encoder>.npz (keyed by text
# hash; needs the demo loaded, e.g. after `make run`). Slow: run when the demo content changes.
demo-vectors: install
	$(PY) manage.py jieli_demo_vectors build

# Server-side page latency (issue 7.5): LISTINGS=100000 for the large run.
LISTINGS ?= 0
bench-pages: install compilemessages
	$(VENV)/bin/jieli bench pages --listings $(LISTINGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports  # layer rules and no import cycles (pyproject [tool.importlinter])
	$(VENV)/bin/vulture --min-confidence 60  # dead code; pyproject [tool.vulture], vulture_whitelist.py

types: install
	$(VENV)/bin/mypy jieli

check-messages: install
	$(PY) -m jieli.core.i18n_tools check

# The CJK TrueType font PDFs embed and poppler (pdftotext/pdftoppm) for their tests: apt when missing.
pdf-fonts:
	@bash scripts/pdf-fonts.sh

unit: install assets compilemessages pdf-fonts
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -p no:cacheprovider

# The PostgreSQL leg: runs when a server answers on 127.0.0.1:5432; CI=true makes it mandatory.
pg: install compilemessages
	@bash .ci/postgres-leg

# The browser suite (e2e/): Debian's Chromium driven by Playwright against a real server on a
# scratch SQLite database. `browsers` installs chromium and fonts-noto-cjk with apt when missing.
browsers:
	@bash e2e/browsers.sh

e2e: install assets compilemessages browsers pdf-fonts
	$(VENV)/bin/pytest -c e2e/pytest.ini e2e

test: assets lint types check-messages unit pg e2e

# API fuzzing (helper H7): schemathesis against a throw-away live server on 127.0.0.1,
# bounded by FUZZ_SECONDS (default 300) and FUZZ_EXAMPLES per operation; .ci/run calls it.
fuzz: install compilemessages
	@bash scripts/fuzz.sh

messages: install
	$(PY) -m jieli.core.i18n_tools make

clean:
	rm -rf $(VENV) var/tools node_modules
