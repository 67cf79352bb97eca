-- Web and app sessions before the as-of cutoff, each with the profile of its
-- cookie. Events that arrive without a session id are stitched into sessions
-- per cookie: a gap of more than `session_inactivity_minutes` starts a new one.
-- Bot traffic is left out: bot events, and cookies that are not people (they
-- have no profile). Events are grouped into sessions first and sessions
-- joined to profiles after: the join then sees sessions, not events.
-- Grain: one row per session_key.
{#- events of people before the cutoff; read twice below rather than shared
    (a shared CTE is materialized), so that each read is a filtered scan #}
{%- set event_filter -%}
web_events.event_at < as_of.as_of_cutoff
        and not web_events.is_bot
{%- endset %}
with

web_events as (
    select * from {{ ref('stg_web__events') }}
),

profile_map as (
    select * from {{ ref('int_privacy__profile_map') }}
),

as_of as (
    select * from {{ ref('int_features__as_of') }}
),

unsessioned as (
    select
        web_events.cookie_id,
        web_events.event_type,
        web_events.device_type,
        web_events.event_at,
        lag(web_events.event_at) over (partition by web_events.cookie_id order by web_events.event_at) as previous_event_at
    from web_events
    cross join as_of
    where
        web_events.session_id is null
        and {{ event_filter }}
),

stitched as (
    select
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
        web_events.cookie_id,
        web_events.session_id,
        web_events.event_type,
        web_events.device_type,
        web_events.event_at
    from web_events
    cross join as_of
    where
        web_events.session_id is not null
        and {{ event_filter }}
    union all
    select
        cookie_id,
        {{ dbt.concat(["'stitched-'", dbt.cast('stitched_number', dbt.type_string())]) }} as session_id,
        event_type,
        device_type,
        event_at
    from stitched
),

sessions as (
    select
        cookie_id,
        session_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        count(*) as events,
        sum(case when event_type in ('page_view', 'product_view') then 1 else 0 end) as pages,
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as add_to_carts,
        sum(case when event_type = 'purchase' then 1 else 0 end) as purchases,
        -- a session almost never changes device; if it does, the
        -- alphabetically first
        min(device_type) as device_type
    from keyed
    group by cookie_id, session_id
),

final as (
    select
        {{ dbt.concat(['sessions.cookie_id', "'|'", 'sessions.session_id']) }} as session_key,
        profile_map.profile_id,
        sessions.cookie_id,
        sessions.started_at,
        sessions.ended_at,
        sessions.events,
        sessions.pages,
        sessions.add_to_carts,
        sessions.purchases,
        sessions.device_type,
        {{ age_days('sessions.started_at') }} as age_days,
        {{ age_exact_days('sessions.started_at') }} as age_exact_days
    from sessions
    cross join as_of
    inner join profile_map
        on
            profile_map.record_source = 'web_cookies'
            and sessions.cookie_id = profile_map.record_key
)

select * from final
