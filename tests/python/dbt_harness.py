"""Run the dbt project as a user would, in a subprocess, against data in a temporary folder.

Each run gets its own warehouse file, target and log folders, so tests never share state with
each other or with a developer's `make demo` (open_segments_lab.dbt_launcher, the one launcher of
the lab and the tests).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb

from open_segments_lab.dbt_launcher import DBT, PROJECT_DIR, DbtInvocation
from open_segments_lab.dbt_launcher import dbt_invocation as launcher_invocation

__all__ = ["DBT", "PROJECT_DIR", "DbtInvocation", "DbtRun", "dbt_invocation", "mf_query", "run_dbt"]


@dataclass
class DbtRun:
    """The outcome of one dbt invocation."""

    returncode: int
    output: str
    warehouse: Path
    target_dir: Path

    def results(self) -> list[dict]:
        """The results of target/run_results.json for the nodes dbt builds: saved queries and
        exposures are listed too (status no-op), but nothing is built or tested for them."""
        results = json.loads((self.target_dir / "run_results.json").read_text())["results"]
        unbuilt = ("saved_query", "exposure")
        return [r for r in results if r["unique_id"].split(".")[0] not in unbuilt]

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.warehouse), read_only=True)


def run_dbt(
    workdir: Path,
    args: list[str],
    raw_location: str,
    extra_vars: dict | None = None,
    extra_env: dict[str, str] | None = None,
    unit_tests: bool = False,
    project_dir: Path = PROJECT_DIR,
) -> DbtRun:
    """Run `dbt <args>` with raw data at `raw_location`, a {source}/{table} pattern.

    A `dbt build` leaves the unit tests out unless `unit_tests` is true or the args say which
    resource types to exclude: unit tests check fixed rows, not the data a test builds, so they
    run once, in the demo build (test_dbt_build.py), instead of in each of the suite's builds.
    """
    if args[:1] == ["build"] and not unit_tests and "--exclude-resource-type" not in args:
        args = [*args, "--exclude-resource-type", "unit_test"]
    invocation = launcher_invocation(
        workdir, args, raw_location, extra_vars, extra_env, project_dir
    )
    completed = invocation.run()
    return DbtRun(
        completed.returncode,
        completed.stdout + completed.stderr,
        invocation.warehouse,
        invocation.target_dir,
    )


def dbt_invocation(*args, **kwargs) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of `dbt <args>` (the arguments of `launcher_invocation`)
    for a test that starts dbt itself, from any folder: the warehouse is named by its absolute
    path, so dbt parses the project in full (a `DbtInvocation`'s own `popen` and `run` reuse a
    saved parse)."""
    invocation = launcher_invocation(*args, **kwargs)
    # no saved parse: with the absolute path dbt would not use it
    invocation.target_dir.mkdir(parents=True, exist_ok=True)
    return invocation.command, {**invocation.env, "SEGMENTS_DUCKDB_PATH": str(invocation.warehouse)}


def mf_query(run: DbtRun, workdir: Path, metrics: list[str], group_by: list[str]) -> list[dict]:
    """Run `mf query` (MetricFlow) against the warehouse of `run` and return its rows.

    mf reads the semantic manifest from ./target of the folder it runs in, and opens the warehouse
    for writing: it runs in `workdir`, beside a link to the project file, the run's manifest and a
    copy of the warehouse, so neither the developer's target/ nor open connections are disturbed.
    """
    (workdir / "target").mkdir(parents=True)
    shutil.copy(run.target_dir / "semantic_manifest.json", workdir / "target")
    (workdir / "dbt_project.yml").symlink_to(PROJECT_DIR / "dbt_project.yml")
    warehouse = shutil.copy(run.warehouse, workdir / "warehouse.duckdb")
    out = workdir / "metrics.csv"
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "SEGMENTS_DUCKDB_PATH": str(warehouse),
    }
    command = [
        str(DBT.with_name("mf")), "query",
        "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(out),
    ]  # fmt: skip
    completed = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with out.open() as f:
        return list(csv.DictReader(f))
