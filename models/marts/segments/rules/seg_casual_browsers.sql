-- Casual browsers: visited in the web window with fewer than
-- pages_per_session_below pages per session on average, and no purchase in
-- the last days_since_last_order_at_least days.
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
        pages_per_session_recent < {{ segment_threshold('casual_browsers', 'pages_per_session_below') }}
        and (
            days_since_last_order is null
            or days_since_last_order >= {{ segment_threshold('casual_browsers', 'days_since_last_order_at_least') }}
        )
)

{{ segment_contract('final', values={
    'sessions_recent': 'integer', 'pages_per_session_recent': 'float', 'days_since_last_order': 'integer'}) }}
