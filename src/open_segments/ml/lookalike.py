"""Lookalikes: a logistic regression that tells seed-segment members from everyone else.

Its probability for a non-member is how much the profile resembles the members. Before it
scores anyone it is measured: fitted on a stratified part of balanced, deterministic samples
of members and non-members, its ROC AUC on the rest says whether the members differ from the
others at all (0.5: the model cannot tell them apart, so its "most alike" are arbitrary).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from open_segments.ml import gates, propensity, tables

HOLDOUT_SHARE = 0.3
"""Share of the sampled rows held out to measure the model."""

MIN_HOLDOUT_CLASS_ROWS = 2
"""Members (and non-members) a stratified holdout needs: one on each side of the split."""


def training_set(source, columns: list[str], rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Up to ``rows`` seed members and as many non-members of int_ml__lookalike_input (the
    rows with the smallest key hashes, sorted by key): features and labels (1 = member)."""
    members = tables.sample(source, columns, rows, "is_seed")
    others = tables.sample(source, columns, rows, "not is_seed")
    features = np.vstack([tables.matrix(members, columns), tables.matrix(others, columns)])
    labels = np.concatenate([np.ones(len(members), dtype=int), np.zeros(len(others), dtype=int)])
    return features, labels


@dataclass(frozen=True)
class Holdout:
    """The measured model: training and holdout rows (positives = seed members), ROC AUC."""

    train: gates.Counts
    holdout: gates.Counts
    roc_auc: float


def holdout(features: np.ndarray, labels: np.ndarray, columns: list[str], seed: int) -> Holdout:
    """Fit on a stratified, seeded split of the rows and measure on the rest (nan: too few
    members or non-members to split and fit)."""
    counts = gates.Counts.of(labels)
    if min(counts.positives, counts.negatives) < 2 * MIN_HOLDOUT_CLASS_ROWS:
        return Holdout(counts, gates.Counts(0, 0), float("nan"))
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=HOLDOUT_SHARE, stratify=labels, random_state=seed
    )
    fitted = propensity.logistic_baseline(columns, seed).fit(x_train, y_train)
    auc = float(roc_auc_score(y_test, fitted.predict_proba(x_test)[:, 1]))
    return Holdout(gates.Counts.of(y_train), gates.Counts.of(y_test), auc)


def fit(features: np.ndarray, labels: np.ndarray, columns: list[str], seed: int):
    """The served model: the logistic regression on every sampled row."""
    return propensity.logistic_baseline(columns, seed).fit(features, labels)
