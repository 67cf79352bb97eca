"""Purchase and churn probabilities of every profile as of the as-of date.

For each target the served model (read from ml_propensity_backtest: the better
ranker of the backtest, when it passed the quality gates) is refitted on the
latest snapshots whose labels are complete (from one horizon before the as-of
date back; var propensity_training_snapshots of them, pooled) and scores the
as-of snapshot in streamed Arrow batches. A target whose model is not served
keeps one row per profile with a null probability and the reason, so nobody
reads a score that is not there. Churn is scored for active customers only (the
population it is defined on). Deciles are added in SQL by fct_propensity_scores.
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
        ("not_served_reason", pa.string()),
    ]
)


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    config = propensity.PropensityConfig(seed=int(dbt.config.get("ml_seed")))
    snapshots = dbt.ref("int_ml__propensity_snapshots")
    serving = propensity.serving(dbt.ref("ml_propensity_backtest"))
    columns = propensity.feature_columns(snapshots.columns)
    pooled = int(dbt.config.get("propensity_training_snapshots"))
    sample_rows = int(dbt.config.get("propensity_training_sample"))
    horizons = {
        "propensity_horizon_days": int(dbt.config.get("propensity_horizon_days")),
        "churn_horizon_days": int(dbt.config.get("churn_horizon_days")),
    }
    models = []
    for target in propensity.TARGETS:
        served = serving[target.name]
        fitted = None
        if served.model_name is not None:
            horizon = horizons[target.horizon_var]
            offsets = propensity.training_offsets(horizon, pooled, horizons_back=1)
            train = propensity.pooled_snapshots(snapshots, target, offsets, columns, sample_rows)
            fitted = propensity.fit_model(
                served.model_name,
                tables.matrix(train, columns),
                train[target.label].to_numpy(dtype=int),
                columns,
                config,
            )
        models.append((target, served, fitted))

    def batches():
        for target, served, fitted in models:

            def score(batch: pa.RecordBatch, target=target, served=served, fitted=fitted):
                rows = batch.num_rows
                if fitted is None:
                    probability = pa.nulls(rows, pa.float64())
                else:
                    matrix = tables.batch_matrix(batch, columns)
                    probability = pa.array(fitted.predict_proba(matrix)[:, 1])
                return pa.record_batch(
                    [
                        batch.column(tables.KEY),
                        pa.array(np.full(rows, target.name)),
                        probability,
                        pa.array([served.model_name] * rows, pa.string()),
                        pa.array([served.not_served_reason] * rows, pa.string()),
                    ],
                    schema=SCHEMA,
                )

            where = propensity.snapshot_filter(target, 0, labelled=False)
            yield from tables.stream(snapshots, columns, score, SCHEMA, where)

    return pa.RecordBatchReader.from_batches(SCHEMA, batches())
