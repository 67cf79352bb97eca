# The two commands of the README:
#   make demo   install, generate the demo data, dbt build on DuckDB, print a summary
#   make test   install (Debian's chromium too, when missing and run as root), then every
#               check: ruff, sqlfluff, pytest (which runs dbt build with every dbt test on small
#               generated data, the hostile-input builds, mf queries and the browser checks)
# Both create the virtual environment themselves; nothing else needs to be installed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_CUSTOMERS ?= 50000
SEED ?= 42

export DBT_PROFILES_DIR := $(CURDIR)
export SEGMENTS_RAW_LOCATION ?= $(CURDIR)/data/raw/{source}_{table}.parquet

.PHONY: demo test test-fast install browser lint pytest data build benchmark clean

demo: install data build
	@$(BIN)/python -m open_segments.report
	@$(BIN)/python -m open_segments.segment_report

test: install browser lint pytest

# Before every commit (a few minutes on 2 cores): ruff, and the pytest tests that need no long
# dbt build (those marked slow, in tests/python/conftest.py, are left out). `make test` runs all.
test-fast: install
	$(BIN)/ruff check src python_models tests/python
	$(BIN)/ruff format --check src python_models tests/python
	$(BIN)/pytest -m "not slow"

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# Debian's Chromium, for the tests that open the segment report and the docs site in a real
# headless browser. Installed when missing if this runs as root with apt-get (as CI does);
# otherwise those tests are skipped, saying why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium not found and not installable here: the browser tests will be skipped"; \
	  fi; }

data: install
	$(BIN)/python -m open_segments_lab.datagen --customers $(DEMO_CUSTOMERS) --seed $(SEED) --out data/raw

# The demo regenerates its raw data every time, which rewrites history rather than appending to
# it: build from scratch (--full-refresh), not incrementally on the previous demo's tables.
build: install
	@mkdir -p warehouse
	$(BIN)/dbt build --quiet --full-refresh

lint: install
	$(BIN)/ruff check src python_models tests/python
	$(BIN)/ruff format --check src python_models tests/python
	$(BIN)/sqlfluff lint models tests/staging tests/identity tests/privacy --processes 2
	$(BIN)/python -m open_segments_lab.portability

pytest: install
	$(BIN)/pytest

benchmark: install
	$(BIN)/python -m open_segments_lab.benchmark --customers $(DEMO_CUSTOMERS)

clean:
	rm -rf target logs warehouse data .pytest_cache
