"""Test-session settings shared by every module.

The suite runs on two pytest-xdist workers, a file per worker at a time (`--dist loadfile`, set in
pyproject.toml). Most time goes into a few modules that build the dbt project end to end; they are
collected first, so each worker starts on a long one and the short ones fill the gaps after.

Builds take disk: a module's warehouses, copies and Spark folders come to 50-130 MB, about 1.6 GB
for the whole suite. Each module's folders are removed when all its tests have passed, and a
passing test's `tmp_path` as soon as it ends (`tmp_path_retention_policy` in pyproject.toml), so a
run holds at most about 0.5 GB at a time and a green run leaves nothing behind. A failing module
keeps its folders to look into (test_harness.py checks both).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from open_segments.ml.tables import THREADS_ENV, available_cores
from open_segments_lab.dbt_launcher import PARSE_CACHE_ENV

# Slowest first (minutes in CI): the Spark build and cross-engine check, the point-in-time and
# kill/rerun builds, the demo-sized build with the browser checks, the ML accuracy build.
LONG_MODULES = (
    "test_spark.py",
    "test_features.py",
    "test_dbt_build.py",
    "test_ml_accuracy.py",
    "test_privacy.py",
    "test_incremental.py",
    "test_publish.py",
    "test_custom_segment.py",
)


# Modules that build the whole project, or resolve identity on thousands of generated customers:
# the `slow` marker, which `make test-fast` leaves out (`-m "not slow"`). `make test` and .ci/run
# select no marker, so they run every test.
SLOW_MODULES = {
    *LONG_MODULES,
    "test_ml_gates.py",
    "test_bring_your_own_data.py",
    "test_raw_contract.py",
    "test_staging_hostile.py",
    "test_thin_data.py",
    "test_time_sanity.py",
    "test_identity.py",
    "test_identity_source_mix.py",
    "test_identity_peer.py",
    "test_datagen_hard.py",
    "test_connected_components.py",
}


# First, so that `-m "not slow"` (deselection by marker, a hook of pytest's own) sees the marker.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONG_MODULES.index(name) if name in LONG_MODULES else len(LONG_MODULES)

    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
    items.sort(key=rank)  # stable: tests keep their order within a module


@pytest.fixture(scope="session", autouse=True)
def _one_saved_parse_per_set_of_vars(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Each dbt run parses the project (about 10 s) unless its target folder holds a parse saved
    # under the same vars (open_segments_lab.dbt_launcher). The suite's runs share those parses:
    # in the base folder of the whole run, which both xdist workers' folders are inside.
    base = tmp_path_factory.getbasetemp()
    root = base.parent if hasattr(request.config, "workerinput") else base
    os.environ.setdefault(PARSE_CACHE_ENV, str(root / "dbt-parse-cache"))


@pytest.fixture(scope="module", autouse=True)
def _remove_the_modules_folders_once_it_passes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    # A worker runs one module at a time (--dist loadfile), so the folders that appear in its
    # base folder while a module runs are that module's. Autouse fixtures are set up first and
    # torn down last: the module's own fixtures have closed their warehouses by then.
    base = tmp_path_factory.getbasetemp()
    before = set(base.iterdir())
    failures_before = request.session.testsfailed
    yield
    if request.session.testsfailed == failures_before:
        for folder in sorted(set(base.iterdir()) - before):
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _ml_threads_shared_by_the_workers() -> None:
    # Each xdist worker runs its own dbt builds, so the dbt Python models of two builds run at
    # once. Their OpenMP pools, each sized to every core by default, then oversubscribe the cores,
    # and OpenMP threads that wait for a busy core spin: the ML models of two concurrent builds
    # took several times longer (docs/measurements.md, session 31).
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    os.environ.setdefault(THREADS_ENV, str(max(1, available_cores() // workers)))
