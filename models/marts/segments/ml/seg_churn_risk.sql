-- Churn risk: active customers (an order in the last churn_active_days) in
-- the top deciles (var churn_risk_min_decile and above) of churn propensity:
-- the likeliest to place no order in the next churn_horizon_days.
-- Empty when the churn model is not served (ml_model_gates): its deciles
-- are null.
with

scores as (
    select * from {{ ref('fct_propensity_scores') }}
),

final as (
    select
        profile_id,
        probability as churn_probability,
        decile as churn_decile
    from scores
    where
        target = 'churn'
        and decile >= {{ var('churn_risk_min_decile') }}
)

select * from final
