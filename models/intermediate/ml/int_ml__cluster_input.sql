-- The behaviour that clustering compares, one numeric row per profile, from
-- the features as of the as-of date. Counts become yearly rates over the
-- customer's tenure (at least 30 days), so a new customer and an old one with
-- the same habits look alike. The tenure starts when the profile was first
-- seen in a first-party source or first ordered, whichever came first: a
-- data provider's delivery date says nothing of how long someone has been a
-- customer. Order recency is the whole tenure for a profile that never
-- ordered; the average order value is null then (it does not exist, and 0
-- would sit further from every buyer than any two buyers sit from each
-- other): the Python models put the training median in its place.
-- is_known_customer marks the profiles clustering is fitted on: a CRM record
-- or an order. Anonymous visitors are assigned to the nearest cluster but do
-- not shape the clusters (they have no orders and no tenure as customers).
-- Grain: one row per profile_id.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

profiles as (
    select * from {{ ref('int_customer__unified_profiles') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

known as (
    select
        features.profile_id,
        features.days_since_last_order,
        features.days_since_last_visit,
        features.orders_lifetime,
        features.sessions_lifetime,
        features.average_order_value,
        features.email_open_rate,
        profiles.crm_customers_records > 0 or features.orders_lifetime > 0 as is_known_customer,
        -- first seen after the as-of date in a first-party source: no tenure yet
        cast(greatest(coalesce(
            {{ age_days('least(profiles.first_party_seen_at, features.first_order_at)') }}, 0
        ), 0) as {{ type_double() }}) as tenure_days
    from features
    inner join profiles on features.profile_id = profiles.profile_id
    cross join as_of
),

final as (
    select
        profile_id,
        is_known_customer,
        cast(coalesce(days_since_last_order, tenure_days) as {{ type_double() }}) as order_recency_days,
        cast(orders_lifetime as {{ type_double() }}) * 365 / greatest(tenure_days, 30) as orders_per_year,
        cast(average_order_value as {{ type_double() }}) as average_order_value,
        cast(sessions_lifetime as {{ type_double() }}) * 365 / greatest(tenure_days, 30) as sessions_per_year,
        cast(coalesce(days_since_last_visit, tenure_days) as {{ type_double() }}) as visit_recency_days,
        tenure_days,
        cast(coalesce(email_open_rate, 0) as {{ type_double() }}) as email_open_rate
    from known
)

select * from final
