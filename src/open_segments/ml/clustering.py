"""Behavioural clustering: choose k, check stability, assign every profile.

The number of clusters is chosen on a bounded training sample: for every k
in the configured range the sample is clustered, then scored by the mean
silhouette (on at most ``silhouette_sample`` rows, never all rows: it is
quadratic) and by the Davies-Bouldin index. The chosen k has the best mean
rank over the two (ties: higher silhouette, then smaller k). Stability is the
mean adjusted Rand index between the clustering of the sample and that of
models fitted on bootstrap resamples of it, both applied to the sample.

Methods (``method``):

* ``kmeans`` -- k-means++ with several initialisations; new rows go to the
  nearest centroid.
* ``hierarchical`` -- Ward agglomerative clustering of the sample (quadratic
  memory, so the sample is capped at ``hierarchical_sample``); new rows go to
  the nearest cluster mean.
* ``dbscan`` -- density clusters of the sample (k does not apply: one
  diagnostics row); a new row joins the cluster of its nearest core sample
  within ``eps``, else it is noise (cluster 0).

Before any of this, features that cannot separate anyone are left out
(``select_features``): a feature with no value in the training sample (its
source is absent from the build) and a feature with the same value in every
training row (no web data: 0 sessions for everyone). Kept, they add nothing
but a constant column that the profiles then describe with undefined
statistics.

Cluster numbers are canonical: 1 is the largest cluster of the sample, ties
broken by the centroid's coordinates, so the same data always gives the same
numbers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score
from sklearn.neighbors import NearestNeighbors

METHODS = ("kmeans", "hierarchical", "dbscan")
NOISE = 0
"""Cluster number of DBSCAN noise (real clusters are numbered from 1)."""


@dataclass(frozen=True)
class ClusteringConfig:
    method: str = "kmeans"
    k_values: tuple[int, ...] = (2, 3, 4, 5, 6, 7, 8)
    silhouette_sample: int = 5_000
    hierarchical_sample: int = 10_000
    bootstrap_rounds: int = 5
    kmeans_init: int = 4
    eps: float = 0.8
    min_samples: int = 20
    seed: int = 42

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(
                f"cluster method must be one of {', '.join(METHODS)}, not {self.method!r}"
            )
        if self.method != "dbscan" and (not self.k_values or min(self.k_values) < 2):
            raise ValueError(f"k values must be 2 or more, got {self.k_values}")


@dataclass(frozen=True)
class Clusterer:
    """A fitted clustering: assigns any rows to canonical cluster numbers (1..k)."""

    method: str
    centroids: np.ndarray  # one row per cluster, in canonical order (cluster 1 first)
    core_points: np.ndarray | None = None  # DBSCAN: core samples ...
    core_clusters: np.ndarray | None = None  # ... and their canonical clusters
    eps: float = 0.0
    # nearest-core index, built once (assign runs per streamed batch)
    core_index: NearestNeighbors | None = field(default=None, compare=False, repr=False)

    @property
    def k(self) -> int:
        return len(self.centroids)

    def assign(self, scaled: np.ndarray) -> np.ndarray:
        """Canonical cluster number of every row (DBSCAN noise: 0)."""
        if self.method == "dbscan":
            if self.core_index is None:
                return np.full(len(scaled), NOISE)
            distance, nearest = self.core_index.kneighbors(scaled)
            clusters = self.core_clusters[nearest[:, 0]]
            return np.where(distance[:, 0] <= self.eps, clusters, NOISE)
        return nearest_centroid(self.centroids, scaled) + 1


@dataclass(frozen=True)
class KDiagnostics:
    """How well one k (or the one DBSCAN run) clusters the training sample."""

    k: int
    silhouette: float
    davies_bouldin: float
    stability_ari: float
    inertia: float
    cluster_sizes: list[int] = field(default_factory=list)
    chosen: bool = False


@dataclass(frozen=True)
class FeatureSelection:
    """The features clustering uses, and those it leaves out with the reason."""

    used: tuple[str, ...]
    dropped: dict[str, str] = field(default_factory=dict)

    def text_dropped(self) -> str:
        """``feature: reason`` pairs separated by ``; `` (empty when none is dropped)."""
        return "; ".join(f"{name}: {reason}" for name, reason in self.dropped.items())


ABSENT = "absent (no value in any training row: its source has no data in this build)"
CONSTANT = "constant (the same value in every training row)"


def select_features(columns: list[str] | tuple[str, ...], values: np.ndarray) -> FeatureSelection:
    """The columns that vary in the training sample, in their given order.

    A column missing (null) in every row is absent; one whose present values all agree is
    constant (a missing value becomes the median, so it would agree too). An empty sample
    keeps every column: there is nothing to judge by, and nothing is clustered.
    """
    values = np.asarray(values, dtype=np.float64).reshape(len(values), len(columns))
    if len(values) == 0:
        return FeatureSelection(tuple(columns))
    present = ~np.isnan(values).all(axis=0)
    # a range, not a variance: the variance of equal doubles can come out a rounding above 0
    lowest = np.min(np.where(np.isnan(values), np.inf, values), axis=0)
    highest = np.max(np.where(np.isnan(values), -np.inf, values), axis=0)
    varies = present & (highest > lowest)
    dropped = {
        name: ABSENT if not is_present else CONSTANT
        for name, is_present, keep in zip(columns, present, varies, strict=True)
        if not keep
    }
    return FeatureSelection(tuple(c for c in columns if c not in dropped), dropped)


def nearest_centroid(centroids: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Index of the nearest centroid per row (squared Euclidean distance)."""
    distances = (
        (rows**2).sum(axis=1)[:, None]
        - 2 * rows @ centroids.T
        + (centroids**2).sum(axis=1)[None, :]
    )
    return distances.argmin(axis=1)


def distinct_rows(sample: np.ndarray) -> int:
    return len(np.unique(sample, axis=0)) if len(sample) else 0


def fit(sample: np.ndarray, k: int, config: ClusteringConfig) -> tuple[Clusterer, np.ndarray]:
    """Cluster the sample; returns the clusterer and the sample's canonical clusters.

    k is capped at the number of distinct rows (a tiny or repetitive input cannot hold more
    clusters); an empty sample gives one cluster at the origin.
    """
    if len(sample) == 0:
        return Clusterer(config.method, np.zeros((1, sample.shape[1]))), np.zeros(0, dtype=np.int64)
    if sample.shape[1] == 0:
        # no feature to tell rows apart: one cluster, every row at its centre (as any method
        # would find; assigned by the nearest, only, centroid)
        return Clusterer("kmeans", np.zeros((1, 0))), np.ones(len(sample), dtype=np.int64)
    k = max(1, min(k, distinct_rows(sample)))
    with warnings.catch_warnings():
        # duplicate points can leave fewer distinct clusters than k: reported by the sizes
        warnings.simplefilter("ignore", ConvergenceWarning)
        if k == 1 and config.method != "dbscan":
            # one cluster is every row
            raw = np.zeros(len(sample), dtype=np.int64)
        elif config.method == "kmeans":
            model = KMeans(n_clusters=k, n_init=config.kmeans_init, random_state=config.seed)
            raw = model.fit_predict(sample)
        elif config.method == "hierarchical":
            sample = sample[: config.hierarchical_sample]
            raw = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(sample)
        else:
            model = DBSCAN(eps=config.eps, min_samples=config.min_samples).fit(sample)
            raw = model.labels_
    return _canonical(sample, raw, config)


def _canonical(
    sample: np.ndarray, raw: np.ndarray, config: ClusteringConfig
) -> tuple[Clusterer, np.ndarray]:
    labels = sorted(set(raw.tolist()) - {-1})
    centroids = np.array([sample[raw == label].mean(axis=0) for label in labels]).reshape(
        len(labels), sample.shape[1]
    )
    sizes = np.array([(raw == label).sum() for label in labels])
    # largest first; ties by centroid coordinates
    order = sorted(range(len(labels)), key=lambda i: (-sizes[i], *centroids[i].round(9)))
    number = {labels[i]: rank + 1 for rank, i in enumerate(order)}
    canonical = np.array([number.get(label, NOISE) for label in raw.tolist()], dtype=np.int64)
    centroids = centroids[order]
    if config.method != "dbscan":
        return Clusterer(config.method, centroids), canonical
    core = canonical > NOISE
    index = NearestNeighbors(n_neighbors=1).fit(sample[core]) if core.any() else None
    return (
        Clusterer("dbscan", centroids, sample[core], canonical[core], config.eps, index),
        canonical,
    )


def diagnose(sample: np.ndarray, k: int, config: ClusteringConfig) -> KDiagnostics:
    """Silhouette, Davies-Bouldin, bootstrap stability and inertia of one k on the sample."""
    clusterer, labels = fit(sample, k, config)
    fitted = sample[: len(labels)]
    rng = np.random.default_rng(config.seed)
    stability = []
    for _ in range(config.bootstrap_rounds if len(fitted) else 0):
        resample = fitted[rng.integers(0, len(fitted), len(fitted))]
        refit, _ = fit(resample, k, config)
        stability.append(adjusted_rand_score(labels, refit.assign(fitted)))
    clustered = labels > NOISE
    distinct = len(set(labels[clustered].tolist()))
    # the silhouette needs 2 to n - 1 clusters
    if 2 <= distinct < int(clustered.sum()):
        silhouette = float(
            silhouette_score(
                fitted[clustered],
                labels[clustered],
                sample_size=min(config.silhouette_sample, int(clustered.sum())),
                random_state=config.seed,
            )
        )
        davies_bouldin = float(davies_bouldin_score(fitted[clustered], labels[clustered]))
    else:
        silhouette, davies_bouldin = float("nan"), float("nan")
    residuals = fitted[clustered] - clusterer.centroids[labels[clustered] - 1]
    return KDiagnostics(
        k=clusterer.k,
        silhouette=silhouette,
        davies_bouldin=davies_bouldin,
        stability_ari=float(np.mean(stability)) if stability else float("nan"),
        inertia=float((residuals**2).sum()),
        cluster_sizes=np.bincount(labels, minlength=clusterer.k + 1)[1:].tolist(),
    )


def select_k(sample: np.ndarray, config: ClusteringConfig) -> list[KDiagnostics]:
    """Diagnostics for every candidate k, with the chosen one flagged.

    Only k below the number of distinct rows are tried; when none is, the one row is k = 1.
    """
    if config.method == "dbscan":
        k_values: tuple[int, ...] = (0,)
    else:
        k_values = tuple(k for k in config.k_values if k < distinct_rows(sample)) or (1,)
    diagnostics = [diagnose(sample, k, config) for k in k_values]
    return [
        KDiagnostics(**{**d.__dict__, "chosen": i == choose(diagnostics)})
        for i, d in enumerate(diagnostics)
    ]


def choose(diagnostics: list[KDiagnostics]) -> int:
    """Index of the best k: best mean rank of silhouette (high) and Davies-Bouldin (low)."""
    silhouette = np.array([d.silhouette for d in diagnostics])
    davies_bouldin = np.array([d.davies_bouldin for d in diagnostics])
    usable = np.isfinite(silhouette) & np.isfinite(davies_bouldin)
    if not usable.any():
        return 0
    silhouette_rank = _rank(-np.where(usable, silhouette, -np.inf))
    davies_bouldin_rank = _rank(np.where(usable, davies_bouldin, np.inf))
    score = silhouette_rank + davies_bouldin_rank
    return min(
        range(len(diagnostics)),
        key=lambda i: (score[i], -silhouette[i] if usable[i] else np.inf, diagnostics[i].k),
    )


def _rank(values: np.ndarray) -> np.ndarray:
    """0 for the smallest value; ties share the lowest rank."""
    return np.searchsorted(np.sort(values), values, side="left").astype(np.float64)
