"""Time-based backtest of the propensity models, in long form.

For each target (purchase within var propensity_horizon_days; churn of active
customers within var churn_horizon_days, horizon H): fit on the snapshots from
two horizons before the as-of date back (var propensity_training_snapshots of
them, one horizon apart, pooled) with the labels of the horizon that followed
each, then measure on the snapshot one horizon before, whose labels come from the
last H days -- never seen in training. Calibrated gradient boosting, the
logistic baseline and a recency-only ranking are measured side by side; the
better ranker of the two models is marked as served (it scores the profiles
in ml_propensity_scores), with its score deciles and permutation importance.
"""

import pandas as pd

from open_segments.ml import propensity, tables


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    config = propensity.PropensityConfig(seed=int(dbt.config.get("ml_seed")))
    sample_rows = int(dbt.config.get("propensity_training_sample"))
    pooled = int(dbt.config.get("propensity_training_snapshots"))
    snapshots = dbt.ref("int_ml__propensity_snapshots")
    columns = propensity.feature_columns(snapshots.columns)
    horizons = {
        "propensity_horizon_days": int(dbt.config.get("propensity_horizon_days")),
        "churn_horizon_days": int(dbt.config.get("churn_horizon_days")),
    }
    rows = []
    for target in propensity.TARGETS:
        horizon = horizons[target.horizon_var]
        offsets = propensity.training_offsets(horizon, pooled, horizons_back=2)
        train = propensity.pooled_snapshots(snapshots, target, offsets, columns, sample_rows)
        test = propensity.labelled_snapshot(snapshots, target, horizon, columns, sample_rows)
        context = {
            "target": target.name,
            "horizon_days": horizon,
            "train_snapshot_offset_days": 2 * horizon,
            "test_snapshot_offset_days": horizon,
            "train_rows": len(train),
            "test_rows": len(test),
        }
        rows += [
            {**context, **row} for row in propensity.backtest(train, test, columns, target, config)
        ]
    frame = pd.DataFrame(rows)
    for column in ("feature", "decile", "value_std"):
        if column not in frame:
            frame[column] = None
    frame["decile"] = frame["decile"].astype("Int64")
    frame["feature"] = frame["feature"].astype("string")
    frame["value_std"] = frame["value_std"].astype("Float64")
    return frame
