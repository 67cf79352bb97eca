"""Purchase and churn probabilities of every profile as of the as-of date.

For each target the calibrated gradient boosting is fitted on the latest
snapshot whose labels are complete (one horizon before the as-of date) and
scores the as-of snapshot in streamed Arrow batches. Churn is scored for
active customers only (the population it is defined on). Deciles are added
in SQL by fct_propensity_scores.
"""

import numpy as np
import pyarrow as pa

from open_segments.ml import propensity, tables

SCHEMA = pa.schema(
    [
        ("profile_id", pa.string()),
        ("target", pa.string()),
        ("probability", pa.float64()),
    ]
)


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    config = propensity.PropensityConfig(seed=int(dbt.config.get("ml_seed")))
    snapshots = dbt.ref("int_ml__propensity_snapshots")
    columns = propensity.feature_columns(snapshots.columns)
    horizons = {
        "propensity_horizon_days": int(dbt.config.get("propensity_horizon_days")),
        "churn_horizon_days": int(dbt.config.get("churn_horizon_days")),
    }
    models = []
    for target in propensity.TARGETS:
        horizon = horizons[target.horizon_var]
        train = propensity.labelled_snapshot(
            snapshots, target, horizon, columns, int(dbt.config.get("propensity_training_sample"))
        )
        fitted = propensity.fit_gbm(
            tables.matrix(train, columns), train[target.label].to_numpy(dtype=int), config
        )
        models.append((target, fitted))

    def batches():
        for target, fitted in models:

            def score(batch: pa.RecordBatch, target=target, fitted=fitted) -> pa.RecordBatch:
                probability = fitted.predict_proba(tables.batch_matrix(batch, columns))[:, 1]
                return pa.record_batch(
                    [
                        batch.column(tables.KEY),
                        pa.array(np.full(batch.num_rows, target.name)),
                        probability,
                    ],
                    schema=SCHEMA,
                )

            where = propensity.snapshot_filter(target, 0, labelled=False)
            yield from tables.stream(snapshots, columns, score, SCHEMA, where)

    return pa.RecordBatchReader.from_batches(SCHEMA, batches())
