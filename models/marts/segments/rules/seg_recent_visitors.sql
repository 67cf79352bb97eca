-- Recent visitors: visited the website or app within the last 7 days (the
-- as-of date and the 6 days before it).
with

features as (
    select * from {{ ref('int_customer__features') }}
),

final as (
    select
        profile_id,
        last_visit_at,
        days_since_last_visit
    from features
    where days_since_last_visit < {{ var('recent_visitors_max_days') }}
)

select * from final
