-- Lapsed: bought before, but the last order is 180 days old or older.
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
    where days_since_last_order >= {{ var('lapsed_min_days') }}
)

select * from final
