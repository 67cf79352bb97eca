"""How well clustering and propensity find what the generator planted, measured against truth.

The demo data generator knows every CRM person's behavioural archetype and, for the 30 days after
the data ends, both whether the person bought and the probability the person had of buying (the
oracle: the best score any model could give). This module compares the dbt project's ML models
with that truth, on the profiles that hold a person's CRM record:

* propensity: ROC AUC of the purchase score against what really happened, next to the oracle's
  and a recency-only ranking's, and the base rate;
* clusters: the adjusted Rand index (ARI) between clusters and archetypes, and the table of
  archetypes by cluster behind it;
* separability: how far the archetypes can be told apart at all from the clustering features.
  A gradient boosting classifier, cross-validated on the scaled features and the true archetypes,
  gives a supervised ceiling: no clustering of those features can be expected to agree with the
  archetypes much better than a model that was shown them. Each archetype's mean and standard
  deviation per scaled feature show where they overlap.

Run ``python -m open_segments_lab.ml.accuracy --customers 5000`` to generate data, build the models
the measures read (no tests) and print the report. Every file (data, warehouse, dbt target and
logs) goes under ``--workdir``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import adjusted_rand_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from open_segments.ml.preprocess import FeatureScaler
from open_segments_lab.benchmark import (
    evaluation_parser,
    prepare_evaluation,
    run_measured,
)
from open_segments_lab.dbt_launcher import dbt_command

BUILD_SELECTOR = ["+fct_propensity_scores", "+ml_clusters"]
TRUTH_PERSONS = "truth_persons.parquet"

PERSON_OF_CRM_PROFILE = """
    select m.profile_id, min(t.person_id) as person_id
    from identity.int_identity__profile_map m
    join '{truth}/truth_records.parquet' t
      on t.source_table = m.record_source and t.record_key = m.record_key
    where m.record_source = 'crm_customers'
    group by m.profile_id
"""
"""The person behind each profile that holds a CRM record (the smallest, if it merged several)."""


@dataclass(frozen=True)
class PropensityAccuracy:
    profiles: int
    base_rate: float
    model_auc: float
    oracle_auc: float
    recency_auc: float

    @property
    def gap_to_oracle(self) -> float:
        return self.oracle_auc - self.model_auc


@dataclass(frozen=True)
class ClusterAccuracy:
    profiles: int
    k: int
    adjusted_rand: float
    contingency: dict[str, dict[int, int]]  # archetype -> cluster number -> profiles


@dataclass(frozen=True)
class Separability:
    profiles: int
    supervised_adjusted_rand: float
    supervised_accuracy: float
    spread: dict[str, dict[str, tuple[float, float]]]  # archetype -> feature -> (mean, sd)


def _persons(truth_dir: Path) -> str:
    return PERSON_OF_CRM_PROFILE.format(truth=truth_dir)


def propensity_accuracy(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> PropensityAccuracy:
    """The purchase score of every CRM person's profile against the real next 30 days."""
    frame = con.execute(
        f"""
        with persons as ({_persons(truth_dir)})
        select s.probability, f.days_since_last_order,
               p.purchased_next_30d::int as bought, p.oracle_purchase_prob_30d as oracle
        from marts.fct_propensity_scores s
        join persons using (profile_id)
        join '{truth_dir}/{TRUTH_PERSONS}' p using (person_id)
        join features.int_customer__features f using (profile_id)
        where s.target = 'purchase'
        """
    ).df()
    recency = -frame.days_since_last_order.fillna(1e9)  # never ordered ranks last
    return PropensityAccuracy(
        profiles=len(frame),
        base_rate=float(frame.bought.mean()),
        model_auc=float(roc_auc_score(frame.bought, frame.probability)),
        oracle_auc=float(roc_auc_score(frame.bought, frame.oracle)),
        recency_auc=float(roc_auc_score(frame.bought, recency)),
    )


def cluster_accuracy(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> ClusterAccuracy:
    """The clusters of every CRM person's profile against the person's planted archetype."""
    frame = con.execute(
        f"""
        with persons as ({_persons(truth_dir)})
        select c.cluster_number, p.archetype
        from ml.ml_clusters c
        join persons using (profile_id)
        join '{truth_dir}/{TRUTH_PERSONS}' p using (person_id)
        """
    ).df()
    table = pd.crosstab(frame.archetype, frame.cluster_number)
    return ClusterAccuracy(
        profiles=len(frame),
        k=int(frame.cluster_number.nunique()),
        adjusted_rand=float(adjusted_rand_score(frame.archetype, frame.cluster_number)),
        contingency={
            str(archetype): {int(c): int(n) for c, n in row.items()}
            for archetype, row in table.iterrows()
        },
    )


def cluster_inputs(
    con: duckdb.DuckDBPyConnection, truth_dir: Path
) -> tuple[pd.DataFrame, list[str]]:
    """The clustering input of every CRM person's profile with its archetype, and the features
    the clustering used (as recorded in ``ml_cluster_selection``)."""
    (features,) = con.execute(
        "select features from ml.ml_cluster_selection where is_chosen"
    ).fetchone()
    columns = features.split(",")
    frame = con.execute(
        f"""
        with persons as ({_persons(truth_dir)})
        select i.profile_id, {", ".join(f"i.{c}" for c in columns)}, p.archetype
        from ml.int_ml__cluster_input i
        join persons using (profile_id)
        join '{truth_dir}/{TRUTH_PERSONS}' p using (person_id)
        order by i.profile_id
        """
    ).df()
    return frame, columns


def separability(
    values: np.ndarray, archetypes: np.ndarray, columns: list[str], folds: int = 5, seed: int = 0
) -> Separability:
    """How well the archetypes can be told apart from ``values`` (rows x ``columns``), scaled
    as the clustering scales them: a cross-validated supervised ceiling, and each archetype's
    spread."""
    scaler = FeatureScaler.fit(columns, values)
    scaled = scaler.transform(values)
    labels = np.asarray(archetypes)
    splits = StratifiedKFold(folds, shuffle=True, random_state=seed)
    predicted = cross_val_predict(
        HistGradientBoostingClassifier(random_state=seed), scaled, labels, cv=splits
    )
    spread = {
        str(archetype): {
            column: (
                float(scaled[labels == archetype, i].mean()),
                float(scaled[labels == archetype, i].std()),
            )
            for i, column in enumerate(columns)
        }
        for archetype in sorted(set(labels))
    }
    return Separability(
        profiles=len(labels),
        supervised_adjusted_rand=float(adjusted_rand_score(labels, predicted)),
        supervised_accuracy=float((predicted == labels).mean()),
        spread=spread,
    )


def render(
    propensity: PropensityAccuracy, clusters: ClusterAccuracy, separable: Separability
) -> str:
    lines = [
        f"Purchase propensity, next 30 days ({propensity.profiles:,} CRM profiles, "
        f"base rate {propensity.base_rate:.3f})",
        f"  ROC AUC  model {propensity.model_auc:.3f}   oracle {propensity.oracle_auc:.3f}   "
        f"gap {propensity.gap_to_oracle:.3f}   recency only {propensity.recency_auc:.3f}",
        "",
        f"Clusters against the planted archetypes ({clusters.profiles:,} CRM profiles, "
        f"k = {clusters.k})",
        f"  adjusted Rand index {clusters.adjusted_rand:.3f}",
        f"  supervised ceiling  {separable.supervised_adjusted_rand:.3f} "
        f"(cross-validated gradient boosting on the same features; "
        f"accuracy {separable.supervised_accuracy:.3f})",
        "",
        "Profiles per archetype and cluster",
    ]
    clusters_seen = sorted({c for row in clusters.contingency.values() for c in row})
    width = max(len(a) for a in clusters.contingency)
    lines.append("  " + " " * width + "".join(f"{c:>8}" for c in clusters_seen))
    for archetype, row in clusters.contingency.items():
        counts = "".join(f"{row.get(c, 0):>8}" for c in clusters_seen)
        lines.append(f"  {archetype:<{width}}{counts}")
    features = list(next(iter(separable.spread.values())))
    lines += ["", "Scaled features per archetype: mean (standard deviation)"]
    lines.append("  " + " " * width + "".join(f"{f[:18]:>20}" for f in features))
    for archetype, per_feature in separable.spread.items():
        cells = "".join(f"{f'{m:+.2f} ({s:.2f})':>20}" for m, s in per_feature.values())
        lines.append(f"  {archetype:<{width}}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = evaluation_parser(
        "Generate data, build the ML models, measure them against the planted truth.",
        name="ml",
        customers=5_000,
        seed=11,
    )
    args = parser.parse_args(argv)
    evaluation = prepare_evaluation(args, TRUTH_PERSONS)
    if isinstance(evaluation, int):
        return evaluation
    workdir, env, stages = evaluation.workdir, evaluation.env, evaluation.stages
    # The models only: their tests are the test suite's business, not this measurement's.
    build = dbt_command(
        ["build", "--select", *BUILD_SELECTOR,
         "--exclude", "resource_type:test", "resource_type:unit_test"],
        target_dir=workdir / "target", log_dir=workdir / "logs",
    )  # fmt: skip
    stages.append(run_measured("dbt build", build, env, workdir / "dbt_build.log"))
    for stage in stages:
        print(f"{stage.stage}: {stage.seconds:.1f} s, exit {stage.returncode}")
    if stages[-1].returncode != 0:
        print((workdir / "dbt_build.log").read_text()[-3000:], file=sys.stderr)
        return 1

    with duckdb.connect(str(evaluation.warehouse), read_only=True) as con:
        propensity = propensity_accuracy(con, evaluation.truth_dir)
        clusters = cluster_accuracy(con, evaluation.truth_dir)
        frame, columns = cluster_inputs(con, evaluation.truth_dir)
    separable = separability(frame[columns].to_numpy(float), frame.archetype.to_numpy(), columns)
    print(f"\nML accuracy at {args.customers:,} customers (seed {args.seed}); files in {workdir}\n")
    print(render(propensity, clusters, separable))
    report = {
        "customers": args.customers,
        "seed": args.seed,
        "propensity": {**asdict(propensity), "gap_to_oracle": propensity.gap_to_oracle},
        "clusters": asdict(clusters),
        "separability": asdict(separable),
    }
    (workdir / "ml_accuracy.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
