-- Web and app sessions before the as-of cutoff, each with the profile of its
-- cookie. Events that arrive without a session id are stitched into sessions
-- per cookie: a gap of more than `session_inactivity_minutes` starts a new one.
-- Bot traffic is left out (see int_features__web_events).
-- Grain: one row per session_key.
with

events as (
    select * from {{ ref('int_features__web_events') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

unsessioned as (
    select
        profile_id,
        cookie_id,
        event_type,
        device_type,
        event_at,
        lag(event_at) over (partition by cookie_id order by event_at) as previous_event_at
    from events
    where session_id is null
),

stitched as (
    select
        profile_id,
        cookie_id,
        event_type,
        device_type,
        event_at,
        -- running count of session starts on the cookie: the session number
        sum(
            case
                when previous_event_at is null then 1
                when {{ dbt.datediff('previous_event_at', 'event_at', 'second') }}
                    > {{ var('session_inactivity_minutes') }} * 60 then 1
                else 0
            end
        ) over (partition by cookie_id order by event_at) as stitched_number
    from unsessioned
),

keyed as (
    select
        profile_id,
        cookie_id,
        {{ dbt.concat(['cookie_id', "'|'", 'session_id']) }} as session_key,
        event_type,
        device_type,
        event_at
    from events
    where session_id is not null
    union all
    select
        profile_id,
        cookie_id,
        {{ dbt.concat(['cookie_id', "'|stitched-'", dbt.cast('stitched_number', dbt.type_string())]) }} as session_key,
        event_type,
        device_type,
        event_at
    from stitched
),

sessions as (
    select
        session_key,
        profile_id,
        cookie_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        count(*) as events,
        sum(case when event_type in ('page_view', 'product_view') then 1 else 0 end) as pages,
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as add_to_carts,
        sum(case when event_type = 'purchase' then 1 else 0 end) as purchases,
        -- the device of the session's first event (ties: alphabetical)
        min_by(device_type, {{ named_struct([('at', 'event_at'), ('device', 'device_type')]) }}) as device_type
    from keyed
    group by session_key, profile_id, cookie_id
),

final as (
    select
        sessions.*,
        {{ age_days('sessions.started_at') }} as age_days,
        {{ age_exact_days('sessions.started_at') }} as age_exact_days
    from sessions
    cross join as_of
)

select * from final
