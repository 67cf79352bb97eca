"""What the ML models are: method, parameters, windows, library versions and when they ran.

One row per fitted model kind, from the same configuration the models read (vars and the
package's defaults) and, for propensity, the model the backtest chose to serve, so a score can be
traced to how it was made. `trained_at` is the time
of this build (the only column that differs between two builds of the same data).
"""

import datetime as dt
import json
from dataclasses import asdict
from importlib.metadata import version

import pandas as pd

from open_segments.ml import clustering, propensity, rules

LIBRARIES = ("scikit-learn", "numpy", "pandas", "pyarrow", "duckdb", "open-segments")


def model(dbt, session):
    dbt.config(materialized="table")
    as_of = dbt.ref("int_features__as_of").select("as_of_date").fetchone()[0]
    seed = int(dbt.config.get("ml_seed"))
    horizon = int(dbt.config.get("propensity_horizon_days"))
    churn_horizon = int(dbt.config.get("churn_horizon_days"))
    k_values = dbt.config.get("cluster_k_values")
    boosting = propensity.PropensityConfig(seed=seed)
    served = propensity.served_models(dbt.ref("ml_propensity_backtest"))
    methods = {
        "gradient_boosting": ("calibrated gradient boosting", {
            **boosting.gbm_parameters(), "calibration": "isotonic",
            "folds": propensity.CALIBRATION_FOLDS}),
        "logistic_regression": ("logistic regression", {
            "features": "log-scaled where skewed, standardised", "seed": seed}),
    }  # fmt: skip

    pooled = int(dbt.config.get("propensity_training_snapshots"))

    def propensity_model(target: str) -> tuple[str, dict]:
        method, parameters = methods[served[target]]
        return method, {**parameters, "training_snapshots": pooled}

    purchase_method, purchase_parameters = propensity_model("purchase")
    churn_method, churn_parameters = propensity_model("churn")
    models = [
        ("clustering", dbt.config.get("cluster_method"), {
            **asdict(clustering.ClusteringConfig(
                method=dbt.config.get("cluster_method"), k_values=tuple(k_values), seed=seed,
                silhouette_sample=int(dbt.config.get("cluster_silhouette_sample")),
            )),
            "features": list(dbt.config.get("cluster_features")),
            "training_sample": int(dbt.config.get("cluster_training_sample")),
        }, None),
        ("purchase_propensity", purchase_method, purchase_parameters, horizon),
        ("churn_propensity", churn_method,
         {**churn_parameters, "active_days": int(dbt.config.get("churn_active_days"))},
         churn_horizon),
        ("rule_suggestions", "decision tree", asdict(rules.RuleConfig(
            max_depth=int(dbt.config.get("rule_suggestion_max_depth")),
            min_lift=float(dbt.config.get("rule_suggestion_min_lift")), seed=seed,
        )), horizon),
        ("lookalikes", "logistic regression",
         {"seed_segment": dbt.config.get("lookalike_seed_segment"), "seed": seed}, None),
    ]  # fmt: skip
    trained_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    versions = json.dumps({name: version(name) for name in LIBRARIES}, sort_keys=True)
    rows = []
    for name, method, parameters, label_days in models:
        rows.append(
            {
                "model_name": name,
                "method": method,
                "parameters": json.dumps(parameters, sort_keys=True, default=str),
                "as_of_date": as_of,
                # the final model learns from the snapshots from one horizon back
                "train_snapshot_date": as_of - dt.timedelta(days=label_days)
                if label_days
                else as_of,
                "label_horizon_days": label_days,
                "library_versions": versions,
                "trained_at": trained_at,
            }
        )
    frame = pd.DataFrame(rows)
    frame["label_horizon_days"] = frame["label_horizon_days"].astype("Int64")
    return frame
