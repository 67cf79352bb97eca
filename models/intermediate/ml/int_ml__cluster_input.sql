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
-- The web and email features are null for everyone when their source has no
-- row for any profile: 0 sessions, "never visited" and a 0 open rate would
-- describe the build, not the customers (clustering leaves such a feature
-- out; see ml_cluster_selection).
-- early_tenure_days is the tenure counted up to var cluster_tenure_max_days:
-- it tells new customers from established ones, and stops there. Beyond it,
-- how long ago someone was acquired says when they came, not how they behave
-- (the rates are already per year of tenure), and one acquisition cohort
-- spread over a few months would split into clusters that differ only by
-- their sign-up month. Past the cap it is the same for everyone, and
-- clustering leaves a feature with one value out.
-- Grain: one row per profile_id.
{%- set tenure_max_days = var('cluster_tenure_max_days') | int %}
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

-- which behavioural sources this build holds at all
sources as (
    select
        coalesce(max(case when sessions_lifetime > 0 then 1 else 0 end), 0) = 1 as has_web,
        coalesce(max(case when email_open_rate is not null then 1 else 0 end), 0) = 1 as has_email
    from features
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
        sources.has_web,
        sources.has_email,
        profiles.crm_customers_records > 0 or features.orders_lifetime > 0 as is_known_customer,
        -- first seen after the as-of date in a first-party source: no tenure yet
        cast(greatest(coalesce(
            {{ age_days('least(profiles.first_party_seen_at, features.first_order_at)') }}, 0
        ), 0) as {{ type_double() }}) as tenure_days
    from features
    inner join profiles on features.profile_id = profiles.profile_id
    cross join as_of
    cross join sources
),

final as (
    select
        profile_id,
        is_known_customer,
        cast(coalesce(days_since_last_order, tenure_days) as {{ type_double() }}) as order_recency_days,
        cast(orders_lifetime as {{ type_double() }}) * 365 / greatest(tenure_days, 30) as orders_per_year,
        cast(average_order_value as {{ type_double() }}) as average_order_value,
        case
            when has_web then cast(sessions_lifetime as {{ type_double() }}) * 365 / greatest(tenure_days, 30)
        end as sessions_per_year,
        case
            when has_web then cast(coalesce(days_since_last_visit, tenure_days) as {{ type_double() }})
        end as visit_recency_days,
        tenure_days,
        least(tenure_days, {{ tenure_max_days }}) as early_tenure_days,
        case when has_email then cast(coalesce(email_open_rate, 0) as {{ type_double() }}) end as email_open_rate
    from known
)

select * from final
