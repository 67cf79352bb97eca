"""Drift between two builds: population stability index and Kolmogorov-Smirnov distance.

Each build keeps a compact reference of every monitored variable -- its quantiles on a 1%
grid -- so the next build can compare without the old data:

* PSI over the previous build's deciles: ``sum((current - previous) * ln(current / previous))``
  over the ten bins, where the previous shares are 10% by construction (bins that collapse on
  tied values are merged). Common reading: < 0.1 stable, 0.1-0.25 moderate, > 0.25 a shift.
* KS: the largest gap between the two cumulative distributions, read at the previous build's
  quantiles (a 1% grid, so it is exact to about 0.01).

Categorical variables (cluster shares) use PSI over their categories.
"""

from __future__ import annotations

import numpy as np

GRID = np.linspace(0.0, 1.0, 101)
EPSILON = 1e-4  # floor for empty bins in PSI


def quantile_grid(values: np.ndarray) -> np.ndarray:
    """The 0%, 1%, ..., 100% quantiles (linear interpolation)."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return np.full(len(GRID), np.nan)
    return np.quantile(values, GRID)


def psi(previous_grid: np.ndarray, values: np.ndarray) -> float:
    """PSI of ``values`` over the deciles of the previous build's quantile grid."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if len(values) == 0 or not np.isfinite(previous_grid).all():
        return float("nan")
    inner = np.unique(previous_grid[10:100:10])  # decile edges, ties merged
    # bins (-inf, e1], (e1, e2], ..., (e9, inf); the previous shares from its CDF
    cumulative = _cdf(previous_grid, inner)
    previous = np.diff(np.concatenate([[0.0], cumulative, [1.0]]))
    bins = np.searchsorted(inner, values, side="left")
    current = np.bincount(bins, minlength=len(inner) + 1) / len(values)
    return categorical_psi(previous, current)


def categorical_psi(previous: np.ndarray, current: np.ndarray) -> float:
    previous = np.maximum(np.asarray(previous, dtype=np.float64), EPSILON)
    current = np.maximum(np.asarray(current, dtype=np.float64), EPSILON)
    return float(np.sum((current - previous) * np.log(current / previous)))


def ks(previous_grid: np.ndarray, values: np.ndarray) -> float:
    """Largest gap between the two cumulative distributions, at the previous quantiles."""
    values = np.sort(np.asarray(values, dtype=np.float64)[np.isfinite(values)])
    if len(values) == 0 or not np.isfinite(previous_grid).all():
        return float("nan")
    points = np.unique(previous_grid)
    current = np.searchsorted(values, points, side="right") / len(values)
    return float(np.abs(current - _cdf(previous_grid, points)).max())


def _cdf(grid: np.ndarray, points: np.ndarray) -> np.ndarray:
    """P(X <= point) for the distribution behind a quantile grid, as a step function."""
    index = np.searchsorted(grid, points, side="right") - 1
    return np.where(index >= 0, GRID[np.clip(index, 0, len(GRID) - 1)], 0.0)
