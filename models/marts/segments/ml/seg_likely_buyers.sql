-- Likely buyers: profiles in the top deciles (threshold decile_at_least
-- and above) of purchase propensity for the next propensity_horizon_days.
-- Empty when the purchase model is not served (ml_model_gates): its
-- deciles are null.
with

scores as (
    select * from {{ ref('fct_propensity_scores') }}
),

final as (
    select
        profile_id,
        probability as purchase_probability,
        decile as purchase_decile
    from scores
    where
        target = 'purchase'
        and decile >= {{ segment_threshold('likely_buyers', 'decile_at_least') }}
)

{{ segment_contract('final', values={'purchase_probability': 'float', 'purchase_decile': 'integer'}) }}
