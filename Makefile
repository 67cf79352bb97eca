# The two commands of the README:
#   make demo   install, generate the demo data, dbt build on DuckDB, print a summary
#   make test   install, then every check: ruff, sqlfluff, pytest (which runs dbt build
#               with every dbt test on small generated data, and the hostile-input builds)
# Both create the virtual environment themselves; nothing else needs to be installed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_CUSTOMERS ?= 50000
SEED ?= 42

export DBT_PROFILES_DIR := $(CURDIR)
export SEGMENTS_RAW_LOCATION ?= $(CURDIR)/data/raw/{source}_{table}.parquet

.PHONY: demo test install lint pytest data build benchmark clean

demo: install data build
	@$(BIN)/python -m open_segments.report

test: install lint pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

data: install
	$(BIN)/python -m open_segments.datagen --customers $(DEMO_CUSTOMERS) --seed $(SEED) --out data/raw

build: install
	@mkdir -p warehouse
	$(BIN)/dbt build --quiet

lint: install
	$(BIN)/ruff check src python_models tests/python
	$(BIN)/ruff format --check src python_models tests/python
	$(BIN)/sqlfluff lint models tests/staging tests/identity tests/privacy --processes 2

pytest: install
	$(BIN)/pytest

benchmark: install
	$(BIN)/python -m open_segments.benchmark --customers $(DEMO_CUSTOMERS)

clean:
	rm -rf target logs warehouse data .pytest_cache
