"""Feature scaling for clustering and the logistic baseline.

Behavioural features are heavy-tailed (a few customers order weekly, most
twice a year), so a non-negative column whose skewness exceeds a threshold is
compared on ``log1p`` scale; every column is then standardised. A missing
value (a feature that does not exist for the row, such as the average order
value of someone who never ordered) becomes the column's median in the
training rows: neutral, where a 0 would place the row further from every
buyer than any two buyers are from each other. The transform is fitted on a
sample and applied to any number of rows.

It is a scikit-learn pipeline (median imputer, ``log1p`` on the chosen
columns, standard scaler); the class keeps the columns and exposes what was
learnt (``fill``, ``logged``, ``mean``, ``scale``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import skew
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

SKEW_THRESHOLD = 1.0
"""A non-negative column more skewed than this is log-transformed."""


def skewness(values: np.ndarray) -> np.ndarray:
    """Sample skewness per column (0 for a constant column)."""
    if len(values) == 0:
        return np.zeros(values.shape[1])
    spread = np.ptp(values, axis=0) > 0
    return np.where(spread, skew(np.where(spread, values, 0.0), axis=0), 0.0)


def _log_where(values: np.ndarray, logged: np.ndarray) -> np.ndarray:
    return np.where(logged, np.log1p(np.where(logged, values, 0.0)), values)


def _expm1_where(values: np.ndarray, logged: np.ndarray) -> np.ndarray:
    return np.where(logged, np.expm1(np.where(logged, values, 0.0)), values)


@dataclass(frozen=True)
class FeatureScaler:
    """Missing values to the training median, ``log1p`` on the skewed non-negative columns,
    then standardisation (a constant column stays 0 rather than dividing by zero)."""

    columns: tuple[str, ...]
    pipeline: Pipeline | None  # None without columns: nothing to transform

    @classmethod
    def fit(cls, columns: tuple[str, ...] | list[str], values: np.ndarray) -> FeatureScaler:
        values = _as_matrix(values, len(columns))
        if not columns:
            return cls((), None)
        # a column missing everywhere is 0 (keep_empty_features), as is every column of an
        # empty sample: nothing to learn from, the identity transform
        imputer = SimpleImputer(strategy="median", keep_empty_features=True)
        if len(values) == 0:
            values = np.zeros((1, len(columns)))
            imputer = SimpleImputer(strategy="constant", fill_value=0.0, keep_empty_features=True)
            scaler = StandardScaler(with_mean=False, with_std=False)
        else:
            scaler = StandardScaler()
        filled = imputer.fit_transform(values)
        logged = (filled.min(axis=0) >= 0) & (skewness(filled) > SKEW_THRESHOLD)
        log = FunctionTransformer(
            _log_where,
            inverse_func=_expm1_where,
            kw_args={"logged": logged},
            inv_kw_args={"logged": logged},
            check_inverse=False,
        )
        pipeline = make_pipeline(imputer, log, scaler)
        scaler.fit(log.fit_transform(filled))
        return cls(tuple(columns), pipeline)

    @property
    def fill(self) -> np.ndarray:
        """Per column: the training median that replaces a missing value."""
        return self._learnt(0, "statistics_", 0.0)

    @property
    def logged(self) -> np.ndarray:
        """Per column: compared on ``log1p`` scale."""
        if self.pipeline is None:
            return np.zeros(0, bool)
        return self.pipeline[1].kw_args["logged"]

    @property
    def mean(self) -> np.ndarray:
        return self._learnt(2, "mean_", 0.0)

    @property
    def scale(self) -> np.ndarray:
        return self._learnt(2, "scale_", 1.0)

    def _learnt(self, step: int, name: str, default: float) -> np.ndarray:
        value = getattr(self.pipeline[step], name) if self.pipeline is not None else None
        return np.full(len(self.columns), default) if value is None else value

    def transform(self, values: np.ndarray) -> np.ndarray:
        values = _as_matrix(values, len(self.columns))
        # scikit-learn refuses an empty array; an empty shop or batch has nothing to transform
        if self.pipeline is None or len(values) == 0:
            return values
        return self.pipeline.transform(values)

    def inverse_transform(self, scaled: np.ndarray) -> np.ndarray:
        """Back to original units (centroids are reported in them)."""
        scaled = np.asarray(scaled, dtype=np.float64)
        if self.pipeline is None:
            return scaled
        return self.pipeline[1].inverse_transform(self.pipeline[2].inverse_transform(scaled))


class ScaledFeatures(TransformerMixin, BaseEstimator):
    """``FeatureScaler`` as a step of a scikit-learn pipeline: which columns are logged is
    learnt from the rows the pipeline is fitted on, like the median and the scale."""

    def __init__(self, columns: tuple[str, ...] | list[str] = ()) -> None:
        self.columns = columns

    def fit(self, values: np.ndarray, labels: np.ndarray | None = None) -> ScaledFeatures:
        self.scaler_ = FeatureScaler.fit(self.columns, values)
        return self

    def transform(self, values: np.ndarray) -> np.ndarray:
        return self.scaler_.transform(values)


def _as_matrix(values: np.ndarray, width: int) -> np.ndarray:
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != width:
        raise ValueError(f"expected a matrix with {width} columns, got shape {matrix.shape}")
    if np.isinf(matrix).any():
        raise ValueError("features must be finite or missing (null), not infinite")
    return matrix
