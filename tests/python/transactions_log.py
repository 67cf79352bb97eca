"""A transactions-only shop, written the way a retailer's CRM exports it.

One acquisition cohort (every customer's first purchase in the first twelve weeks), nine months
of history before the as-of date, customers and orders only: no web, email, consent or
third-party data. Repeat purchases follow the buy-till-you-die story (each customer buys at their
own Poisson rate and, after every purchase, may stop for good), so most customers buy once, a few
buy often, and the frequency distribution is as tied and skewed as real logs are. Some checkouts
are exported as two rows on the same day (split shipments).

The files use the export's own column names and formats (`Customer No`, `Txn Date` as
YYYYMMDD, amounts as plain decimals, no currency or status column), mapped to the contract by
the vars `transactions_log` returns, as a user would configure them.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

AS_OF = dt.date(2026, 9, 30)
HISTORY_DAYS = 273
COHORT_DAYS = 84


def transactions_log(folder: Path, customers: int, seed: int = 7) -> dict:
    """Write customers.csv and transactions.csv into `folder`; return the dbt vars that read
    them (locations, mapping, as-of date)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start = AS_OF - dt.timedelta(days=HISTORY_DAYS)
    rate = rng.gamma(shape=0.55, scale=0.018, size=customers)  # purchases a day while alive
    dropout = rng.beta(1.0, 2.2, size=customers)  # chance of stopping after each purchase
    spend = rng.gamma(shape=2.0, scale=22.0, size=customers) + 5.0

    customer_rows, order_rows = [], []
    order_number = 100_000
    for i in range(customers):
        number = f"{10_000 + i}"
        day = float(rng.integers(0, COHORT_DAYS))
        customer_rows.append([number, (start + dt.timedelta(days=int(day))).strftime("%Y%m%d")])
        while day < HISTORY_DAYS:
            order_day = start + dt.timedelta(days=int(day))
            amount = max(1.0, rng.lognormal(np.log(spend[i]), 0.35))
            # a checkout exported as two rows (two shipments) on the same day
            parts = [amount] if rng.random() > 0.04 else [amount * 0.6, amount * 0.4]
            for part in parts:
                order_number += 1
                order_rows.append(
                    [number, f"T{order_number}", order_day.strftime("%Y%m%d"), f"{part:.2f}"]
                )
            if rng.random() < dropout[i] or rate[i] <= 0:
                break
            day += rng.exponential(1.0 / rate[i])

    _write(folder / "customers.csv", ["Customer No", "Signup Date"], customer_rows)
    _write(folder / "transactions.csv", ["Customer No", "Txn ID", "Txn Date", "Sales"], order_rows)
    return {
        "raw_locations": {
            "crm.customers": str(folder / "customers.csv"),
            "crm.orders": str(folder / "transactions.csv"),
        },
        "raw_mappings": {
            "crm.customers": {
                "columns": {"customer_id": "Customer No", "created_at": "Signup Date"},
                "formats": {"created_at": {"layout": "%Y%m%d"}},
            },
            "crm.orders": {
                "columns": {
                    "customer_id": "Customer No",
                    "order_id": "Txn ID",
                    "ordered_at": "Txn Date",
                    "amount": "Sales",
                },
                "formats": {"ordered_at": {"layout": "%Y%m%d"}},
                "defaults": {"currency": "USD", "status": "completed"},
            },
        },
        "reporting_currency": "USD",
        "as_of_date": AS_OF.isoformat(),
    }


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
