"""The test harness itself: the suite's builds take about 1.6 GB, so a test file's folders must go
once it passes (tests/python/conftest.py), and stay to be looked into when it fails."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

A_MODULE_THAT_BUILDS = """
import os

import pytest


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("{name}_build")
    (folder / "warehouse.duckdb").write_bytes(b"0" * 1024)
    return folder


def test_reads_the_build(build, tmp_path):
    (tmp_path / "copy").write_bytes((build / "warehouse.duckdb").read_bytes())
    assert {outcome}
"""


def test_a_files_folders_go_once_it_passes_and_stay_when_it_fails(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(Path(__file__).with_name("conftest.py").read_text())
    pytester.makepyfile(
        test_passing=A_MODULE_THAT_BUILDS.format(name="passing", outcome="True"),
        test_failing=A_MODULE_THAT_BUILDS.format(name="failing", outcome="False"),
    )
    basetemp = pytester.path / "basetemp"
    result = pytester.runpytest_subprocess(
        "-p", "no:xdist", "-p", "no:cacheprovider", f"--basetemp={basetemp}"
    )
    result.assert_outcomes(passed=1, failed=1)
    # pytest also links "<name>current" to each newest folder; those links are not folders.
    left = sorted(path.name for path in basetemp.iterdir() if not path.is_symlink())
    # test_failing.py runs first, so its test's folder is the first of that name
    assert left == ["failing_build0", "test_reads_the_build0"]
    assert (basetemp / "failing_build0" / "warehouse.duckdb").stat().st_size == 1024
