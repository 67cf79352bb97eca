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

import json

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


def references(stored: list[tuple], as_of) -> dict[tuple[str, str], tuple]:
    """What each variable is compared with, from the rows the previous build stored.

    ``stored`` rows are (kind, variable, as_of_date, reference_as_of_date, summary,
    reference_summary). A build of an earlier date is the reference; a build of the same date
    (a rebuild) hands on the reference it had.
    """
    found = {}
    for kind, variable, stored_as_of, reference_as_of, summary, reference_summary in stored:
        if stored_as_of < as_of:
            found[(kind, variable)] = (stored_as_of, summary)
        elif reference_summary is not None:
            found[(kind, variable)] = (reference_as_of, reference_summary)
    return found


def report(
    distributions: dict[tuple[str, str], np.ndarray],
    cluster_sizes: dict[str, int],
    previous: dict[tuple[str, str], tuple],
) -> list[dict]:
    """One row per variable: this build's summary, the reference's, PSI and KS.

    ``distributions`` holds values per (kind, variable); ``cluster_sizes`` profiles per cluster
    number, compared as shares; ``previous`` is what :func:`references` found.
    """
    total = sum(cluster_sizes.values())
    cluster_shares = {k: n / total for k, n in sorted(cluster_sizes.items())} if total else {}
    rows = []
    for (kind, variable), values in distributions.items():
        reference_as_of, reference = previous.get((kind, variable), (None, None))
        reference_grid = np.array(json.loads(reference), dtype=float) if reference else None
        rows.append(
            {
                "kind": kind,
                "variable": variable,
                "rows": len(values),
                "summary": json.dumps([round(float(q), 9) for q in quantile_grid(values)]),
                "reference_as_of_date": reference_as_of,
                "reference_summary": reference,
                "psi": psi(reference_grid, values) if reference else None,
                "ks": ks(reference_grid, values) if reference else None,
            }
        )
    reference_as_of, reference = previous.get(("cluster", "cluster_share"), (None, None))
    shift = None
    if reference:
        before = json.loads(reference)
        keys = sorted(set(before) | set(cluster_shares))
        shift = categorical_psi(
            [before.get(k, 0.0) for k in keys], [cluster_shares.get(k, 0.0) for k in keys]
        )
    rows.append(
        {
            "kind": "cluster",
            "variable": "cluster_share",
            "rows": total,
            "summary": json.dumps(cluster_shares, sort_keys=True),
            "reference_as_of_date": reference_as_of,
            "reference_summary": reference,
            "psi": shift,
            "ks": None,
        }
    )
    return rows
