-- At risk: repeat buyers whose time since their last order is more than
-- gap_multiple_above times their usual gap between orders, and who have not
-- lapsed yet (the lapsed segment's threshold).
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
        and days_since_last_order > {{ segment_threshold('at_risk', 'gap_multiple_above') }} * mean_days_between_orders
        and days_since_last_order < {{ segment_threshold('lapsed', 'days_since_last_order_at_least') }}
)

{{ segment_contract('final', values={
    'days_since_last_order': 'integer', 'mean_days_between_orders': 'float', 'orders_lifetime': 'integer'}) }}
