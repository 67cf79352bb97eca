"""Lookalikes: how much every profile outside the seed segment resembles its members.

A logistic regression (log-scaled, standardised behaviour) learns to tell seed members
(var lookalike_seed_segment) from everyone else, on balanced deterministic samples; its
probability for a non-member is the similarity. Every non-member is scored in streamed
Arrow batches; fct_lookalike_scores adds percentiles. When ml_lookalike_backtest did not
serve the model (too few seed members, or it cannot tell them from the rest), every
non-member keeps a row with a null similarity and the reason.
"""

import pyarrow as pa

from open_segments.ml import lookalike, tables

SCHEMA = pa.schema(
    [
        ("profile_id", pa.string()),
        ("seed_segment", pa.string()),
        ("similarity", pa.float64()),
        ("not_served_reason", pa.string()),
    ]
)


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    columns = list(dbt.config.get("cluster_features"))
    seed_segment = dbt.config.get("lookalike_seed_segment")
    source = dbt.ref("int_ml__lookalike_input")
    served, reason = (
        dbt.ref("ml_lookalike_backtest").select("is_served, not_served_reason").fetchone()
    )
    fitted = None
    if served:
        rows = int(dbt.config.get("lookalike_training_sample"))
        features, labels = lookalike.training_set(source, columns, rows)
        fitted = lookalike.fit(features, labels, columns, int(dbt.config.get("ml_seed")))

    def score(batch: pa.RecordBatch) -> pa.RecordBatch:
        rows = batch.num_rows
        if fitted is None:
            similarity = pa.nulls(rows, pa.float64())
        else:
            similarity = pa.array(fitted.predict_proba(tables.batch_matrix(batch, columns))[:, 1])
        return pa.record_batch(
            [
                batch.column(tables.KEY),
                pa.array([seed_segment] * rows, pa.string()),
                similarity,
                pa.array([reason] * rows, pa.string()),
            ],
            schema=SCHEMA,
        )

    return tables.stream(source, columns, score, SCHEMA, "not is_seed")
