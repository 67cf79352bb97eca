-- What identity resolution needs from the web events, one UTC day at a time:
-- per cookie and each login (user id) and form email seen with it that day,
-- when they were first and last seen, and whether any of the traffic was a
-- bot's. int_identity__cookie_activity sums the days, so identity reads a
-- few rows per cookie and day instead of every event. Events without a
-- user id or email keep their nulls, as the events have them; a login's
-- events without a cookie are under `user:<user_id>` (the visitor key of
-- `web_events_of_days_to_rebuild`), so identity links them by the login.
--
-- Incremental, a day at a time, like int_events__web_sessions.
-- Grain: one row per (cookie_id, user_id, email, activity_day).
{{ config(**day_partitioned_incremental('activity_day')) }}

with

-- every staged event of the days this run builds
web_events as (
    {{ web_events_of_days_to_rebuild() }}
),

final as (
    select
        web_events.visitor_id as cookie_id,
        web_events.user_id,
        web_events.email,
        min(web_events.event_at) as first_seen_at,
        max(web_events.event_at) as last_seen_at,
        {{ dbt.bool_or('web_events.is_bot') }} as has_bot_events,
        max(web_events.receipt_day) as last_receipt_day,
        -- the unit of incremental builds (last: a Spark partition column)
        cast(web_events.event_at as date) as activity_day
    from web_events
    group by
        web_events.visitor_id,
        web_events.user_id,
        web_events.email,
        cast(web_events.event_at as date)
)

select * from final
