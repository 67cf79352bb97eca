"""Exports shaped as real systems write them, mapped by configuration only.

The files here use the column names, date layouts and number formats of real CRM and shop exports
('Customer ID', 'E-mail', 'Order Date' as 12/31/2025 3:51 PM, '$1,234.56', '1.234,56 €'), and
the mapping layer (var raw_mappings) conforms them to the contract inside the contract views.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

from dbt_harness import PROJECT_DIR, run_dbt
from raw_exports import write_csv

EXAMPLE = PROJECT_DIR / "examples" / "crm_export"


def _contract(run, table: str) -> list[dict]:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        cursor = con.execute(f"select * from raw_contract.{table}")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_readme_example_is_the_shipped_vars_file() -> None:
    """The README's mapping example is examples/crm_export/vars.yml, character for character,
    so what the next test builds is what a user reads."""
    readme = (PROJECT_DIR / "README.md").read_text()
    block = re.search(r"```yaml\n(# A CRM export as the CRM wrote it.*?)```", readme, re.S)
    assert block, "README lost the examples/crm_export/vars.yml block"
    assert block.group(1) == (EXAMPLE / "vars.yml").read_text()


def test_readme_crm_export_builds_green_with_configuration_only(tmp_path: Path) -> None:
    """The README walk-through: renamed columns, US dates with AM/PM, '$1,234.56' amounts, no
    currency column, New York local times; `dbt build` with its vars file and nothing else."""
    settings = yaml.safe_load((EXAMPLE / "vars.yml").read_text())
    for table, location in settings["raw_locations"].items():
        settings["raw_locations"][table] = str(PROJECT_DIR / location)
    run = run_dbt(tmp_path, ["build", "--exclude-resource-type", "unit_test"], "", settings)
    assert run.returncode == 0, run.output[-4000:]
    assert "Signup Source match nothing in the contract" in run.output

    with (EXAMPLE / "orders.csv").open(newline="") as fh:
        orders = list(csv.DictReader(fh))
    expected_total = sum(Decimal(o["Total"].replace("$", "").replace(",", "")) for o in orders)
    with run.connect() as con:
        staged, total, currencies = con.execute(
            "select count(*), sum(amount), string_agg(distinct currency)"
            " from staging.stg_crm__orders"
        ).fetchone()
        first = con.execute(
            "select ordered_at from staging.stg_crm__orders where order_id = '#1001'"
        ).fetchone()[0]
        emails, phones, births = con.execute(
            "select count(email), count(phone_e164), count(date_of_birth)"
            " from staging.stg_crm__customers"
        ).fetchone()
        us_phones = con.execute(
            "select count(*) from staging.stg_crm__customers where phone_e164 like '+1%'"
        ).fetchone()[0]
        profiles = con.execute("select count(*) from marts.dim_customers").fetchone()[0]
    assert staged == len(orders) == 282
    assert total == expected_total
    assert currencies == "USD"
    # '04/15/2026 3:51 PM' in New York (daylight time, UTC-4)
    assert str(first) == "2026-04-15 19:51:00"
    assert emails == 116  # 121 records, 5 with 'N/A'
    assert phones == us_phones == 114
    assert births == 121
    assert profiles == 120  # two records of one person resolved into one profile


def test_formats_rewrite_each_layout_and_keep_what_they_cannot_read(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(
        raw / "customers.csv",
        ["CUSTOMER ID", "e-mail", "Given Name", "Birth"],
        [["c1", "ann@example.org", "Ann", "19850314"], ["c2", "bob@example.org", "Bob", "n/a"]],
    )
    write_csv(
        raw / "orders.csv",
        ["Order Nr", "Customer", "Placed", "Gross", "Currency"],
        [
            ["o1", "c1", "31.12.2025 23:30", "1.234,56 €", "EUR"],
            ["o2", "c1", "2026-01-05T10:00:00+01:00", "€ 12,50", ""],
            ["o3", "c2", "45.12.2025 10:00", "12,5,0 €", "EUR"],
            ["o4", "c2", "1767225600", "-3,00", "EUR"],
        ],
    )
    run = run_dbt(
        tmp_path / "dbt",
        ["run-operation", "stage_raw_sources"],
        "",
        {
            "raw_locations": {
                "crm.customers": str(raw / "customers.csv"),
                "crm.orders": str(raw / "orders.csv"),
            },
            "raw_mappings": {
                "crm.customers": {
                    "columns": {"first_name": "Given Name", "date_of_birth": "Birth"},
                    "formats": {"date_of_birth": {"layout": "%Y%m%d"}},
                },
                "crm.orders": {
                    "columns": {
                        "order_id": "Order Nr",
                        "customer_id": "Customer",
                        "ordered_at": "Placed",
                        "amount": "Gross",
                    },
                    "formats": {
                        "ordered_at": {"layout": "%d.%m.%Y %H:%M"},
                        "amount": {
                            "decimal_separator": ",",
                            "thousands_separator": ".",
                            "currency_symbols": ["€", "EUR"],
                        },
                    },
                    "timezone": "Europe/Berlin",
                    "defaults": {"currency": "EUR"},
                },
            },
        },
    )
    assert run.returncode == 0, run.output[-4000:]
    customers = {r["customer_id"]: r for r in _contract(run, "crm_customers")}
    # 'CUSTOMER ID' and 'e-mail' match by letters and digits alone
    assert customers["c1"]["email"] == "ann@example.org"
    assert customers["c1"]["date_of_birth"] == "1985-03-14"
    assert customers["c2"]["date_of_birth"] == "n/a"  # unreadable: staged as delivered
    orders = {r["order_id"]: r for r in _contract(run, "crm_orders")}
    # Berlin is UTC+1 in winter; text with an offset or an epoch is already an instant
    assert orders["o1"]["ordered_at"] == "2025-12-31T22:30:00.000000Z"
    assert orders["o2"]["ordered_at"] == "2026-01-05T10:00:00+01:00"
    assert orders["o4"]["ordered_at"] == "1767225600"
    assert orders["o3"]["ordered_at"] == "45.12.2025 10:00"
    assert [orders[o]["amount"] for o in ("o1", "o2", "o3", "o4")] == [
        "1234.56",
        "12.50",
        "12,5,0 €",  # not grouped by three: left for staging to quarantine
        "-3.00",
    ]
    assert orders["o2"]["currency"] == "EUR"


def test_a_mapped_column_the_file_lacks_stops_the_run_naming_it(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / "customers.csv", ["Customer ID", "Email"], [["c1", "a@example.org"]])
    run = run_dbt(
        tmp_path / "dbt",
        ["run-operation", "stage_raw_sources"],
        "",
        {
            "raw_locations": {"crm.customers": str(raw / "customers.csv")},
            "raw_mappings": {"crm.customers": {"columns": {"phone": "Phone Number"}}},
        },
    )
    assert run.returncode != 0
    assert "maps phone to the column 'Phone Number', which the data lacks" in run.output
    assert "It has: Customer ID, Email" in run.output


def test_a_named_location_that_matches_nothing_is_an_error_not_an_empty_feed(
    tmp_path: Path,
) -> None:
    """A typo in the erasure feed's path used to read it as empty, with exit 0."""
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / "crm_customers.csv", ["customer_id"], [["c1"]])
    run = run_dbt(
        tmp_path / "dbt",
        ["run-operation", "stage_raw_sources"],
        "",
        {
            "raw_locations": {
                "crm.customers": str(raw / "crm_customers.csv"),
                "privacy.erasure_requests": str(raw / "erasure_requets.csv"),
            }
        },
    )
    assert run.returncode != 0
    assert "raw_locations['privacy.erasure_requests']" in run.output
    assert "matches nothing" in run.output


def test_locations_named_per_table_never_fall_back_to_other_data(tmp_path: Path) -> None:
    """With no pattern configured, the tables not named are absent: the demo files beside the
    project are never read in their place."""
    raw = tmp_path / "o'brien_exports"
    raw.mkdir()
    write_csv(raw / "customers.csv", ["customer_id", "email"], [["c1", "a@example.org"]])
    run = run_dbt(
        tmp_path / "dbt",
        ["run-operation", "stage_raw_sources"],
        "",
        {"raw_locations": {"crm.customers": str(raw / "customers.csv")}},
    )
    assert run.returncode == 0, run.output[-4000:]
    assert "crm.orders: absent, read as empty (not configured)" in run.output
    # a folder with a quote in its name is read like any other
    assert [r["email"] for r in _contract(run, "crm_customers")] == ["a@example.org"]
    assert _contract(run, "crm_orders") == []


def test_sql_in_a_location_is_refused_and_runs_nothing(tmp_path: Path) -> None:
    hostile = "x.y'); create or replace table main.pwned as select 1; --"
    run = run_dbt(
        tmp_path / "dbt", ["run-operation", "stage_raw_sources"], "", {"raw_location": hostile}
    )
    assert run.returncode != 0
    assert "is neither a file path" in run.output
    if run.warehouse.exists():
        with duckdb.connect(str(run.warehouse), read_only=True) as con:
            tables = con.execute("select table_name from information_schema.tables").fetchall()
        assert ("pwned",) not in tables
