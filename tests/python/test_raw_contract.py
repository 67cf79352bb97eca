"""The raw data contract: what a user may point the project at, and the errors otherwise."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from dbt_harness import run_dbt

CUSTOMERS = {
    "customer_id": ["c1", "c2", "c3"],
    "first_name": ["Ann", "Bob", "Cy"],
    "last_name": ["Lee", "Ng", "Ox"],
    "created_at": ["2024-01-01 00:00:00"] * 3,
}


def _raw_folder(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    return raw


def test_crm_customers_alone_builds_with_the_other_sources_empty(tmp_path: Path) -> None:
    """Only CRM customers is required; a customers file without emails or phones is normal."""
    raw = _raw_folder(tmp_path)
    pq.write_table(pa.table(CUSTOMERS), raw / "crm_customers.parquet")
    run = run_dbt(tmp_path / "dbt", ["build"], str(raw / "{source}_{table}.parquet"))
    assert run.returncode == 0, run.output[-4000:]
    assert "web.events: absent, read as empty" in run.output
    with run.connect() as con:
        assert con.execute("select count(*) from staging.stg_crm__customers").fetchone()[0] == 3
        assert con.execute("select count(*) from staging.stg_web__events").fetchone()[0] == 0
        assert con.execute("select count(email) from staging.stg_crm__customers").fetchone()[0] == 0


def test_missing_required_column_names_source_and_column(tmp_path: Path) -> None:
    raw = _raw_folder(tmp_path)
    pq.write_table(pa.table(CUSTOMERS), raw / "crm_customers.parquet")
    pq.write_table(
        pa.table({"order_id": ["o1"], "customer_id": ["c1"], "amount": ["1.0"]}),
        raw / "crm_orders.parquet",
    )
    run = run_dbt(tmp_path / "dbt", ["build"], str(raw / "{source}_{table}.parquet"))
    assert run.returncode != 0
    assert "Raw table crm.orders" in run.output
    assert "lacks required column(s): ordered_at" in run.output


def test_column_that_changed_to_a_nested_type_names_source_column_and_type(
    tmp_path: Path,
) -> None:
    """An export whose column turned into a struct is not text any more: a clear error, not a
    quarantine of every row."""
    raw = _raw_folder(tmp_path)
    pq.write_table(pa.table(CUSTOMERS), raw / "crm_customers.parquet")
    orders = {
        "order_id": ["o1"],
        "customer_id": ["c1"],
        "ordered_at": ["2024-02-01 10:00:00"],
        "amount": [{"value": 12.5, "currency": "AUD"}],
    }
    pq.write_table(pa.table(orders), raw / "crm_orders.parquet")
    run = run_dbt(tmp_path / "dbt", ["build"], str(raw / "{source}_{table}.parquet"))
    assert run.returncode != 0
    assert "Raw table crm.orders" in run.output
    assert "column amount has type STRUCT" in run.output


def test_added_columns_and_other_scalar_types_are_tolerated(tmp_path: Path) -> None:
    """A new column is ignored, and a column delivered as a number instead of text is read as
    text and parsed as usual."""
    raw = _raw_folder(tmp_path)
    pq.write_table(
        pa.table({**CUSTOMERS, "loyalty_tier": ["gold", "silver", "bronze"]}),
        raw / "crm_customers.parquet",
    )
    orders = {
        "order_id": ["o1", "o2"],
        "customer_id": ["c1", "c2"],
        "ordered_at": ["2024-02-01 10:00:00", "2024-02-02 11:00:00"],
        "amount": [12.5, 30.0],
        "coupon_code": ["X1", None],
    }
    pq.write_table(pa.table(orders), raw / "crm_orders.parquet")
    run = run_dbt(
        tmp_path / "dbt",
        ["build", "--select", "+path:models/staging/crm"],
        str(raw / "{source}_{table}.parquet"),
    )
    assert run.returncode == 0, run.output[-4000:]
    with run.connect() as con:
        amounts = con.execute("select count(*) from staging.stg_crm__orders").fetchone()[0]
    assert amounts == 2


def test_missing_required_table_is_a_clear_error(tmp_path: Path) -> None:
    raw = _raw_folder(tmp_path)
    run = run_dbt(tmp_path / "dbt", ["build"], str(raw / "{source}_{table}.parquet"))
    assert run.returncode != 0
    assert "Raw table crm.customers is required but nothing was found" in run.output


def test_columns_match_case_insensitively_and_csv_is_read(tmp_path: Path) -> None:
    """Column names match whatever their case; a CSV location is read as text."""
    raw = _raw_folder(tmp_path)
    pacsv.write_csv(
        pa.table({name.upper(): values for name, values in CUSTOMERS.items()}),
        raw / "customers_export.csv",
    )
    run = run_dbt(
        tmp_path / "dbt",
        [
            "build",
            "--select",
            "+base_crm__customers+",
            "--exclude",
            "int_identity__records+",
            "int_features__as_of+",
            "stg_quarantine_summary",
            "stg_quarantine_reasons",
            "int_sources__presence+",
        ],
        str(raw / "{source}_{table}.parquet"),
        {"raw_locations": {"crm.customers": str(raw / "customers_export.csv")}},
    )
    assert run.returncode == 0, run.output[-4000:]
    with run.connect() as con:
        names = con.execute(
            "select first_name from staging.stg_crm__customers order by customer_id"
        ).fetchall()
    assert names == [("Ann",), ("Bob",), ("Cy",)]
