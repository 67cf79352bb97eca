"""Test-session settings shared by every module.

The suite runs on two pytest-xdist workers, a file per worker at a time (`--dist loadfile`, set in
pyproject.toml). Most time goes into a few modules that build the dbt project end to end; they are
collected first, so each worker starts on a long one and the short ones fill the gaps after.
"""

from __future__ import annotations

import pytest

# Slowest first (minutes in CI): the Spark build and cross-engine check, the point-in-time and
# kill/rerun builds, the demo-sized build with the browser checks, the ML accuracy build.
LONG_MODULES = (
    "test_spark.py",
    "test_features.py",
    "test_dbt_build.py",
    "test_ml_accuracy.py",
    "test_privacy.py",
    "test_incremental.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONG_MODULES.index(name) if name in LONG_MODULES else len(LONG_MODULES)

    items.sort(key=rank)  # stable: tests keep their order within a module
