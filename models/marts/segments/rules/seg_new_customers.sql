-- New customers: placed their first order within the last
-- first_order_age_days_below days.
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
        < {{ segment_threshold('new_customers', 'first_order_age_days_below') }}
)

{{ segment_contract('final', values={'first_order_at': 'timestamp', 'orders_lifetime': 'integer'}) }}
