"""What the ML models are: method, parameters, windows, library versions and when they ran.

One row per fitted model kind, from the same configuration the models read (vars and the
package's defaults) and, for propensity, the model the backtest chose and whether the quality
gates let it serve, with the snapshots its scoring model actually learned from (dates, rows and
positives; none when it is not served), so a score can be traced to how it was made.
`trained_at` is the time of this build (the only column that differs between two builds of the
same data).
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
    backtest = dbt.ref("ml_propensity_backtest")
    serving = propensity.serving(backtest)
    candidates = dict(backtest.aggregate("target, max(candidate_model)", "target").fetchall())
    scoring = dict(backtest.aggregate("target, max(scoring_snapshots)", "target").fetchall())
    lookalike_served, lookalike_reason = (
        dbt.ref("ml_lookalike_backtest").select("is_served, not_served_reason").fetchone()
    )
    methods = {
        "gradient_boosting": ("calibrated gradient boosting", {
            **boosting.gbm_parameters(), "calibration": "isotonic",
            "folds": propensity.CALIBRATION_FOLDS}),
        "logistic_regression": ("logistic regression", {
            "features": "log-scaled where skewed, standardised", "seed": seed}),
    }  # fmt: skip

    pooled = int(dbt.config.get("propensity_training_snapshots"))

    def propensity_model(target: str) -> tuple[str, dict]:
        # the method of the served model, else of the candidate the gates turned down
        name = serving[target].model_name or candidates.get(target) or propensity.SERVABLE[0]
        method, parameters = methods[name]
        return method, {**parameters, "training_snapshots": pooled}

    def used_snapshots(target: str) -> list[dict]:
        """The scoring model's snapshots with their rows (none when it is not served)."""
        if serving[target].model_name is None:
            return []
        return [
            {"snapshot_date": as_of - dt.timedelta(days=item["offset_days"]),
             "rows": item["rows"], "positives": item["positives"]}
            for item in json.loads(scoring[target])
        ]  # fmt: skip

    gated = {
        "purchase_propensity": (serving["purchase"].not_served_reason, used_snapshots("purchase")),
        "churn_propensity": (serving["churn"].not_served_reason, used_snapshots("churn")),
        "lookalikes": (None if lookalike_served else lookalike_reason, None),
    }

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
        train_snapshot_date = as_of - dt.timedelta(days=label_days) if label_days else as_of
        is_served, reason, snapshots = None, None, None
        if name in gated:
            reason, snapshots = gated[name]
            is_served = reason is None
        if snapshots is not None:
            # the latest snapshot the scoring model learned from (none: it was not fitted)
            used = [item["snapshot_date"] for item in snapshots if item["rows"]]
            train_snapshot_date = max(used) if used else None
        rows.append(
            {
                "model_name": name,
                "method": method,
                "parameters": json.dumps(parameters, sort_keys=True, default=str),
                "as_of_date": as_of,
                "train_snapshot_date": train_snapshot_date,
                "training_snapshots": None
                if snapshots is None
                else json.dumps(snapshots, default=str),
                "label_horizon_days": label_days,
                "is_served": is_served,
                "not_served_reason": reason,
                "library_versions": versions,
                "trained_at": trained_at,
            }
        )
    frame = pd.DataFrame(rows)
    frame["label_horizon_days"] = frame["label_horizon_days"].astype("Int64")
    frame["is_served"] = frame["is_served"].astype("boolean")
    for column in ("training_snapshots", "not_served_reason"):
        frame[column] = frame[column].astype("string")
    return frame
