"""The ML package on synthetic data with a known answer.

* Clustering finds planted, well-separated groups (k, adjusted Rand, stability), numbers
  them canonically, and gives the same answer twice.
* Propensity measures are right on hand-checkable cases; calibrated gradient boosting on a
  known logistic process comes within 0.03 ROC AUC of the true probabilities and beats its
  logistic baseline when the signal is non-linear; degenerate labels fit nothing.
* A shallow tree finds a planted rule and writes it as a rule-segment file.
* PSI and KS see a shift and not noise; drift compares with the last build of an earlier date.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, roc_auc_score

from open_segments.ml import clustering, drift, gates, lookalike, propensity, rules, tables
from open_segments.ml.preprocess import FeatureScaler

COLUMNS = ["a", "b", "c"]


def planted_blobs(seed: int = 7, per_cluster: int = 600):
    """Four groups in 3-D, centres 8 standard deviations apart."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8]], dtype=float)
    sizes = [per_cluster * 2, per_cluster, per_cluster, per_cluster // 2]
    truth = np.repeat(np.arange(4), sizes)
    points = centres[truth] + rng.normal(size=(len(truth), 3))
    return points, truth


# ----------------------------------------------------------------------------- native threads


def test_native_threads_share_the_cores_unless_set_outright(monkeypatch):
    monkeypatch.delenv(tables.THREADS_ENV, raising=False)
    monkeypatch.setattr(tables, "available_cores", lambda: 8)
    assert tables.library_threads(1) == 8
    assert tables.library_threads("2") == 4
    assert tables.library_threads(16) == 1
    monkeypatch.setenv(tables.THREADS_ENV, " 3 ")
    assert tables.library_threads(1) == 3
    for wrong in ("0", "-1", "two", "1.5", "\u00b2"):
        monkeypatch.setenv(tables.THREADS_ENV, wrong)
        with pytest.raises(ValueError, match=tables.THREADS_ENV):
            tables.library_threads(1)


# ----------------------------------------------------------------------------- preprocessing


def test_scaler_logs_skewed_non_negative_columns_and_inverts():
    rng = np.random.default_rng(1)
    values = np.column_stack(
        [rng.lognormal(0, 1.5, 2000), rng.normal(0, 1, 2000), rng.lognormal(0, 1.5, 2000) - 5]
    )
    scaler = FeatureScaler.fit(COLUMNS, values)
    assert scaler.logged.tolist() == [True, False, False]  # the third has negatives
    scaled = scaler.transform(values)
    assert np.allclose(scaled.mean(axis=0), 0, atol=1e-9)
    assert np.allclose(scaled.std(axis=0), 1, atol=1e-9)
    assert np.allclose(scaler.inverse_transform(scaled), values)


def test_scaler_refuses_infinities_and_wrong_widths():
    scaler = FeatureScaler.fit(COLUMNS, np.ones((5, 3)))
    assert np.allclose(scaler.transform(np.ones((2, 3))), 0)  # constant columns stay 0
    with pytest.raises(ValueError, match="finite"):
        scaler.transform(np.array([[1.0, np.inf, 1.0]]))
    with pytest.raises(ValueError, match="3 columns"):
        scaler.transform(np.ones((2, 2)))


def test_scaler_puts_the_training_median_in_place_of_a_missing_value():
    # the middle column is missing for two rows (an order value for people without orders)
    values = np.array(
        [
            [1.0, 20.0, 0.0],
            [2.0, np.nan, 1.0],
            [3.0, 30.0, 2.0],
            [4.0, np.nan, 3.0],
            [5.0, 250.0, 4.0],
        ]
    )
    scaler = FeatureScaler.fit(COLUMNS, values)
    assert scaler.fill.tolist() == [3.0, 30.0, 2.0]
    filled = values.copy()
    filled[[1, 3], 1] = 30.0
    assert np.allclose(scaler.transform(values), scaler.transform(filled))
    # the statistics are those of the filled column, so the filled rows sit at its centre
    assert np.isclose(scaler.transform(values)[:, 1].mean(), 0)
    # a column missing everywhere is 0 in every row
    empty = np.column_stack([values[:, 0], np.full(5, np.nan), values[:, 2]])
    assert np.allclose(FeatureScaler.fit(COLUMNS, empty).transform(empty)[:, 1], 0)


# ----------------------------------------------------------------------------- clustering


def test_kmeans_chooses_the_planted_k_and_recovers_the_groups():
    points, truth = planted_blobs()
    config = clustering.ClusteringConfig(k_values=(2, 3, 4, 5, 6), silhouette_sample=1000)
    scaled = FeatureScaler.fit(COLUMNS, points).transform(points)
    diagnostics = clustering.select_k(scaled, config)
    chosen = [d for d in diagnostics if d.chosen]
    assert [d.k for d in chosen] == [4]
    assert chosen[0].stability_ari >= 0.95
    assert chosen[0].cluster_sizes == sorted(chosen[0].cluster_sizes, reverse=True)

    clusterer, labels = clustering.fit(scaled, 4, config)
    assert adjusted_rand_score(truth, labels) >= 0.98
    # canonical numbers: 1 is the largest group; assignment of new rows agrees
    assert np.bincount(labels).argmax() == 1
    assert (clusterer.assign(scaled) == labels).mean() >= 0.99


def test_clustering_is_deterministic():
    points, _ = planted_blobs(seed=3)
    config = clustering.ClusteringConfig(k_values=(3, 4, 5), silhouette_sample=500)
    first = clustering.select_k(points, config)
    second = clustering.select_k(points, config)
    assert first == second
    a, labels_a = clustering.fit(points, 4, config)
    b, labels_b = clustering.fit(points, 4, config)
    assert np.array_equal(labels_a, labels_b) and np.array_equal(a.centroids, b.centroids)


def test_hierarchical_and_dbscan_find_the_groups():
    points, truth = planted_blobs(per_cluster=200)
    ward = clustering.ClusteringConfig(method="hierarchical", bootstrap_rounds=1)
    _, labels = clustering.fit(points, 4, ward)
    assert adjusted_rand_score(truth, labels) >= 0.98

    dense = clustering.ClusteringConfig(
        method="dbscan", eps=1.5, min_samples=10, bootstrap_rounds=1
    )
    (diagnostics,) = clustering.select_k(points, dense)
    assert diagnostics.k == 4 and diagnostics.chosen
    clusterer, labels = clustering.fit(points, 0, dense)
    clustered = labels > clustering.NOISE
    assert adjusted_rand_score(truth[clustered], labels[clustered]) >= 0.98
    # a far-away point is noise
    assert clusterer.assign(np.array([[100.0, 100.0, 100.0]])).tolist() == [clustering.NOISE]


def test_tiny_and_repetitive_inputs_get_fewer_clusters_not_errors():
    config = clustering.ClusteringConfig(k_values=(3, 4, 5))
    three = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [5.0, 5.0, 5.0]])
    (only,) = clustering.select_k(three, config)
    assert only.k == 1 and only.chosen  # no k in 3..5 is below 3 distinct rows
    duplicates = np.repeat(three[:2], 50, axis=0)
    clusterer, labels = clustering.fit(duplicates, 4, config)
    assert clusterer.k == 2 and set(labels.tolist()) == {1, 2}
    empty = np.zeros((0, 3))
    (nothing,) = clustering.select_k(empty, config)
    assert nothing.k == 1 and nothing.cluster_sizes == [0]
    scaler = FeatureScaler.fit(COLUMNS, empty)
    assert np.array_equal(scaler.transform(three), three)


def test_choose_prefers_the_best_mean_rank():
    def diag(k, silhouette, davies_bouldin):
        return clustering.KDiagnostics(k, silhouette, davies_bouldin, 1.0, 0.0)

    options = [diag(3, 0.50, 0.9), diag(4, 0.48, 0.6), diag(5, 0.30, 0.7)]
    assert clustering.choose(options) == 1  # ranks 1+0 beat 0+2 and 2+1
    assert clustering.choose([diag(3, float("nan"), float("nan"))]) == 0


def test_config_rejects_unknown_methods_and_small_k():
    with pytest.raises(ValueError, match="one of"):
        clustering.ClusteringConfig(method="spectral")
    with pytest.raises(ValueError, match="2 or more"):
        clustering.ClusteringConfig(k_values=(1, 2))


# ----------------------------------------------------------------------------- propensity


def test_measures_on_hand_checked_cases():
    labels = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    perfect = np.linspace(0, 1, 10)
    measures = propensity.evaluate(labels, perfect)
    assert measures["roc_auc"] == 1.0 and measures["pr_auc"] == 1.0
    assert measures["base_rate"] == 0.2
    assert measures["top_decile_lift"] == pytest.approx(5.0)  # the top 1 of 10 is positive
    assert "brier" not in propensity.evaluate(labels, -perfect, probabilities=False)
    assert propensity.evaluate(labels, -perfect, probabilities=False)["roc_auc"] == 0.0
    assert np.isnan(propensity.evaluate(np.zeros(5), np.ones(5))["roc_auc"])


def test_deciles_are_balanced_and_break_ties_by_key():
    scores = np.repeat([0.1, 0.9], 50)
    keys = np.arange(100)[::-1]
    decile = propensity.deciles(scores, keys)
    assert np.bincount(decile, minlength=11)[1:].tolist() == [10] * 10
    assert set(decile[scores == 0.9]) == {6, 7, 8, 9, 10}
    # among equal scores the smaller key ranks higher
    top = np.flatnonzero(decile == 10)
    assert sorted(keys[top].tolist()) == list(range(10))


def logistic_process(rows: int, seed: int):
    """Labels drawn from a known non-linear probability of three features."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 3))
    logit = -1.5 + 1.2 * x[:, 0] + 1.0 * np.abs(x[:, 1]) - 0.8 * (x[:, 2] > 0.5)
    probability = 1 / (1 + np.exp(-logit))
    return x, (rng.random(rows) < probability).astype(int), probability


def test_calibrated_boosting_comes_close_to_the_true_probabilities():
    config = propensity.PropensityConfig(max_iter=100)
    x_train, y_train, _ = logistic_process(20_000, seed=1)
    x_test, y_test, truth = logistic_process(20_000, seed=2)
    gbm = propensity.fit_gbm(x_train, y_train, config)
    logistic = propensity.fit_logistic(x_train, y_train, COLUMNS, config)
    gbm_auc = roc_auc_score(y_test, gbm.predict_proba(x_test)[:, 1])
    oracle_auc = roc_auc_score(y_test, truth)
    assert gbm_auc >= oracle_auc - 0.03
    assert gbm_auc > roc_auc_score(y_test, logistic.predict_proba(x_test)[:, 1])
    # calibrated: mean predicted probability close to the observed rate
    assert abs(gbm.predict_proba(x_test)[:, 1].mean() - y_test.mean()) < 0.01

    ranked = propensity.importances(gbm, x_test, y_test, COLUMNS, config)
    assert [item["feature"] for item in sorted(ranked, key=lambda i: -i["importance"])][0] == "a"


def test_too_few_positives_fit_no_model_and_measure_nothing():
    x = np.random.default_rng(0).normal(size=(100, 3))
    labels = np.zeros(100, dtype=int)
    labels[:3] = 1
    config = propensity.PropensityConfig()
    for fit in (
        lambda: propensity.fit_gbm(x, labels, config),
        lambda: propensity.fit_logistic(x, labels, COLUMNS, config),
    ):
        with pytest.raises(ValueError, match="3 positives"):
            fit()
    # a model that was not fitted has no ROC AUC -- not the 0.5 of a constant score
    unmeasured = propensity.evaluate(labels, None)
    assert unmeasured["rows"] == 100 and unmeasured["base_rate"] == pytest.approx(0.03)
    assert all(np.isnan(unmeasured[m]) for m in ("roc_auc", "pr_auc", "top_decile_lift", "brier"))
    empty = propensity.evaluate([], None)
    assert empty.pop("rows") == 0 and all(np.isnan(value) for value in empty.values())


def test_snapshot_filters_and_feature_columns():
    churn = propensity.TARGETS[1]
    assert propensity.snapshot_filter(churn, 90, labelled=True) == (
        "snapshot_offset_days = 90 and is_active_customer and churned_within_horizon is not null"
    )
    columns = ["snapshot_offset_days", "snapshot_date", "profile_id", "tenure_days"]
    columns += ["purchased_within_horizon", "churned_within_horizon", "is_active_customer"]
    assert propensity.feature_columns(columns) == ["tenure_days"]
    assert propensity.training_offsets(30, 2, horizons_back=1) == [30, 60]
    assert propensity.training_offsets(90, 3, horizons_back=2) == [180, 270, 360]
    with pytest.raises(ValueError, match="at least 1"):
        propensity.training_offsets(30, 0, horizons_back=1)
    assert churn.recency_scores(np.array([1.0, 5.0])).tolist() == [1.0, 5.0]
    assert propensity.TARGETS[0].recency_scores(np.array([1.0, 5.0])).tolist() == [-1.0, -5.0]


def test_pooled_snapshots_take_an_equal_share_of_each_labelled_snapshot():
    con = duckdb.connect()
    snapshots = con.sql(
        """
        select o as snapshot_offset_days, 'p' || lpad(i::varchar, 3, '0') as profile_id,
               (1000 * o + i)::double as tenure_days, i % 3 = 0 as purchased_within_horizon
        from range(0, 100) t(i), (values (30), (60), (90)) s(o)
        where not (o = 60 and i >= 50)
        """
    )
    purchase = propensity.TARGETS[0]
    pooled = propensity.pooled_snapshots(snapshots, purchase, [60, 30], ["tenure_days"], 80)
    snapshot = (pooled.tenure_days // 1000).astype(int).tolist()
    assert snapshot == [30] * 40 + [60] * 40
    # latest snapshot first, each sorted by key; a profile may appear once per snapshot
    assert pooled.profile_id.iloc[:40].is_monotonic_increasing
    assert pooled.profile_id.iloc[40:].is_monotonic_increasing
    assert pooled.profile_id.value_counts().max() == 2
    # a snapshot with fewer labelled rows than its share gives what it has
    few = propensity.pooled_snapshots(snapshots, purchase, [60, 30], ["tenure_days"], 200)
    assert len(few) == 100 + 50


# ----------------------------------------------------------------------------- rule suggestions


def test_the_tree_finds_a_planted_rule_and_writes_it_as_sql():
    rng = np.random.default_rng(5)
    x = np.column_stack([rng.uniform(0, 100, 20_000), rng.uniform(0, 10, 20_000)])
    planted = (x[:, 0] > 70) & (x[:, 1] <= 3)
    labels = (rng.random(20_000) < np.where(planted, 0.8, 0.05)).astype(int)
    found = rules.suggest(x, labels, ["a", "b"], rules.RuleConfig(max_depth=2))
    best = found[0]
    bounds = {(column, operator): threshold for column, operator, threshold in best.conditions}
    assert set(bounds) == {("a", ">"), ("b", "<=")}
    assert abs(bounds[("a", ">")] - 70) < 1 and abs(bounds[("b", "<=")] - 3) < 0.1
    assert best.support == pytest.approx(planted.mean(), abs=0.01)
    assert best.lift > 4 and all(s.lift >= 1.5 for s in found)
    assert "coalesce(a, 0) > 69.99" in best.predicate({"a": "coalesce(a, 0)"})

    sql = rules.segment_file("x", "Planted.", best.predicate(), ["a", "b"])
    assert "from features\n    where\n        " in sql and "\n        and " in sql
    assert all(f"{column} {operator}" in sql for column, operator in bounds)
    assert sql.endswith("select * from final\n")


def test_rule_paths_keep_the_tightest_bounds_and_degenerate_labels_give_nothing():
    path = (("a", ">", 1.0), ("a", ">", 5.0), ("b", "<=", 9.0), ("b", "<=", 4.0))
    assert rules._simplify(path) == (("a", ">", 5.0), ("b", "<=", 4.0))
    assert rules.suggest(np.ones((10, 1)), np.zeros(10), ["a"], rules.RuleConfig()) == []


def test_backtest_rows_cover_every_model_decile_and_feature():
    def frame(seed: int) -> pd.DataFrame:
        x, labels, _ = logistic_process(5_000, seed)
        return pd.DataFrame(
            {
                "profile_id": [f"p{i:05d}" for i in range(len(labels))],
                "days_since_last_order": np.abs(x[:, 0]) * 30,
                "b": x[:, 1],
                "c": x[:, 2],
                "purchased_within_horizon": labels,
            }
        )

    columns = ["days_since_last_order", "b", "c"]
    result = propensity.backtest(
        frame(1), frame(2), columns, propensity.TARGETS[0], propensity.PropensityConfig()
    )
    rows = result.rows
    measures = {(row["model_name"], row["measure"]) for row in rows if "decile" not in row}
    for name in ("gradient_boosting", "logistic_regression", "recency_only"):
        assert (name, "roc_auc") in measures
    assert ("recency_only", "brier") not in measures and ("gradient_boosting", "brier") in measures
    decile_rows = [row["value"] for row in rows if row["measure"] == "decile_rows"]
    assert decile_rows == [500.0] * 10
    importance = {row["feature"] for row in rows if row["measure"] == "permutation_importance"}
    assert importance == set(columns)
    # the candidate ranked the holdout at least as well as the other, and the deciles and
    # importances are its own
    auc = {row["model_name"]: row["value"] for row in rows if row["measure"] == "roc_auc"}
    assert result.candidate in propensity.SERVABLE
    assert auc[result.candidate] == max(auc[m] for m in propensity.SERVABLE)
    assert result.roc_auc == auc
    assert {row["model_name"] for row in rows if "decile" in row or "feature" in row} == {
        result.candidate
    }


def test_the_candidate_is_the_better_ranker_and_boosting_wins_ties():
    def candidate(boosting: float, logistic: float, **others: float) -> str | None:
        auc = {"gradient_boosting": boosting, "logistic_regression": logistic, **others}
        return propensity.better_ranker(auc)

    assert candidate(0.70, 0.71) == "logistic_regression"
    assert candidate(0.71, 0.70) == "gradient_boosting"
    assert candidate(0.70, 0.70) == "gradient_boosting"
    assert candidate(np.nan, 0.6) == "logistic_regression"
    assert candidate(np.nan, np.nan) is None  # nothing measured: nothing to serve
    # the recency ranking is reported but never a candidate
    assert candidate(0.5, 0.6, recency_only=0.9) == "logistic_regression"
    backtest = duckdb.connect().sql(
        """
        select * from (values
            ('churn', 'logistic_regression', 'roc_auc', true, null),
            ('churn', 'logistic_regression', 'decile_rows', true, null),
            ('churn', 'gradient_boosting', 'roc_auc', false, null),
            ('purchase', 'gradient_boosting', 'roc_auc', false, 'backtest trained on 0 rows')
        ) t(target, model_name, measure, is_served, not_served_reason)
        """
    )
    assert propensity.serving(backtest) == {
        "purchase": propensity.Serving(None, "backtest trained on 0 rows"),
        "churn": propensity.Serving("logistic_regression", None),
    }
    with pytest.raises(ValueError, match="unknown propensity model"):
        propensity.fit_model("random_forest", np.zeros((4, 1)), np.zeros(4), ["a"], None)


# ----------------------------------------------------------------------------- drift


def test_psi_and_ks_see_a_shift_and_not_noise():
    rng = np.random.default_rng(0)
    reference = drift.quantile_grid(rng.normal(size=50_000))
    same, shifted = rng.normal(size=50_000), rng.normal(0.5, 1, 50_000)
    assert drift.psi(reference, same) < 0.01 and drift.ks(reference, same) < 0.02
    assert drift.psi(reference, shifted) > 0.2
    assert drift.ks(reference, shifted) == pytest.approx(0.197, abs=0.02)  # 2 * Phi(0.25) - 1
    # three values only: PSI over the merged bins equals the categorical PSI
    counts = rng.choice(3, 50_000, p=[0.5, 0.3, 0.2]).astype(float)
    uniform = drift.quantile_grid(rng.integers(0, 3, 50_000).astype(float))
    exact = drift.categorical_psi([1 / 3] * 3, [0.5, 0.3, 0.2])
    assert drift.psi(uniform, counts) == pytest.approx(exact, abs=0.02)


def test_drift_report_compares_with_the_last_earlier_build():
    rng = np.random.default_rng(1)
    first, second = dt.date(2026, 6, 30), dt.date(2026, 9, 30)
    values = {("feature", "x"): rng.normal(size=10_000)}
    initial = drift.report(values, {"1": 60, "2": 40}, drift.references([], first))
    assert all(row["psi"] is None and row["reference_as_of_date"] is None for row in initial)

    stored = [
        ("feature", "x", first, None, initial[0]["summary"], None),
        ("cluster", "cluster_share", first, None, initial[1]["summary"], None),
    ]
    later = drift.report(
        {("feature", "x"): rng.normal(1, 1, 10_000)},
        {"1": 40, "2": 60},
        drift.references(stored, second),
    )
    assert [row["reference_as_of_date"] for row in later] == [first, first]
    assert later[0]["psi"] > 0.25 and later[0]["ks"] > 0.3
    assert later[1]["psi"] == pytest.approx(drift.categorical_psi([0.6, 0.4], [0.4, 0.6]))
    assert later[1]["rows"] == 100

    # rebuilding the second date keeps comparing with the first
    rebuilt = [("feature", "x", second, first, later[0]["summary"], initial[0]["summary"])]
    assert drift.references(rebuilt, second) == {("feature", "x"): (first, initial[0]["summary"])}


# ----------------------------------------------------------------------------- quality gates


def cohort_snapshots(profiles: int, history_days: int, offsets: list[int], seed: int = 3):
    """int_ml__propensity_snapshots of one acquisition cohort, as DuckDB computes it: every
    profile's first order between ``history_days`` and ``history_days - 60`` days before the
    as-of date, repeat orders at the profile's own rate until it stops (the less loyal, the
    sooner: loyalty is a feature recency cannot see). Returns a DuckDB relation with the keys,
    five features and the three label columns for a 30-day purchase and 90-day churn horizon."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.6, 0.03, profiles)
    loyalty = rng.random(profiles)
    ages = []
    for i in range(profiles):
        age = history_days - int(rng.integers(0, 60))
        orders = [age]
        stays = 0.3 + 0.7 * loyalty[i]
        while rng.random() < stays and (age := age - int(rng.exponential(1 / rate[i]))) >= 0:
            orders.append(age)
        ages.append(np.array(orders))
    rows = []
    for offset in offsets:
        for i, order_ages in enumerate(ages):
            tenure = int(order_ages.max())
            if tenure < offset:
                continue  # the profile did not exist yet
            seen = order_ages[order_ages >= offset] - offset
            ahead = order_ages[(order_ages < offset)]
            rows.append(
                {
                    "snapshot_offset_days": offset,
                    "profile_id": f"p{i:05d}",
                    "tenure_days": tenure - offset,
                    "loyalty": loyalty[i],
                    "orders_lifetime": len(seen),
                    "days_since_last_order": int(seen.min()) if len(seen) else tenure - offset,
                    "days_since_first_order": int(seen.max()) if len(seen) else 0,
                    "purchased_within_horizon": bool((ahead >= offset - 30).any())
                    if offset >= 30
                    else None,
                    "churned_within_horizon": (not (ahead >= offset - 90).any())
                    if offset >= 90 and len(seen) and seen.min() < 365
                    else None,
                    "is_active_customer": bool(len(seen) and seen.min() < 365),
                }
            )
    frame = pd.DataFrame(rows)
    frame["purchased_within_horizon"] = frame["purchased_within_horizon"].astype("boolean")
    frame["churned_within_horizon"] = frame["churned_within_horizon"].astype("boolean")
    return duckdb.connect().from_df(frame)


GATES = gates.GateConfig()
TRAINING = propensity.Training(snapshots=2, sample_rows=100_000)
PURCHASE, CHURN = propensity.TARGETS


def judged(snapshots, target, horizon, gate_config=GATES):
    rows = propensity.judge_target(
        snapshots,
        target,
        horizon,
        TRAINING,
        propensity.PropensityConfig(max_iter=50, min_samples_leaf=20),
        gate_config,
        propensity.order_history_days(snapshots),
    )
    (reason,) = {row["not_served_reason"] for row in rows}
    auc = {row["model_name"]: row["value"] for row in rows if row["measure"] == "roc_auc"}
    return rows, reason, auc


def test_a_horizon_longer_than_the_order_history_is_a_clear_error():
    snapshots = cohort_snapshots(300, history_days=270, offsets=[0, 273, 546])
    assert propensity.order_history_days(snapshots) == 270
    with pytest.raises(gates.HorizonBeyondHistory) as error:
        judged(snapshots, PURCHASE, 273)
    message = str(error.value)
    for part in (
        "var propensity_horizon_days is 273 days",
        "the first completed order is 270 days before the as-of date",
        "The longest horizon this data can label is 270 days",
        "the longest it can backtest 135 days",
        "propensity_horizon_beyond_history: unserved",
    ):
        assert part in message, message
    # unserved: the target is gated out with the same explanation, nothing is measured
    unserved = gates.GateConfig(propensity_horizon_beyond_history="unserved")
    rows, reason, auc = judged(snapshots, PURCHASE, 273, unserved)
    assert not any(row["is_served"] for row in rows)
    assert reason.startswith("var propensity_horizon_days is 273 days, longer than the order")
    assert np.isnan(auc["gradient_boosting"]) and np.isnan(auc["logistic_regression"])


def test_a_shop_without_orders_has_nothing_to_train_on_not_a_horizon_error():
    reasons = gates.propensity_reasons(
        GATES, horizon=30, history_days=None, horizon_problem=None,
        train=gates.Counts(0, 0), test=gates.Counts(0, 0), scoring=gates.Counts(0, 0),
        model_name=None, model_auc=float("nan"), recency_auc=float("nan"),
    )  # fmt: skip
    assert reasons == ["no completed order before the as-of date: nothing to train on"]
    assert gates.horizon_problem("propensity_horizon_days", 9999, None, GATES) is None


def test_an_empty_backtest_is_not_served_and_reports_no_auc():
    """137 days on 270 days of history: the backtest's training snapshots (274 and 411 days
    back) precede the first order; the snapshot one horizon back could still be labelled."""
    snapshots = cohort_snapshots(1_500, history_days=270, offsets=[0, 137, 274, 411])
    rows, reason, auc = judged(snapshots, PURCHASE, 137)
    assert not any(row["is_served"] for row in rows)
    assert reason.startswith(
        "backtest trained on 0 rows (needs 500): the order history before the as-of date "
        "covers 270 days, the backtest needs 2 horizons of 137 days"
    ), reason
    # nothing was fitted: no ROC AUC of 0.5, no deciles, the empty snapshots listed
    assert np.isnan(auc["gradient_boosting"]) and np.isnan(auc["logistic_regression"])
    assert {row["model_status"] for row in rows if row["model_name"] != "recency_only"} == {
        "not_fitted"
    }
    assert not [row for row in rows if "decile" in row]
    first = rows[0]
    assert first["candidate_model"] is None and first["train_rows"] == 0
    assert [s["rows"] for s in json.loads(first["train_snapshots"])] == [0, 0]
    assert first["test_rows"] > 200 and first["history_days"] == 270


def test_a_healthy_backtest_is_served_and_an_empty_pooled_snapshot_is_reported():
    """30 days on 270: served. 120 days: the second pooled snapshot (360 days back) is empty
    and listed with 0 rows, not dropped without a word."""
    snapshots = cohort_snapshots(2_000, history_days=270, offsets=[0, 30, 60, 90, 120, 240, 360])
    rows, reason, auc = judged(snapshots, PURCHASE, 30)
    assert reason is None, reason
    served = {row["model_name"] for row in rows if row["is_served"]}
    assert served == {rows[0]["candidate_model"]} and served <= set(propensity.SERVABLE)
    (name,) = served
    assert auc[name] - auc["recency_only"] >= GATES.ml_min_auc_gain
    pooled = json.loads(rows[0]["train_snapshots"])
    assert [s["offset_days"] for s in pooled] == [60, 90] and all(s["rows"] for s in pooled)

    assert rows[0]["notes"] is None

    rows, _, _ = judged(snapshots, PURCHASE, 120)
    pooled = json.loads(rows[0]["train_snapshots"])
    assert [(s["offset_days"], s["rows"]) for s in pooled][1] == (360, 0)
    assert pooled[0]["rows"] > 0 and rows[0]["train_rows"] == pooled[0]["rows"]
    assert rows[0]["notes"] == (
        "the backtest training snapshot 360 days back has no labelled rows (the order history "
        "covers 270 days)"
    )


def test_forty_profiles_are_too_few_to_serve():
    snapshots = cohort_snapshots(40, history_days=270, offsets=[0, 30, 60, 90, 180, 270])
    for target, horizon in ((PURCHASE, 30), (CHURN, 90)):
        rows, reason, _ = judged(snapshots, target, horizon)
        assert not any(row["is_served"] for row in rows)
        assert "backtest trained on" in reason and "(needs 500)" in reason, reason
        assert "backtest measured on" in reason and "(needs 200)" in reason, reason


def test_a_model_must_beat_recency_by_the_margin():
    def reasons(model_auc: float, recency_auc: float) -> list[str]:
        return gates.propensity_reasons(
            GATES, horizon=30, history_days=700, horizon_problem=None,
            train=gates.Counts(5_000, 900), test=gates.Counts(2_000, 400),
            scoring=gates.Counts(5_000, 950), model_name="gradient_boosting",
            model_auc=model_auc, recency_auc=recency_auc,
        )  # fmt: skip

    assert reasons(0.780, 0.770) == []
    assert reasons(0.612, 0.610) == [
        "gradient boosting ranked the backtest at ROC AUC 0.612, recency alone at 0.610: "
        "a gain of +0.002 (needs +0.005)"
    ]
    assert reasons(0.60, 0.65)[0].endswith("a gain of -0.050 (needs +0.005)")
    # too few classes are judged before the ranking, each with its numbers
    few = gates.propensity_reasons(
        GATES, horizon=30, history_days=700, horizon_problem=None,
        train=gates.Counts(5_000, 12), test=gates.Counts(2_000, 1_995),
        scoring=gates.Counts(5_000, 950), model_name="logistic_regression",
        model_auc=0.9, recency_auc=0.5,
    )  # fmt: skip
    assert few == [
        "backtest training rows hold 12 positives and 4,988 negatives (needs 20 of each)",
        "backtest test rows hold 1,995 positives and 5 negatives (needs 20 of each)",
    ]


def test_lookalike_gates_need_seed_members_and_a_holdout_that_tells_them_apart():
    rng = np.random.default_rng(4)
    columns = ["a", "b"]
    x = rng.normal(size=(2_000, 2))
    separable = (x[:, 0] > 0.8).astype(int)
    measured = lookalike.holdout(x, separable, columns, seed=42)
    assert measured.roc_auc > 0.95
    assert measured.holdout.rows == 600 and measured.train.rows == 1_400
    assert measured.holdout.positives + measured.train.positives == separable.sum()
    assert lookalike.holdout(x, separable, columns, seed=42) == measured  # deterministic

    def reasons(members: int, auc: float) -> list[str]:
        return gates.lookalike_reasons(
            GATES, seed_segment="high_value", seed_members=members, non_members=1_000,
            holdout=gates.Counts(600, 180), holdout_auc=auc,
        )  # fmt: skip

    assert reasons(400, measured.roc_auc) == []
    assert reasons(12, measured.roc_auc) == ["seed segment high_value has 12 members (needs 50)"]
    noise = lookalike.holdout(x, rng.integers(0, 2, 2_000), columns, seed=42)
    assert abs(noise.roc_auc - 0.5) < 0.06
    assert reasons(1_000, noise.roc_auc) == [
        f"the model told seed members from the rest at ROC AUC {noise.roc_auc:.3f} on a "
        "holdout of 600 rows (needs 0.600)"
    ]
    tiny = lookalike.holdout(x[:5], np.array([1, 0, 0, 0, 0]), columns, seed=42)
    assert np.isnan(tiny.roc_auc)
