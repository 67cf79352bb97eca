"""Propensity models: calibrated gradient boosting beside a logistic baseline.

The design is time-based: a model is fitted on the features of one snapshot
with labels from the horizon that followed it, evaluated on a later snapshot
whose labels were not seen, and finally refitted on the latest labelled
snapshot to score the as-of date. This module only fits and measures; which
snapshot plays which part is decided by the caller.

* Gradient boosting (``HistGradientBoostingClassifier``) with isotonic
  calibration by cross-validation, so scores are probabilities.
* A logistic regression on log-scaled, standardised features as the baseline.
* A constant model (the training base rate) when the training labels have
  too few positives or negatives to fit anything -- reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from open_segments.ml import tables
from open_segments.ml.preprocess import FeatureScaler

CALIBRATION_FOLDS = 3


@dataclass(frozen=True)
class PropensityConfig:
    seed: int = 42
    learning_rate: float = 0.1
    max_iter: int = 100
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 100
    l2_regularization: float = 1.0
    importance_sample: int = 10_000
    importance_repeats: int = 3

    def gbm_parameters(self) -> dict:
        return {
            "learning_rate": self.learning_rate,
            "max_iter": self.max_iter,
            "max_leaf_nodes": self.max_leaf_nodes,
            "min_samples_leaf": self.min_samples_leaf,
            "l2_regularization": self.l2_regularization,
            "early_stopping": False,
            "random_state": self.seed,
        }


class ConstantModel:
    """Predicts the training base rate for everyone."""

    def __init__(self, base_rate: float) -> None:
        self.base_rate = base_rate

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        positive = np.full(len(features), self.base_rate)
        return np.column_stack([1 - positive, positive])


class LogisticBaseline:
    """Logistic regression on log-scaled, standardised features."""

    def __init__(self, columns: list[str], seed: int) -> None:
        self.columns = columns
        self.seed = seed

    def fit(self, features: np.ndarray, labels: np.ndarray) -> LogisticBaseline:
        self.scaler = FeatureScaler.fit(self.columns, features)
        self.model = LogisticRegression(max_iter=1000, random_state=self.seed)
        self.model.fit(self.scaler.transform(features), labels)
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(self.scaler.transform(features))


def trainable(labels: np.ndarray) -> bool:
    """Enough positives and negatives for calibrated cross-validation."""
    positives = int(np.asarray(labels).sum())
    return min(positives, len(labels) - positives) >= 2 * CALIBRATION_FOLDS


def fit_gbm(features: np.ndarray, labels: np.ndarray, config: PropensityConfig):
    """Calibrated gradient boosting, or the constant model if it cannot be fitted."""
    if not trainable(labels):
        return ConstantModel(float(np.mean(labels)) if len(labels) else 0.0)
    booster = HistGradientBoostingClassifier(**config.gbm_parameters())
    # folds are taken in row order (no shuffle): deterministic for sorted input
    # one booster refitted on all rows, calibrated on out-of-fold predictions
    model = CalibratedClassifierCV(booster, method="isotonic", cv=CALIBRATION_FOLDS, ensemble=False)
    return model.fit(features, labels)


def fit_logistic(features: np.ndarray, labels: np.ndarray, columns: list[str], config):
    if not trainable(labels):
        return ConstantModel(float(np.mean(labels)) if len(labels) else 0.0)
    return LogisticBaseline(columns, config.seed).fit(features, labels)


def model_kind(model) -> str:
    return "constant" if isinstance(model, ConstantModel) else "fitted"


def top_decile_lift(labels: np.ndarray, scores: np.ndarray) -> float:
    """Positive rate among the top tenth by score over the base rate (ties: row order)."""
    labels = np.asarray(labels, dtype=np.float64)
    if len(labels) == 0 or labels.mean() == 0:
        return float("nan")
    top = np.argsort(-np.asarray(scores), kind="stable")[: max(1, len(labels) // 10)]
    return float(labels[top].mean() / labels.mean())


def evaluate(
    labels: np.ndarray, scores: np.ndarray, probabilities: bool = True
) -> dict[str, float]:
    """ROC AUC, PR AUC, top-decile lift, the base rate and (for probabilities) the Brier score."""
    labels = np.asarray(labels, dtype=np.int64)
    both_classes = 0 < labels.sum() < len(labels)
    measures = {
        "rows": float(len(labels)),
        "base_rate": float(labels.mean()) if len(labels) else float("nan"),
        "roc_auc": float(roc_auc_score(labels, scores)) if both_classes else float("nan"),
        "pr_auc": float(average_precision_score(labels, scores)) if both_classes else float("nan"),
        "top_decile_lift": top_decile_lift(labels, scores),
    }
    if probabilities:
        measures["brier"] = float(brier_score_loss(labels, scores)) if len(labels) else float("nan")
    return measures


def deciles(scores: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Decile 10 holds the highest scores, 1 the lowest; ties are ordered by key."""
    order = np.lexsort((np.asarray(keys), -np.asarray(scores)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return 10 - (rank * 10 // max(len(order), 1))


def importances(model, features: np.ndarray, labels: np.ndarray, columns: list[str], config):
    """Permutation importance (drop in ROC AUC) per feature, on a bounded sample."""
    if model_kind(model) == "constant" or not 0 < np.sum(labels) < len(labels):
        return []
    rows = min(len(labels), config.importance_sample)
    result = permutation_importance(
        model,
        features[:rows],
        labels[:rows],
        scoring="roc_auc",
        n_repeats=config.importance_repeats,
        random_state=config.seed,
    )
    return [
        {"feature": column, "importance": float(mean), "importance_std": float(std)}
        for column, mean, std in zip(
            columns, result.importances_mean, result.importances_std, strict=True
        )
    ]


@dataclass(frozen=True)
class Target:
    """What a propensity model predicts, read from int_ml__propensity_snapshots."""

    name: str
    label: str  # boolean label column (null where unknown)
    horizon_var: str  # the var holding its horizon in days
    population: str | None = None  # boolean column: the profiles it applies to
    recency_sign: int = -1  # the recency-only ranking: -1 = most recent first

    def recency_scores(self, days_since_last_order: np.ndarray) -> np.ndarray:
        return self.recency_sign * np.asarray(days_since_last_order, dtype=np.float64)


TARGETS = (
    Target("purchase", "purchased_within_horizon", "propensity_horizon_days"),
    Target(
        "churn",
        "churned_within_horizon",
        "churn_horizon_days",
        "is_active_customer",
        recency_sign=1,
    ),
)
SNAPSHOT_COLUMNS = ("snapshot_offset_days", "snapshot_date", "profile_id")
LABEL_COLUMNS = ("purchased_within_horizon", "churned_within_horizon", "is_active_customer")


def feature_columns(columns: list[str]) -> list[str]:
    """Every snapshot column that is neither a key nor a label."""
    return [c for c in columns if c not in SNAPSHOT_COLUMNS and c not in LABEL_COLUMNS]


def snapshot_filter(target: Target, offset_days: int, labelled: bool) -> str:
    """SQL predicate for one snapshot of a target's population."""
    parts = [f"snapshot_offset_days = {int(offset_days)}"]
    if target.population:
        parts.append(target.population)
    if labelled:
        parts.append(f"{target.label} is not null")
    return " and ".join(parts)


def labelled_snapshot(snapshots, target: Target, offset_days: int, columns: list[str], rows: int):
    """A deterministic sample (at most ``rows``) of one labelled snapshot of the target's
    population: the key, ``columns`` and the label, sorted by key."""
    return tables.sample(
        snapshots, [*columns, target.label], rows, snapshot_filter(target, offset_days, True)
    )


def backtest(train, test, columns: list[str], target: Target, config: PropensityConfig) -> list:
    """Long-form backtest rows for one target: fitted on ``train``, measured on ``test``.

    Both frames hold the key, ``columns`` and the target's label. Rows: every measure of the
    gradient boosting, the logistic baseline and the recency-only ranking; the gradient
    boosting's deciles (rows, mean probability, observed rate) and permutation importance.
    """
    x_train, y_train = tables.matrix(train, columns), train[target.label].to_numpy(dtype=int)
    x_test, y_test = tables.matrix(test, columns), test[target.label].to_numpy(dtype=int)
    gbm = fit_gbm(x_train, y_train, config)
    logistic = fit_logistic(x_train, y_train, columns, config)
    gbm_scores = gbm.predict_proba(x_test)[:, 1]
    scored = (
        ("gradient_boosting", model_kind(gbm), gbm_scores, True),
        ("logistic_regression", model_kind(logistic), logistic.predict_proba(x_test)[:, 1], True),
        ("recency_only", "ranking", target.recency_scores(test["days_since_last_order"]), False),
    )
    rows = [
        {"model_name": name, "model_status": status, "measure": measure, "value": value}
        for name, status, scores, probabilities in scored
        for measure, value in evaluate(y_test, scores, probabilities).items()
    ]
    boosted = {"model_name": "gradient_boosting", "model_status": model_kind(gbm)}
    decile = deciles(gbm_scores, test[tables.KEY].to_numpy())
    for d in range(1, 11):
        members = decile == d
        mean_probability = float(gbm_scores[members].mean()) if members.any() else np.nan
        observed_rate = float(y_test[members].mean()) if members.any() else np.nan
        rows += [
            {**boosted, "measure": "decile_rows", "decile": d, "value": float(members.sum())},
            {
                **boosted,
                "measure": "decile_mean_probability",
                "decile": d,
                "value": mean_probability,
            },
            {**boosted, "measure": "decile_observed_rate", "decile": d, "value": observed_rate},
        ]
    rows += [
        {**boosted, "measure": "permutation_importance", "feature": item["feature"],
         "value": item["importance"], "value_std": item["importance_std"]}
        for item in importances(gbm, x_test, y_test, columns, config)
    ]  # fmt: skip
    return rows
