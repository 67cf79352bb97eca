"""Time-based backtest of the propensity models, in long form.

For each target (purchase within var propensity_horizon_days; churn of active
customers within var churn_horizon_days, horizon H): fit on the snapshot two
horizons before the as-of date with the labels of the horizon that followed,
then measure on the snapshot one horizon before, whose labels come from the
last H days -- never seen in training. Calibrated gradient boosting, the
logistic baseline and a recency-only ranking are measured side by side, with
the gradient boosting's score deciles and permutation importance.
"""

import numpy as np
import pandas as pd

from open_segments.ml import propensity, tables


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    config = propensity.PropensityConfig(seed=int(dbt.config.get("ml_seed")))
    sample_rows = int(dbt.config.get("propensity_training_sample"))
    snapshots = dbt.ref("int_ml__propensity_snapshots")
    columns = propensity.feature_columns(snapshots.columns)
    horizons = {
        "propensity_horizon_days": int(dbt.config.get("propensity_horizon_days")),
        "churn_horizon_days": int(dbt.config.get("churn_horizon_days")),
    }
    rows = []
    for target in propensity.TARGETS:
        horizon = horizons[target.horizon_var]
        train = propensity.labelled_snapshot(snapshots, target, 2 * horizon, columns, sample_rows)
        test = propensity.labelled_snapshot(snapshots, target, horizon, columns, sample_rows)
        x_train, y_train = tables.matrix(train, columns), train[target.label].to_numpy(dtype=int)
        x_test, y_test = tables.matrix(test, columns), test[target.label].to_numpy(dtype=int)
        context = {
            "target": target.name,
            "horizon_days": horizon,
            "train_snapshot_offset_days": 2 * horizon,
            "test_snapshot_offset_days": horizon,
            "train_rows": len(train),
            "test_rows": len(test),
        }
        gbm = propensity.fit_gbm(x_train, y_train, config)
        logistic = propensity.fit_logistic(x_train, y_train, columns, config)
        scored = {
            "gradient_boosting": (gbm, gbm.predict_proba(x_test)[:, 1]),
            "logistic_regression": (logistic, logistic.predict_proba(x_test)[:, 1]),
            "recency_only": (None, target.recency_scores(test["days_since_last_order"])),
        }
        for name, (fitted, scores) in scored.items():
            status = propensity.model_kind(fitted) if fitted is not None else "ranking"
            measures = propensity.evaluate(y_test, scores, probabilities=fitted is not None)
            for measure, value in measures.items():
                rows.append(
                    {
                        **context,
                        "model_name": name,
                        "model_status": status,
                        "measure": measure,
                        "value": value,
                    }
                )
        gbm_scores = scored["gradient_boosting"][1]
        decile = propensity.deciles(gbm_scores, test[tables.KEY].to_numpy())
        for d in range(1, 11):
            members = decile == d
            for measure, value in (
                ("decile_rows", float(members.sum())),
                (
                    "decile_mean_probability",
                    float(gbm_scores[members].mean()) if members.any() else np.nan,
                ),
                (
                    "decile_observed_rate",
                    float(y_test[members].mean()) if members.any() else np.nan,
                ),
            ):
                rows.append(
                    {
                        **context,
                        "model_name": "gradient_boosting",
                        "model_status": propensity.model_kind(gbm),
                        "measure": measure,
                        "decile": d,
                        "value": value,
                    }
                )
        for item in propensity.importances(gbm, x_test, y_test, columns, config):
            rows.append(
                {
                    **context,
                    "model_name": "gradient_boosting",
                    "model_status": "fitted",
                    "measure": "permutation_importance",
                    "feature": item["feature"],
                    "value": item["importance"],
                    "value_std": item["importance_std"],
                }
            )
    frame = pd.DataFrame(rows)
    for column in ("feature", "decile", "value_std"):
        if column not in frame:
            frame[column] = None
    frame["decile"] = frame["decile"].astype("Int64")
    frame["feature"] = frame["feature"].astype("string")
    frame["value_std"] = frame["value_std"].astype("Float64")
    return frame
