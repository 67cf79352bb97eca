-- New customers: placed their first order within the last 30 days.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

final as (
    select
        features.profile_id,
        features.first_order_at,
        features.orders_lifetime
    from features
    cross join as_of
    where
        {{ age_days('features.first_order_at') }}
        < {{ var('new_customers_max_days') }}
)

select * from final
