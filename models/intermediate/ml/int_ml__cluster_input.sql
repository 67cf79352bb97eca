-- The behaviour that clustering compares, one numeric row per profile, from
-- the features as of the as-of date. Counts become yearly rates over the
-- profile's tenure (at least 30 days), so a new customer and an old one with
-- the same habits look alike; "days since" is the whole tenure when it never
-- happened. No nulls: the Python model scales these columns as they are.
-- Grain: one row per profile_id.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

known as (
    select
        profile_id,
        cast(coalesce(tenure_days, 0) as {{ type_double() }}) as tenure_days,
        days_since_last_order,
        days_since_last_visit,
        orders_lifetime,
        sessions_lifetime,
        average_order_value,
        email_open_rate
    from features
),

final as (
    select
        profile_id,
        cast(coalesce(days_since_last_order, tenure_days) as {{ type_double() }}) as order_recency_days,
        cast(orders_lifetime as {{ type_double() }}) * 365 / greatest(tenure_days, 30) as orders_per_year,
        cast(coalesce(average_order_value, 0) as {{ type_double() }}) as average_order_value,
        cast(sessions_lifetime as {{ type_double() }}) * 365 / greatest(tenure_days, 30) as sessions_per_year,
        cast(coalesce(days_since_last_visit, tenure_days) as {{ type_double() }}) as visit_recency_days,
        tenure_days,
        cast(coalesce(email_open_rate, 0) as {{ type_double() }}) as email_open_rate
    from known
)

select * from final
