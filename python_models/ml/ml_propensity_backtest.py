"""Time-based backtest of the propensity models, in long form, judged by the quality gates.

For each target (purchase within var propensity_horizon_days; churn of active
customers within var churn_horizon_days, horizon H): fit on the snapshots from
two horizons before the as-of date back (var propensity_training_snapshots of
them, one horizon apart, pooled) with the labels of the horizon that followed
each, then measure on the snapshot one horizon before, whose labels come from the
last H days -- never seen in training. Calibrated gradient boosting, the
logistic baseline and a recency-only ranking are measured side by side. The
better ranker of the two models is the candidate, with its score deciles and
permutation importance; it is served (scores the profiles in
ml_propensity_scores) only when it passes the gates (vars ml_min_*): otherwise
`not_served_reason` says why, and ml_model_gates shows it. A horizon longer than
the order history fails the build (var propensity_horizon_beyond_history).
"""

import pandas as pd

from open_segments.ml import gates, propensity, tables


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    config = propensity.PropensityConfig(seed=int(dbt.config.get("ml_seed")))
    # each key read literally: dbt passes a Python model only the config keys it sees read
    gate_config = gates.GateConfig(
        ml_min_training_rows=int(dbt.config.get("ml_min_training_rows")),
        ml_min_test_rows=int(dbt.config.get("ml_min_test_rows")),
        ml_min_class_rows=int(dbt.config.get("ml_min_class_rows")),
        ml_min_auc_gain=float(dbt.config.get("ml_min_auc_gain")),
        propensity_horizon_beyond_history=str(dbt.config.get("propensity_horizon_beyond_history")),
    )
    training = propensity.Training(
        snapshots=int(dbt.config.get("propensity_training_snapshots")),
        sample_rows=int(dbt.config.get("propensity_training_sample")),
    )
    snapshots = dbt.ref("int_ml__propensity_snapshots")
    history_days = propensity.order_history_days(snapshots)
    horizons = {
        "propensity_horizon_days": int(dbt.config.get("propensity_horizon_days")),
        "churn_horizon_days": int(dbt.config.get("churn_horizon_days")),
    }
    rows = []
    for target in propensity.TARGETS:
        horizon = horizons[target.horizon_var]
        rows += propensity.judge_target(
            snapshots, target, horizon, training, config, gate_config, history_days
        )
    frame = pd.DataFrame(rows)
    for column in ("feature", "decile", "value_std"):
        if column not in frame:
            frame[column] = None
    for column in ("decile", "history_days"):
        frame[column] = frame[column].astype("Int64")
    for column in ("feature", "candidate_model", "not_served_reason", "notes"):
        frame[column] = frame[column].astype("string")
    # nan (a measure that could not be computed) is stored as null
    frame["value"] = frame["value"].astype("Float64")
    frame["value_std"] = frame["value_std"].astype("Float64")
    return frame
