"""Purchase and churn probabilities of every profile as of the as-of date.

For each target the served model (the better ranker of the backtest, read
from ml_propensity_backtest) is refitted on the latest snapshots whose labels
are complete (from one horizon before the as-of date back; var
propensity_training_snapshots of them, pooled) and scores the as-of snapshot
in streamed Arrow batches. Churn is scored for
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
        ("model_name", pa.string()),
    ]
)


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    config = propensity.PropensityConfig(seed=int(dbt.config.get("ml_seed")))
    snapshots = dbt.ref("int_ml__propensity_snapshots")
    served = propensity.served_models(dbt.ref("ml_propensity_backtest"))
    columns = propensity.feature_columns(snapshots.columns)
    horizons = {
        "propensity_horizon_days": int(dbt.config.get("propensity_horizon_days")),
        "churn_horizon_days": int(dbt.config.get("churn_horizon_days")),
    }
    models = []
    for target in propensity.TARGETS:
        horizon = horizons[target.horizon_var]
        offsets = propensity.training_offsets(
            horizon, int(dbt.config.get("propensity_training_snapshots")), horizons_back=1
        )
        train = propensity.pooled_snapshots(
            snapshots, target, offsets, columns, int(dbt.config.get("propensity_training_sample"))
        )
        name = served[target.name]
        fitted = propensity.fit_model(
            name,
            tables.matrix(train, columns),
            train[target.label].to_numpy(dtype=int),
            columns,
            config,
        )
        models.append((target, name, fitted))

    def batches():
        for target, name, fitted in models:

            def score(
                batch: pa.RecordBatch, target=target, name=name, fitted=fitted
            ) -> pa.RecordBatch:
                probability = fitted.predict_proba(tables.batch_matrix(batch, columns))[:, 1]
                return pa.record_batch(
                    [
                        batch.column(tables.KEY),
                        pa.array(np.full(batch.num_rows, target.name)),
                        probability,
                        pa.array(np.full(batch.num_rows, name)),
                    ],
                    schema=SCHEMA,
                )

            where = propensity.snapshot_filter(target, 0, labelled=False)
            yield from tables.stream(snapshots, columns, score, SCHEMA, where)

    return pa.RecordBatchReader.from_batches(SCHEMA, batches())
