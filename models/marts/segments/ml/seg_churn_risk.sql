-- Churn risk: active customers (an order in the last churn_active_days) in
-- the top deciles (threshold decile_at_least and above) of churn propensity:
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
        and decile >= {{ segment_threshold('churn_risk', 'decile_at_least') }}
)

{{ segment_contract('final', values={'churn_probability': 'float', 'churn_decile': 'integer'}) }}
