# One command each: `make run` (set up + run against the live service), `make test`, `make demo`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= data

export GX_ANALYTICS_ENABLED := false

.PHONY: setup run demo test lint bench-smoke clean superset-setup chromium dashboard dashboard-stop dashboard-screenshot

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

run: setup
	$(PY) -m pipeline run --data-dir $(DATA_DIR)

demo: setup
	$(PY) -m replay demo --data-dir demo-data

test: setup superset-setup chromium  # the dashboard tests need Superset's venv and headless Chromium
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .

# Every benchmark at a smoke size (about a minute): CI runs them so that none breaks unseen.
bench-smoke: setup
	$(PY) bench/harvest.py --ek 50 --tk 10
	$(PY) bench/parse.py --pages 12 --batch 2 --repeats 1
	$(PY) bench/publish.py --papers 100
	$(PY) bench/backfill.py --papers 10 --history 60 --per-year 30

clean:
	rm -rf demo-data .pytest_cache

# Dashboards (README "Dashboards"): Superset in its own venv, its state in .superset/ (both git-ignored).
SUPERSET_VENV := .venv-superset
SUPERSET_PORT ?= 8088
DASHBOARD_DB ?= eerstekamer_demo

$(SUPERSET_VENV)/.installed: bi/requirements-superset.txt
	test -x $(SUPERSET_VENV)/bin/python || $(PYTHON) -m venv $(SUPERSET_VENV) || python3 -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SUPERSET_VENV)/bin/python -m pip install --quiet -r bi/requirements-superset.txt
	touch $@

superset-setup: $(SUPERSET_VENV)/.installed

# Headless Chromium and its driver (Debian packages) for the dashboard screenshots; needs root.
chromium:
	test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# The demo published to the local PostgreSQL (database $(DASHBOARD_DB)), Superset on 127.0.0.1:$(SUPERSET_PORT).
dashboard: setup superset-setup
	bi/dashboard.sh start

dashboard-stop:
	bi/dashboard.sh stop

dashboard-screenshot: chromium
	bi/dashboard.sh screenshot docs/dashboard.png
