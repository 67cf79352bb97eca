"""How many behavioural clusters: silhouette, Davies-Bouldin and stability for every k.

Fits the configured method on a deterministic training sample of the known
customers of int_ml__cluster_input for each k of var cluster_k_values and flags the
chosen k; ml_clusters refits that k on the features used here. Features of
var cluster_features that are absent or constant in the sample are left out,
with the reason. The logic is ``open_segments.ml``.
"""

import pandas as pd

from open_segments.ml import clustering, tables
from open_segments.ml.preprocess import FeatureScaler


def model(dbt, session):
    dbt.config(materialized="table")
    tables.limit_library_threads(dbt.config.get("dbt_threads"))
    # (dbt only passes config keys it finds in plain calls, not in comprehensions)
    k_values = dbt.config.get("cluster_k_values")
    config = clustering.ClusteringConfig(
        method=dbt.config.get("cluster_method"),
        k_values=tuple(int(k) for k in k_values),
        silhouette_sample=int(dbt.config.get("cluster_silhouette_sample")),
        bootstrap_rounds=int(dbt.config.get("cluster_bootstrap_rounds")),
        seed=int(dbt.config.get("ml_seed")),
    )
    candidates = list(dbt.config.get("cluster_features"))
    frame = tables.sample(
        dbt.ref("int_ml__cluster_input"),
        candidates,
        int(dbt.config.get("cluster_training_sample")),
        "is_known_customer",
    )
    selection = clustering.select_features(candidates, tables.matrix(frame, candidates))
    columns = list(selection.used)
    scaler = FeatureScaler.fit(columns, tables.matrix(frame, columns))
    diagnostics = clustering.select_k(scaler.transform(tables.matrix(frame, columns)), config)
    return pd.DataFrame(
        {
            "cluster_method": config.method,
            "k": [d.k for d in diagnostics],
            "silhouette": [d.silhouette for d in diagnostics],
            "davies_bouldin": [d.davies_bouldin for d in diagnostics],
            "stability_ari": [d.stability_ari for d in diagnostics],
            "inertia": [d.inertia for d in diagnostics],
            "cluster_sizes": [",".join(map(str, d.cluster_sizes)) for d in diagnostics],
            "is_chosen": [d.chosen for d in diagnostics],
            "training_rows": len(frame),
            "silhouette_rows": min(len(frame), config.silhouette_sample),
            "features": ",".join(columns),
            "dropped_features": selection.text_dropped(),
            "log_features": ",".join(
                c for c, logged in zip(columns, scaler.logged, strict=True) if logged
            ),
        }
    )
