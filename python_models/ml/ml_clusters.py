"""The behavioural cluster of every profile, at the k chosen by ml_cluster_selection.

Refits the chosen k on the same deterministic sample of known customers and the
features ml_cluster_selection used (absent and constant ones left out), then
assigns every profile of int_ml__cluster_input (anonymous visitors included)
in streamed Arrow batches.
"""

import numpy as np
import pyarrow as pa

from open_segments.ml import clustering, tables
from open_segments.ml.preprocess import FeatureScaler

SCHEMA = pa.schema(
    [
        ("profile_id", pa.string()),
        ("cluster_number", pa.int64()),
        ("distance_to_centroid", pa.float64()),
    ]
)


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    chosen = dbt.ref("ml_cluster_selection").filter("is_chosen").select("k, features").fetchall()
    if len(chosen) != 1:
        raise ValueError(f"ml_cluster_selection must flag exactly one k, found {len(chosen)}")
    k, features = int(chosen[0][0]), chosen[0][1]
    config = clustering.ClusteringConfig(
        method=dbt.config.get("cluster_method"), seed=int(dbt.config.get("ml_seed"))
    )
    columns = [c for c in features.split(",") if c]
    source = dbt.ref("int_ml__cluster_input")
    training_rows = int(dbt.config.get("cluster_training_sample"))
    frame = tables.sample(source, columns, training_rows, "is_known_customer")
    scaler = FeatureScaler.fit(columns, tables.matrix(frame, columns))
    clusterer, _ = clustering.fit(scaler.transform(tables.matrix(frame, columns)), k, config)

    def assign(batch: pa.RecordBatch) -> pa.RecordBatch:
        # no feature varied in the training sample: one cluster, every row at its centre
        raw = tables.batch_matrix(batch, columns) if columns else np.zeros((batch.num_rows, 0))
        scaled = scaler.transform(raw)
        numbers = clusterer.assign(scaled)
        centroids = np.vstack([np.full(len(columns), np.nan), clusterer.centroids])
        distance = np.sqrt(((scaled - centroids[numbers]) ** 2).sum(axis=1))
        return pa.record_batch([batch.column(tables.KEY), numbers, distance], schema=SCHEMA)

    return tables.stream(source, columns, assign, SCHEMA)
