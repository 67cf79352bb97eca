-- Which features the candidate model (served unless ml_model_gates says
-- otherwise) relies on: permutation importance on the time-based holdout (the
-- drop in ROC AUC when the feature's values are shuffled), ranked within each
-- target.
-- Grain: one row per (target, feature_name).
with

backtest as (
    select * from {{ ref('ml_propensity_backtest') }}
),

final as (
    select
        target,
        model_name,
        feature as feature_name,
        value as roc_auc_drop,
        value_std as roc_auc_drop_stddev,
        row_number() over (partition by target order by value desc, feature asc) as importance_rank
    from backtest
    where measure = 'permutation_importance'
)

select * from final
