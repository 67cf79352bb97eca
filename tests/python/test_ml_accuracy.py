"""The ML models against the generator's ground truth, end to end through `dbt build`.

The generator plants behavioural archetypes and draws every CRM person's purchases in the 30
days after the data ends from a known intensity, so the best possible score (the oracle) is
known. Measured on 5,000 generated customers, scoring the profile that holds each person's CRM
record:

* purchase propensity ranks the real next-30-day purchases clearly better than recency alone,
  and its calibrated probabilities match the observed rate per decile of the backtest;
* clusters follow the planted archetypes better than chance.

The floors below are what the models achieve today, as regression guards. They are short of
the issue's targets (ROC AUC within 0.03 of the oracle; adjusted Rand index 0.85): with this
generator even a supervised classifier on the same features reaches an adjusted Rand index of
only about 0.45, and a model trained on the true labels about 0.85 ROC AUC against the
oracle's 0.89. See the README's ML section.
"""

from __future__ import annotations

import pytest
from sklearn.metrics import adjusted_rand_score, roc_auc_score

from dbt_harness import run_dbt
from open_segments.datagen.__main__ import main as generate

CUSTOMERS = 5_000

PERSON_OF_CRM_PROFILE = """
    select m.profile_id, min(t.person_id) as person_id
    from identity.int_identity__profile_map m
    join '{truth}/truth_records.parquet' t
      on t.source_table = m.record_source and t.record_key = m.record_key
    where m.record_source = 'crm_customers'
    group by m.profile_id
"""


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("ml_accuracy")
    raw = folder / "raw"
    args = ["--customers", str(CUSTOMERS), "--seed", "11", "--out", str(raw), "--no-progress"]
    assert generate(args) == 0
    run = run_dbt(folder / "dbt", ["build"], str(raw / "{source}_{table}.parquet"))
    assert run.returncode == 0, run.output[-4000:]
    return run, raw / "truth"


def test_purchase_propensity_beats_recency_against_the_real_future(build) -> None:
    run, truth = build
    frame = (
        run.connect()
        .execute(
            f"""
            with persons as ({PERSON_OF_CRM_PROFILE.format(truth=truth)})
            select s.probability, f.days_since_last_order,
                   p.purchased_next_30d::int as bought, p.oracle_purchase_prob_30d as oracle
            from marts.fct_propensity_scores s
            join persons using (profile_id)
            join '{truth}/truth_persons.parquet' p using (person_id)
            join features.int_customer__features f using (profile_id)
            where s.target = 'purchase'
            """
        )
        .df()
    )
    assert len(frame) >= 0.95 * CUSTOMERS
    model = roc_auc_score(frame.bought, frame.probability)
    oracle = roc_auc_score(frame.bought, frame.oracle)
    recency = roc_auc_score(frame.bought, -frame.days_since_last_order.fillna(1e9))
    assert model >= recency + 0.02, (model, recency)
    assert model >= oracle - 0.08, (model, oracle)


def test_backtest_is_calibrated_and_beats_its_baselines(build) -> None:
    run, _ = build
    con = run.connect()
    metrics = {
        (target, name): (auc, brier)
        for target, name, auc, brier in con.execute(
            "select target, model_name, roc_auc, brier from marts.ml_propensity_metrics"
        ).fetchall()
    }
    for target in ("purchase", "churn"):
        boosted, _ = metrics[(target, "gradient_boosting")]
        assert boosted > metrics[(target, "recency_only")][0] + 0.02, target
        assert boosted >= metrics[(target, "logistic_regression")][0] - 0.01, target
    deciles = con.execute(
        "select mean_probability, observed_rate, profiles from marts.ml_propensity_deciles "
        "where target = 'purchase' order by decile"
    ).fetchall()
    assert len(deciles) == 10
    for predicted, observed, profiles in deciles:
        # within four binomial standard errors of the predicted rate, plus 2 points
        spread = 4 * (predicted * (1 - predicted) / profiles) ** 0.5 + 0.02
        assert abs(predicted - observed) <= spread, (predicted, observed, profiles)


def test_clusters_follow_the_planted_archetypes(build) -> None:
    run, truth = build
    con = run.connect()
    frame = con.execute(
        f"""
        with persons as ({PERSON_OF_CRM_PROFILE.format(truth=truth)})
        select c.cluster_number, p.archetype
        from ml.ml_clusters c
        join persons using (profile_id)
        join '{truth}/truth_persons.parquet' p using (person_id)
        """
    ).df()
    assert adjusted_rand_score(frame.archetype, frame.cluster_number) >= 0.1
    chosen = con.execute(
        "select k, silhouette_rows, training_rows from ml.ml_cluster_selection where is_chosen"
    ).fetchall()
    assert len(chosen) == 1
    k, silhouette_rows, training_rows = chosen[0]
    assert 3 <= k <= 8 and silhouette_rows <= 5_000 < training_rows
    labels = con.execute("select count(distinct cluster_label) from marts.ml_cluster_profiles")
    assert labels.fetchone()[0] >= 2


def test_lookalikes_resemble_the_seed_segment(build) -> None:
    run, _ = build
    con = run.connect()
    seed = con.execute("select count(*) from marts.seg_high_value").fetchone()[0]
    scored = con.execute("select count(*) from marts.fct_lookalike_scores").fetchone()[0]
    profiles = con.execute("select count(*) from ml.int_ml__lookalike_input").fetchone()[0]
    assert seed > 0 and scored == profiles - seed
    # the most alike non-members spend far more than the other non-members
    lookalike, rest = con.execute(
        """
        select
            avg(case when s.percentile >= 95 then f.revenue_365d end),
            avg(case when s.percentile < 95 then f.revenue_365d end)
        from marts.fct_lookalike_scores s
        join features.int_customer__features f using (profile_id)
        """
    ).fetchone()
    assert lookalike > 3 * rest, (lookalike, rest)
