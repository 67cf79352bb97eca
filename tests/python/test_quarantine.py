"""Quarantine as a diagnosis: every broken rule per row, loud shares, orphans, wrong clocks.

Two small builds on CSV exports shaped like a shop's: a messy but usable one (a few broken
orders, orders of customers not in the CRM, a web event from a device whose clock says 2099, an
email feed with one row in ten broken) and one whose orders are mostly unreadable (US dates and
`$1,234.56` amounts), which must stop the build and say why.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dbt_harness import DbtRun, run_dbt

ORDER_COLUMNS = [
    "order_id",
    "customer_id",
    "ordered_at",
    "amount",
    "currency",
    "quantity",
    "status",
]
BROKEN_ORDER = ["o01", "", "not a date", "12 dollars", "AUD", "1", "teleported"]
EVERY_REASON = "missing_customer_id,unparseable_ordered_at,unparseable_amount,unmapped_status"
ORPHAN_ORDERS = 6
# Orders may be 20 % broken and orphaned before a warning, web events too: the email feed (one
# row in ten broken) is the one source held to the default warn share.
THRESHOLDS = {"crm.orders": {"warn": 0.2, "error": 0.9}, "web.events": {"warn": 0.2}}


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def _customers(raw: Path) -> None:
    _write_csv(
        raw / "crm_customers.csv",
        ["customer_id", "first_name", "last_name", "email", "created_at", "updated_at"],
        [
            [f"c{i}", "Ann", f"Lee{i}", f"ann{i}@example.com", "2025-01-01", "2026-09-01"]
            for i in range(1, 7)
        ],
    )


def _messy_shop(raw: Path) -> None:
    _customers(raw)
    orders = [
        BROKEN_ORDER,
        ["o02", "c1", "2026-10-01 10:00:00", "20.00", "AUD", "2.5", "completed"],
        ["o03", "c1", "2026-10-01 11:00:00", "20.00", "AUD", "2", "completed"],
    ]
    orders += [
        [f"o{i:02}", f"c{1 + i % 6}", f"2026-10-{i:02} 09:00:00", "35.50", "AUD", "1", "completed"]
        for i in range(4, 14)
    ]
    orders += [
        [f"o{i:02}", f"c9{i}", "2026-10-20 09:00:00", "9.99", "AUD", "1", "completed"]
        for i in range(14, 14 + ORPHAN_ORDERS)
    ]
    _write_csv(raw / "crm_orders.csv", ORDER_COLUMNS, orders)
    events = [
        [f"e{i:02}", f"k{i % 3}", "page_view", f"2026-10-2{i % 10} 12:00:00", "2026-10-30 00:00:00"]
        for i in range(1, 10)
    ]
    events.append(["e99", "k1", "page_view", "2099-01-01T00:00:00Z", "2026-10-30 00:00:00"])
    _write_csv(
        raw / "web_events.csv",
        ["event_id", "cookie_id", "event_type", "event_at", "received_at"],
        events,
    )
    emails = [
        [f"m{i:02}", f"ann{1 + i % 6}@example.com", "w1", "open", "2026-10-15T08:00:00Z"]
        for i in range(1, 10)
    ]
    emails.append(["m10", "ann1@example.com", "w1", "forwarded", "2026-10-15T08:00:00Z"])
    _write_csv(
        raw / "esp_email_events.csv",
        ["event_id", "recipient_email", "campaign_id", "event_type", "occurred_at"],
        emails,
    )


@pytest.fixture(scope="module")
def messy_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    folder = tmp_path_factory.mktemp("messy_shop")
    raw = folder / "raw"
    raw.mkdir()
    _messy_shop(raw)
    return run_dbt(
        folder / "dbt",
        [
            "build",
            "--select", "+int_features__as_of", "+stg_quarantine_summary",
            "stg_crm__orders_rejected", "stg_web__events_rejected",
            "stg_esp__email_events_rejected",
            # the models' unit tests run on their own (dbt test --select test_type:unit)
            "--indirect-selection", "buildable", "--exclude-resource-type", "unit_test",
        ],
        str(raw / "{source}_{table}.csv"),
        {"quarantine_share_thresholds": THRESHOLDS},
    )  # fmt: skip


def test_messy_shop_builds(messy_build: DbtRun) -> None:
    assert messy_build.returncode == 0, messy_build.output[-4000:]


def test_a_row_breaking_several_rules_lists_every_reason(messy_build: DbtRun) -> None:
    with messy_build.connect() as con:
        row = con.execute(
            "select rejection_reason, rejection_reasons, ordered_at, amount"
            " from staging.stg_crm__orders_rejected where order_id = 'o01'"
        ).fetchone()
    assert row == ("missing_customer_id", EVERY_REASON, "not a date", "12 dollars")


def test_a_fractional_quantity_is_quarantined_not_rounded(messy_build: DbtRun) -> None:
    with messy_build.connect() as con:
        rejected = con.execute(
            "select rejection_reasons, quantity from staging.stg_crm__orders_rejected"
            " where order_id = 'o02'"
        ).fetchall()
        staged = dict(
            con.execute(
                "select order_id, quantity from staging.stg_crm__orders"
                " where order_id in ('o02', 'o03')"
            ).fetchall()
        )
    assert rejected == [("invalid_quantity", "2.5")]
    assert staged == {"o03": 2}


def test_a_source_over_its_warn_share_warns_with_reasons_and_an_example(
    messy_build: DbtRun,
) -> None:
    with messy_build.connect() as con:
        example = con.execute(
            "select raw_row_id from staging.stg_esp__email_events_rejected"
        ).fetchone()[0]
        summary = con.execute(
            "select quarantined_share, quarantine_status, top_reasons, example_raw_row_id"
            " from staging.stg_quarantine_summary where source_table = 'esp.email_events'"
        ).fetchone()
    warning = next(
        line for line in messy_build.output.splitlines() if "source esp.email_events" in line
    )
    assert "10.0% of its 10 raw rows quarantined" in warning
    assert "warn share 0.05" in warning
    assert "unmapped_event_type (1 rows)" in warning
    assert example in warning
    assert summary == (0.1, "warn", "unmapped_event_type (1)", example)
    # Sources within their thresholds say nothing.
    assert "Quarantine: source crm.orders" not in messy_build.output
    assert "Quarantine: source web.events" not in messy_build.output


def test_orphan_orders_are_counted_kept_and_reported(messy_build: DbtRun) -> None:
    with messy_build.connect() as con:
        orphans, staged, share = con.execute(
            "select orphan_orders, staged_rows, orphan_share from staging.stg_quarantine_summary"
            " where source_table = 'crm.orders'"
        ).fetchone()
        kept = con.execute(
            "select count(*) from staging.stg_crm__orders where customer_id like 'c9%'"
        ).fetchone()[0]
    assert (orphans, staged) == (ORPHAN_ORDERS, 17)
    assert share == pytest.approx(ORPHAN_ORDERS / 17)
    assert kept == ORPHAN_ORDERS
    assert f"Orphan orders: {ORPHAN_ORDERS} of the 17 staged orders" in messy_build.output


def test_a_web_event_from_2099_is_quarantined_and_does_not_move_the_as_of_date(
    messy_build: DbtRun,
) -> None:
    with messy_build.connect() as con:
        reasons = con.execute(
            "select rejection_reasons from staging.stg_web__events_rejected where event_id = 'e99'"
        ).fetchall()
        staged = con.execute(
            "select count(*) from staging.stg_web__events where event_id = 'e99'"
        ).fetchone()[0]
        as_of = con.execute(
            "select cast(as_of_date as varchar) from features.int_features__as_of"
        ).fetchone()[0]
    assert reasons == [("future_event_at",)]
    assert staged == 0
    # the latest real activity: web events of 2026-10-29
    assert as_of == "2026-10-29"


def test_mostly_quarantined_orders_fail_the_build_naming_source_reasons_and_an_example(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _customers(raw)
    # A US export: month-first dates (day_first_dates is true) and amounts with a currency
    # symbol and thousands separators. Two orders in ten happen to be readable.
    orders = [
        [f"o{i}", "c1", "12/31/2025", "$1,234.56", "USD", "1", "completed"] for i in range(1, 9)
    ]
    orders += [[f"o{i}", "c1", "2025-12-01", "12.50", "USD", "1", "completed"] for i in (9, 10)]
    _write_csv(raw / "crm_orders.csv", ORDER_COLUMNS, orders)
    run = run_dbt(
        tmp_path / "dbt",
        [
            "build",
            "--select", "+int_features__as_of", "stg_crm__orders_rejected",
            "--exclude-resource-type", "unit_test", "test",
        ],
        str(raw / "{source}_{table}.csv"),
    )  # fmt: skip
    assert run.returncode != 0
    status = {r["unique_id"].split(".")[-1]: r["status"] for r in run.results()}
    assert status["stg_crm__orders"] == "error"
    # nothing is built on the orders
    assert status["int_features__as_of"] == "skipped"
    with run.connect() as con:
        example = con.execute(
            "select min(raw_row_id) from staging.stg_crm__orders_rejected"
            " where rejection_reasons like '%unparseable_amount%'"
        ).fetchone()[0]
    output = " ".join(run.output.split())
    assert "Quarantine: source crm.orders has 80.0% of its 10 raw rows quarantined" in output
    assert "more than its error share 0.5" in output
    assert "Top reasons: unparseable_amount (8 rows), unparseable_ordered_at (8 rows)" in output
    assert f"Example raw_row_id: {example}" in output


def test_thresholds_are_validated_with_an_error_naming_the_var(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _customers(raw)
    run = run_dbt(
        tmp_path / "dbt",
        ["compile", "--select", "stg_quarantine_summary"],
        str(raw / "{source}_{table}.csv"),
        {"quarantine_share_thresholds": {"crm.order": {"error": 0.9}}},
    )
    assert run.returncode != 0
    assert "var quarantine_share_thresholds names 'crm.order'" in run.output
