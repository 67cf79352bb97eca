-- At risk: repeat buyers whose time since their last order is more than
-- twice their usual gap between orders, and who have not lapsed yet.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

final as (
    select
        profile_id,
        days_since_last_order,
        mean_days_between_orders,
        orders_lifetime
    from features
    where
        orders_lifetime >= 2
        and days_since_last_order > {{ var('at_risk_gap_multiple') }} * mean_days_between_orders
        and days_since_last_order < {{ var('lapsed_min_days') }}
)

select * from final
