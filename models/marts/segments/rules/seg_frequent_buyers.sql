-- Frequent buyers: more than 4 purchases in the last 30 days and more than
-- 15 pages per session over the last 30 days.
with

features as (
    select * from {{ ref('int_customer__features') }}
),

final as (
    select
        profile_id,
        orders_30d,
        pages_per_session_recent
    from features
    where
        orders_30d > {{ var('frequent_buyers_min_orders_30d') }}
        and pages_per_session_recent > {{ var('frequent_buyers_min_pages_per_session') }}
)

select * from final
