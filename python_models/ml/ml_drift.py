"""Drift monitoring: how this build's features, scores and clusters moved since the last one.

For every clustering feature, both propensity scores and the cluster shares, the model stores
this build's quantile grid (or shares) and compares it with the stored reference of the
previous build of an earlier as-of date (the table's own previous contents): PSI and
Kolmogorov-Smirnov, from ``open_segments.ml.drift``. Rebuilding the same as-of date compares
with the same reference again. The first build has no reference (nulls).
"""

import duckdb
import pandas as pd

from open_segments.ml import drift, tables

PSI_ALERT = 0.25


def model(dbt, session):
    dbt.config(materialized="table")
    as_of = dbt.ref("int_features__as_of").select("as_of_date").fetchone()[0]
    sample_rows = int(dbt.config.get("drift_sample"))
    columns = list(dbt.config.get("cluster_features"))
    features = tables.sample(dbt.ref("int_ml__cluster_input"), columns, sample_rows)
    scores = dbt.ref("ml_propensity_scores")
    current = {("feature", name): features[name].to_numpy(float) for name in columns}
    for target in ("purchase", "churn"):
        picked = tables.sample(scores, ["probability"], sample_rows, f"target = '{target}'")
        current[("score", f"{target}_probability")] = picked["probability"].to_numpy(float)
    clusters = dbt.ref("ml_clusters").aggregate("cluster_number, count(*)").fetchall()
    sizes = {str(number): count for number, count in clusters}

    try:
        stored = session.sql(
            "select kind, variable, as_of_date, reference_as_of_date, summary, reference_summary "
            f"from {dbt.this}"
        ).fetchall()
    except duckdb.Error:  # first build: no table yet
        stored = []
    frame = pd.DataFrame(drift.report(current, sizes, drift.references(stored, as_of)))
    frame.insert(0, "as_of_date", as_of)
    frame["reference_as_of_date"] = pd.to_datetime(frame["reference_as_of_date"]).dt.date
    frame["psi"] = frame["psi"].astype("Float64")
    frame["ks"] = frame["ks"].astype("Float64")
    frame["is_shifted"] = (frame["psi"] > PSI_ALERT).fillna(False).astype(bool)
    frame["reference_summary"] = frame["reference_summary"].astype("string")
    return frame
