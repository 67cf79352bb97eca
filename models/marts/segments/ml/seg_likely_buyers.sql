-- Likely buyers: profiles in the top deciles (var likely_buyers_min_decile
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
        and decile >= {{ var('likely_buyers_min_decile') }}
)

select * from final
