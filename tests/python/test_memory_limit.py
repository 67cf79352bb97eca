"""DuckDB's memory limit: half the machine's by default, SEGMENTS_DUCKDB_MEMORY_LIMIT otherwise,
checked before anything runs (macros/engine/memory_limit.sql, an on-run-start hook).

Each run loads one small seed beside a one-row CRM file: the hooks run before any node, and the
limit they set is the one the run's models get.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dbt_harness import run_dbt

UNITS = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "KB": 1e3, "MB": 1e6, "GB": 1e9}


def _bytes(size: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+) ?([KMGT]i?B)", size.strip()).groups()
    return float(number) * UNITS[unit]


def _seed(folder: Path, env: dict[str, str] | None = None):
    # the hooks before it check that the one required raw table is there
    (folder / "raw").mkdir()
    customers = {"customer_id": ["c1"], "first_name": ["Ann"], "email": ["ann@example.org"]}
    pq.write_table(pa.table(customers), folder / "raw" / "crm_customers.parquet")
    return run_dbt(
        folder,
        ["seed", "--select", "label_map"],
        str(folder / "raw" / "{source}_{table}.parquet"),
        extra_env=env,
    )


def _limit_in_log(output: str) -> tuple[str, str]:
    (line,) = [x for x in output.splitlines() if "DuckDB memory limit: " in x]
    size, why = re.search(r"DuckDB memory limit: (\S+) \((.*)\)$", line).groups()
    return size, why


def test_the_default_limit_is_half_the_machine(tmp_path: Path) -> None:
    run = _seed(tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    size, why = _limit_in_log(run.output)
    assert why.startswith("half of this machine's memory")
    # DuckDB's own default is 80% of the machine; half the machine is 5/8 of it
    with duckdb.connect() as con:
        duckdb_default = _bytes(con.execute("select current_setting('memory_limit')").fetchone()[0])
    assert _bytes(size) == pytest.approx(duckdb_default * 5 / 8, rel=0.01)


def test_the_environment_sets_another_limit(tmp_path: Path) -> None:
    run = _seed(tmp_path, {"SEGMENTS_DUCKDB_MEMORY_LIMIT": "3GiB"})
    assert run.returncode == 0, run.output[-3000:]
    assert _limit_in_log(run.output) == ("3GiB", "SEGMENTS_DUCKDB_MEMORY_LIMIT")


@pytest.mark.parametrize("value", ["lots", "50%", "6GiB'; drop table x; --"])
def test_a_limit_that_is_not_a_size_stops_the_run(tmp_path: Path, value: str) -> None:
    run = _seed(tmp_path, {"SEGMENTS_DUCKDB_MEMORY_LIMIT": value})
    assert run.returncode != 0
    assert "SEGMENTS_DUCKDB_MEMORY_LIMIT must be a size such as '6GiB'" in run.output
    assert "OK loaded seed file" not in run.output
