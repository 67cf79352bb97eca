"""Rows from wrong clocks, and contract-valid rows that used to break the build.

* A web event from a device whose clock says 2099 does not move the default as-of date: it stays
  the latest activity not after the load time, and recency segments keep their members.
* A var as_of_date after the load time stops the build with an error naming the var.
* A raw event received "in 2099" cannot push the incremental window forward: a later daily run
  still stages the rows received since.
* A web event with a login (`user_id`) and no cookie, which the contract allows, builds: its
  sessions are keyed by `user:<user_id>` and it links to the customer through the login.

The raw files are small CSV exports written per test; the load time is pinned (var load_time), so
the results do not depend on the day the tests run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dbt_harness import DbtRun, run_dbt
from raw_exports import write_raw

LOAD_TIME = "2026-11-10 00:00:00"
TABLES_ONLY = ["--exclude-resource-type", "test", "unit_test"]
# Unit tests do not read the raw data (and take about half of a build this small): the other
# builds of the suite run them.
WITHOUT_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


def fetch(run: DbtRun, sql: str) -> list[tuple]:
    with run.connect() as con:
        return con.execute(sql).fetchall()


def web_event(event_id: str, at: str, cookie: str = "", user: str = "") -> dict:
    """A page view as a collector exports it: received a second after it happened."""
    return {
        "event_id": event_id,
        "cookie_id": cookie,
        "user_id": user,
        "event_type": "page_view",
        "device_type": "mobile",
        "event_at": f"{at}Z",
        "received_at": f"{at[:-2]}{int(at[-2:]) + 1:02d}Z",
    }


CUSTOMERS = [
    {"customer_id": f"c{i}", "first_name": name, "last_name": last, "created_at": "2025-03-01"}
    for i, (name, last) in enumerate([("Ann", "Lee"), ("Bob", "Ng"), ("Cy", "Ox")], start=1)
]
ORDERS = [
    {
        "order_id": f"o{i}",
        "customer_id": f"c{i}",
        "ordered_at": f"2026-{month}-05 10:00:00",
        "amount": "42.50",
        "currency": "AUD",
        "status": "completed",
    }
    for i, month in enumerate(["11", "10", "06"], start=1)
]
# c2 browses on a cookie while logged in; c1 uses an app that sends its login and no cookie;
# one device's clock says 2099. The last activity before the load time is on 2026-11-08.
WEB_EVENTS = [
    *(web_event(f"k{n}", f"2026-11-07T1{n}:00:00", cookie="k1", user="c2") for n in range(6)),
    web_event("u1", "2026-11-08T09:00:00", user="c1"),
    web_event("u2", "2026-11-08T09:05:00", user="c1"),
    web_event("u3", "2026-11-08T09:10:00", user="c1"),
    {**web_event("u4", "2026-11-08T09:12:00", user="c1"), "event_type": "add_to_cart"},
    web_event("a1", "2026-11-06T08:00:00", cookie="anon"),
    web_event("a2", "2026-11-06T08:01:00", cookie="anon"),
    {
        **web_event("z1", "2026-11-08T12:00:00", cookie="wrong-clock"),
        "event_at": "2099-06-01T12:00:00Z",
    },
]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    folder = tmp_path_factory.mktemp("time_sanity")
    location = write_raw(
        folder / "raw", {"crm_customers": CUSTOMERS, "crm_orders": ORDERS, "web_events": WEB_EVENTS}
    )
    return run_dbt(
        folder / "dbt", ["build", *WITHOUT_UNIT_TESTS], location, {"load_time": LOAD_TIME}
    )


def test_a_login_without_a_cookie_builds_and_links_to_its_customer(build: DbtRun) -> None:
    assert build.returncode == 0, build.output[-4000:]
    assert not [r["unique_id"] for r in build.results() if r["status"] == "skipped"]
    profiles = dict(
        fetch(
            build,
            "select record_key, profile_id from identity.int_identity__profile_map "
            "where record_key in ('c1', 'user:c1')",
        )
    )
    sessions = fetch(
        build,
        "select session_key, events, add_to_carts from events.int_events__web_sessions "
        "where cookie_id = 'user:c1'",
    )
    assert profiles["user:c1"] == profiles["c1"]
    assert sessions == [("user:c1|2026-11-08|stitched-1", 4, 1)]


def test_a_device_clock_in_2099_does_not_move_the_as_of_date(build: DbtRun) -> None:
    assert build.returncode == 0, build.output[-4000:]
    with build.connect() as con:
        as_of_date, source = con.execute(
            "select cast(as_of_date as varchar), as_of_source from features.int_features__as_of"
        ).fetchone()
        # staging may quarantine the event as future-dated; the as-of date must not need it to
        staged_future = con.execute(
            f"select count(*) from staging.stg_web__events where event_at > '{LOAD_TIME}'"
        ).fetchone()[0]
        recent = con.execute(
            "select m.record_key from marts.fct_segment_membership as s "
            "inner join identity.int_identity__profile_map as m on s.profile_id = m.profile_id "
            "where s.segment_id = 'recent_visitors' and m.record_source = 'crm_customers' "
            "order by 1"
        ).fetchall()
    assert as_of_date == "2026-11-08"
    assert source == ("latest data before load time" if staged_future else "latest data")
    assert recent == [("c1",), ("c2",)]


def test_an_as_of_date_after_the_load_time_is_an_error(tmp_path: Path) -> None:
    """Features as of a day the data cannot describe yet would count the days in between as
    inactivity; the build stops instead (while dbt reads the project), naming the var and the
    load date."""
    run = run_dbt(
        tmp_path,
        ["parse"],
        write_raw(tmp_path / "raw", {"crm_customers": CUSTOMERS}),
        {"load_time": LOAD_TIME, "as_of_date": "2026-11-11"},
    )
    assert run.returncode != 0
    assert "var as_of_date 2026-11-11 is after the load time (2026-11-10" in run.output


def test_a_receipt_time_in_2099_does_not_stop_later_runs_staging(tmp_path: Path) -> None:
    """The incremental window starts from the latest receipt day staged; a row received "in 2099"
    is not placed on a day (it is restaged on every run, like an unreadable receipt time), so the
    next day's run still stages what arrived since. Both runs pin the same load time (the same
    vars let the second run reuse the first one's parse)."""
    pinned = {"load_time": "2026-11-06 00:00:00"}
    first_load = [
        web_event("e1", "2026-11-01T10:00:00", cookie="k1"),
        web_event("e2", "2026-11-02T10:00:00", cookie="k1"),
        {
            **web_event("e3", "2026-11-02T11:00:00", cookie="k2"),
            "received_at": "2099-01-01T00:00:00Z",
        },
    ]
    workdir = tmp_path / "dbt"
    first = run_dbt(
        workdir,
        ["build", "--select", "+base_web__events", *TABLES_ONLY],
        write_raw(tmp_path / "load_1", {"crm_customers": CUSTOMERS, "web_events": first_load}),
        pinned,
    )
    assert first.returncode == 0, first.output[-4000:]
    second_load = [*first_load, web_event("e4", "2026-11-05T10:00:00", cookie="k1")]
    second = run_dbt(
        workdir,
        ["run", "--select", "base_web__events"],
        write_raw(tmp_path / "load_2", {"crm_customers": CUSTOMERS, "web_events": second_load}),
        pinned,
    )
    assert second.returncode == 0, second.output[-4000:]
    days = dict(
        fetch(
            second,
            "select normalized_event_id, cast(receipt_day as varchar) "
            "from staging.base_web__events",
        )
    )
    assert days == {
        "e1": "2026-11-01",
        "e2": "2026-11-02",
        "e3": "1900-01-01",
        "e4": "2026-11-05",
    }
