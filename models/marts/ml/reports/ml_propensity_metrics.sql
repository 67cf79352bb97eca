-- How well each propensity model ranks and calibrates on the time-based
-- holdout (ml_propensity_backtest): one row per target and model, with the
-- windows used. Compare gradient_boosting with its logistic_regression
-- baseline and with recency_only (a ranking by days since the last order:
-- fewest first for purchase, most first for churn):
-- a model that does not beat recency is not worth its complexity.
-- is_served marks the model that scores the profiles: the better ranker of
-- the two models on this holdout (gradient boosting on a tie), when it passed
-- the quality gates; not_served_reason says why none does (ml_model_gates).
-- Grain: one row per (target, model_name).
with

backtest as (
    select * from {{ ref('ml_propensity_backtest') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

pivoted as (
    select
        target,
        model_name,
        model_status,
        is_served,
        horizon_days,
        train_snapshot_offset_days,
        test_snapshot_offset_days,
        train_rows,
        test_rows,
        not_served_reason,
        {%- for measure in ['roc_auc', 'pr_auc', 'top_decile_lift', 'brier', 'base_rate'] %}
        max(case when measure = '{{ measure }}' then value end) as {{ measure }},
        {%- endfor %}
        count(*) as measures
    from backtest
    where decile is null and feature is null
    group by
        target, model_name, model_status, is_served, horizon_days,
        train_snapshot_offset_days, test_snapshot_offset_days, train_rows, test_rows,
        not_served_reason
),

final as (
    select
        pivoted.target,
        pivoted.model_name,
        pivoted.model_status,
        pivoted.is_served,
        pivoted.roc_auc,
        pivoted.pr_auc,
        pivoted.top_decile_lift,
        pivoted.brier,
        pivoted.base_rate,
        pivoted.horizon_days,
        cast({{ dbt.dateadd('day', '-pivoted.train_snapshot_offset_days', 'as_of.as_of_date') }} as date) as train_snapshot_date,
        cast({{ dbt.dateadd('day', '-pivoted.test_snapshot_offset_days', 'as_of.as_of_date') }} as date) as test_snapshot_date,
        as_of.as_of_date as labels_known_until,
        pivoted.train_rows,
        pivoted.test_rows,
        pivoted.not_served_reason
    from pivoted
    cross join as_of
)

select * from final
