-- Web and app sessions of every cookie, a UTC day at a time, whatever the
-- as-of date: features read the days before their cutoff. Events that
-- arrive without a session id are stitched per cookie: a gap of more than
-- `session_inactivity_minutes` starts a new one. A session ends at midnight
-- UTC (as as-of dates do), so a day's sessions depend on that day's events
-- alone and no session straddles an as-of cutoff. Bot events are left out.
-- A login's events without a cookie are sessioned under `user:<user_id>`
-- (the visitor key of `web_events_of_days_to_rebuild`).
--
-- Incremental, a day at a time (macros/state/incremental.sql): a run
-- rebuilds the days of the events staging placed on receipt days from this
-- table's latest receipt day less `incremental_lookback_days` on, and the
-- days of events whose receipt time is unknown; the other days stay.
-- Grain: one row per session_key.
{{ config(**day_partitioned_incremental('session_day')) }}

with

-- every staged event of the days this run builds
web_events as (
    {{ web_events_of_days_to_rebuild() }}
),

day_events as (
    select
        web_events.visitor_id as cookie_id,
        web_events.session_id,
        web_events.event_type,
        web_events.device_type,
        web_events.event_at,
        web_events.receipt_day,
        cast(web_events.event_at as date) as session_day
    from web_events
    where
        web_events.visitor_id is not null
        and not web_events.is_bot
),

unsessioned as (
    select
        *,
        lag(event_at) over (partition by cookie_id, session_day order by event_at) as previous_event_at
    from day_events
    where session_id is null
),

stitched as (
    select
        *,
        -- running count of session starts on the cookie that day
        sum(
            case
                when previous_event_at is null then 1
                when {{ dbt.datediff('previous_event_at', 'event_at', 'second') }}
                    > {{ var('session_inactivity_minutes') }} * 60 then 1
                else 0
            end
        ) over (partition by cookie_id, session_day order by event_at) as stitched_number
    from unsessioned
),

keyed as (
    select
        cookie_id,
        session_id,
        event_type,
        device_type,
        event_at,
        receipt_day,
        session_day
    from day_events
    where session_id is not null
    union all
    select
        cookie_id,
        {{ dbt.concat(["'stitched-'", dbt.cast('stitched_number', dbt.type_string())]) }} as session_id,
        event_type,
        device_type,
        event_at,
        receipt_day,
        session_day
    from stitched
),

sessions as (
    select
        cookie_id,
        session_day,
        session_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        count(*) as events,
        -- counts, not sums of ones: a count is a 64-bit integer on every
        -- engine, where DuckDB widens a sum to 128 bits (slower to store and
        -- to read for every model that scans the sessions)
        count(case when event_type in ('page_view', 'product_view') then 1 end) as pages,
        count(case when event_type = 'add_to_cart' then 1 end) as add_to_carts,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        -- a session almost never changes device; if it does, the
        -- alphabetically first
        min(device_type) as device_type,
        max(receipt_day) as last_receipt_day
    from keyed
    group by cookie_id, session_day, session_id
),

final as (
    select
        {{ dbt.concat(['cookie_id', "'|'", dbt.cast('session_day', dbt.type_string()), "'|'", 'session_id']) }} as session_key,
        cookie_id,
        session_id,
        started_at,
        ended_at,
        events,
        pages,
        add_to_carts,
        purchases,
        device_type,
        last_receipt_day,
        -- the unit of incremental builds (last: a Spark partition column)
        session_day
    from sessions
)

select * from final
