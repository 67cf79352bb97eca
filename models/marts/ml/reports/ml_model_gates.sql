-- Which ML models score profiles, and why the others do not: one row per
-- gated model (purchase and churn -- the propensity models of those targets --
-- and lookalikes) with the numbers each gate judged -- training and test rows and
-- positives, the candidate's ROC AUC beside the recency-only ranking's and
-- the gain -- and the reason in words. An unserved model's scores are null
-- and its segment empty; tests/ml/warn_unserved_ml_models.sql makes the
-- build warn (var ml_unserved_model).
-- Grain: one row per model_name.
with

backtest as (
    select * from {{ ref('ml_propensity_backtest') }}
),

lookalike as (
    select * from {{ ref('ml_lookalike_backtest') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

-- the target-level columns are the same on every row of a target
propensity as (
    select
        target as model_name,
        target,
        candidate_model,
        max(case when is_served then 1 else 0 end) = 1 as is_served,
        not_served_reason,
        notes,
        history_days,
        horizon_days,
        train_rows,
        train_positives,
        test_rows,
        test_positives,
        max(case when model_name = candidate_model and measure = 'roc_auc' then value end) as model_roc_auc,
        max(case when model_name = 'recency_only' and measure = 'roc_auc' then value end) as recency_roc_auc
    from backtest
    group by
        target, candidate_model, not_served_reason, notes, history_days, horizon_days,
        train_rows, train_positives, test_rows, test_positives
),

lookalikes as (
    select
        'lookalikes' as model_name,
        seed_segment,  -- the target column of the union
        case when roc_auc is not null then 'logistic_regression' end as candidate_model,
        is_served,
        not_served_reason,
        cast(null as {{ dbt.type_string() }}) as notes,
        cast(null as {{ dbt.type_bigint() }}) as history_days,
        cast(null as {{ dbt.type_bigint() }}) as horizon_days,
        train_rows,
        train_positives,
        test_rows,
        test_positives,
        roc_auc as model_roc_auc,
        cast(null as {{ type_double() }}) as recency_roc_auc
    from lookalike
),

gated as (
    select * from propensity
    union all
    select * from lookalikes
),

final as (
    select
        as_of.as_of_date,
        gated.model_name,
        gated.target,
        gated.candidate_model,
        gated.is_served,
        gated.not_served_reason as reason,
        gated.notes,
        cast(gated.history_days as {{ dbt.type_bigint() }}) as history_days,
        cast(gated.horizon_days as {{ dbt.type_bigint() }}) as horizon_days,
        cast(gated.train_rows as {{ dbt.type_bigint() }}) as train_rows,
        cast(gated.train_positives as {{ dbt.type_bigint() }}) as train_positives,
        cast(gated.test_rows as {{ dbt.type_bigint() }}) as test_rows,
        cast(gated.test_positives as {{ dbt.type_bigint() }}) as test_positives,
        cast(gated.model_roc_auc as {{ type_double() }}) as model_roc_auc,
        cast(gated.recency_roc_auc as {{ type_double() }}) as recency_roc_auc,
        cast(gated.model_roc_auc - gated.recency_roc_auc as {{ type_double() }}) as roc_auc_gain
    from gated
    cross join as_of
)

select * from final
