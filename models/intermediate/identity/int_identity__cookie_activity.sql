-- Web events reduced to what identity needs, in one pass over the events:
-- per cookie and each login / form email seen on it, when it was first and
-- last seen, and whether any of its traffic was a bot's. Records and
-- identifiers read this instead of the events.
-- Grain: one row per (cookie_id, user_id, email) as seen together on events.
with

web_events as (
    select * from {{ ref('stg_web__events') }}
),

final as (
    select
        cookie_id,
        user_id,
        email,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        {{ dbt.bool_or('is_bot') }} as has_bot_events
    from web_events
    group by cookie_id, user_id, email
)

select * from final
