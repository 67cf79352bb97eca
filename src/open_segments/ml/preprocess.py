"""Feature scaling for clustering and the logistic baseline.

Behavioural features are heavy-tailed (a few customers order weekly, most
twice a year), so a non-negative column whose skewness exceeds a threshold is
compared on ``log1p`` scale; every column is then standardised. A missing
value (a feature that does not exist for the row, such as the average order
value of someone who never ordered) becomes the column's median in the
training rows: neutral, where a 0 would place the row further from every
buyer than any two buyers are from each other. The transform is fitted on a
sample and applied to any number of rows.

It is a scikit-learn pipeline: a median ``SimpleImputer``, a ``ColumnTransformer``
with one entry per column (``log1p`` through a ``FunctionTransformer`` on the
skewed ones, passthrough on the others, so the columns keep their order), a
``StandardScaler``; skewness is ``scipy.stats.skew``. The class keeps the
columns and exposes what was learnt (``fill``, ``logged``, ``mean``, ``scale``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.stats import skew
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

SKEW_THRESHOLD = 1.0
"""A non-negative column more skewed than this is log-transformed."""


def skewness(values: np.ndarray) -> np.ndarray:
    """Sample skewness per column (0 for a constant column)."""
    result = np.zeros(values.shape[1])
    varies = np.ptp(values, axis=0) > 0 if len(values) else np.zeros(values.shape[1], bool)
    varying = values[:, varies]
    with warnings.catch_warnings():
        # scipy answers nan, with a precision warning, for a column whose values are nearly
        # identical: nothing heavy-tailed there, so it counts as not skewed (nan > threshold is
        # False) and the warning would only alarm a build log
        warnings.simplefilter("ignore", RuntimeWarning)
        # skewness does not change with the unit; on the column divided by its largest
        # magnitude the cubed deviations cannot overflow, so a huge outlier still reads skewed
        result[varies] = skew(varying / np.abs(varying).max(axis=0), axis=0)
    return result


def _log_columns(columns: tuple[str, ...], logged: np.ndarray) -> ColumnTransformer:
    """``log1p`` on the logged columns, the others unchanged, in the original column order."""
    log1p = FunctionTransformer(np.log1p, inverse_func=np.expm1, check_inverse=False)
    return ColumnTransformer(
        [
            (name, log1p if log else "passthrough", [j])
            for j, (name, log) in enumerate(zip(columns, logged, strict=True))
        ]
    )


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
        # which columns are logged depends on the filled training values, so the column
        # transformer is built once the imputer has been fitted
        logged = (filled.min(axis=0) >= 0) & (skewness(filled) > SKEW_THRESHOLD)
        log = _log_columns(tuple(columns), logged)
        scaler.fit(log.fit_transform(filled))
        return cls(tuple(columns), Pipeline([("impute", imputer), ("log", log), ("scale", scaler)]))

    @property
    def fill(self) -> np.ndarray:
        """Per column: the training median that replaces a missing value."""
        return self._learnt("impute", "statistics_", 0.0)

    @property
    def logged(self) -> np.ndarray:
        """Per column: compared on ``log1p`` scale."""
        if self.pipeline is None:
            return np.zeros(0, bool)
        return np.array([step != "passthrough" for _, step, _ in self.pipeline["log"].transformers])

    @property
    def mean(self) -> np.ndarray:
        return self._learnt("scale", "mean_", 0.0)

    @property
    def scale(self) -> np.ndarray:
        return self._learnt("scale", "scale_", 1.0)

    def _learnt(self, step: str, name: str, default: float) -> np.ndarray:
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
        scaled = _as_matrix(scaled, len(self.columns))
        if self.pipeline is None or len(scaled) == 0:
            return scaled
        shaped = self.pipeline["scale"].inverse_transform(scaled)
        # a ColumnTransformer has no inverse: undo each column's own step
        return np.column_stack(
            [
                shaped[:, j] if step == "passthrough" else step.inverse_transform(shaped[:, j])
                for _, step, j in self.pipeline["log"].transformers_
            ]
        )


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
