"""Rule suggestions: what a shallow decision tree says predicts purchase and churn, as SQL.

Fitted on the same snapshot and labels as the final propensity models (one horizon before the
as-of date), on the features of var rule_suggestion_features: columns that mean the same in
int_customer__features, so each suggestion is a `where` clause on it and a complete rule-segment
file ready for review. The logic is ``open_segments.ml.rules``.
"""

import pandas as pd

from open_segments.ml import propensity, rules, tables

# The snapshots count "never" as the whole tenure; the features leave it null.
SQL_EXPRESSIONS = {
    "days_since_last_order": "coalesce(days_since_last_order, tenure_days)",
    "days_since_last_visit": "coalesce(days_since_last_visit, tenure_days)",
}


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    config = rules.RuleConfig(
        max_depth=int(dbt.config.get("rule_suggestion_max_depth")),
        min_lift=float(dbt.config.get("rule_suggestion_min_lift")),
        seed=int(dbt.config.get("ml_seed")),
    )
    columns = list(dbt.config.get("rule_suggestion_features"))
    horizons = {
        "propensity_horizon_days": int(dbt.config.get("propensity_horizon_days")),
        "churn_horizon_days": int(dbt.config.get("churn_horizon_days")),
    }
    snapshots = dbt.ref("int_ml__propensity_snapshots")
    rows = []
    for target in propensity.TARGETS:
        horizon = horizons[target.horizon_var]
        train = propensity.labelled_snapshot(
            snapshots, target, horizon, columns, int(dbt.config.get("propensity_training_sample"))
        )
        labels = train[target.label].to_numpy(dtype=int)
        found = rules.suggest(tables.matrix(train, columns), labels, columns, config)
        for rank, suggestion in enumerate(found, start=1):
            predicate = suggestion.predicate(SQL_EXPRESSIONS)
            used = list(dict.fromkeys(column for column, _, _ in suggestion.conditions))
            description = (
                f"Suggested by a decision tree for {target.name} within {horizon} days: "
                f"{suggestion.target_rate:.0%} did, {suggestion.lift:.1f} times the base rate "
                f"({suggestion.support:.1%} of profiles)."
            )
            rows.append(
                {
                    "target": target.name,
                    "suggestion_rank": rank,
                    "predicate_sql": predicate,
                    "conditions": len(suggestion.conditions),
                    "training_rows": len(train),
                    "rows": suggestion.rows,
                    "support": suggestion.support,
                    "target_rate": suggestion.target_rate,
                    "base_rate": float(labels.mean()),
                    "lift": suggestion.lift,
                    "segment_sql": rules.segment_file(
                        f"{target.name}_suggestion_{rank}", description, predicate, used
                    ),
                }
            )
    # explicit types, so that a build without suggestions still has typed columns
    types = {
        "target": "string", "suggestion_rank": "int64", "predicate_sql": "string",
        "conditions": "int64", "training_rows": "int64", "rows": "int64",
        "support": "float64", "target_rate": "float64", "base_rate": "float64",
        "lift": "float64", "segment_sql": "string",
    }  # fmt: skip
    return pd.DataFrame(rows, columns=list(types)).astype(types)
