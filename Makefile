# One command each: `make run` (set up + run against the live service), `make test`, `make demo`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= data

export GX_ANALYTICS_ENABLED := false

.PHONY: setup run demo test lint clean

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

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf demo-data .pytest_cache
