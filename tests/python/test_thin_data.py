"""The summaries a user reads after a build survive thin data and say what is missing.

Two builds, each shared by the tests of its kind:

* an empty shop: every raw table of the contract a header-only CSV export;
* a shop whose every order is quarantined (amounts written `$1,234.56`), the other sources
  header-only, built with the orders' error share raised so that the build completes (as a user
  who accepts it would): no orders reach the features, the models or the segments.

`report`, `segment_report` and `publish` run on each in this process, as `make demo` runs them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dbt_harness import DbtRun, run_dbt
from open_segments import publish, report, segment_report
from raw_exports import write_raw

# Unit tests do not read the raw data (and take about half of a build this small): the other
# builds of the suite run them.
WITHOUT_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


def _build(folder: Path, rows: dict[str, list[dict[str, str]]], extra_vars: dict) -> DbtRun:
    location = write_raw(folder / "raw", rows)
    run = run_dbt(folder / "dbt", ["build", *WITHOUT_UNIT_TESTS], location, extra_vars)
    assert run.returncode == 0, run.output[-4000:]
    return run


@pytest.fixture(scope="module")
def empty_shop(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    return _build(tmp_path_factory.mktemp("empty_shop"), {}, {"load_time": "2026-11-10"})


@pytest.fixture(scope="module")
def no_valid_orders(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    customers = [
        {"customer_id": f"c{i}", "first_name": name, "last_name": "Lee", "created_at": "2026-01-05"}
        for i, name in enumerate(["Ann", "Bob", "Cy", "Di"], start=1)
    ]
    orders = [
        {
            "order_id": f"o{i}",
            "customer_id": f"c{i}",
            "ordered_at": f"2026-10-0{i} 10:00:00",
            "amount": f"${i},234.56",
            "status": "completed",
        }
        for i in range(1, 4)
    ]
    return _build(
        tmp_path_factory.mktemp("no_valid_orders"),
        {"crm_customers": customers, "crm_orders": orders},
        {
            "load_time": "2026-11-10",
            "quarantine_share_thresholds": {"crm.orders": {"warn": 1.0, "error": 1.0}},
        },
    )


def _report(run: DbtRun, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = report.main(
        [
            "--warehouse",
            str(run.warehouse),
            "--run-results",
            str(run.target_dir / "run_results.json"),
        ]
    )
    return code, capsys.readouterr().out


def test_report_on_an_empty_shop_says_every_source_is_empty(
    empty_shop: DbtRun, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _report(empty_shop, capsys)
    assert code == 0, out
    assert "Staging: no raw rows in any source (empty or header-only files)" in out
    assert "every raw row accounted for" not in out
    assert "Identity: no records to resolve" in out
    assert "no customer profiles, so every segment is empty" in out
    assert "Behaviour clusters: none" in out
    assert "Propensity: not judged" in out
    # every model is gated out, each with its reason, and the build still passes (a warning)
    for target in ("purchase", "churn"):
        assert (
            f"{target} model: not served -- no completed order before the as-of date: nothing "
            "to train on. Its scores are null and its segment is empty." in out
        )
    assert "lookalikes model: not served -- seed segment high_value has 0 members" in out
    assert "ml_model_gates: model purchase not served: no completed order" in empty_shop.output
    assert "no audience has members" in out


def test_report_names_a_fully_quarantined_source_first(
    no_valid_orders: DbtRun, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _report(no_valid_orders, capsys)
    assert code == 0, out  # every row is accounted for: in the quarantine
    staging = out.split("\n\n")[1].splitlines()
    assert staging[0] == "crm.orders: 100 % quarantined (3 of 3 raw rows; reasons below)"
    assert staging[1] == "Staging: rows balance, but 1 source table is mostly quarantined"
    assert "every raw row accounted for" not in out
    assert "No rows: web.events, esp.email_events" in out
    assert "Segments as of" in out and "over 4 profiles" in out
    assert "purchase model: not served -- no completed order before the as-of date" in out


@pytest.fixture(params=["empty_shop", "no_valid_orders"])
def thin_build(request: pytest.FixtureRequest) -> tuple[str, DbtRun]:
    """Each of the two builds, by name."""
    return request.param, request.getfixturevalue(request.param)


def test_segment_report_says_what_it_cannot_show(
    thin_build: tuple[str, DbtRun], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shop, run = thin_build
    out = tmp_path / "segment_report.html"
    assert segment_report.main(["--warehouse", str(run.warehouse), "--out", str(out)]) == 0
    page = out.read_text()
    assert "<h2>Not shown</h2>" in page
    assert "Propensity lift and calibration: the time-based holdout has no profiles" in page
    assert "<h2>Which models score profiles</h2>" in page
    assert "no completed order before the as-of date: nothing to train on" in page
    if shop == "empty_shop":
        assert "No customer profiles: every segment is empty." in page
    assert "Segment report (" in capsys.readouterr().out


def test_segment_report_without_marts_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A build that stopped before the marts (here: a warehouse with nothing in it)."""
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    code = segment_report.main(["--warehouse", str(warehouse), "--out", str(tmp_path / "r.html")])
    assert code == 1
    assert "Segment report not written: the marts are not built" in capsys.readouterr().out


def test_publish_a_thin_build_says_what_is_empty(
    thin_build: tuple[str, DbtRun], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shop, run = thin_build
    out = tmp_path / "published"
    args = [
        "--warehouse",
        str(run.warehouse),
        "--run-results",
        str(run.target_dir / "run_results.json"),
    ]
    assert publish.main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    if shop == "empty_shop":
        assert "Note: no customer profiles" in printed
        assert "Note: no audience has members: no activation upload files" in printed
    current = out / "current"
    assert (current / "dim_customers.parquet").exists()
    # without activity the as-of date is the load date, or the latest CRM record's date
    as_of = {"empty_shop": "2026-11-10", "no_valid_orders": "2026-01-05"}[shop]
    assert current.resolve().name.endswith(f"_asof-{as_of}")
