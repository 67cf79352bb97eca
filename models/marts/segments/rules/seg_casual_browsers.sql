-- Casual browsers: visited in the last 30 days with fewer than 5 pages per
-- session on average, and no purchase in the last 60 days.
-- Needs web events (without them nobody has sessions and the segment is
-- empty). Without CRM orders nobody is known to have bought, so browsing
-- alone decides (registry: requires web.events, uses_if_present crm.orders).
with

features as (
    select * from {{ ref('int_customer__features') }}
),

final as (
    select
        profile_id,
        sessions_recent,
        pages_per_session_recent,
        days_since_last_order
    from features
    where
        pages_per_session_recent < {{ var('casual_browsers_max_pages_per_session') }}
        and (
            days_since_last_order is null
            or days_since_last_order >= {{ var('casual_browsers_min_days_without_order') }}
        )
)

select * from final
