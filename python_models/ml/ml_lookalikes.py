"""Lookalikes: how much every profile outside the seed segment resembles its members.

A logistic regression (log-scaled, standardised behaviour) learns to tell seed members
(var lookalike_seed_segment) from everyone else, on balanced deterministic samples; its
probability for a non-member is the similarity. Every non-member is scored in streamed
Arrow batches; fct_lookalike_scores adds percentiles.
"""

import numpy as np
import pyarrow as pa

from open_segments.ml import propensity, tables

SCHEMA = pa.schema(
    [
        ("profile_id", pa.string()),
        ("seed_segment", pa.string()),
        ("similarity", pa.float64()),
    ]
)


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    columns = list(dbt.config.get("cluster_features"))
    seed_segment = dbt.config.get("lookalike_seed_segment")
    rows = int(dbt.config.get("lookalike_training_sample"))
    source = dbt.ref("int_ml__lookalike_input")
    members = tables.sample(source, columns, rows, "is_seed")
    others = tables.sample(source, columns, rows, "not is_seed")
    features = np.vstack([tables.matrix(members, columns), tables.matrix(others, columns)])
    labels = np.concatenate([np.ones(len(members), dtype=int), np.zeros(len(others), dtype=int)])
    config = propensity.PropensityConfig(seed=int(dbt.config.get("ml_seed")))
    fitted = propensity.fit_logistic(features, labels, columns, config)

    def score(batch: pa.RecordBatch) -> pa.RecordBatch:
        similarity = fitted.predict_proba(tables.batch_matrix(batch, columns))[:, 1]
        return pa.record_batch(
            [batch.column(tables.KEY), pa.array([seed_segment] * batch.num_rows), similarity],
            schema=SCHEMA,
        )

    return tables.stream(source, columns, score, SCHEMA, "not is_seed")
