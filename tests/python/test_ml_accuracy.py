"""The ML models against the generator's ground truth, end to end through `dbt build`.

The generator plants behavioural archetypes and draws every CRM person's purchases in the 30
days after the data ends from a known intensity, so the best possible score (the oracle) is
known. Measured on 5,000 generated customers, scoring the profile that holds each person's CRM
record:

* purchase propensity ranks the real next-30-day purchases within 0.03 ROC AUC of the oracle
  and clearly better than recency alone, and its calibrated probabilities match the observed
  rate per decile of the backtest;
* clusters recover the planted archetypes (adjusted Rand index at least 0.85) at the k the
  silhouette and Davies-Bouldin choose, that k is stable under bootstrap resampling (adjusted
  Rand index at least 0.9), and no clustering beats a supervised classifier on the same
  features (the ceiling `open_segments_lab.ml.accuracy` reports).

The generator plants archetypes that differ on features measured with little noise and people
who vary little around them (see `open_segments_lab.datagen.behaviour`): real customers overlap
far more, and these figures are what the models recover when the structure is there.
"""

from __future__ import annotations

import numpy as np
import pytest

from dbt_harness import run_dbt
from open_segments_lab.datagen.__main__ import main as generate
from open_segments_lab.ml.accuracy import (
    cluster_accuracy,
    cluster_inputs,
    propensity_accuracy,
    separability,
)

CUSTOMERS = 5_000


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("ml_accuracy")
    raw = folder / "raw"
    args = ["--customers", str(CUSTOMERS), "--seed", "11", "--out", str(raw), "--no-progress"]
    assert generate(args) == 0
    run = run_dbt(folder / "dbt", ["build"], str(raw / "{source}_{table}.parquet"))
    assert run.returncode == 0, run.output[-4000:]
    return run, raw / "truth"


def test_purchase_propensity_beats_recency_against_the_real_future(build) -> None:
    run, truth = build
    with run.connect() as con:
        measured = propensity_accuracy(con, truth)
    assert measured.profiles >= 0.95 * CUSTOMERS
    assert measured.model_auc >= measured.recency_auc + 0.02, measured
    assert measured.gap_to_oracle <= 0.03, measured


def test_backtest_is_calibrated_and_beats_its_baselines(build) -> None:
    run, _ = build
    con = run.connect()
    metrics = {
        (target, name): (auc, served)
        for target, name, auc, served in con.execute(
            "select target, model_name, roc_auc, is_served from ml_reports.ml_propensity_metrics"
        ).fetchall()
    }
    for target in ("purchase", "churn"):
        served = [name for (t, name), (_, chosen) in metrics.items() if t == target and chosen]
        assert len(served) == 1, (target, served)
        auc = metrics[(target, served[0])][0]
        # the served model is the better ranker of the two, and clearly beats recency alone
        for name in ("gradient_boosting", "logistic_regression"):
            assert auc >= metrics[(target, name)][0], (target, name)
        assert auc > metrics[(target, "recency_only")][0] + 0.02, target
        scored = con.execute(
            "select distinct model_name from marts.fct_propensity_scores where target = ?", [target]
        ).fetchall()
        assert scored == [(served[0],)], (target, scored)
    deciles = con.execute(
        "select mean_probability, observed_rate, profiles from ml_reports.ml_propensity_deciles "
        "where target = 'purchase' order by decile"
    ).fetchall()
    assert len(deciles) == 10
    for predicted, observed, profiles in deciles:
        # within four binomial standard errors of the predicted rate, plus 2 points
        spread = 4 * (predicted * (1 - predicted) / profiles) ** 0.5 + 0.02
        assert abs(predicted - observed) <= spread, (predicted, observed, profiles)


def test_clusters_follow_the_planted_archetypes(build) -> None:
    run, truth = build
    con = run.connect()
    clusters = cluster_accuracy(con, truth)
    assert clusters.profiles >= 0.95 * CUSTOMERS
    assert clusters.adjusted_rand >= 0.85, clusters
    chosen = con.execute(
        "select k, silhouette_rows, training_rows, stability_ari from ml.ml_cluster_selection "
        "where is_chosen"
    ).fetchall()
    assert len(chosen) == 1
    k, silhouette_rows, training_rows, stability = chosen[0]
    assert k == clusters.k and stability >= 0.9, chosen
    # fitted on the known customers only: every CRM person's profile, few others
    known = con.execute("select count(*) from ml.int_ml__cluster_input where is_known_customer")
    assert training_rows == known.fetchone()[0] < 1.05 * CUSTOMERS
    assert silhouette_rows == min(training_rows, 5_000)
    labels = con.execute("select count(distinct cluster_label) from ml_reports.ml_cluster_profiles")
    assert labels.fetchone()[0] >= 2


def test_no_clustering_beats_the_supervised_ceiling(build) -> None:
    run, truth = build
    with run.connect() as con:
        clusters = cluster_accuracy(con, truth)
        frame, columns = cluster_inputs(con, truth)
    assert len(frame) == clusters.profiles
    separable = separability(frame[columns].to_numpy(float), frame.archetype.to_numpy(), columns)
    assert clusters.adjusted_rand < separable.supervised_adjusted_rand
    assert set(separable.spread) == set(clusters.contingency)


def test_separability_tells_apart_distinct_and_identical_groups() -> None:
    rng = np.random.default_rng(3)
    columns = ["a", "b"]
    labels = np.repeat(["x", "y", "z"], 300)
    centres = {"x": (0.0, 0.0), "y": (6.0, 0.0), "z": (0.0, 6.0)}
    distinct = np.array([centres[label] for label in labels]) + rng.normal(0, 1, (900, 2))
    identical = rng.normal(0, 1, (900, 2))
    apart = separability(distinct, labels, columns)
    alike = separability(identical, labels, columns)
    assert apart.supervised_adjusted_rand > 0.9 and apart.supervised_accuracy > 0.97
    assert alike.supervised_adjusted_rand < 0.05
    # spreads are in scaled units: the distinct groups' means lie far apart for their width
    (y_mean, _), (x_mean, _) = apart.spread["y"]["a"], apart.spread["x"]["a"]
    assert y_mean - x_mean > 1.5
    assert all(0.2 < sd < 0.6 for _, sd in apart.spread["x"].values())
    # the same inputs give the same result
    assert separability(distinct, labels, columns) == apart


def test_lookalikes_resemble_the_seed_segment(build) -> None:
    run, _ = build
    con = run.connect()
    seed = con.execute("select count(*) from segment_rules.seg_high_value").fetchone()[0]
    scored = con.execute("select count(*) from marts.fct_lookalike_scores").fetchone()[0]
    profiles = con.execute("select count(*) from ml.int_ml__lookalike_input").fetchone()[0]
    assert seed > 0 and scored == profiles - seed
    # the most alike non-members spend far more than the other non-members
    lookalike, rest = con.execute(
        """
        select
            avg(case when s.percentile >= 95 then f.revenue_365d end),
            avg(case when s.percentile < 95 then f.revenue_365d end)
        from marts.fct_lookalike_scores s
        join features.int_customer__features f using (profile_id)
        """
    ).fetchone()
    assert lookalike > 3 * rest, (lookalike, rest)
