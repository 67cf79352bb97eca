-- High value: the top spend_rank_share_below of buyers by spend in the last
-- 365 days (ties at the boundary are all in or all out).
with

features as (
    select * from {{ ref('int_customer__features') }}
),

-- share of buyers who spent more: 0 for the biggest spender
ranked as (
    select
        profile_id,
        revenue_365d,
        percent_rank() over (order by revenue_365d desc) as spend_rank_share
    from features
    where revenue_365d > 0
),

final as (
    select
        profile_id,
        revenue_365d,
        spend_rank_share
    from ranked
    where spend_rank_share < {{ segment_threshold('high_value', 'spend_rank_share_below') }}
)

{{ segment_contract('final', values={'revenue_365d': 'decimal', 'spend_rank_share': 'float'}) }}
