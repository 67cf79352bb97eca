-- Web events reduced to what identity needs: per cookie and each login /
-- form email seen on it, when it was first and last seen, and whether any of
-- its traffic was a bot's. Sums the days of int_events__web_cookie_identities
-- (maintained incrementally), so it reads a few rows per cookie and day, not
-- every event. Records and identifiers read this instead of the events.
-- Grain: one row per (cookie_id, user_id, email) as seen together on events.
with

cookie_days as (
    select * from {{ ref('int_events__web_cookie_identities') }}
),

final as (
    select
        cookie_id,
        user_id,
        email,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        {{ dbt.bool_or('has_bot_events') }} as has_bot_events
    from cookie_days
    group by cookie_id, user_id, email
)

select * from final
