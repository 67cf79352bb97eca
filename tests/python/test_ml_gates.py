"""Model and rule segments on data unlike the generator's: nothing constant, empty or
contradictory is served, and what is not served says why.

Two shops, each built once and shared by the tests of its kind:

* a transactions-only log (tests/python/transactions_log.py): one acquisition cohort, nine months
  of history, customers and orders only, exported with its own column names and date format;
* forty customers of the same kind: too few to train or test any model.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_harness import DbtRun, run_dbt
from open_segments import publish, report
from open_segments.ml import clustering
from open_segments_lab.ml import peer_comparison
from transactions_log import HISTORY_DAYS, transactions_log

CUSTOMERS = 3_000
MODEL_SEGMENTS = ("likely_buyers", "churn_risk", "lookalikes")
# Unit tests do not read the raw data: the demo build runs them.
WITHOUT_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


def _build(folder: Path, customers: int) -> tuple[DbtRun, dict]:
    settings = transactions_log(folder / "export", customers)
    run = run_dbt(folder / "dbt", ["build", *WITHOUT_UNIT_TESTS], "", settings)
    assert run.returncode == 0, run.output[-4000:]
    return run, settings


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtRun, dict]:
    return _build(tmp_path_factory.mktemp("transactions_log"), CUSTOMERS)


@pytest.fixture(scope="module")
def forty(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtRun, dict]:
    return _build(tmp_path_factory.mktemp("forty_customers"), 40)


def _rows(run: DbtRun, sql: str) -> list[tuple]:
    with run.connect() as con:
        return con.execute(sql).fetchall()


def _rerun(shop: tuple[DbtRun, dict], folder: Path, args: list[str], changed: dict) -> DbtRun:
    """dbt on a copy of the shop's warehouse with some vars changed (the module's read-only
    connections never lock the copy)."""
    run, settings = shop
    folder.mkdir(parents=True)
    shutil.copy(run.warehouse, folder / "warehouse.duckdb")
    return run_dbt(folder, args, "", {**settings, **changed})


def test_the_transactions_log_is_as_tied_as_real_logs(shop) -> None:
    """The premise of the tests below: most buyers bought once, most have lapsed."""
    run, _ = shop
    ((buyers, one_order, lapsed),) = _rows(
        run,
        """
        select count(*), count(case when orders_lifetime = 1 then 1 end),
            count(case when days_since_last_order >= 180 then 1 end)
        from features.int_customer__features where orders_lifetime > 0
        """,
    )
    assert buyers == CUSTOMERS
    assert 0.5 < one_order / buyers < 0.7
    assert 0.6 < lapsed / buyers < 0.8


def test_no_constant_score_is_served(shop) -> None:
    run, _ = shop
    gates = {
        model: (served, reason)
        for model, served, reason in _rows(
            run, "select model_name, is_served, reason from ml_reports.ml_model_gates"
        )
    }
    assert {"purchase", "churn", "lookalikes"} <= set(gates), gates
    for target, spread, nulls in _rows(
        run,
        """
        select target, count(distinct probability), count(*) - count(probability)
        from marts.fct_propensity_scores group by target
        """,
    ):
        served, reason = gates[target]
        if served:
            assert spread > 10 and nulls == 0, (target, spread, nulls)
        else:
            assert spread == 0 and reason, (target, spread, reason)
    # the purchase model ranks this log better than recency alone (as on the real log)
    assert gates["purchase"][0], gates["purchase"]


def test_metadata_names_snapshots_inside_the_history(shop) -> None:
    run, settings = shop
    rows = _rows(
        run,
        """
        select model_name, train_snapshot_date from ml.ml_model_metadata
        where model_name like '%propensity'
        """,
    )
    first_order = _rows(run, "select min(ordered_at) from staging.stg_crm__orders")[0][0]
    assert rows
    for model, snapshot in rows:
        if snapshot is not None:
            assert snapshot > first_order.date(), (model, snapshot, first_order)


def test_every_rfm_score_is_reached_under_heavy_ties(shop) -> None:
    run, _ = shop
    recency, frequency = (
        {score for (score,) in _rows(run, f"select distinct {column} from segment_rules.seg_rfm")}
        for column in ("recency_score", "frequency_score")
    )
    assert recency == frequency == {1, 2, 3, 4, 5}
    cells = dict(
        _rows(run, "select segment_variant, count(*) from segment_rules.seg_rfm group by 1")
    )
    # lapsed one-order buyers are the commonest kind of customer here: most of the lowest
    # recency score (a fifth of the buyers) is lost
    assert cells.get("lost", 0) > 0.1 * CUSTOMERS, cells
    assert None not in cells


def test_a_horizon_longer_than_the_history_is_a_clear_error(shop, tmp_path: Path) -> None:
    horizon = HISTORY_DAYS + 1
    run = _rerun(
        shop,
        tmp_path / "long_horizon",
        ["run", "--select", "int_ml__propensity_snapshots", "ml_propensity_backtest"],
        {"propensity_horizon_days": horizon},
    )
    assert run.returncode != 0
    assert "propensity_horizon_days" in run.output and str(horizon) in run.output, run.output[
        -3000:
    ]


def test_the_forty_customer_shop_publishes_no_model_segment(
    forty, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run, _ = forty
    unserved = _rows(
        run, "select model_name, reason from ml_reports.ml_model_gates where not is_served"
    )
    assert {"purchase", "churn", "lookalikes"} <= {model for model, _ in unserved}, unserved
    assert all(reason for _, reason in unserved)
    # the build log warns, naming the reason
    assert "WARN" in run.output and "ml_model_gates" in run.output, run.output[-3000:]
    members = dict(
        _rows(run, "select segment_id, count(*) from marts.fct_segment_membership group by 1")
    )
    assert not any(members.get(segment) for segment in MODEL_SEGMENTS), members

    assert report.main(["--warehouse", str(run.warehouse)]) == 0
    summary = capsys.readouterr().out
    assert "not served" in summary, summary

    out = tmp_path / "published"
    code = publish.main(
        [
            "--warehouse",
            str(run.warehouse),
            "--out",
            str(out),
            "--run-results",
            str(run.target_dir / "run_results.json"),
        ]
    )
    assert code == 0
    current = out / "current"
    assert json.loads((current / "publication.json").read_text())["build_id"]
    with duckdb.connect() as con:
        published = dict(
            con.execute(
                "select segment_id, count(*) from read_parquet(?) group by 1",
                [str(current / "fct_segment_membership.parquet")],
            ).fetchall()
        )
    assert published, "the rule segments are published"
    assert not set(MODEL_SEGMENTS) & set(published), published
    uploads = {path.name for path in (current / "activation").iterdir()}
    assert not any(segment in name for name in uploads for segment in MODEL_SEGMENTS), uploads


def test_a_single_cohort_without_web_data_clusters_on_what_varies(shop) -> None:
    run, _ = shop
    ((k, features, dropped),) = _rows(
        run, "select k, features, dropped_features from ml.ml_cluster_selection where is_chosen"
    )
    assert features == "order_recency_days,orders_per_year,average_order_value"
    # no web data at all; every customer is past the tenure cap (acquired 6 to 9 months ago)
    assert dropped == (
        f"sessions_per_year: {clustering.ABSENT}; early_tenure_days: {clustering.CONSTANT}"
    )
    offered = [k for (k,) in _rows(run, "select k from ml.ml_cluster_selection order by k")]
    assert offered == [2, 3, 4, 5, 6, 7, 8]
    assert k == 2  # one-time buyers and repeat buyers


def test_cluster_labels_describe_only_the_features_used_and_agree_with_medians(shop) -> None:
    run, _ = shop
    profiles = _rows(
        run,
        """
        select cluster_number, cluster_label, feature_name, standardized_difference,
            cluster_median, population_median, label_side
        from ml_reports.ml_cluster_profiles
        """,
    )
    assert {row[2] for row in profiles} == {
        "order_recency_days",
        "orders_per_year",
        "average_order_value",
    }
    assert all(row[3] is not None and row[4] is not None for row in profiles)
    named = [row for row in profiles if row[6] is not None]
    assert named, "no feature names a cluster"
    for _, label, feature, difference, median, population, side in named:
        if side == "high":
            assert difference >= 0.5 and median > population, (label, feature)
        else:
            assert difference <= -0.5 and median < population, (label, feature)
    assert not any("new" in row[1].split() for row in profiles)
    results = {r["unique_id"].split(".")[2]: r["status"] for r in run.results()}
    assert results["assert_cluster_labels_agree_with_medians"] == "pass"


def test_the_summary_says_what_the_sources_cannot_compute_and_why_churn_is_not_served(
    shop, capsys: pytest.CaptureFixture[str]
) -> None:
    run, _ = shop
    assert report.main(["--warehouse", str(run.warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    recent = next(line for line in lines if line.startswith("recent_visitors"))
    assert recent.endswith("cannot be computed: no web.events"), recent
    lapsed = next(line for line in lines if line.startswith("lapsed "))
    assert "cannot be computed" not in lapsed
    # on this log recency alone ranks churn better than either model (as measured on real logs)
    churn = next(line for line in lines if line.startswith("churn model:"))
    assert "not served" in churn and "recency alone" in churn, churn


def test_purchase_propensity_beside_bg_nbd_on_the_backtest_rows(shop) -> None:
    """The peer comparison reads the same rows as the backtest: recency recomputed there equals
    the backtest's recency ROC AUC; BG/NBD (the process this log is drawn from) ranks them too."""
    pytest.importorskip("lifetimes")
    run, _ = shop
    aucs = dict(peer_comparison.compare(run.warehouse))
    assert aucs["recency_only, recomputed on these rows"] == pytest.approx(
        aucs["recency_only"], abs=1e-12
    )
    assert 0.6 < aucs["BG/NBD (lifetimes)"] < 1.0
