"""Purchase propensity beside its peers, on the very rows of the project's own backtest.

The peer is the buy-till-you-die model most CRM teams reach for: BG/NBD (the ``lifetimes``
package's ``BetaGeoFitter``), fitted on each customer's order days before the backtest's test
snapshot (frequency = repeat purchase days, recency and age ``T`` in days) and ranking customers by
the purchases it expects within the horizon. The project's models (calibrated gradient boosting
and logistic regression on the snapshot features) and recency alone are read from the backtest
(``ml_reports.ml_propensity_metrics``); recency is recomputed here on the same rows as a check
that both sides see the same customers.

Run ``python -m open_segments_lab.ml.peer_comparison --warehouse <built warehouse>`` (needs the
benchmark extra: ``pip install -e '.[benchmark]'``). Profiles without an order before the snapshot
have nothing for BG/NBD to fit; they rank last, as they do for recency.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import numpy as np
from sklearn.metrics import roc_auc_score


def _test_rows(con: duckdb.DuckDBPyConnection):
    """The purchase backtest's test snapshot: offset, horizon and its labelled rows with each
    profile's order history before the snapshot, in days."""
    offset, horizon = con.execute(
        "select distinct test_snapshot_offset_days, horizon_days from ml.ml_propensity_backtest "
        "where target = 'purchase'"
    ).fetchone()
    frame = con.execute(
        """
        with order_days as (
            select profile_id, age_days - ? as age
            from features.int_features__orders
            where counts_as_order and age_days >= ?
        ),
        history as (
            select profile_id, count(*) - 1 as frequency, max(age) as first_age,
                min(age) as last_age
            from order_days
            group by profile_id
        )
        select snapshots.profile_id, snapshots.purchased_within_horizon as label,
            snapshots.days_since_last_order, history.frequency,
            history.first_age - history.last_age as recency, history.first_age as age
        from ml.int_ml__propensity_snapshots as snapshots
        left join history on snapshots.profile_id = history.profile_id
        where snapshots.snapshot_offset_days = ?
            and snapshots.purchased_within_horizon is not null
        order by snapshots.profile_id
        """,
        [offset, offset, offset],
    ).df()
    return int(offset), int(horizon), frame


def bg_nbd_scores(frame, horizon: int) -> np.ndarray:
    """Expected purchases within the horizon under BG/NBD fitted on the customers with an order
    (others: -inf)."""
    from lifetimes import BetaGeoFitter

    buyers = frame["frequency"].notna().to_numpy()
    history = frame[buyers]
    fitter = BetaGeoFitter(penalizer_coef=0.001)
    # T counts the snapshot day itself, so a first order on that day has an age of one day
    fitter.fit(history["frequency"], history["recency"], history["age"] + 1)
    scores = np.full(len(frame), -np.inf)
    scores[buyers] = fitter.conditional_expected_number_of_purchases_up_to_time(
        horizon, history["frequency"], history["recency"], history["age"] + 1
    )
    return np.where(np.isfinite(scores), scores, -1.0)


def compare(warehouse: Path) -> list[tuple[str, float | None]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        offset, horizon, frame = _test_rows(con)
        ours = con.execute(
            "select model_name, roc_auc, is_served from ml_reports.ml_propensity_metrics "
            "where target = 'purchase' order by model_name"
        ).fetchall()
    labels = frame["label"].astype(int).to_numpy()
    recency = -frame["days_since_last_order"].to_numpy(dtype=float)
    rows = [(f"{name}{' (served)' if served else ''}", auc) for name, auc, served in ours]
    rows += [
        ("recency_only, recomputed on these rows", float(roc_auc_score(labels, recency))),
        ("BG/NBD (lifetimes)", float(roc_auc_score(labels, bg_nbd_scores(frame, horizon)))),
    ]
    print(
        f"Purchase within {horizon} days of the snapshot {offset} days before the as-of date: "
        f"{len(frame):,} profiles, {labels.sum():,} bought"
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="a built DuckDB warehouse")
    args = parser.parse_args(argv)
    for name, auc in compare(args.warehouse):
        print(f"{name:<42}{'' if auc is None else f'{auc:.3f}':>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
