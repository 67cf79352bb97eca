"""Feature scaling for clustering and the logistic baseline.

Behavioural features are heavy-tailed (a few customers order weekly, most
twice a year), so a non-negative column whose skewness exceeds a threshold is
compared on ``log1p`` scale; every column is then standardised. A missing
value (a feature that does not exist for the row, such as the average order
value of someone who never ordered) becomes the column's median in the
training rows: neutral, where a 0 would place the row further from every
buyer than any two buyers are from each other. The transform is fitted on a
sample and applied to any number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SKEW_THRESHOLD = 1.0
"""A non-negative column more skewed than this is log-transformed."""


def skewness(values: np.ndarray) -> np.ndarray:
    """Sample skewness per column (0 for a constant column)."""
    centred = values - values.mean(axis=0)
    spread = centred.std(axis=0)
    third = (centred**3).mean(axis=0)
    return np.divide(third, spread**3, out=np.zeros(values.shape[1]), where=spread > 0)


@dataclass(frozen=True)
class FeatureScaler:
    """Missing values to the training median, ``log1p`` on the skewed non-negative columns,
    then standardisation."""

    columns: tuple[str, ...]
    logged: np.ndarray  # bool per column
    mean: np.ndarray
    scale: np.ndarray
    fill: np.ndarray  # per column: the training median that replaces a missing value

    @classmethod
    def fit(cls, columns: tuple[str, ...] | list[str], values: np.ndarray) -> FeatureScaler:
        values = _as_matrix(values, len(columns))
        width = len(columns)
        if len(values) == 0:  # nothing to learn from: the identity transform
            zeros = np.zeros(width)
            return cls(tuple(columns), np.zeros(width, bool), zeros, np.ones(width), zeros)
        present = ~np.isnan(values)
        fill = np.array(
            [
                np.median(values[present[:, j], j]) if present[:, j].any() else 0.0
                for j in range(width)
            ]
        )
        values = _filled(values, fill)
        logged = (values.min(axis=0) >= 0) & (skewness(values) > SKEW_THRESHOLD)
        shaped = _log_where(values, logged)
        scale = shaped.std(axis=0)
        return cls(
            columns=tuple(columns),
            logged=logged,
            mean=shaped.mean(axis=0),
            # a constant column stays 0 rather than dividing by zero
            scale=np.where(scale > 0, scale, 1.0),
            fill=fill,
        )

    def transform(self, values: np.ndarray) -> np.ndarray:
        values = _filled(_as_matrix(values, len(self.columns)), self.fill)
        return (_log_where(values, self.logged) - self.mean) / self.scale

    def inverse_transform(self, scaled: np.ndarray) -> np.ndarray:
        """Back to original units (centroids are reported in them)."""
        shaped = np.asarray(scaled, dtype=np.float64) * self.scale + self.mean
        return np.where(self.logged, np.expm1(shaped), shaped)


def _as_matrix(values: np.ndarray, width: int) -> np.ndarray:
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != width:
        raise ValueError(f"expected a matrix with {width} columns, got shape {matrix.shape}")
    if np.isinf(matrix).any():
        raise ValueError("features must be finite or missing (null), not infinite")
    return matrix


def _filled(values: np.ndarray, fill: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), fill, values)


def _log_where(values: np.ndarray, logged: np.ndarray) -> np.ndarray:
    return np.where(logged, np.log1p(np.where(logged, values, 0.0)), values)
