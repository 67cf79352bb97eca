-- Lapsed: bought before, but the last order is
-- days_since_last_order_at_least days old or older.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

final as (
    select
        profile_id,
        days_since_last_order,
        orders_lifetime
    from features
    where days_since_last_order >= {{ segment_threshold('lapsed', 'days_since_last_order_at_least') }}
)

{{ segment_contract('final', values={'days_since_last_order': 'integer', 'orders_lifetime': 'integer'}) }}
