"""Clustering that fits the data it is given.

* k starts at 2, and two planted groups are clustered as two.
* Features with nothing to separate (absent from the build, or one value for everyone) are left
  out before scaling, with the reason; with none left there is one cluster, not an error.
* The scaler (a scikit-learn pipeline) keeps the transform it had: median for a missing value,
  ``log1p`` on skewed non-negative columns, standardisation; zero columns pass through.

The same on a build of a transactions-only log: tests/python/test_ml_gates.py.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from open_segments.ml import clustering
from open_segments.ml.preprocess import FeatureScaler


def two_groups(seed: int = 11, per_group: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """Two groups in 3-D, centres 6 standard deviations apart, the first twice as large."""
    rng = np.random.default_rng(seed)
    truth = np.repeat([0, 1], [2 * per_group, per_group])
    centres = np.array([[0.0, 0.0, 0.0], [6.0, 6.0, 0.0]])
    return centres[truth] + rng.normal(size=(len(truth), 3)), truth


def test_k_starts_at_two_by_default() -> None:
    assert clustering.ClusteringConfig().k_values == (2, 3, 4, 5, 6, 7, 8)


def test_two_planted_groups_are_clustered_as_two() -> None:
    points, truth = two_groups()
    config = clustering.ClusteringConfig(bootstrap_rounds=1, kmeans_init=2)
    diagnostics = clustering.select_k(points, config)
    assert [d.k for d in diagnostics] == list(config.k_values)
    (chosen,) = [d for d in diagnostics if d.chosen]
    assert chosen.k == 2
    assert chosen.silhouette == max(d.silhouette for d in diagnostics)
    assert chosen.cluster_sizes == [300, 150]
    _, labels = clustering.fit(points, 2, config)
    assert adjusted_rand_score(truth, labels) == 1.0


def test_choose_can_pick_the_first_and_smallest_k() -> None:
    def diag(k: int, silhouette: float, davies_bouldin: float) -> clustering.KDiagnostics:
        return clustering.KDiagnostics(k, silhouette, davies_bouldin, 1.0, 0.0)

    options = [diag(2, 0.58, 0.55), diag(3, 0.41, 0.90), diag(4, 0.44, 0.80)]
    assert clustering.choose(options) == 0
    # a tie in mean rank goes to the higher silhouette, then to the smaller k
    tied = [diag(2, 0.50, 0.9), diag(3, 0.40, 0.6)]
    assert clustering.choose(tied) == 0
    assert clustering.choose([diag(3, 0.5, 0.7), diag(2, 0.5, 0.7)]) == 1


def test_absent_and_constant_features_are_dropped_with_the_reason() -> None:
    rng = np.random.default_rng(3)
    rows = 200
    values = np.column_stack(
        [
            rng.exponential(90, rows),  # recency: varies
            np.full(rows, np.nan),  # no web data in the build: null for everyone
            np.zeros(rows),  # one value for everyone
            np.where(rng.random(rows) < 0.5, np.nan, 40.0),  # one value where it exists
            np.where(rng.random(rows) < 0.3, np.nan, rng.gamma(2, 30, rows)),  # varies, gaps
        ]
    )
    columns = ["recency", "sessions", "zeros", "value_once", "order_value"]
    selection = clustering.select_features(columns, values)
    assert selection.used == ("recency", "order_value")
    assert selection.dropped == {
        "sessions": clustering.ABSENT,
        "zeros": clustering.CONSTANT,
        "value_once": clustering.CONSTANT,
    }
    assert selection.text_dropped().startswith("sessions: absent (no value in any training row")
    assert "; zeros: constant" in selection.text_dropped()


def test_nothing_is_dropped_when_every_feature_varies_or_there_are_no_rows() -> None:
    columns = ["a", "b"]
    varied = np.array([[1.0, 0.0], [2.0, 0.0], [1.0, 5.0]])
    assert clustering.select_features(columns, varied) == clustering.FeatureSelection(("a", "b"))
    assert clustering.select_features(columns, varied).text_dropped() == ""
    empty = clustering.select_features(columns, np.zeros((0, 2)))
    assert empty.used == ("a", "b") and not empty.dropped


def test_with_no_feature_left_every_profile_is_one_cluster() -> None:
    rows = np.zeros((50, 0))
    scaler = FeatureScaler.fit([], rows)
    scaled = scaler.transform(rows)
    assert scaled.shape == (50, 0)
    for method in clustering.METHODS:
        config = clustering.ClusteringConfig(method=method, bootstrap_rounds=1, min_samples=5)
        (only,) = clustering.select_k(scaled, config)
        assert only.chosen and only.cluster_sizes == [50], method
        clusterer, labels = clustering.fit(scaled, only.k, config)
        assert set(labels.tolist()) == {1}, method
        assert clusterer.assign(np.zeros((3, 0))).tolist() == [1, 1, 1], method


def test_scaler_standardises_on_the_log_scale_it_chose() -> None:
    rng = np.random.default_rng(5)
    skewed = rng.lognormal(2, 1.2, 1000)
    symmetric = rng.normal(50, 10, 1000)
    values = np.column_stack([skewed, symmetric, np.full(1000, 7.0)])
    scaler = FeatureScaler.fit(["skewed", "symmetric", "constant"], values)
    assert scaler.logged.tolist() == [True, False, False]
    expected = np.column_stack(
        [
            (np.log1p(skewed) - np.log1p(skewed).mean()) / np.log1p(skewed).std(),
            (symmetric - symmetric.mean()) / symmetric.std(),
            np.zeros(1000),  # a constant column stays 0
        ]
    )
    assert np.allclose(scaler.transform(values), expected)
    assert np.allclose(scaler.mean, [np.log1p(skewed).mean(), symmetric.mean(), 7.0])
    assert np.allclose(scaler.scale, [np.log1p(skewed).std(), symmetric.std(), 1.0])


def test_an_empty_sample_transforms_to_an_empty_matrix() -> None:
    """An empty shop: nothing to fit on, nothing to transform, and no error."""
    empty = np.zeros((0, 3))
    scaler = FeatureScaler.fit(["a", "b", "c"], empty)
    assert scaler.transform(empty).shape == (0, 3)
    assert [
        d.k for d in clustering.select_k(scaler.transform(empty), clustering.ClusteringConfig())
    ] == [1]
