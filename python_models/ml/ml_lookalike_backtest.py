"""Whether the lookalike model may score profiles: one row, judged by the quality gates.

The seed segment (var lookalike_seed_segment) needs var lookalike_min_seed_members
members, and a logistic regression fitted on a stratified 70 % of the balanced
samples (var lookalike_training_sample of each side) must tell members from
non-members on the other 30 % at ROC AUC var lookalike_min_auc or better.
ml_lookalikes scores profiles only when `is_served`; ml_model_gates shows the reason
otherwise. The logic is `open_segments.ml.lookalike` and `open_segments.ml.gates`.
"""

import pandas as pd

from open_segments.ml import gates, lookalike, tables


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    # each key read literally: dbt passes a Python model only the config keys it sees read
    gate_config = gates.GateConfig(
        lookalike_min_seed_members=int(dbt.config.get("lookalike_min_seed_members")),
        lookalike_min_auc=float(dbt.config.get("lookalike_min_auc")),
    )
    columns = list(dbt.config.get("cluster_features"))
    seed_segment = dbt.config.get("lookalike_seed_segment")
    source = dbt.ref("int_ml__lookalike_input")
    members, non_members = source.aggregate(
        "count(case when is_seed then 1 end), count(case when not is_seed then 1 end)"
    ).fetchone()
    features, labels = lookalike.training_set(
        source, columns, int(dbt.config.get("lookalike_training_sample"))
    )
    measured = lookalike.holdout(features, labels, columns, int(dbt.config.get("ml_seed")))
    reasons = gates.lookalike_reasons(
        gate_config,
        seed_segment=seed_segment,
        seed_members=members,
        non_members=non_members,
        holdout=measured.holdout,
        holdout_auc=measured.roc_auc,
    )
    frame = pd.DataFrame(
        [
            {
                "seed_segment": seed_segment,
                "seed_members": members,
                "non_members": non_members,
                "train_rows": measured.train.rows,
                "train_positives": measured.train.positives,
                "test_rows": measured.holdout.rows,
                "test_positives": measured.holdout.positives,
                "roc_auc": measured.roc_auc,
                "is_served": not reasons,
                "not_served_reason": gates.reason_text(reasons),
            }
        ]
    )
    frame["roc_auc"] = frame["roc_auc"].astype("Float64")
    frame["not_served_reason"] = frame["not_served_reason"].astype("string")
    return frame
