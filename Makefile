# Two commands: `make run` starts the app, `make test` runs the whole suite.
# Each creates .venv and installs what it needs; nothing is installed by hand.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test install system-deps a11y-deps bench clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

## Start the app on http://127.0.0.1:8501 (sample files are in sample_data/).
run: $(STAMP)
	$(VENV)/bin/streamlit run app.py

## Debian packages the tests use: chromium (browser test), LibreOffice (opens our reports).
system-deps:
	@bash scripts/system-deps.sh

## axe-core for the accessibility test, pinned in tests/a11y/package-lock.json (npm ci, no scripts run).
AXE := tests/a11y/node_modules/axe-core/axe.min.js
$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	npm ci --prefix tests/a11y --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(AXE)

a11y-deps: system-deps $(AXE)

## Run the whole suite: lint, then rules cases, unit, property, app, browser and accessibility tests.
test: $(STAMP) system-deps a11y-deps
	$(VENV)/bin/ruff check src tests app.py pages scripts benchmarks
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_batch.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis tests/a11y/node_modules
