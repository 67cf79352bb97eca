"""Quality gates: whether a model may score profiles, and if not, why, in a user's words.

A model that learned from too little, was measured on too little, or ranks no better than
the obvious rule is worse than no model: its segment looks like a targeting decision and is
not. Every gate here returns the reasons a model fails (an empty list: it is served), each
with the numbers behind it, so ml_model_gates, the build's warning and the summary can say
what to change.

* Propensity (per target): the backtest's training and test rows and the scoring model's
  training rows, each with enough positives and negatives; the candidate (the better ranker
  of the backtest) must beat the recency-only ranking by a margin of ROC AUC.
* A horizon longer than the order history cannot be labelled at all: that is a configuration
  error (``HorizonBeyondHistory``) unless var propensity_horizon_beyond_history says to build
  without the model. A shop without completed orders is not: it has nothing to train on.
* Lookalikes: enough seed members, and a holdout ROC AUC of seed vs the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HORIZON_MODES = ("error", "unserved")

# calibrated gradient boosting cross-validates in this many folds, each needing both classes
CALIBRATION_FOLDS = 3


class HorizonBeyondHistory(ValueError):
    """No label of a propensity horizon can be observed (var propensity_horizon_beyond_history:
    error)."""


@dataclass(frozen=True)
class GateConfig:
    """The thresholds of the gates (vars of the same names, see dbt_project.yml)."""

    ml_min_training_rows: int = 500
    ml_min_test_rows: int = 200
    ml_min_class_rows: int = 20
    ml_min_auc_gain: float = 0.005
    lookalike_min_seed_members: int = 50
    lookalike_min_auc: float = 0.6
    propensity_horizon_beyond_history: str = "error"

    def __post_init__(self) -> None:
        if self.propensity_horizon_beyond_history not in HORIZON_MODES:
            raise ValueError(
                "var propensity_horizon_beyond_history must be one of "
                f"{HORIZON_MODES}, not {self.propensity_horizon_beyond_history!r}"
            )

    @property
    def min_training_class_rows(self) -> int:
        """Positives (and negatives) a training set needs: the var, and enough for every
        calibration fold to see both classes."""
        return max(self.ml_min_class_rows, 2 * CALIBRATION_FOLDS)


@dataclass(frozen=True)
class Counts:
    """Rows of a labelled set and how many of them are positive."""

    rows: int
    positives: int

    @property
    def negatives(self) -> int:
        return self.rows - self.positives

    @classmethod
    def of(cls, labels) -> Counts:
        labels = np.asarray(labels, dtype=np.int64)
        return cls(len(labels), int(labels.sum()))

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.rows + other.rows, self.positives + other.positives)


def longest_backtest_horizon(history_days: int) -> int:
    """The backtest trains on a snapshot two horizons back, labelled by the horizon after it."""
    return history_days // 2


def horizon_problem(
    horizon_var: str, horizon: int, history_days: int | None, config: GateConfig
) -> str | None:
    """Why no label of this horizon can be observed, or None.

    ``history_days``: days from the first completed order to the as-of date (None: no order,
    which is nothing to train on, not a horizon problem). Raises ``HorizonBeyondHistory`` when
    var propensity_horizon_beyond_history is ``error``.
    """
    if history_days is None or horizon <= history_days:
        return None
    testable = longest_backtest_horizon(history_days)
    problem = (
        f"var {horizon_var} is {horizon} days, longer than the order history: the first "
        f"completed order is {history_days} days before the as-of date, so no label of that "
        f"horizon can be observed yet. The longest horizon this data can label is "
        f"{history_days} days, the longest it can backtest {testable} days (two horizons of "
        "history)"
    )
    if config.propensity_horizon_beyond_history == "error":
        raise HorizonBeyondHistory(
            f"{problem}. Choose a shorter {horizon_var}, or set var "
            "propensity_horizon_beyond_history: unserved to build without this model."
        )
    return problem


def _class_reason(what: str, counts: Counts, needed: int) -> str | None:
    if counts.rows and min(counts.positives, counts.negatives) < needed:
        return (
            f"{what} hold {counts.positives:,} positives and {counts.negatives:,} negatives "
            f"(needs {needed:,} of each)"
        )
    return None


def propensity_reasons(
    config: GateConfig,
    *,
    horizon: int,
    history_days: int | None,
    horizon_problem: str | None,
    train: Counts,
    test: Counts,
    scoring: Counts,
    model_name: str | None,
    model_auc: float,
    recency_auc: float,
) -> list[str]:
    """Why a propensity target's candidate model may not score profiles (empty: it may).

    ``train`` and ``test`` are the backtest's sets, ``scoring`` the scoring model's training
    set; ``model_name`` the better ranker of the backtest (None: nothing was fitted or
    measured) and ``model_auc``/``recency_auc`` the backtest ROC AUCs.
    """
    if history_days is None:
        return ["no completed order before the as-of date: nothing to train on"]
    reasons = [horizon_problem] if horizon_problem else []
    if train.rows < config.ml_min_training_rows:
        reason = f"backtest trained on {train.rows:,} rows (needs {config.ml_min_training_rows:,})"
        if 2 * horizon > history_days:
            reason += (
                f": the order history before the as-of date covers {history_days} days, "
                f"the backtest needs 2 horizons of {horizon} days"
            )
        reasons.append(reason)
    reasons.append(_class_reason("backtest training rows", train, config.min_training_class_rows))
    if test.rows < config.ml_min_test_rows:
        reasons.append(
            f"backtest measured on {test.rows:,} rows (needs {config.ml_min_test_rows:,})"
        )
    reasons.append(_class_reason("backtest test rows", test, config.ml_min_class_rows))
    if scoring.rows < config.ml_min_training_rows:
        reasons.append(
            f"the scoring model would train on {scoring.rows:,} rows "
            f"(needs {config.ml_min_training_rows:,})"
        )
    reasons.append(
        _class_reason("the scoring model's training rows", scoring, config.min_training_class_rows)
    )
    reasons = [reason for reason in reasons if reason]
    if reasons:
        return reasons
    if model_name is None or not np.isfinite(model_auc) or not np.isfinite(recency_auc):
        return ["no model could be fitted and measured on the backtest"]
    gain = model_auc - recency_auc
    if gain < config.ml_min_auc_gain:
        return [
            f"{model_name.replace('_', ' ')} ranked the backtest at ROC AUC {model_auc:.3f}, "
            f"recency alone at {recency_auc:.3f}: a gain of {gain:+.3f} "
            f"(needs {config.ml_min_auc_gain:+.3f})"
        ]
    return []


def lookalike_reasons(
    config: GateConfig,
    *,
    seed_segment: str,
    seed_members: int,
    non_members: int,
    holdout: Counts,
    holdout_auc: float,
) -> list[str]:
    """Why the lookalike model may not score profiles (empty: it may)."""
    reasons = []
    if seed_members < config.lookalike_min_seed_members:
        reasons.append(
            f"seed segment {seed_segment} has {seed_members:,} members "
            f"(needs {config.lookalike_min_seed_members:,})"
        )
    if seed_members and not non_members:
        reasons.append(f"every profile is in the seed segment {seed_segment}: nobody to score")
    if reasons:
        return reasons
    if not np.isfinite(holdout_auc):
        return [
            f"the holdout of {holdout.rows:,} rows ({holdout.positives:,} seed members) is too "
            "small to measure the model"
        ]
    if holdout_auc < config.lookalike_min_auc:
        return [
            f"the model told seed members from the rest at ROC AUC {holdout_auc:.3f} on a "
            f"holdout of {holdout.rows:,} rows (needs {config.lookalike_min_auc:.3f})"
        ]
    return []


def empty_snapshot_notes(
    snapshots: dict[str, list[dict[str, int]]], history_days: int | None
) -> list[str]:
    """A note for every pooled training snapshot without labelled rows, so a model that learned
    from fewer snapshots than var propensity_training_snapshots says so. ``snapshots``: role
    (e.g. "backtest training") -> the snapshots' offsets and rows."""
    notes = []
    for role, counted in snapshots.items():
        for item in counted:
            if item["rows"]:
                continue
            note = f"the {role} snapshot {item['offset_days']} days back has no labelled rows"
            if history_days is not None and item["offset_days"] > history_days:
                note += f" (the order history covers {history_days} days)"
            notes.append(note)
    return notes


def reason_text(reasons: list[str]) -> str | None:
    """The reasons as one sentence for a table column (None when there is none)."""
    return "; ".join(reasons) if reasons else None
