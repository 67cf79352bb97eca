"""Money: amounts converted at the rate of the order's day, and no currency assumed in silence.

A finance export of rates (rows only when a rate changes, its own column names, a conflicting
duplicate) and orders in two currencies on both sides of a rate change, one without a currency.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from dbt_harness import run_dbt
from open_segments import report
from raw_exports import write_csv


@pytest.fixture(scope="module")
def money_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("money")
    raw = folder / "raw"
    raw.mkdir()
    write_csv(
        raw / "crm_customers.csv",
        ["customer_id", "first_name", "email"],
        [["c1", "Ann", "ann@example.org"], ["c2", "Bob", "bob@example.org"]],
    )
    write_csv(
        raw / "crm_orders.csv",
        ["order_id", "customer_id", "ordered_at", "amount", "currency"],
        [
            ["o1", "c1", "2025-03-01T10:00:00Z", "160.00", "AUD"],
            ["o2", "c1", "2025-08-01T10:00:00Z", "150.00", "aud"],
            ["o3", "c2", "2025-08-02T10:00:00Z", "20.00", "USD"],
            ["o4", "c2", "2025-08-03T10:00:00Z", "30.00", ""],
            ["o5", "c2", "2024-06-01T10:00:00Z", "16.00", "AUD"],
        ],
    )
    write_csv(
        raw / "fx.csv",
        ["Currency", "Effective", "Per USD"],
        [
            ["AUD", "2025-01-01", "1.60"],
            ["AUD", "2025-07-01", "1.50"],
            ["USD", "2025-01-01", "1"],
            ["EUR", "2025-01-01", "0.9"],
            ["EUR", "2025-01-01", "0.95"],
        ],
    )
    run = run_dbt(
        folder / "dbt",
        ["build", "--select", "+path:models/staging", "--exclude-resource-type", "unit_test"],
        str(raw / "{source}_{table}.csv"),
        {
            "reporting_currency": "USD",
            "raw_locations": {"reference.currency_rates": str(raw / "fx.csv")},
            "raw_mappings": {
                "reference.currency_rates": {
                    "columns": {
                        "currency_code": "Currency",
                        "rate_date": "Effective",
                        "units_per_usd": "Per USD",
                    }
                }
            },
        },
    )  # fmt: skip
    assert run.returncode == 0, run.output[-4000:]
    with run.connect() as con:
        orders = {
            row[0]: row[1:]
            for row in con.execute(
                "select order_id, currency, amount, amount_reporting, dq_flags"
                " from staging.stg_crm__orders"
            ).fetchall()
        }
        rejected_rates = con.execute(
            "select currency_code, rejection_reasons"
            " from staging.stg_reference__currency_rates_rejected order by units_per_usd"
        ).fetchall()
    return run, orders, rejected_rates


def test_amounts_convert_at_the_rate_of_the_order_day(money_build) -> None:
    _run, orders, _rejected = money_build
    # AUD was 1.60 per USD until 2025-07-01, then 1.50
    assert orders["o1"][2] == Decimal("100.00")
    assert orders["o2"][2] == Decimal("100.00")
    assert orders["o3"][2] == Decimal("20.00")
    # before the first supplied rate, the first rate holds
    assert orders["o5"][2] == Decimal("10.00")


def test_an_order_without_a_currency_is_read_in_the_reporting_currency_and_flagged(
    money_build,
) -> None:
    _run, orders, _rejected = money_build
    currency, amount, amount_reporting, flags = orders["o4"]
    assert (currency, amount, amount_reporting) == ("USD", Decimal("30.00"), Decimal("30.00"))
    assert "currency_defaulted" in flags
    assert orders["o3"][3] is None or "currency_defaulted" not in orders["o3"][3]


def test_conflicting_rates_of_a_day_are_quarantined_not_picked(money_build) -> None:
    _run, _orders, rejected = money_build
    assert rejected == [
        ("EUR", "conflicting_rates_of_day"),
        ("EUR", "conflicting_rates_of_day"),
    ]


def test_the_summary_says_the_reporting_currency_and_the_orders_read_in_it(
    money_build, capsys
) -> None:
    run, _orders, _rejected = money_build
    report.main(["--warehouse", str(run.warehouse), "--run-results", str(run.target_dir / "x")])
    printed = capsys.readouterr().out
    assert "Money: amounts reported in USD (var reporting_currency)" in printed
    assert "dated rates for 2 currencies (2025-01-01 to 2025-07-01)" in printed
    assert "1 orders had no currency and were read as USD" in printed
