"""Drift monitoring: how this build's features, scores and clusters moved since the last one.

For every clustering feature, both propensity scores and the cluster shares, the model stores
this build's quantile grid (or shares) and compares it with the stored reference of the
previous build of an earlier as-of date (the table's own previous contents): PSI and
Kolmogorov-Smirnov, from ``open_segments.ml.drift``. Rebuilding the same as-of date compares
with the same reference again. The first build has no reference (nulls).
"""

import json

import duckdb
import numpy as np
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
    total = sum(count for _, count in clusters) or 1
    shares = {str(number): count / total for number, count in sorted(clusters)}

    previous = {}
    try:
        stored = session.sql(
            f"select kind, variable, as_of_date, reference_as_of_date, summary, reference_summary "
            f"from {dbt.this}"
        ).fetchall()
    except duckdb.Error:  # first build: no table yet
        stored = []
    for kind, variable, stored_as_of, reference_as_of, summary, reference_summary in stored:
        if stored_as_of < as_of:
            previous[(kind, variable)] = (stored_as_of, summary)
        elif reference_summary is not None:  # the same date again: keep its reference
            previous[(kind, variable)] = (reference_as_of, reference_summary)

    rows = []
    for (kind, variable), values in current.items():
        grid = drift.quantile_grid(values)
        reference_as_of, reference = previous.get((kind, variable), (None, None))
        reference_grid = np.array(json.loads(reference), dtype=float) if reference else None
        rows.append(
            {
                "kind": kind,
                "variable": variable,
                "rows": len(values),
                "summary": json.dumps([round(float(q), 9) for q in grid]),
                "reference_as_of_date": reference_as_of,
                "reference_summary": reference,
                "psi": drift.psi(reference_grid, values) if reference else None,
                "ks": drift.ks(reference_grid, values) if reference else None,
            }
        )
    reference_as_of, reference = previous.get(("cluster", "cluster_share"), (None, None))
    psi = None
    if reference:
        before = json.loads(reference)
        keys = sorted(set(before) | set(shares))
        psi = drift.categorical_psi(
            [before.get(k, 0.0) for k in keys], [shares.get(k, 0.0) for k in keys]
        )
    rows.append(
        {
            "kind": "cluster",
            "variable": "cluster_share",
            "rows": total,
            "summary": json.dumps(shares, sort_keys=True),
            "reference_as_of_date": reference_as_of,
            "reference_summary": reference,
            "psi": psi,
            "ks": None,
        }
    )
    frame = pd.DataFrame(rows)
    frame.insert(0, "as_of_date", as_of)
    frame["reference_as_of_date"] = pd.to_datetime(frame["reference_as_of_date"]).dt.date
    frame["psi"] = frame["psi"].astype("Float64")
    frame["ks"] = frame["ks"].astype("Float64")
    frame["is_shifted"] = (frame["psi"] > PSI_ALERT).fillna(False).astype(bool)
    frame["reference_summary"] = frame["reference_summary"].astype("string")
    return frame
